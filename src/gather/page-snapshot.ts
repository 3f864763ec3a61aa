/**
 * A run's pages kept whole for the next run (incremental re-audits). The page cache's rows keep
 * each page on its own (gzip'd JSON): a re-audit that read them back would read, gunzip, parse
 * and intern 10,000 pages again (~5 s of a 10,000-page re-audit's CPU). The snapshot keeps the
 * run's pages as the crawl left them, in chunks of SNAPSHOT_CHUNK pages, each one V8
 * structured-clone blob (v8.serialize: the objects pages share — template links, menus, logos —
 * stay shared through it, so nothing is interned again) followed by the pages' texts, UTF-8,
 * back to back (written straight into the next run's text file, never decoded on the way).
 * A stored row stays the authority: a page is taken from the snapshot only when the snapshot's
 * body hash is its row's, else it is loaded from its row as before.
 *
 * Each chunk starts with its pages' URLs, outside the gzip'd part, so a re-audit knows where every
 * page is without opening any chunk and opens a chunk only when the crawl reaches one of its pages
 * (not the whole snapshot at the start: memory). A chunk whose pages came back unchanged is kept
 * as it is for the run after (nothing serialized or compressed again); the pages that changed go
 * into a new chunk, and where a URL is in several chunks, the last one has its newest form.
 */
import v8 from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StoredPage } from './page-cache.ts';

/** Pages a chunk: a chunk's buffers are made and read one at a time (memory on large sites). */
export const SNAPSHOT_CHUNK = 500;

/** A page as the snapshot keeps it; a long text (`page.text` is then '') is at bytes `text` of its chunk's texts. */
export interface SnapshotEntry {
  /** Final URL (the page cache's key). */
  url: string;
  /** The body hash of the answer the page was parsed from (the page cache row's). */
  hash: string;
  page: StoredPage;
  text?: [number, number];
}

/**
 * One chunk: 4-byte length of the URL list, the entries' URLs (UTF-8, one a line, in the entries'
 * order), then gzip(4-byte length of the V8 part, the V8 part (the entries), the texts).
 */
export function encodeSnapshotChunk(entries: (Omit<SnapshotEntry, 'text'> & { textBytes?: Buffer })[]): Buffer {
  const texts: Buffer[] = [];
  let at = 0;
  const list: SnapshotEntry[] = entries.map(({ textBytes, ...e }) => {
    if (!textBytes) return e;
    texts.push(textBytes);
    const range: [number, number] = [at, at + textBytes.length];
    at += textBytes.length;
    return { ...e, text: range };
  });
  const head = v8.serialize(list);
  const urls = Buffer.from(list.map((e) => e.url).join('\n'), 'utf8');
  const body = gzipSync(Buffer.concat([u32(head.length), head, ...texts]), { level: 1 });
  // One buffer of its own size (gzipSync's result can be a view of a bigger one).
  return Buffer.concat([u32(urls.length), urls, body]);
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

/** The URLs of a chunk's pages, in its entries' order, read without opening it; undefined when it cannot be read. */
export function snapshotUrls(blob: Buffer): string[] | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32LE(0);
  if (4 + len > blob.length) return undefined;
  return len ? blob.toString('utf8', 4, 4 + len).split('\n') : [];
}

/** The entries and texts of a chunk; undefined when it cannot be read (then the rows serve). */
export function decodeSnapshotChunk(blob: Buffer): { entries: SnapshotEntry[]; texts: Buffer } | undefined {
  try {
    const raw = gunzipSync(blob.subarray(4 + blob.readUInt32LE(0)));
    const len = raw.readUInt32LE(0);
    const entries = v8.deserialize(raw.subarray(4, 4 + len)) as SnapshotEntry[];
    if (!Array.isArray(entries)) return undefined;
    return { entries, texts: raw.subarray(4 + len) };
  } catch {
    return undefined;
  }
}
