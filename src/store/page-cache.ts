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
/** page_cache.format of a document row (src/store/document-cache.ts); a page row's is the parser's hash. */
export const DOCUMENT_FORMAT = 'document-1';
/** The audits' kept page parts (src/store/page-parts.ts): rows of their own, which the page clean-up leaves. */
export const PAGE_PARTS_FORMAT = 'page-parts-1';

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
  // A page answered with the validators it had (the usual 304) writes nothing: its row is as it was
  // (rewriting ~9,800 rows of ~3 KB to mark them seen cost a re-audit ~0.3 s and ~40 MB of WAL).
  const saves = new Map<string, { url: string; etag: string | null; last_modified: string | null; body_hash: string; artifact: Buffer }>();
  const touches = new Map<string, { url: string; etag: string | null; last_modified: string | null }>();
  /** Rows dropped for this run (unreadable): forgotten at the end unless the page was saved again. */
  const dropped = new Set<string>();
  const flush = () => {
    if (!saves.size && !touches.size) return;
    const rows = [...saves.values()].map((r) => ({ ...r, site_id: siteId, format, seen_run: runId }));
    const touched = [...touches.values()];
    saves.clear();
    touches.clear();
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
    });
  };
  const pending = () => saves.size + touches.size;

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
      dropped.delete(url);
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
      else if (!was || !sameValidators(was.v, v)) touches.set(url, { url, etag: v.etag ?? null, last_modified: v.lastModified ?? null });
      if (pending() >= FLUSH_EVERY) flush();
    },
    drop(url) {
      if (known.delete(url)) dropped.add(url);
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
      if (!complete) return;
      // --full: every row this run saw was written again; the others go.
      if (!opts.reuse) return void db.run(db.q.deleteFrom('page_cache').where('site_id', '=', siteId).where('seen_run', '<', runId));
      // Reusing: the rows read at the start and never asked for since (pages the site no longer has),
      // and rows of another parser's format; the document cache forgets its own (DocumentCache.finish).
      const gone = [...known.keys(), ...dropped];
      db.tx(() => {
        for (let i = 0; i < gone.length; i += 500) db.run(db.q.deleteFrom('page_cache').where('site_id', '=', siteId).where('format', '=', format).where('url', 'in', gone.slice(i, i + 500)));
        db.run(db.q.deleteFrom('page_cache').where('site_id', '=', siteId).where('format', 'not in', [format, DOCUMENT_FORMAT, SNAPSHOT_FORMAT + format, PAGE_PARTS_FORMAT]));
      });
      known.clear();
      dropped.clear();
    },
  };
}

const sameValidators = (a: Validators, b: Validators) => (a.etag ?? null) === (b.etag ?? null) && (a.lastModified ?? null) === (b.lastModified ?? null);
