/**
 * Incremental re-audits on the sample portal (loopback, a real SQLite file): the second run asks
 * with the validators the first stored and reuses the stored pages on 304, with findings
 * identical to a full crawl's; a changed page's new defect is found; a dead link target on an
 * unchanged page is found; a server without validators is told apart by the body hash; a
 * finding on an unchanged page keeps its ticket; --full fetches everything again; the audits'
 * per-page results (page parts) of unchanged pages are reused, a changed page's computed again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { REVISION_MOBILE } from '../src/sample-portal/revisions.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { applyFlags } from '../src/cli/audit.ts';
import type { Finding } from '../src/audit/types.ts';
import type { SyncResult } from '../src/tickets/from-audit.ts';
import { SNAPSHOT_CHUNK } from '../src/gather/page-snapshot.ts';
import { wordingHits } from '../audits/wording.ts';
import { memoryFirstRunsNow } from '../src/gather/gc.ts';

const TODAY = '2026-11-20';
const audits = ALL_AUDITS.filter((a) => !['ipv6', 'accessibility', 'age-friendly', 'lighthouse'].includes(a.meta.id));
const config = parseConfig({ today: TODAY, ipv6: { enabled: false }, browser: { enabled: false }, crawl: { retries: 0 }, tickets: { fromAudits: { minSeverity: 'medium' } } });
const full = applyFlags(config, { full: true });

let portal: SamplePortal;
let db: DB;
beforeAll(async () => {
  portal = await startSamplePortal({ pages: 120, today: TODAY, host: '127.0.0.1' });
  db = openDb(join(mkdtempSync(join(tmpdir(), 'zc-incr-')), 'z.db'));
});
afterAll(async () => {
  await portal?.close();
  db?.close();
});

const run = (c = config) => auditSite({ startUrl: portal.url + '/', config: c, db, outDir: null, audits });
/** A finding as a report reader sees it (ids are per run). */
const seen = (f: Finding) => JSON.stringify([f.fingerprint, f.severity, f.url, f.message, f.evidence, f.deduction ?? null]);
const findingsOf = (r: AuditSiteResult) => r.result.findings.map(seen).sort();
const pagesOf = (r: AuditSiteResult) => r.report.pages.map((p) => JSON.stringify(p)).sort();
/** Links as reported; `from` holds the first 20 referrers in crawl order, which concurrency shuffles. */
const linksOf = (r: AuditSiteResult) => r.report.links.map((l) => JSON.stringify({ ...l, from: l.fromCount <= 20 ? [...l.from].sort() : l.fromCount })).sort();

