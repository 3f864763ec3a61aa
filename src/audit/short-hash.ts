/**
 * A short, stable, non-cryptographic hash (cyrb53) for grouping keys inside audits. Pure
 * JavaScript, so audits that use it also run in the extension (no node:crypto there).
 */
export function shortHash(s: string): string {
  return cyrb53(s).toString(16).padStart(14, '0').slice(0, 10);
}

/** cyrb53 of a string as a number (53 bits: a collision ~1e-7 likely among 50,000 keys), for Map keys that should not be the string. */
export function cyrb53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
