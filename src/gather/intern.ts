/**
 * One copy of each repeated value across a crawl's pages. A portal's template repeats the same
 * nav and footer links, logos, mailto: links, search form and menu lists on every page: kept
 * once each, a 50,000-page site's artifacts take a fraction of the memory (and the audits see
 * the same values). Shared objects are frozen, so no code can change one page's link and,
 * without knowing it, every other page's.
 */
import { cyrb53 } from '../audit/short-hash.ts';

export class Interner {
  private readonly strings = new Map<string, string>();
  /**
   * Kept objects by a 30-bit hash of their JSON (a small integer: no key string or number is
   * allocated per entry). Keyed by the JSON itself, the keys of a 50,000-page crawl's distinct
   * links took 56 MB while the crawl ran. A hit is confirmed by comparing the data, so two
   * objects that share a hash are both kept (the second in `collided`), never mixed up.
   */
  private readonly objects = new Map<number, object>();
  private readonly collided = new Map<number, object[]>();

  /** The one copy of a string (long ones, page texts, are left alone: they are rarely repeated). */
  str<T extends string | undefined | null>(s: T): T {
    if (typeof s !== 'string' || s.length > 2000) return s;
    const have = this.strings.get(s);
    if (have !== undefined) return have as T;
    this.strings.set(s, s);
    return s;
  }

  /**
   * The one (frozen) copy of a plain-data object equal to `o` as JSON: `o` itself the first
   * time. Its strings should be interned first (the kept copy holds them).
   */
  obj<T extends object>(o: T): T {
    const key = cyrb53(JSON.stringify(o)) & 0x3fffffff;
    const have = this.objects.get(key);
    if (have === undefined) {
      this.objects.set(key, deepFreeze(o));
      return o;
    }
    if (sameData(have, o)) return have as T;
    const more = this.collided.get(key);
    for (const other of more ?? []) if (sameData(other, o)) return other as T;
    if (more) more.push(deepFreeze(o));
    else this.collided.set(key, [deepFreeze(o)]);
    return o;
  }

  /** An array of strings, each interned, the array itself shared when another page has the same. */
  strs(list: string[]): string[] {
    if (!list.length) return EMPTY;
    for (let i = 0; i < list.length; i++) list[i] = this.str(list[i]);
    return this.obj(list);
  }

  /** Each element of an array shared, the array itself too (empty ones are one frozen array). */
  each<T extends object>(list: T[]): T[] {
    if (!list.length) return EMPTY;
    for (let i = 0; i < list.length; i++) list[i] = this.obj(list[i]);
    return list;
  }
}

const EMPTY = Object.freeze([]) as unknown as never[];

/** Equal as plain data (what JSON would write): same keys, same values, arrays in the same order. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
