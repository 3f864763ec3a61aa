/**
 * Page texts kept out of the JS heap. The visible text is the largest part of a crawled page
 * (~1.5 KB a page of two-byte Chinese, ~75 MB for a 50,000-page portal) and a few audits read
 * it once each. Here it is written (UTF-8) to a temporary file, unlinked at once so nothing is
 * left behind, and `page.text` becomes an enumerable getter that reads it back: audits stay
 * pure functions over plain-looking artifacts (JSON.stringify, spread and structuredClone see
 * the text), and the file is closed when the run's artifacts are collected.
 *
 * The getter is one function shared by every page and sits where the text property was, so the
 * pages keep one hidden class (a data property turned into an accessor later would put each
 * page in dictionary mode, costing more than the text).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shorter texts stay on the page: a spilled one costs two fields and an offset. */
const MIN_CHARS = 256;

const SPILL = Symbol('textSpill');
const INDEX = Symbol('textIndex');

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch { /* already closed */ }
});

export class TextSpill {
  private readonly fd: number;
  private end = 0;
  /** Start offset of text i at [2i], its end at [2i + 1] (texts adopted from a snapshot need not follow each other). */
  private offsets = new Float64Array(2048);
  private count = 0;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-text-'));
    const path = join(dir, 'texts');
    this.fd = openSync(path, 'w+');
    unlinkSync(path);
    rmdirSync(dir);
    closer.register(this, this.fd);
  }

  put(text: string): number {
    const start = this.putRaw(Buffer.from(text, 'utf8'));
    return this.adopt(start, this.end);
  }

  /** Texts already encoded (UTF-8, back to back: a snapshot's) written at once; returns the file offset they start at. */
  putRaw(bytes: Buffer): number {
    const start = this.end;
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at, bytes.length - at, start + at);
    this.end += bytes.length;
    return start;
  }

  /** The text at file bytes [start, end) (written by putRaw) as a text of its own: its index, as put() returns. */
  adopt(start: number, end: number): number {
    if (2 * this.count + 2 > this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[2 * this.count] = start;
    this.offsets[2 * this.count + 1] = end;
    return this.count++;
  }

  get(i: number): string {
    return this.bytes(i).toString('utf8');
  }

  /** Text i as it is in the file (UTF-8), not decoded. */
  bytes(i: number): Buffer {
    const start = this.offsets[2 * i];
    const buf = Buffer.allocUnsafe(this.offsets[2 * i + 1] - start);
    for (let at = 0; at < buf.length; ) {
      const n = readSync(this.fd, buf, at, buf.length - at, start + at);
      if (n === 0) throw new Error('page text file ended early');
      at += n;
    }
    return buf;
  }
}

interface Spilled {
  [SPILL]: TextSpill;
  [INDEX]: number;
}

function getText(this: Spilled): string {
  return this[SPILL].get(this[INDEX]);
}

/** Assigning a text makes it a plain property again (that page only). */
function setText(this: Spilled, value: string): void {
  Object.defineProperty(this, 'text', { value, writable: true, enumerable: true, configurable: true });
}

const ACCESSOR: PropertyDescriptor = { get: getText, set: setText, enumerable: true, configurable: true };

/**
 * The same page with its text in `spill` (a new object with the same properties in the same
 * order); a short text leaves the page as it is.
 */
export function spillText<T extends { text: string }>(page: T, spill: TextSpill): T {
  if (page.text.length < MIN_CHARS) return page;
  return spilledAt(page, spill, spill.put(page.text));
}

/** The UTF-8 bytes of a spilled page's text, read back undecoded; undefined for a page whose text is on it. */
export function spilledBytes(page: object): Buffer | undefined {
  const s = page as Partial<Spilled>;
  return s[SPILL] && s[INDEX] !== undefined && Object.getOwnPropertyDescriptor(page, 'text')?.get === getText ? s[SPILL].bytes(s[INDEX]) : undefined;
}

/** The same page with its text being text `index` of `spill` (whatever `page.text` holds now). */
export function spilledAt<T extends { text: string }>(page: T, spill: TextSpill, index: number): T {
  // Each property is defined, not assigned: V8 turns an object given more than a dozen
  // properties by computed-key assignment (out[k] = v) into a dictionary (~1.6 KB a page, half
  // of a crawled page's heap); defined ones keep it a fast object with the shared hidden class.
  const out = {} as Record<string | symbol, unknown>;
  for (const k of Object.keys(page)) {
    if (k === 'text') Object.defineProperty(out, 'text', ACCESSOR);
    else Object.defineProperty(out, k, { value: (page as Record<string, unknown>)[k], writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(out, SPILL, { value: spill, writable: true });
  Object.defineProperty(out, INDEX, { value: index, writable: true });
  return out as T;
}
