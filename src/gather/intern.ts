/**
 * One copy of each repeated value across a crawl's pages. A portal's template repeats the same
 * nav and footer links, logos, mailto: links, search form and menu lists on every page: kept
 * once each, a 50,000-page site's artifacts take a fraction of the memory (and the audits see
 * the same values). Shared objects are frozen, so no code can change one page's link and,
 * without knowing it, every other page's.
 */
import { createHash } from 'node:crypto';

/** Keys longer than this are hashed: a unique list's JSON would otherwise cost as much as the list. */
const HASH_KEYS_OVER = 256;

export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly objects = new Map<string, object>();

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
    let key = JSON.stringify(o);
    if (key.length > HASH_KEYS_OVER) key = createHash('sha256').update(key).digest('base64');
    const have = this.objects.get(key);
    if (have !== undefined) return have as T;
    this.objects.set(key, deepFreeze(o));
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