describe('incremental re-audits', () => {
  let first: AuditSiteResult;
  it('a re-audit of an unchanged site gets 304s and the same findings, pages and links as a full crawl', async () => {
    first = await run();
    expect(first.artifacts.crawl.incremental).toMatchObject({ notModified: 0, sameContent: 0 });
    const pages = first.artifacts.pages.length;
    expect(pages).toBeGreaterThan(80);

    const again = await run();
    const inc = again.artifacts.crawl.incremental!;
    expect(inc.notModified).toBe(pages);
    expect(inc.changed + inc.fresh).toBe(0);
    // every page asked for with its validators: a few hundred bytes of headers, no bodies
    expect(again.artifacts.crawl.bytes).toBeLessThan(first.artifacts.crawl.bytes / 10);
    // a 304 keeps the page's row for the run after (it is marked seen, not forgotten by the clean-up)
    expect((await run()).artifacts.crawl.incremental).toMatchObject({ notModified: pages, changed: 0, fresh: 0 });

    const fresh = await run(full);
    expect(fresh.artifacts.crawl.incremental).toMatchObject({ notModified: 0, sameContent: 0 });
    expect(findingsOf(again)).toEqual(findingsOf(fresh));
    expect(findingsOf(again)).toEqual(findingsOf(first));
    expect(pagesOf(again)).toEqual(pagesOf(fresh));
    expect(linksOf(again)).toEqual(linksOf(fresh));
  }, 60_000);

  it('finds a changed page\'s new defect and a dead target linked from unchanged pages; tickets stay one per fingerprint', async () => {
    const before = await run();
    const articles = portal.revisions.htmlPaths().filter((p) => /\/t\d{8}_\d+\.html$/.test(p));
    const changed = portal.revisions.mutate({ paths: articles.slice(0, 2), defect: true });
    // a page and an attachment the site deleted; the pages linking to them do not change
    const linkedPages = new Set(before.artifacts.pages.flatMap((p) => p.links.filter((l) => l.kind === 'a').map((l) => l.url)));
    const goneUrl = [...linkedPages].find((u) => u.startsWith(portal.url) && /\/t\d{8}_\d+\.html$/.test(u) && !changed.some((c) => u.endsWith(c)))!;
    const goneFile = before.artifacts.targets.find((t) => t.state === 'ok' && t.kinds.includes('attachment') && t.url.startsWith(portal.url))!.url;
    for (const u of [goneUrl, goneFile]) portal.revisions.remove(new URL(u).pathname);

    const inc = await run();
    const stats = inc.artifacts.crawl.incremental!;
    expect(stats.changed).toBe(2);
    expect(stats.notModified).toBe(before.artifacts.pages.length - 3); // the two revised, the one deleted
    const privacy = inc.result.findings.filter((f) => f.audit === 'privacy' && changed.some((c) => f.url.endsWith(c)));
    expect(privacy.length).toBe(2);
    expect(JSON.stringify(privacy)).not.toContain(REVISION_MOBILE); // masked
    const broken = inc.result.findings.filter((f) => f.audit === 'links').map((f) => JSON.stringify(f.evidence));
    expect(broken.some((e) => e.includes(goneUrl))).toBe(true);
    expect(broken.some((e) => e.includes(goneFile))).toBe(true);

    // the same as a full crawl of the changed site
    const fresh = await run(full);
    expect(findingsOf(inc)).toEqual(findingsOf(fresh));
    expect(linksOf(inc)).toEqual(linksOf(fresh));

    // a finding on an unchanged page kept its ticket: seen again by the incremental run, never filed twice
    const t = inc.tickets as SyncResult;
    expect(t.created).toBeGreaterThan(0);
    const counts = db.prepare("SELECT count(*) AS n, count(DISTINCT fingerprint) AS f FROM tickets WHERE source = 'audit'").get() as { n: number; f: number };
    expect(counts.n).toBe(counts.f);
    const kept = before.result.findings.find((f) => f.severity !== 'info' && f.severity !== 'low' && !changed.some((c) => f.url.endsWith(c)) && inc.result.findings.some((g) => g.fingerprint === f.fingerprint))!;
    const ticket = db.prepare('SELECT first_run_id AS firstRun, last_seen_run_id AS lastSeen FROM tickets WHERE fingerprint = ?').get(kept.fingerprint) as { firstRun: number; lastSeen: number };
    expect(ticket.firstRun).toBeLessThanOrEqual(before.runId!);
    expect(ticket.lastSeen).toBeGreaterThanOrEqual(inc.runId!);
  }, 90_000);

  it('a re-audit takes unchanged pages from the last run\'s snapshot; an unreadable snapshot leaves the rows to serve, with the same findings', async () => {
    const base = await run();
    const pages = base.artifacts.pages.length;
    const snapshotRows = () => (db.prepare("SELECT count(*) AS n FROM page_cache WHERE url LIKE '#snapshot/%'").get() as { n: number }).n;
    expect(snapshotRows()).toBeGreaterThan(0);
    // every page row unreadable: only the snapshot can stand for the pages answered 304
    db.prepare("UPDATE page_cache SET artifact = x'00' WHERE url NOT LIKE '#snapshot/%' AND format <> 'document-1'").run();
    const fromSnapshot = await run();
    expect(fromSnapshot.artifacts.crawl.incremental).toMatchObject({ notModified: pages, changed: 0, fresh: 0 });
    expect(findingsOf(fromSnapshot)).toEqual(findingsOf(base));
    expect(pagesOf(fromSnapshot)).toEqual(pagesOf(base));
    expect(snapshotRows()).toBeGreaterThan(0); // written again, not grown
    // now the snapshot unreadable (the rows are whole again after a full run): the rows serve
    await run(full);
    db.prepare("UPDATE page_cache SET artifact = x'00' WHERE url LIKE '#snapshot/%'").run();
    const fromRows = await run();
    expect(fromRows.artifacts.crawl.incremental).toMatchObject({ notModified: pages, changed: 0, fresh: 0 });
    expect(findingsOf(fromRows)).toEqual(findingsOf(base));
    expect(pagesOf(fromRows)).toEqual(pagesOf(base));
  }, 90_000);

  it('without validators the body hash tells unchanged pages from changed ones', async () => {
    portal.revisions.validators = 'none';
    try {
      await run(); // stores pages without validators
      const changed = portal.revisions.mutate({ fraction: 0.05 });
      const inc = await run();
      const stats = inc.artifacts.crawl.incremental!;
      expect(stats.notModified).toBe(0);
      expect(stats.changed).toBe(changed.length);
      expect(stats.sameContent).toBe(inc.artifacts.pages.length - changed.length);
      const fresh = await run(full);
      expect(findingsOf(inc)).toEqual(findingsOf(fresh));
    } finally {
      portal.revisions.validators = 'both';
    }
  }, 90_000);

  it('link targets, robots.txt and the sitemap are asked for with their validators too: a 304 stands for the stored answer', async () => {
    // A small site of its own: every answer has an ETag, and each request says whether it was conditional.
    const files: Record<string, { type: string; body: string }> = {
      '/': { type: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html lang="zh-CN"><head><title>首页</title><link rel="stylesheet" href="/a.css"></head><body><a href="/doc.pdf">附件</a><img src="/logo.png" alt="标志"></body></html>' },
      '/a.css': { type: 'text/css', body: 'body { background: url(/bg.png) }' },
      '/doc.pdf': { type: 'application/pdf', body: '%PDF-1.4 示例' },
      '/logo.png': { type: 'image/png', body: 'png' },
      '/bg.png': { type: 'image/png', body: 'png2' },
      '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nAllow: /\n' },
      '/sitemap.xml': { type: 'application/xml', body: '<?xml version="1.0"?><urlset><url><loc>http://HOST/</loc></url></urlset>' },
    };
    const log: string[] = [];
    const server = http.createServer((req, res) => {
      const f = files[req.url ?? ''];
      if (!f) {
        log.push(`${req.method} ${req.url} 404`);
        return res.writeHead(404).end();
      }
      const body = f.body.replace('HOST', req.headers.host ?? '');
      const etag = `"${Buffer.from(body).length}-${req.url!.length}"`;
      const hit = req.headers['if-none-match'] === etag;
      log.push(`${req.method} ${req.url} ${hit ? 304 : 200}`);
      if (hit) return res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': f.type, etag, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const site = (c = config) => auditSite({ startUrl: url, config: c, db, outDir: null, audits });
      const targets = (r: AuditSiteResult) => r.artifacts.targets.map((t) => JSON.stringify([t.url, t.state, t.status, t.contentType])).sort();
      const once = await site();
      expect(once.artifacts.sitemap.urls).toEqual([url]);
      log.length = 0;
      const again = await site();
      // a target checked with a HEAD the first time is asked with a conditional GET (its body never read):
      // undici closes the connection after a HEAD, a 304 to a GET leaves it open for the next request
      for (const r of ['GET / 304', 'GET /doc.pdf 304', 'GET /logo.png 304', 'GET /bg.png 304', 'GET /a.css 304', 'GET /robots.txt 304', 'GET /sitemap.xml 304']) expect(log).toContain(r);
      expect(log.filter((l) => l.startsWith('HEAD '))).toEqual([]);
      // the stored answers stand in: the same targets, the stylesheet's link still read, the sitemap still listed
      expect(targets(again)).toEqual(targets(once));
      expect(again.artifacts.targets.find((t) => t.url === url + 'bg.png')?.state).toBe('ok');
      expect(again.artifacts.sitemap.urls).toEqual([url]);
      // a target gone since: its conditional HEAD gets the 404, and the link is broken
      delete files['/logo.png'];
      log.length = 0;
      const gone = await site();
      expect(log).toContain('GET /logo.png 404');
      // the documents answered 304 last time are still stored (marked seen by that run)
      for (const r of ['GET /doc.pdf 304', 'GET /bg.png 304', 'GET /a.css 304', 'GET /robots.txt 304']) expect(log).toContain(r);
      expect(gone.artifacts.targets.find((t) => t.url === url + 'doc.pdf')).toMatchObject({ state: 'ok', status: 200, contentType: 'application/pdf' });
      // a target changed since: its GET's status and headers stand for the HEAD's, its new validators are kept
      files['/doc.pdf'].body = '%PDF-1.4 新的附件 '.repeat(2000);
      log.length = 0;
      const changed = await site();
      expect(log).toContain('GET /doc.pdf 200');
      expect(changed.artifacts.targets.find((t) => t.url === url + 'doc.pdf')).toMatchObject({ state: 'ok', status: 200, contentType: 'application/pdf' });
      log.length = 0;
      await site();
      expect(log).toContain('GET /doc.pdf 304');
      expect(gone.artifacts.targets.find((t) => t.url === url + 'logo.png')?.state).toBe('broken');
      // --full asks without validators
      log.length = 0;
      await site(full);
      expect(log.filter((l) => l.endsWith(' 304'))).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
  it('a page taken from the snapshot counts its links as the last run did: a target of it that died is found, a changed page\'s links are its new ones', async () => {
    // Three pages with the same template links (one object for all in the snapshot); every answer has an ETag.
    const nav = '<a href="/">首页</a><a href="/a.html">甲</a><a href="/b.html">乙</a><a href="/c.html">丙</a><img src="/logo.png" alt="标志"><a href="mailto:x@example.gov.cn">信箱</a>';
    const page = (title: string, extra: string) => `<!DOCTYPE html><html lang="zh-CN"><head><title>${title}</title></head><body>${nav}${extra}</body></html>`;
    const files: Record<string, { type: string; body: string }> = {
      '/': { type: 'text/html; charset=utf-8', body: page('首页', '<a href="/old.pdf">旧附件</a>') },
      '/a.html': { type: 'text/html; charset=utf-8', body: page('甲', '<a href="/doc.pdf">附件</a>') },
      '/b.html': { type: 'text/html; charset=utf-8', body: page('乙', '<a href="/doc.pdf">附件</a>') },
      '/c.html': { type: 'text/html; charset=utf-8', body: page('丙', '<a href="/old.pdf">旧附件</a>') },
      '/logo.png': { type: 'image/png', body: 'png' },
      '/doc.pdf': { type: 'application/pdf', body: '%PDF-1.4' },
      '/old.pdf': { type: 'application/pdf', body: '%PDF-1.4 old' },
      '/new.pdf': { type: 'application/pdf', body: '%PDF-1.4 new' },
    };
    const server = http.createServer((req, res) => {
      const f = files[req.url ?? ''];
      if (!f) return res.writeHead(404).end();
      const etag = `"${Buffer.from(f.body).toString('base64url').slice(-24)}-${Buffer.byteLength(f.body)}"`;
      if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': f.type, etag, 'content-length': Buffer.byteLength(f.body) });
      res.end(req.method === 'HEAD' ? undefined : f.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const site = (c = config) => auditSite({ startUrl: url, config: c, db, outDir: null, audits });
      const target = (r: AuditSiteResult, path: string) => r.artifacts.targets.find((t) => t.url === url + path.slice(1));
      await site();
      // the logo every page has and the attachment two unchanged pages have are gone; /c.html now links to /new.pdf, not /old.pdf
      delete files['/logo.png'];
      delete files['/doc.pdf'];
      files['/c.html'].body = page('丙', '<a href="/new.pdf">新附件</a><a href="/missing.pdf">缺失</a>');
      const inc = await site();
      expect(inc.artifacts.crawl.incremental).toMatchObject({ notModified: 3, changed: 1, fresh: 0 });
      expect(target(inc, '/logo.png')).toMatchObject({ state: 'broken', status: 404, kinds: ['img'] });
      expect(target(inc, '/doc.pdf')).toMatchObject({ state: 'broken', status: 404 });
      expect(target(inc, '/new.pdf')).toMatchObject({ state: 'ok', status: 200 });
      expect(target(inc, '/missing.pdf')).toMatchObject({ state: 'broken', status: 404 });
      expect(target(inc, '/old.pdf')).toMatchObject({ state: 'ok' }); // still on the homepage
      expect(target(inc, '/mailto:x@example.gov.cn') ?? inc.artifacts.targets.find((t) => t.url === 'mailto:x@example.gov.cn')).toMatchObject({ state: 'skipped' });
      const fresh = await site(full);
      const targets = (r: AuditSiteResult) => r.artifacts.targets.map((t) => JSON.stringify([t.url, t.state, t.status, [...t.kinds].sort()])).sort();
      expect(targets(inc)).toEqual(targets(fresh));
      expect(findingsOf(inc)).toEqual(findingsOf(fresh));
      expect(linksOf(inc)).toEqual(linksOf(fresh));
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('a snapshot chunk whose pages came back unchanged is kept as it is; the changed pages go to a new chunk, which the next run takes them from', async () => {
    const big = await startSamplePortal({ pages: 400, today: TODAY, host: '127.0.0.1' });
    const bigDb = openDb(join(mkdtempSync(join(tmpdir(), 'zc-incr-chunks-')), 'z.db'));
    try {
      const go = (c = config) => auditSite({ startUrl: big.url + '/', config: c, db: bigDb, outDir: null, audits });
      const chunks = () => (bigDb.prepare("SELECT url FROM page_cache WHERE url LIKE '#snapshot/%' ORDER BY id").all() as { url: string }[]).map((r) => r.url);
      const first = await go();
      const pages = first.artifacts.pages.length;
      expect(pages).toBeGreaterThan(SNAPSHOT_CHUNK / 4); // a chunk big enough to be worth keeping
      expect(pages).toBeLessThanOrEqual(SNAPSHOT_CHUNK); // and one chunk
      const written = chunks();
      expect(written).toHaveLength(1);
      const changed = big.revisions.mutate({ fraction: 0.03, defect: true });
      expect(changed.length).toBeGreaterThan(5);
      const inc = await go();
      expect(inc.artifacts.crawl.incremental).toMatchObject({ notModified: pages - changed.length, changed: changed.length, fresh: 0 });
      // the first run's chunk stays (its changed pages now stale in it), the changed pages in a chunk after it
      const after = chunks();
      expect(after).toHaveLength(2);
      expect(after[0]).toBe(written[0]);
      // every page row unreadable: a page answered 304 can come only from the snapshot, a changed one only from the new chunk
      bigDb.prepare("UPDATE page_cache SET artifact = x'00' WHERE url NOT LIKE '#snapshot/%' AND format <> 'document-1'").run();
      const third = await go();
      expect(third.artifacts.crawl.incremental).toMatchObject({ notModified: pages, changed: 0, fresh: 0 });
      // the big chunk kept again; the small one is written again (with the next run's changes, once there are any)
      const third3 = chunks();
      expect(third3).toHaveLength(2);
      expect(third3[0]).toBe(written[0]);
      const fresh = await go(full);
      expect(pagesOf(third)).toEqual(pagesOf(fresh));
      expect(findingsOf(third)).toEqual(findingsOf(fresh));
      expect(findingsOf(inc)).toEqual(findingsOf(fresh));
      expect(inc.result.findings.filter((f) => f.audit === 'privacy' && changed.some((c) => f.url.endsWith(c))).length).toBe(changed.length);
    } finally {
      await big.close();
      bigDb.close();
    }
  }, 120_000);

  it('the audits\' per-page results are kept by page content: reused for unchanged pages, computed again for changed ones, for all after a version or options change', async () => {
    const PARTS = ['wording.hits', 'privacy.hits', 'integrity.page', 'columns.lines', 'service-guides.categories', 'interaction.messages'];
    const base = await run();
    const articles = portal.revisions.htmlPaths().filter((p) => /\/t\d{8}_\d+\.html$/.test(p));
    const changed = portal.revisions.mutate({ paths: articles.slice(4, 7), defect: true });
    const inc = await run();
    expect(inc.artifacts.crawl.incremental).toMatchObject({ changed: 3, fresh: 0 });
    for (const id of PARTS) {
      const s = inc.result.pageParts?.[id];
      expect(s, id).toBeDefined();
      // every changed page is an ok HTML page: each part runs on it again, and only on it
      expect(s!.computed, id).toBe(3);
      expect(s!.reused, id).toBeGreaterThan(base.artifacts.pages.length * 0.8);
    }
    // the changed pages' new defect (a mobile number) is found: their results were not the kept ones
    expect(inc.result.findings.filter((f) => f.audit === 'privacy' && changed.some((c) => f.url.endsWith(c)))).toHaveLength(3);
    const fresh = await run(full);
    expect(findingsOf(inc)).toEqual(findingsOf(fresh));
    // --full reuses none (and keeps what it computed for the next run)
    for (const id of PARTS) expect(fresh.result.pageParts?.[id]?.reused, id).toBe(0);
    const after = await run();
    expect(after.result.pageParts?.['wording.hits']?.computed).toBe(0);
    expect(findingsOf(after)).toEqual(findingsOf(fresh));

    // a part whose version changed reuses nothing of its own; the others are untouched
    const was = wordingHits.version;
    wordingHits.version = was + 1;
    try {
      const bumped = await run();
      expect(bumped.result.pageParts?.['wording.hits']).toMatchObject({ reused: 0 });
      expect(bumped.result.pageParts?.['wording.hits']?.computed).toBeGreaterThan(0);
      expect(bumped.result.pageParts?.['privacy.hits']?.computed).toBe(0);
      expect(findingsOf(bumped)).toEqual(findingsOf(fresh));
    } finally {
      wordingHits.version = was;
    }
    // so does one whose audit's options changed (they are part of what a result depends on)
    const tuned = parseConfig({ today: TODAY, ipv6: { enabled: false }, browser: { enabled: false }, crawl: { retries: 0 }, tickets: { fromAudits: { minSeverity: 'medium' } }, audits: { privacy: { options: { contextChars: 5 } } } });
    const other = await run(tuned);
    expect(other.result.pageParts?.['privacy.hits']).toMatchObject({ reused: 0 });
    expect(other.result.pageParts?.['integrity.page']?.computed).toBe(0);
    const notPrivacy = (r: AuditSiteResult) => r.result.findings.filter((f) => f.audit !== 'privacy').map(seen).sort();
    expect(notPrivacy(other)).toEqual(notPrivacy(fresh));
  }, 120_000);
  it('a page composed with its frames has no kept results: a framed document that changed is seen on the page that frames it', async () => {
    const nav = '<div class="nav"><a href="/">首页</a><a href="/hd/">咨询留言</a><a href="/xw/">新闻</a></div>';
    const msg = (title: string, asked: string, replied?: string) => `<dl><dt>${title}</dt><dd>留言时间：${asked}</dd>${replied ? `<dd>答复时间：${replied}</dd>` : '<dd>答复：未答复</dd>'}</dl>`;
    const files: Record<string, string> = {
      '/': `<html><head><title>示例局</title></head><body>${nav}<p>首页</p></body></html>`,
      '/xw/': `<html><head><title>新闻</title></head><body>${nav}<p>新闻列表</p></body></html>`,
      '/hd/': `<html><head><title>咨询留言</title></head><body>${nav}<h1>咨询留言</h1><iframe src="/inc/msgs.html"></iframe></body></html>`,
      '/inc/msgs.html': `<html><body>${msg('关于换证的咨询', '2026-11-10', '2026-11-11')}</body></html>`,
    };
    const server = http.createServer((req, res) => {
      const body = files[req.url ?? ''];
      if (body === undefined) return res.writeHead(404).end();
      const etag = `"${Buffer.byteLength(body)}-${body.length}"`;
      if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const site = (c = config) => auditSite({ startUrl: url, config: c, db, outDir: null, audits });
      await site();
      // the framed document gets an unanswered message; the page that frames it is unchanged (answers 304)
      files['/inc/msgs.html'] = files['/inc/msgs.html'].replace('</body>', `${msg('渔船维修的咨询', '2026-11-02')}</body>`);
      const inc = await site();
      expect(inc.artifacts.crawl.incremental).toMatchObject({ changed: 1 });
      const messages = (r: AuditSiteResult) => (r.result.data.interaction as { messages: { title: string; page: string }[] }).messages;
      expect(messages(inc).map((m) => [m.title, m.page])).toContainEqual(['渔船维修的咨询', url + 'hd/']);
      const fresh = await site(full);
      expect(findingsOf(inc)).toEqual(findingsOf(fresh));
      expect(messages(inc)).toEqual(messages(fresh));
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});

describe('a large site’s run prefers memory to speed', () => {
  it('from its memoryFirstPages()th page to its end, with the same findings, pages and links', async () => {
    const normal = await run(full);
    const seenAt: [number, number][] = [];
    process.env.ZHAOCUO_MEMORY_FIRST_PAGES = '20';
    try {
      const large = await auditSite({ startUrl: portal.url + '/', config: full, db, outDir: null, audits, onProgress: (p) => seenAt.push([p.pages, memoryFirstRunsNow()]) });
      // Off before the 20th page, on from the progress report after it, off again once the run is over.
      expect(seenAt.filter(([pages]) => pages < 20).every(([, on]) => on === 0)).toBe(true);
      expect(seenAt.filter(([pages]) => pages >= 20).length).toBeGreaterThan(0);
      expect(seenAt.filter(([pages]) => pages >= 20).every(([, on]) => on === 1)).toBe(true);
      expect(memoryFirstRunsNow()).toBe(0);
      expect(findingsOf(large)).toEqual(findingsOf(normal));
      expect(pagesOf(large)).toEqual(pagesOf(normal));
      expect(linksOf(large)).toEqual(linksOf(normal));
    } finally {
      delete process.env.ZHAOCUO_MEMORY_FIRST_PAGES;
    }
  }, 60_000);
});
