/**
 * What an incremental re-audit remembers of each page between runs: the validators its server
 * sent (ETag, Last-Modified), a hash of its body, and its parsed artifact. The crawl sends the
 * validators back (If-None-Match / If-Modified-Since); a 304, or a 200 whose body hashes the
 * same, reuses the stored artifact instead of parsing again, so the audits still see the whole
 * site. Implemented over the store (src/store/page-cache.ts); the crawl only sees this interface.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PageArtifact } from './artifacts.ts';
import { packagePath } from '../package-root.ts';

/** The sources that decide what a stored page holds: any change to them makes the stored pages stale. */
const SHAPING_SOURCES = ['artifacts.ts', 'parse.ts', 'extract-urls.ts', 'dates.ts', 'url.ts', 'decode.ts', 'crawl.ts', 'page-cache.ts', 'page-snapshot.ts'];
let format: string | undefined;

/**
 * The version of the stored pages: a hash of the parser's own sources, so that a zhaocuo whose
 * parser extracts something new (or differently) never reuses pages an older one stored — the
 * first run after an upgrade fetches everything again, as with --full.
 */
export function artifactFormat(): string {
  if (format) return format;
  const h = createHash('sha256');
  for (const f of SHAPING_SOURCES) {
    try {
      h.update(readFileSync(packagePath('src', 'gather', f)));
    } catch {
      h.update(`missing ${f}`);
    }
  }
  format = h.digest('base64url').slice(0, 16);
  return format;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** A page as the cache keeps it: the artifact without what belongs to one run (its URL as linked, depth, timing). */
export type StoredPage = Omit<PageArtifact, 'url' | 'depth' | 'fromSitemap' | 'timingMs'>;

export interface PageCache {
  /** Whether stored pages may be reused (false with --full: every page is fetched and parsed again, and stored afresh). */
  readonly reuse: boolean;
  /** The validators to send with a GET of this (final) URL, when reuse is on and the page is stored. */
  conditional(url: string): Validators | undefined;
  /** The body hash stored for this final URL (reuse on only). */
  hash(url: string): string | undefined;
  /** The stored page, or undefined (never stored, or unreadable). */
  load(url: string): StoredPage | undefined;
  /** Stores a freshly parsed page with its validators and body hash. */
  save(url: string, v: Validators, hash: string, page: StoredPage): void;
  /** The page was reused: keep it (and record validators the server may have changed). */
  touch(url: string, v: Validators): void;
  /** Forgets one URL for this run (a 304 for a page that could not be loaded: fetch it again in full). */
  drop(url: string): void;
  /** The last run's snapshot of its pages (chunks, see ./page-snapshot.ts, each with its id), in order, read when reuse is on; none: []. */
  snapshot?(): SnapshotChunkRow[];
  /**
   * Makes this run's snapshot: the last one's chunks named in `keep` as they are (in their order),
   * then `chunks`, new ones, after them; the last one's other chunks are dropped.
   */
  keepSnapshot?(chunks: Iterable<Buffer>, keep?: string[]): void;
  /** Writes what is pending; with `complete`, also forgets the pages this run did not see. */
  finish(complete: boolean): void;
}

export interface SnapshotChunkRow {
  id: string;
  blob: Buffer;
}

/** The validators in a response's headers. */
export function validatorsOf(headers: Record<string, string>): Validators {
  const v: Validators = {};
  if (headers.etag) v.etag = headers.etag;
  if (headers['last-modified']) v.lastModified = headers['last-modified'];
  return v;
}

/** What tells an unchanged body from a changed one when the server sends no validators. */
export function bodyHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 32);
}

/** How many pages a run reused, and how. */
export interface IncrementalStats {
  /** Answered 304 Not Modified: no body sent. */
  notModified: number;
  /** Sent again in full, with the same content (the hash matched): not parsed again. */
  sameContent: number;
  /** Stored before, changed since: parsed again. */
  changed: number;
  /** Not stored before (new pages, or the first run): parsed. */
  fresh: number;
}
