/**
 * The page cache of incremental re-audits, in the store (SQLite or PostgreSQL): per site and
 * final page URL, the validators the server sent, a hash of the body, and the parsed page as
 * gzip'd JSON (~2 KB a page). Rows written by another version of the parser are ignored (their artifact may lack
 * what this version extracts) and replaced as pages are fetched again; rows of pages a
 * complete run no longer saw are deleted, so the cache follows the site. Beside them, rows of
 * their own hold the last run's snapshot of its pages (src/gather/page-snapshot.ts).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { batches, type Store } from './store.ts';
import { ensureSite } from './runs.ts';
import { artifactFormat, type PageCache, type StoredPage, type Validators } from '../gather/page-cache.ts';

const FLUSH_EVERY = 200;
/** The snapshot's rows (src/gather/page-snapshot.ts): `url` is not a URL, so no page or document row has it. */
const SNAPSHOT_URL = '#snapshot/';
const SNAPSHOT_FORMAT = 'snapshot-2:';

export function openPageCache(db: Store, origin: string, runId: number, opts: { reuse: boolean }): PageCache {
  const siteId = ensureSite(db, origin);
  const format = artifactFormat();
  // Only the small part is read up front (validators and hashes); artifacts are read one by one when reused.
  const known = new Map<string, { v: Validators; hash: string }>();
  if (opts.reuse) {
    for (const r of db.all(db.q.selectFrom('page_cache').select(['url', 'etag', 'last_modified', 'body_hash']).where('site_id', '=', siteId).where('format', '=', format))) {
      const v: Validators = {};
      if (r.etag) v.etag = r.etag;
      if (r.last_modified) v.lastModified = r.last_modified;
      known.set(r.url, { v, hash: r.body_hash });
    }
  }
  // Saves and touches are written in batches, a transaction each (one round trip per batch on PostgreSQL).
  const saves = new Map<string, { url: string; etag: string | null; last_modified: string | null; body_hash: string; artifact: Buffer }>();
  const touches = new Map<string, { url: string; etag: string | null; last_modified: string | null }>();
  // Pages answered with the validators they had (the usual 304): only seen_run changes, many rows a statement.
  let seen: string[] = [];
  const flush = () => {
    if (!saves.size && !touches.size && !seen.length) return;
    const rows = [...saves.values()].map((r) => ({ ...r, site_id: siteId, format, seen_run: runId }));
    const touched = [...touches.values()];
    const unchanged = seen;
    saves.clear();
    touches.clear();
    seen = [];
    db.tx(() => {
      for (const b of batches(rows, 8, 100)) {
        db.run(
          db.q.insertInto('page_cache').values(b).onConflict((oc) =>
            oc.columns(['site_id', 'url']).doUpdateSet((eb) => ({
              etag: eb.ref('excluded.etag'), last_modified: eb.ref('excluded.last_modified'), body_hash: eb.ref('excluded.body_hash'),
              format: eb.ref('excluded.format'), seen_run: eb.ref('excluded.seen_run'), artifact: eb.ref('excluded.artifact'),
            })),
          ),
        );
      }
      for (const t of touched) {
        db.run(db.q.updateTable('page_cache').set({ etag: t.etag, last_modified: t.last_modified, seen_run: runId }).where('site_id', '=', siteId).where('url', '=', t.url));
      }
      markSeen(db, siteId, runId, unchanged);
    });
  };
  const pending = () => saves.size + touches.size + seen.length;

  return {
    reuse: opts.reuse,
    conditional(url) {
      const k = known.get(url);
      return k && (k.v.etag || k.v.lastModified) ? k.v : undefined;
    },
    hash: (url) => known.get(url)?.hash,
    load(url) {
      const blob = db.get(db.q.selectFrom('page_cache').select('artifact').where('site_id', '=', siteId).where('url', '=', url).where('format', '=', format))?.artifact;
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
      touches.delete(url);
      saves.set(url, { url, etag: v.etag ?? null, last_modified: v.lastModified ?? null, body_hash: hash, artifact: blob });
      if (pending() >= FLUSH_EVERY) flush();
    },
    touch(url, v) {
      const was = known.get(url);
      known.delete(url);
      const saved = saves.get(url);
      if (saved) Object.assign(saved, { etag: v.etag ?? null, last_modified: v.lastModified ?? null });
      else if (was && sameValidators(was.v, v)) seen.push(url);
      else touches.set(url, { url, etag: v.etag ?? null, last_modified: v.lastModified ?? null });
      if (pending() >= FLUSH_EVERY) flush();
    },
    drop(url) {
      known.delete(url);
    },
    snapshot() {
      if (!opts.reuse) return [];
      return db.all(db.q.selectFrom('page_cache').select(['url', 'artifact']).where('site_id', '=', siteId).where('format', '=', SNAPSHOT_FORMAT + format).orderBy('id')).map((r) => ({ id: r.url, blob: r.artifact }));
    },
    keepSnapshot(chunks, keep = []) {
      // Rows of their own (not URLs), made over in one transaction, so a snapshot is never half one run's:
      // the chunks kept stay in place (new rows come after them), the others go.
      db.tx(() => {
        let drop = db.q.deleteFrom('page_cache').where('site_id', '=', siteId).where('url', 'like', `${SNAPSHOT_URL}%`);
        if (keep.length) drop = drop.where('url', 'not in', keep);
        db.run(drop);
        if (keep.length) db.run(db.q.updateTable('page_cache').set({ seen_run: runId }).where('site_id', '=', siteId).where('url', 'in', keep));
        let i = 0;
        for (const artifact of chunks) {
          db.run(db.q.insertInto('page_cache').values({ site_id: siteId, url: `${SNAPSHOT_URL}${runId}.${i++}`, etag: null, last_modified: null, body_hash: '', format: SNAPSHOT_FORMAT + format, seen_run: runId, artifact }));
        }
      });
    },
    finish(complete) {
      flush();
      if (complete) db.run(db.q.deleteFrom('page_cache').where('site_id', '=', siteId).where('seen_run', '<', runId));
    },
  };
}

const sameValidators = (a: Validators, b: Validators) => (a.etag ?? null) === (b.etag ?? null) && (a.lastModified ?? null) === (b.lastModified ?? null);

/** Marks rows of the site seen by this run (validators unchanged): one UPDATE … WHERE url IN (…) per 500 URLs. */
export function markSeen(db: Store, siteId: number, runId: number, urls: string[], format?: string): void {
  for (let i = 0; i < urls.length; i += 500) {
    let q = db.q.updateTable('page_cache').set({ seen_run: runId }).where('site_id', '=', siteId).where('url', 'in', urls.slice(i, i + 500));
    if (format) q = q.where('format', '=', format);
    db.run(q);
  }
}
