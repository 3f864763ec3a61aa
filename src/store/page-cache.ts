/**
 * The page cache of incremental re-audits, in SQLite: per site and final page URL, the
 * validators the server sent, a hash of the body, and the parsed page as gzip'd JSON (~2 KB a
 * page). Rows written by another version of the parser are ignored (their artifact may lack
 * what this version extracts) and replaced as pages are fetched again; rows of pages a
 * complete run no longer saw are deleted, so the cache follows the site.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DB } from './db.ts';
import { ensureSite } from './runs.ts';
import { artifactFormat, type PageCache, type StoredPage, type Validators } from '../gather/page-cache.ts';

interface Row {
  url: string;
  etag: string | null;
  last_modified: string | null;
  body_hash: string;
}

const FLUSH_EVERY = 200;

export function openPageCache(db: DB, origin: string, runId: number, opts: { reuse: boolean }): PageCache {
  const siteId = ensureSite(db, origin);
  const format = artifactFormat();
  // Only the small part is read up front (validators and hashes); artifacts are read one by one when reused.
  const known = new Map<string, { v: Validators; hash: string }>();
  if (opts.reuse) {
    for (const r of db.prepare('SELECT url, etag, last_modified, body_hash FROM page_cache WHERE site_id = ? AND format = ?').iterate(siteId, format) as IterableIterator<Row>) {
      const v: Validators = {};
      if (r.etag) v.etag = r.etag;
      if (r.last_modified) v.lastModified = r.last_modified;
      known.set(r.url, { v, hash: r.body_hash });
    }
  }
  const getArtifact = db.prepare('SELECT artifact FROM page_cache WHERE site_id = ? AND url = ? AND format = ?').pluck();
  const upsert = db.prepare(
    `INSERT INTO page_cache (site_id, url, etag, last_modified, body_hash, format, seen_run, artifact) VALUES (?,?,?,?,?,?,?,?)
     ON CONFLICT(site_id, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, body_hash = excluded.body_hash,
       format = excluded.format, seen_run = excluded.seen_run, artifact = excluded.artifact`,
  );
  const touchRow = db.prepare('UPDATE page_cache SET etag = ?, last_modified = ?, seen_run = ? WHERE site_id = ? AND url = ?');
  const pending: (() => void)[] = [];
  const flush = () => {
    if (!pending.length) return;
    const batch = pending.splice(0);
    db.transaction(() => {
      for (const op of batch) op();
    }).immediate();
  };
  const queue = (op: () => void) => {
    pending.push(op);
    if (pending.length >= FLUSH_EVERY) flush();
  };

  return {
    reuse: opts.reuse,
    conditional(url) {
      const k = known.get(url);
      return k && (k.v.etag || k.v.lastModified) ? k.v : undefined;
    },
    hash: (url) => known.get(url)?.hash,
    load(url) {
      const blob = getArtifact.get(siteId, url, format) as Buffer | undefined;
      if (!blob) return undefined;
      try {
        return JSON.parse(gunzipSync(blob).toString('utf8')) as StoredPage;
      } catch {
        return undefined;
      }
    },
    save(url, v, hash, page) {
      known.delete(url);
      const blob = gzipSync(JSON.stringify(page), { level: 3 });
      queue(() => upsert.run(siteId, url, v.etag ?? null, v.lastModified ?? null, hash, format, runId, blob));
    },
    touch(url, v) {
      known.delete(url);
      queue(() => touchRow.run(v.etag ?? null, v.lastModified ?? null, runId, siteId, url));
    },
    drop(url) {
      known.delete(url);
    },
    finish(complete) {
      flush();
      if (complete) db.prepare('DELETE FROM page_cache WHERE site_id = ? AND seen_run < ?').run(siteId, runId);
    },
  };
}
