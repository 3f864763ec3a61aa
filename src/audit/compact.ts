/**
 * Compact site-wide tallies for the audits of a big site. Counting every text line of 50,000
 * pages in a Map<string, number> kept ~100 MB alive (a key per line, and the substrings V8 makes
 * with split() keep each page's whole text alive), and an object per link of every page in
 * lists by URL cost as much again. Here lines and other keys are counted by a 64-bit hash in
 * typed arrays, and links are kept as (page, link) index pairs grouped by key, turned back into
 * objects only for the key that is asked for. Pure JavaScript (the extension runs audits too).
 */

/** The hash table doubles when it is half full. */
const GROW_AT = 0.5;

let h1 = 0;
let h2 = 0;

/** Two independent 32-bit hashes of s[start, end) into h1, h2 (64 bits together: collisions are ~1e-9 at a million keys). */
function hash(s: string, start: number, end: number): void {
  let a = 0x811c9dc5 ^ (end - start);
  let b = 0x9747b28c;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  h1 = (a ^ (a >>> 16)) >>> 0;
  h2 = (b ^ (b >>> 16)) >>> 0;
}

/**
 * How many groups (pages) have each string, each group counting a string once: counts up to
 * 255 (they are compared with small thresholds). Two strings with the same 64-bit hash would
 * share a count; at a million distinct strings that is a one-in-a-billion chance per run, and
 * the only effect is that a line could be taken for one repeated on several pages.
 */
