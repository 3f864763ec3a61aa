// Seeded randomness and day arithmetic for the sample portal.
// Everything the generator decides goes through an Rng, so one seed gives one site, byte for byte.

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string (used to derive independent sub-streams). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private readonly r: () => number;
  constructor(readonly seed: number) {
    this.r = mulberry32(seed);
  }
  /** A float in [0, 1). */
  next(): number {
    return this.r();
  }
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.r() * (max - min + 1));
  }
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error('pick from empty array');
    return arr[Math.floor(this.r() * arr.length)];
  }
  /** `n` distinct elements (or all of them, shuffled, if n >= length). */
  sample<T>(arr: readonly T[], n: number): T[] {
    return this.shuffle(arr.slice()).slice(0, n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.r() * (i + 1));
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }
  /**
   * An independent stream derived from this stream's seed and a label. It does not depend on how
   * many numbers this stream has already produced, so adding content in one place does not shift
   * the choices made elsewhere.
   */
  fork(label: string | number): Rng {
    return new Rng((Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ hashString(String(label))) >>> 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Days. A "day number" is the count of whole days since 1970-01-01 (UTC); dates carry no zone.

export const DAY_MS = 86_400_000;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → day number; throws on an invalid date. */
export function parseIsoDay(s: string): number {
  const m = ISO_DAY.exec(s);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${s}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`invalid date: ${s}`);
  }
  return Math.round(t / DAY_MS);
}

export interface DayParts {
  y: number;
  m: number;
  d: number;
}

export function dayParts(day: number): DayParts {
  const dt = new Date(day * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function dayFromParts(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

const p2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** day number → 'YYYY-MM-DD' */
export function isoDay(day: number): string {
  const { y, m, d } = dayParts(day);
  return `${y}-${p2(m)}-${p2(d)}`;
}

/** 'YYYY-MM-DD' + n days → 'YYYY-MM-DD' */
export function addDays(iso: string, n: number): string {
  return isoDay(parseIsoDay(iso) + n);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return parseIsoDay(b) - parseIsoDay(a);
}

/** The date formats seen in list pages of real portals. */
export type DateFormat = 'dash' | 'bracket' | 'slash' | 'dot' | 'cn';

export function formatDay(day: number, fmt: DateFormat): string {
  const { y, m, d } = dayParts(day);
  switch (fmt) {
    case 'dash':
      return `${y}-${p2(m)}-${p2(d)}`;
    case 'bracket':
      return `[${y}-${p2(m)}-${p2(d)}]`;
    case 'slash':
      return `${y}/${p2(m)}/${p2(d)}`;
    case 'dot':
      return `${y}.${p2(m)}.${p2(d)}`;
    case 'cn':
      return `${y}年${p2(m)}月${p2(d)}日`;
  }
}

/** 'YYYYMMDD' */
export function compactDay(day: number): string {
  const { y, m, d } = dayParts(day);
  return `${y}${p2(m)}${p2(d)}`;
}

/** 'YYYYMM' */
export function compactMonth(day: number): string {
  const { y, m } = dayParts(day);
  return `${y}${p2(m)}`;
}

/** Chinese date without zero padding, as in document signatures: 2026年11月8日 */
export function cnDay(day: number): string {
  const { y, m, d } = dayParts(day);
  return `${y}年${m}月${d}日`;
}

export function pad2(n: number): string {
  return p2(n);
}
