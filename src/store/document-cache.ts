/**
 * The document cache of incremental re-audits (src/gather/document-cache.ts), kept in the
 * page_cache table beside the pages, as rows of their own format: validators, the answer's
 * status and headers, and a file's body, gzip'd. Rows are written with the run's id, so the page
 * cache's clean-up after a complete run (rows this run did not see) forgets documents the site
 * no longer links to as well.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { batches, lastPerKey, type Store } from './store.ts';
import { ensureSite } from './runs.ts';
import { DOCUMENT_FORMAT as FORMAT } from './page-cache.ts';
import type { DocumentCache, StoredDocument } from '../gather/document-cache.ts';
import type { Validators } from '../gather/page-cache.ts';

/** Saves and touches are written in batches of this many, a transaction each. */
const FLUSH_EVERY = 500;

interface Row {
  url: string;
  etag: string | null;
  last_modified: string | null;
  artifact: Buffer;
}

function encode(doc: StoredDocument): Buffer {
  const head = Buffer.from(JSON.stringify({ status: doc.status, headers: doc.headers, body: Boolean(doc.body) }) + '\n');
  // A document without a body (a link target's answer, ~150 bytes) is kept as it is: gzip saves
  // nothing on it, and a re-audit would gunzip one per target (~40 µs each, mostly zlib's set-up).
  if (!doc.body) return head;
  // A copy of exactly its size: gzipSync's result is a view of a 16 KB output chunk, and thousands
  // of them held until the flush kept ~60 MB alive on a 10,000-page first run.
  return Buffer.from(gzipSync(Buffer.concat([head, doc.body]), { level: 3 }));
}

const gzipped = (blob: Buffer) => blob.length > 1 && blob[0] === 0x1f && blob[1] === 0x8b;

function decode(blob: Buffer): StoredDocument | undefined {
  try {
    // gzip'd (a body, or a row an earlier zhaocuo wrote) or the JSON line alone, which starts with '{'.
    const raw = gzipped(blob) ? gunzipSync(blob) : blob;
    const nl = raw.indexOf(10);
    const head = JSON.parse(raw.subarray(0, nl).toString('utf8')) as { status: number; headers: Record<string, string>; body: boolean };
    return { status: head.status, headers: head.headers, ...(head.body ? { body: raw.subarray(nl + 1) } : {}) };
  } catch {
    return undefined;
  }
}

export function openDocumentCache(db: Store, origin: string, runId: number, opts: { reuse: boolean }): DocumentCache {
  const siteId = ensureSite(db, origin);
  const rows = new Map<string, Row>();
  if (opts.reuse) {
    for (const r of db.all(db.q.selectFrom('page_cache').select(['url', 'etag', 'last_modified', 'artifact']).where('site_id', '=', siteId).where('format', '=', FORMAT))) rows.set(r.url, r);
  }
  let saves: { url: string; etag: string | null; last_modified: string | null; artifact: Buffer }[] = [];
  let touches: { url: string; etag: string | null; last_modified: string | null }[] = [];
  // A document answered with the validators it had (the usual 304) writes nothing; the rows read
  // at the start that this run never asked for are forgotten by finish().
  const seen = new Set<string>();
  const flush = () => {
    if (!saves.length && !touches.length) return;
    const saved = lastPerKey(saves, (r) => r.url).map((r) => ({ ...r, site_id: siteId, body_hash: '', format: FORMAT, seen_run: runId }));
    const touched = touches;
    saves = [];
    touches = [];
    db.tx(() => {
      // A page's row is never replaced by a document's (the same URL verified with a HEAD as well).
      for (const b of batches(saved, 8, 100)) {
        db.run(
          db.q.insertInto('page_cache').values(b).onConflict((oc) =>
            oc
              .columns(['site_id', 'url'])
              .doUpdateSet((eb) => ({ etag: eb.ref('excluded.etag'), last_modified: eb.ref('excluded.last_modified'), seen_run: eb.ref('excluded.seen_run'), artifact: eb.ref('excluded.artifact') }))
              .where('page_cache.format', '=', FORMAT),
          ),
        );
      }
      for (const t of touched) {
        db.run(db.q.updateTable('page_cache').set({ etag: t.etag, last_modified: t.last_modified, seen_run: runId }).where('site_id', '=', siteId).where('url', '=', t.url).where('format', '=', FORMAT));
      }
    });
  };
  return {
    get(url) {
      const r = rows.get(url);
      if (!r || (!r.etag && !r.last_modified)) return undefined;
      const doc = decode(r.artifact);
      if (!doc) return undefined;
      const v: Validators = {};
      if (r.etag) v.etag = r.etag;
      if (r.last_modified) v.lastModified = r.last_modified;
      return { ...doc, v };
    },
    save(url, v, doc) {
      seen.add(url);
      saves.push({ url, etag: v.etag ?? null, last_modified: v.lastModified ?? null, artifact: encode(doc) });
      if (saves.length + touches.length >= FLUSH_EVERY) flush();
    },
    touch(url, v) {
      seen.add(url);
      const r = rows.get(url);
      if (!r || r.etag !== (v.etag ?? null) || r.last_modified !== (v.lastModified ?? null)) touches.push({ url, etag: v.etag ?? null, last_modified: v.lastModified ?? null });
      if (saves.length + touches.length >= FLUSH_EVERY) flush();
    },
    flush,
    finish(complete) {
      flush();
      // Without reuse every document this run saw was written again, and the page cache's clean-up forgets the rest.
      if (!complete || !opts.reuse) return;
      const gone = [...rows.keys()].filter((u) => !seen.has(u));
      db.tx(() => {
        for (let i = 0; i < gone.length; i += 500) db.run(db.q.deleteFrom('page_cache').where('site_id', '=', siteId).where('format', '=', FORMAT).where('url', 'in', gone.slice(i, i + 500)));
      });
    },
  };
}
