/**
 * Where the audits' page parts (src/audit/page-parts.ts) are kept between runs: rows of their own
 * in the page_cache table, one per part and site (`url` '#page-parts/<part id>', which no page or
 * document has), each one gzip'd v8.serialize of [version, keys, results]. A run writes each part
 * it used whole, with only this run's pages, so what is kept follows the site. The pages' body
 * hashes are the page rows' (the crawl's, written before the audits run).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Store } from './store.ts';
import { ensureSite } from './runs.ts';
import { artifactFormat } from '../gather/page-cache.ts';
import { PAGE_PARTS_FORMAT } from './page-cache.ts';
import type { KeptPart, PagePartStore } from '../audit/page-parts.ts';
import { packagePath } from '../package-root.ts';

const PREFIX = '#page-parts/';
const FORMAT = PAGE_PARTS_FORMAT;

/**
 * Opened before the crawl: the rows are marked seen by this run at once, so the page cache's
 * clean-up at the crawl's end (rows a complete run did not see) leaves them for the audits.
 */
export function openPagePartStore(db: Store, origin: string, runId: number, opts: { reuse: boolean }): PagePartStore {
  const siteId = ensureSite(db, origin);
  db.run(db.q.updateTable('page_cache').set({ seen_run: runId }).where('site_id', '=', siteId).where('url', 'like', `${PREFIX}%`));
  let hashes: Map<string, string> | undefined;
  return {
    codeVersion: `${auditSourcesHash()}.${artifactFormat()}`,
    hashOf(finalUrl) {
      // Read after the crawl's clean-up: every page row left is one of this run's pages, with the hash of
      // the body this run saw (a 304 leaves its row, a changed page's row is written again).
      hashes ??= new Map(db.all(db.q.selectFrom('page_cache').select(['url', 'body_hash']).where('site_id', '=', siteId).where('format', '=', artifactFormat())).map((r) => [r.url, r.body_hash]));
      return hashes.get(finalUrl) || undefined;
    },
    load(partId) {
      if (!opts.reuse) return undefined;
      const blob = db.get(db.q.selectFrom('page_cache').select('artifact').where('site_id', '=', siteId).where('url', '=', PREFIX + partId).where('format', '=', FORMAT))?.artifact;
      if (!blob) return undefined;
      try {
        const [version, keys, results] = v8.deserialize(gunzipSync(blob)) as [string, string[], unknown[]];
        return { version, results: new Map(keys.map((k, i) => [k, results[i]])) };
      } catch {
        return undefined; // unreadable: computed again
      }
    },
    keep(partId, part: KeptPart) {
      const artifact = Buffer.from(gzipSync(v8.serialize([part.version, [...part.results.keys()], [...part.results.values()]]), { level: 1 }));
      const row = { site_id: siteId, url: PREFIX + partId, etag: null, last_modified: null, body_hash: '', format: FORMAT, seen_run: runId, artifact };
      db.run(db.q.insertInto('page_cache').values(row).onConflict((oc) => oc.columns(['site_id', 'url']).doUpdateSet({ format: FORMAT, seen_run: runId, artifact })));
    },
  };
}

let sources: string | undefined;
/**
 * A hash of the audits' sources and rule data, of src/audit's and of the PII detector's: a
 * zhaocuo whose audits changed never reuses results an older one kept.
 */
export function auditSourcesHash(): string {
  if (sources) return sources;
  const h = createHash('sha256');
  const src = packagePath('src');
  const walk = (d: string) => {
    let entries: { name: string; dir: boolean }[];
    try {
      entries = readdirSync(d, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      h.update(`missing ${d}`);
      return;
    }
    for (const e of entries) {
      if (e.dir) walk(join(d, e.name));
      else h.update(e.name).update(readFileSync(join(d, e.name)));
    }
  };
  for (const dir of [join(src, '../audits'), join(src, 'audit'), join(src, 'pii')]) walk(dir);
  sources = h.digest('base64url').slice(0, 16);
  return sources;
}
