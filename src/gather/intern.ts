/**
 * One copy of each repeated value across a crawl's pages. A portal's template repeats the same
 * nav and footer links, logos, mailto: links, search form and menu lists on every page: kept
 * once each, a 50,000-page site's artifacts take a fraction of the memory (and the audits see
 * the same values). Shared objects are frozen, so no code can change one page's link and,
 * without knowing it, every other page's.
 */
import { isDeepStrictEqual } from 'node:util';
import { cyrb53 } from '../audit/short-hash.ts';

/** The interner's key of an object's JSON: 30 bits of its hash, a small integer (nothing allocated per entry). */
export const internKey = (json: string): number => cyrb53(json) & 0x3fffffff;

export class Interner {
  private readonly strings = new Map<string, string>();
  /**
   * Kept objects by internKey of their JSON: keyed by the JSON itself, the keys of a 50,000-page
   * crawl's distinct links took 56 MB while the crawl ran. A hit is confirmed by comparing the
   * data (util.isDeepStrictEqual), so two objects that share a key are both kept (the second in
   * `collided`), never mixed up.
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
    const key = internKey(JSON.stringify(o));
    const have = this.objects.get(key);
    if (have === undefined) {
      this.objects.set(key, deepFreeze(o));
      return o;
    }
    if (isDeepStrictEqual(have, o)) return have as T;
    const more = this.collided.get(key);
    for (const other of more ?? []) if (isDeepStrictEqual(other, o)) return other as T;
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

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