export class GroupCounts {
  private k1: Uint32Array;
  private k2: Uint32Array;
  private counts: Uint8Array;
  /** The group that last counted each slot (so a group counts a string once); dropped by done(). */
  private stamps: Int32Array | null;
  private size = 0;
  private group = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity / GROW_AT) cap *= 2;
    this.k1 = new Uint32Array(cap);
    this.k2 = new Uint32Array(cap);
    this.counts = new Uint8Array(cap);
    this.stamps = new Int32Array(cap);
  }

  /** Starts the next group: what is added from now on counts once for it. */
  nextGroup(): void {
    this.group++;
  }

  /** Counts s for the current group. */
  add(s: string): void {
    this.addRange(s, 0, s.length);
  }

  /** Counts each line (split at \n, as String.split does) of at most maxLen characters for the current group. */
  addLines(text: string, maxLen: number): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      if (end - start <= maxLen) this.addRange(text, start, end);
      if (nl < 0) return;
      start = nl + 1;
    }
  }

  /**
   * The hashes addLines(text, maxLen) counts, two numbers a line (each line once): what a page
   * contributes, kept without its text (src/audit/page-parts.ts).
   */
  static lineHashes(text: string, maxLen: number): Uint32Array {
    const out: number[] = [];
    const seen = new Set<string>();
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      if (end - start <= maxLen) {
        hash(text, start, end);
        const k = `${h1}.${h2}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push(h1, h2);
        }
      }
      if (nl < 0) return Uint32Array.from(out);
      start = nl + 1;
    }
  }

  /** How many groups had s (at most 255). */
  count(s: string): number {
    hash(s, 0, s.length);
    const mask = this.k1.length - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      if (this.counts[i] === 0) return 0;
      if (this.k1[i] === h1 && this.k2[i] === h2) return this.counts[i];
    }
  }

  /** No more adding: the per-slot group stamps go. */
  done(): this {
    this.stamps = null;
    return this;
  }

  /** Counts the strings of `hashes` (as lineHashes gives them) for the current group. */
  addHashes(hashes: Uint32Array): void {
    for (let j = 0; j + 1 < hashes.length; j += 2) {
      h1 = hashes[j];
      h2 = hashes[j + 1];
      this.addHashed();
    }
  }

  private addRange(s: string, start: number, end: number): void {
    hash(s, start, end);
    this.addHashed();
  }

  /** Counts the string whose hashes are in h1, h2. */
  private addHashed(): void {
    const stamps = this.stamps;
    if (!stamps) throw new Error('GroupCounts: done() was called');
    const mask = this.k1.length - 1;
    let i = h1 & mask;
    for (; this.counts[i] !== 0; i = (i + 1) & mask) {
      if (this.k1[i] === h1 && this.k2[i] === h2) {
        if (stamps[i] !== this.group) {
          stamps[i] = this.group;
          if (this.counts[i] < 255) this.counts[i]++;
        }
        return;
      }
    }
    this.k1[i] = h1;
    this.k2[i] = h2;
    this.counts[i] = 1;
    stamps[i] = this.group;
    if (++this.size > this.k1.length * GROW_AT) this.grow();
  }

  private grow(): void {
    const { k1, k2, counts } = this;
    const stamps = this.stamps!;
    const cap = k1.length * 2;
    const mask = cap - 1;
    this.k1 = new Uint32Array(cap);
    this.k2 = new Uint32Array(cap);
    this.counts = new Uint8Array(cap);
    this.stamps = new Int32Array(cap);
    for (let j = 0; j < k1.length; j++) {
      if (counts[j] === 0) continue;
      let i = k1[j] & mask;
      while (this.counts[i] !== 0) i = (i + 1) & mask;
      this.k1[i] = k1[j];
      this.k2[i] = k2[j];
      this.counts[i] = counts[j];
      this.stamps[i] = stamps[j];
    }
  }
}

/**
 * (a, b) integer pairs grouped by a string key, in the order they were added: e.g. (page
 * index, link index) of every link, by the URL it points to. Built with add() in one pass, then
 * done(); 8 bytes a pair and one Map entry a key (the key strings are the callers', not copied).
 */
export class PairsByKey {
  private readonly ids = new Map<string, number>();
  private n = 0;
  /** While adding: key id, a and b of each pair, in order. */
  private keyOf: Int32Array | null = new Int32Array(1024);
  private aOf: Int32Array = new Int32Array(1024);
  private bOf: Int32Array = new Int32Array(1024);
  /** After done(): pairs of key id k at [start[k], start[k + 1]). */
  private start: Int32Array = new Int32Array(0);

  add(key: string, a: number, b: number): void {
    if (!this.keyOf) throw new Error('PairsByKey: done() was called');
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.ids.size));
    if (this.n === this.keyOf.length) {
      const grow = (x: Int32Array) => {
        const y = new Int32Array(x.length * 2);
        y.set(x);
        return y;
      };
      this.keyOf = grow(this.keyOf);
      this.aOf = grow(this.aOf);
      this.bOf = grow(this.bOf);
    }
    this.keyOf[this.n] = id;
    this.aOf[this.n] = a;
    this.bOf[this.n] = b;
    this.n++;
  }

  /** No more adding: the pairs are sorted by key (stably) into their final arrays. */
  done(): this {
    const keyOf = this.keyOf;
    if (!keyOf) return this;
    const start = new Int32Array(this.ids.size + 1);
    for (let i = 0; i < this.n; i++) start[keyOf[i] + 1]++;
    for (let k = 0; k < this.ids.size; k++) start[k + 1] += start[k];
    const fill = start.slice(0, this.ids.size);
    const a = new Int32Array(this.n);
    const b = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const at = fill[keyOf[i]]++;
      a[at] = this.aOf[i];
      b[at] = this.bOf[i];
    }
    this.start = start;
    this.aOf = a;
    this.bOf = b;
    this.keyOf = null;
    return this;
  }

  /** Keys in the order first added. */
  keys(): IterableIterator<string> {
    return this.ids.keys();
  }

  /** How many pairs a key has. */
  count(key: string): number {
    const id = this.ids.get(key);
    return id === undefined ? 0 : this.start[id + 1] - this.start[id];
  }

  /** Calls fn(a, b) for each pair of key, in the order added. */
  forEach(key: string, fn: (a: number, b: number) => void): void {
    if (this.keyOf) throw new Error('PairsByKey: call done() first');
    const id = this.ids.get(key);
    if (id === undefined) return;
    for (let i = this.start[id]; i < this.start[id + 1]; i++) fn(this.aOf[i], this.bOf[i]);
  }

  /** fn(a, b) of each pair of key, in the order added. */
  map<T>(key: string, fn: (a: number, b: number) => T): T[] {
    const out: T[] = [];
    this.forEach(key, (a, b) => out.push(fn(a, b)));
    return out;
  }
}
