/**
 * JSON written to a file piece by piece, byte for byte what `JSON.stringify(value, null, 1)`
 * gives. A 50,000-page site's report.json lists every page and every linking page of every
 * link (over 100 MB): stringified at once, that is one string of twice its size in memory
 * (Chinese text makes it two-byte) plus its UTF-8 copy. Here the top-level object and the
 * arrays under it are walked, and each element is stringified alone and written out in
 * chunks of about a megabyte.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { collectIfGrown } from '../gather/gc.ts';

const CHUNK = 1 << 20;

export function writeJsonFile(path: string, value: unknown): void {
  const fd = openSync(path, 'w');
  try {
    let buf = '';
    const flush = () => {
      const bytes = Buffer.from(buf, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      buf = '';
      // Each element's text is garbage once written: a synchronous walk over a big report would
      // otherwise let V8 grow the heap by the report's size before it collects.
      collectIfGrown();
    };
    const out = (s: string) => {
      buf += s;
      if (buf.length >= CHUNK) flush();
    };
    emit(value, '', 0, out);
    flush();
  } finally {
    closeSync(fd);
  }
}

/** Containers down to this depth are walked; below, elements are stringified whole. */
const WALK_DEPTH = 2;

function emit(value: unknown, indent: string, depth: number, out: (s: string) => void): void {
  if (depth >= WALK_DEPTH || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    // The same text JSON.stringify(value, null, 1) gives at this indent (strings never hold a raw newline).
    const s = JSON.stringify(value, null, 1);
    out(indent && s.includes('\n') ? s.replace(/\n/g, '\n' + indent) : s);
    return;
  }
  const inner = indent + ' ';
  if (Array.isArray(value)) {
    if (!value.length) return out('[]');
    out('[');
    for (let i = 0; i < value.length; i++) {
      out(i ? ',\n' + inner : '\n' + inner);
      const v = value[i];
      // As JSON.stringify does: what has no JSON form is null in an array.
      emit(v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v, inner, depth + 1, out);
    }
    out('\n' + indent + ']');
    return;
  }
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    // …and left out of an object.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out((first ? '{\n' : ',\n') + inner + JSON.stringify(k) + ': ');
    first = false;
    emit(v, inner, depth + 1, out);
  }
  out(first ? '{}' : '\n' + indent + '}');
}
