// A GBK encoder built by inverting Node's (ICU) GBK decoder once, lazily.
// Only the legacy section of the sample portal needs it.

let table: Map<number, number> | null = null;

function buildTable(): Map<number, number> {
  // Every 2-byte GBK code, each followed by '\n' so that an invalid pair cannot shift the rest:
  // the decoder emits U+FFFD (+ the trail byte if it is ASCII) and resynchronises at the '\n'.
  const codes: number[] = [];
  const bytes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      codes.push((lead << 8) | trail);
      bytes.push(lead, trail, 0x0a);
    }
  }
  const text = new TextDecoder('gbk').decode(Uint8Array.from(bytes));
  const parts = text.split('\n');
  const map = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) {
    const s = parts[i];
    if (s === undefined || s.length !== 1) continue;
    const cp = s.charCodeAt(0);
    if (cp === 0xfffd || cp < 0x80) continue;
    if (!map.has(cp)) map.set(cp, codes[i]);
  }
  return map;
}

function getTable(): Map<number, number> {
  if (!table) table = buildTable();
  return table;
}

/** Encode a string as GBK; characters GBK cannot represent become '?'. */
export function encodeGbk(s: string): Buffer {
  const t = getTable();
  const out = Buffer.allocUnsafe(s.length * 2);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    const code = t.get(c);
    if (code === undefined) {
      out[n++] = 0x3f; // '?'
      continue;
    }
    out[n++] = code >> 8;
    out[n++] = code & 0xff;
  }
  return out.subarray(0, n);
}

/** Characters of `s` that GBK cannot encode (empty when all can). */
export function gbkUnencodable(s: string): string[] {
  const t = getTable();
  const bad = new Set<string>();
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 && !t.has(c)) bad.add(ch);
  }
  return [...bad];
}
