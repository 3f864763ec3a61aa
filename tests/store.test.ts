/**
 * The store on both of its databases: SQLite (a temp file) and PostgreSQL (a real server this
 * file starts on a free loopback port), through the same query layer. Every test of "the store"
 * runs on both (describe.each); the PostgreSQL-only part covers what only a server can do:
 * two writers, a server refusing or going away mid-run, a wrong URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDb, type DB } from '../src/store/db.ts';
import { raw, type Store } from '../src/store/store.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { beginRun, completeRun, ensureSite, failRun, getRun, listRuns, previousHomepage, runFindings } from '../src/store/runs.ts';
import { openPageCache } from '../src/store/page-cache.ts';
import { openDocumentCache } from '../src/store/document-cache.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Artifacts, LinkTarget, PageArtifact } from '../src/gather/artifacts.ts';
import type { AuditRun } from '../src/audit/run.ts';
import type { Finding } from '../src/audit/types.ts';
import type { StoredPage } from '../src/gather/page-cache.ts';
import { startPostgres, type LocalPostgres } from './helpers/postgres-server.ts';
import { freePort } from './helpers/free-port.ts';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { PostgresStore } from '../src/store/postgres.ts';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseConfig } from '../src/config/load.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket } from '../src/tickets/service.ts';

/** The real CLI (bin/zhaocuo.js) in `cwd`. */
function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(import.meta.dirname, '../bin/zhaocuo.js'), ...args], { cwd, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let pg: LocalPostgres;
let dir: string;
let dbCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zc-store-'));
  pg = await startPostgres({ passwordUsers: { pw: 'right-password' } });
});
afterAll(async () => {
  await pg?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh, migrated store of `kind`: a new SQLite file, or a new database on the test server. */
async function freshStore(kind: 'sqlite' | 'postgres'): Promise<DB> {
  const n = ++dbCount;
  return kind === 'sqlite' ? openDb(join(dir, `s${n}.db`)) : openDb(await pg.createDatabase(`s${n}`));
}

const page = (url: string, depth: number | null, over: Partial<PageArtifact> = {}): PageArtifact =>
  ({
    url, finalUrl: url, status: 200, redirects: [], contentType: 'text/html', charset: 'utf-8', charsetSource: 'header', headers: {},
    timingMs: 12, bytes: 3456, depth, fromSitemap: false, title: `标题 ${url}`, lang: 'zh-CN', text: '', footerText: '', scriptText: '',
    headings: [], labels: [], links: [], images: [], forms: [], lists: [], anchors: [], meta: {}, ...over,
  }) as PageArtifact;
const target = (url: string, over: Partial<LinkTarget> = {}): LinkTarget =>
  ({ url, state: 'ok', status: 200, redirects: [], internal: true, isPage: true, kinds: ['a'], ...over }) as LinkTarget;
const finding = (i: number, url: string): Finding => ({
  id: `links-${String(1000 - i).padStart(4, '0')}`, audit: 'links', rule: 'broken-link', severity: 'high', url, message: `坏链 ${i}`,
  fingerprint: `fp-${i}`, refs: [{ source: 'guideline', doc: '政府网站发展指引', item: '4.1' }], division: i % 2 ? '办公室' : null,
  evidence: { status: 404, text: `链接 ${i}` } as Finding['evidence'], ...(i % 3 === 0 ? { deduction: 0.5 } : {}),
});

/** A small run: a homepage linking to pages, one broken link (kept as an edge), a redirect, findings in a set order. */
function runOf(origin: string, opts: { pages?: number; title?: string } = {}): { artifacts: Artifacts; result: AuditRun } {
  const n = opts.pages ?? 5;
  const urls = Array.from({ length: n }, (_, i) => `${origin}/p${i}.html`);
  const home = page(`${origin}/`, 1, {
    title: opts.title ?? '首页 联系 13812345678',
    links: [...urls.map((u) => ({ url: u, text: u, kind: 'a' as const })), { url: `${origin}/dead.html`, text: '失效 13812345678', kind: 'a' as const }],
  });
  const pages = [home, ...urls.map((u) => page(u, 2)), page(urls[0], 2, { title: 'stored twice: the last wins' })];
  const targets = [
    target(`${origin}/`),
    ...urls.map((u) => target(u)),
    target(`${origin}/dead.html`, { state: 'broken', status: 404, isPage: false }),
    target(`${origin}/old.html`, { status: 200, finalUrl: `${origin}/new.html`, redirects: [`${origin}/mid.html`] }),
  ];
  // Findings deliberately out of id order: the store keeps the order the audits gave.
  const findings = [5, 1, 4, 2, 3].map((i) => finding(i, `${origin}/p${i % n}.html`));
  const result: AuditRun = {
    findings,
    audits: [
      { id: 'links', status: 'ran', data: { broken: 1 } },
      { id: 'lighthouse', status: 'skipped', reason: '无浏览器 (no browser)' },
    ] as AuditRun['audits'],
    data: {},
  };
  return { artifacts: { pages, targets } as unknown as Artifacts, result };
}

describe.each(['sqlite', 'postgres'] as const)('the store on %s', (kind) => {
  let db: DB;
  beforeAll(async () => {
    db = await freshStore(kind);
  });
  afterAll(() => db?.close());

  it('keeps one site per origin, its name kept when a later call gives none', () => {
    const a = ensureSite(db, 'http://a.example.gov.cn', '甲局');
    expect(ensureSite(db, 'http://a.example.gov.cn')).toBe(a);
    const b = ensureSite(db, 'http://b.example.gov.cn');
    expect(b).not.toBe(a);
    expect(db.get(db.q.selectFrom('sites').select('name').where('id', '=', a))?.name).toBe('甲局');
    ensureSite(db, 'http://a.example.gov.cn', '甲局（新名）');
    expect(db.get(db.q.selectFrom('sites').select('name').where('id', '=', a))?.name).toBe('甲局（新名）');
  });

  it('stores a complete run and reads it back: run row, pages, links with hops, edges, findings in order, audit outcomes', () => {
    const origin = 'http://run.example.gov.cn';
    const { artifacts, result } = runOf(origin);
    const id = beginRun(db, origin, `${origin}/`, '2026-11-18', '示例局');
    expect(getRun(db, id)).toMatchObject({ id, origin, startUrl: `${origin}/`, status: 'running', today: '2026-11-18', finishedAt: null, summary: null });
    completeRun(db, id, artifacts, result, { score: 87.5, findings: 5 }, '/reports/1');
    const run = getRun(db, id)!;
    expect(run).toMatchObject({ id, status: 'complete', error: null, summary: { score: 87.5, findings: 5 }, reportDir: '/reports/1' });
    expect(typeof run.siteId).toBe('number');
    expect(run.finishedAt! >= run.startedAt).toBe(true);

    expect(runFindings(db, id)).toEqual(result.findings);
    const pages = db.all(db.q.selectFrom('pages').selectAll().where('run_id', '=', id).orderBy('url'));
    expect(pages).toHaveLength(6);
    // Personal data is masked before it is stored; the last row of a URL stored twice wins.
    expect(pages.find((p) => p.depth === 1)?.title).not.toContain('13812345678');
    expect(pages.find((p) => p.url === `${origin}/p0.html`)).toMatchObject({ title: 'stored twice: the last wins', status: 200, bytes: 3456, timing_ms: 12 });
    const links = db.all(db.q.selectFrom('links').selectAll().where('run_id', '=', id));
    expect(links).toHaveLength(8);
    expect(links.find((l) => l.url === `${origin}/old.html`)).toMatchObject({ final_url: `${origin}/new.html`, redirects_json: JSON.stringify([`${origin}/mid.html`]), internal: 1, is_page: 1 });
    expect(links.find((l) => l.url === `${origin}/dead.html`)).toMatchObject({ state: 'broken', status: 404, referrers: 1, is_page: 0, kinds: 'a' });
    // Only the link towards the broken target is kept as an edge, its text masked.
    const edges = db.all(db.q.selectFrom('edges').select(['from_url', 'to_url', 'text']).where('run_id', '=', id));
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ from_url: `${origin}/`, to_url: `${origin}/dead.html` });
    expect(edges[0].text).not.toContain('13812345678');
    const data = db.all(db.q.selectFrom('audit_data').select(['audit', 'status', 'reason', 'data_json']).where('run_id', '=', id).orderBy('seq'));
    expect(data).toEqual([
      { audit: 'links', status: 'ran', reason: null, data_json: '{"broken":1}' },
      { audit: 'lighthouse', status: 'skipped', reason: '无浏览器 (no browser)', data_json: null },
    ]);
  });

  it('stores a run of thousands of rows (several batches a table) whole', () => {
    const origin = 'http://big.example.gov.cn';
    const { artifacts, result } = runOf(origin, { pages: 2400 });
    result.findings = Array.from({ length: 1800 }, (_, i) => finding(i, `${origin}/p${i}.html`));
    const id = beginRun(db, origin, `${origin}/`, '2026-11-18');
    completeRun(db, id, artifacts, result, {}, null);
    const count = (t: 'pages' | 'links' | 'findings') => Number(db.get(db.q.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).where('run_id', '=', id))?.n);
    expect(count('pages')).toBe(2401);
    expect(count('links')).toBe(2403);
    expect(count('findings')).toBe(1800);
    expect(runFindings(db, id).map((f) => f.fingerprint)).toEqual(result.findings.map((f) => f.fingerprint));
  });

  it('lists runs newest first, by site (exact or part of the origin) and limit; a failed run keeps its error', () => {
    const x = beginRun(db, 'http://list-x.example.gov.cn', 'http://list-x.example.gov.cn/', '2026-11-19');
    const y = beginRun(db, 'http://list-y.example.gov.cn', 'http://list-y.example.gov.cn/', '2026-11-19');
    failRun(db, y, '抓取失败 (fetch failed)');
    expect(getRun(db, y)).toMatchObject({ status: 'failed', error: '抓取失败 (fetch failed)' });
    expect(listRuns(db, { limit: 2 }).map((r) => r.id)).toEqual([y, x]);
    expect(listRuns(db, { site: 'list-x' }).map((r) => r.id)).toEqual([x]);
    expect(listRuns(db, { site: 'http://list-y.example.gov.cn' }).map((r) => r.id)).toEqual([y]);
    expect(listRuns(db, { site: 'nowhere' })).toEqual([]);
    expect(getRun(db, 999_999)).toBeUndefined();
  });

  it("finds the site's previous complete homepage, skipping failed runs and other sites", () => {
    const origin = 'http://home.example.gov.cn';
    const r1 = beginRun(db, origin, `${origin}/`, '2026-11-18');
    completeRun(db, r1, runOf(origin, { title: '第一晚' }).artifacts, runOf(origin).result, {}, null);
    const r2 = beginRun(db, origin, `${origin}/`, '2026-11-19');
    failRun(db, r2, 'x');
    const other = beginRun(db, 'http://other.example.gov.cn', 'http://other.example.gov.cn/', '2026-11-19');
    completeRun(db, other, runOf('http://other.example.gov.cn').artifacts, runOf('http://other.example.gov.cn').result, {}, null);
    const r3 = beginRun(db, origin, `${origin}/`, '2026-11-20');
    expect(previousHomepage(db, r3)).toEqual({ runId: r1, today: '2026-11-18', url: `${origin}/`, title: '第一晚' });
    expect(previousHomepage(db, r1)).toBeUndefined();
  });

  it('a transaction is all or nothing; a nested one rolls back alone', () => {
    const origin = 'http://tx.example.gov.cn';
    const sites = () => db.all(db.q.selectFrom('sites').select('origin').where('origin', 'like', `${origin}%`)).map((r) => r.origin).sort();
    expect(() =>
      db.tx(() => {
        ensureSite(db, `${origin}/a`);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(sites()).toEqual([]);
    db.tx(() => {
      ensureSite(db, `${origin}/b`);
      expect(() => db.tx(() => {
        ensureSite(db, `${origin}/c`);
        throw new Error('inner');
      })).toThrow('inner');
      ensureSite(db, `${origin}/d`);
    }, { exclusive: true });
    expect(sites()).toEqual([`${origin}/b`, `${origin}/d`]);
  });

  it('the page cache keeps validators and artifacts (bytes intact), batches writes, and forgets pages a complete run did not see', () => {
    const origin = 'http://cache.example.gov.cn';
    const stored = (title: string) => ({ finalUrl: `${origin}/x`, title, text: '正文'.repeat(500) }) as unknown as StoredPage;
    const r1 = beginRun(db, origin, `${origin}/`, '2026-11-18');
    const c1 = openPageCache(db, origin, r1, { reuse: true });
    for (let i = 0; i < 450; i++) c1.save(`${origin}/p${i}`, i % 2 ? { etag: `"e${i}"` } : { lastModified: 'Tue, 17 Nov 2026 10:00:00 GMT' }, `h${i}`, stored(`页 ${i}`));
    c1.save(`${origin}/none`, {}, 'h-none', stored('无校验'));
    c1.finish(true);

    const r2 = beginRun(db, origin, `${origin}/`, '2026-11-19');
    const c2 = openPageCache(db, origin, r2, { reuse: true });
    expect(c2.conditional(`${origin}/p1`)).toEqual({ etag: '"e1"' });
    expect(c2.conditional(`${origin}/p2`)).toEqual({ lastModified: 'Tue, 17 Nov 2026 10:00:00 GMT' });
    expect(c2.conditional(`${origin}/none`)).toBeUndefined();
    expect(c2.hash(`${origin}/none`)).toBe('h-none');
    expect(c2.load(`${origin}/p7`)).toEqual(stored('页 7'));
    expect(c2.load(`${origin}/missing`)).toBeUndefined();
    // Run 2 sees p0..p9 only: p1 unchanged (304, a new ETag), p2 changed, the others 304 with the validators they had (marked seen in bulk).
    for (let i = 0; i < 10; i++) if (i !== 2) c2.touch(`${origin}/p${i}`, i === 1 ? { etag: '"e1-b"' } : i % 2 ? { etag: `"e${i}"` } : { lastModified: 'Tue, 17 Nov 2026 10:00:00 GMT' });
    c2.save(`${origin}/p2`, { etag: '"new"' }, 'h2-b', stored('改过'));
    // a row another parser version wrote: never offered, forgotten by a complete run
    db.run(db.q.insertInto('page_cache').values({ site_id: ensureSite(db, origin), url: `${origin}/old-format`, etag: '"o"', last_modified: null, body_hash: 'h', format: 'older', seen_run: r2, artifact: Buffer.from('x') }));
    // The run's snapshot of its pages: chunks kept as they are, in order; none before.
    expect(c2.snapshot!()).toEqual([]);
    const chunk = (n: number) => Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + n) % 256));
    c2.keepSnapshot!([chunk(1), chunk(2), chunk(3)]);
    c2.keepSnapshot!([chunk(4), chunk(5)]); // replaces the one before whole
    c2.finish(true);

    const c3 = openPageCache(db, origin, beginRun(db, origin, `${origin}/`, '2026-11-20'), { reuse: true });
    expect(c3.conditional(`${origin}/p1`)).toEqual({ etag: '"e1-b"' });
    expect(c3.conditional(`${origin}/p5`)).toEqual({ etag: '"e5"' });
    expect(c3.conditional(`${origin}/p4`)).toEqual({ lastModified: 'Tue, 17 Nov 2026 10:00:00 GMT' });
    // a page answered 304 with the validators it had: its row kept, not written again
    const row = (u: string) => db.get(db.q.selectFrom('page_cache').select(['seen_run']).where('url', '=', u));
    expect(row(`${origin}/p4`)?.seen_run).toBe(r1);
    expect(row(`${origin}/p1`)?.seen_run).toBe(r2); // its new ETag written
    expect(row(`${origin}/old-format`)).toBeUndefined();
    const snap3 = c3.snapshot!();
    expect(snap3.map((r) => Buffer.from(r.blob))).toEqual([chunk(4), chunk(5)]);
    // a chunk kept as it is stays in place, the new ones come after it, the others go
    c3.keepSnapshot!([chunk(6)], [snap3[1].id]);
    const snap4 = openPageCache(db, origin, beginRun(db, origin, `${origin}/`, '2026-11-20'), { reuse: true }).snapshot!();
    expect(snap4.map((r) => Buffer.from(r.blob))).toEqual([chunk(5), chunk(6)]);
    expect(snap4[0].id).toBe(snap3[1].id);
    expect(c3.hash(`${origin}/p2`)).toBe('h2-b');
    expect(c3.load(`${origin}/p2`)).toEqual(stored('改过'));
    expect(c3.hash(`${origin}/p10`)).toBeUndefined();
    expect(c3.load(`${origin}/p10`)).toBeUndefined();
    // the ten pages run 2 saw, and its snapshot's two rows
    expect(Number(db.get(db.q.selectFrom('page_cache').select((eb) => eb.fn.countAll().as('n')).innerJoin('sites', 'sites.id', 'page_cache.site_id').where('sites.origin', '=', origin))?.n)).toBe(12);
    // --full: nothing is offered for reuse.
    const full = openPageCache(db, origin, r2, { reuse: false });
    expect(full.conditional(`${origin}/p1`)).toBeUndefined();
    expect(full.snapshot!()).toEqual([]);
  });

  it('the document cache keeps a bodiless answer as its JSON line (no gzip to undo per target), a body gzip\'d, and still reads gzip\'d rows an earlier zhaocuo wrote', () => {
    const origin = 'http://docs.example.gov.cn';
    const r1 = beginRun(db, origin, `${origin}/`, '2026-11-18');
    const d1 = openDocumentCache(db, origin, r1, { reuse: true });
    d1.save(`${origin}/a.pdf`, { etag: '"a"' }, { status: 200, headers: { 'content-type': 'application/pdf' } });
    d1.save(`${origin}/robots.txt`, { etag: '"r"' }, { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('User-agent: *\n') });
    d1.flush();
    const blob = (url: string) => Buffer.from(db.get(db.q.selectFrom('page_cache').select('artifact').where('url', '=', url))!.artifact);
    expect(blob(`${origin}/a.pdf`).toString('utf8')).toBe('{"status":200,"headers":{"content-type":"application/pdf"},"body":false}\n');
    expect(gunzipSync(blob(`${origin}/robots.txt`)).toString('utf8')).toContain('User-agent: *');
    // a row as the gzip'd-only format wrote it
    db.run(db.q.updateTable('page_cache').set({ artifact: gzipSync('{"status":404,"headers":{},"body":false}\n') }).where('url', '=', `${origin}/a.pdf`));
    const d2 = openDocumentCache(db, origin, beginRun(db, origin, `${origin}/`, '2026-11-19'), { reuse: true });
    expect(d2.get(`${origin}/a.pdf`)).toEqual({ status: 404, headers: {}, v: { etag: '"a"' } });
    expect(d2.get(`${origin}/robots.txt`)).toMatchObject({ status: 200, body: Buffer.from('User-agent: *\n'), v: { etag: '"r"' } });
    // run 2 gets a 304 for a.pdf (its row is not written again) and never asks for robots.txt: an incomplete run forgets nothing,
    // a complete one forgets robots.txt
    d2.touch(`${origin}/a.pdf`, { etag: '"a"' });
    const seenRun = () => db.get(db.q.selectFrom('page_cache').select('seen_run').where('url', '=', `${origin}/a.pdf`))?.seen_run;
    d2.finish(false);
    expect(openDocumentCache(db, origin, r1, { reuse: true }).get(`${origin}/robots.txt`)).toBeDefined();
    d2.finish(true);
    expect(seenRun()).toBe(r1);
    const d3 = openDocumentCache(db, origin, beginRun(db, origin, `${origin}/`, '2026-11-20'), { reuse: true });
    expect(d3.get(`${origin}/a.pdf`)).toMatchObject({ status: 404 });
    expect(d3.get(`${origin}/robots.txt`)).toBeUndefined();
  });

  it('refuses a store written by a newer zhaocuo', async () => {
    const n = ++dbCount;
    const target = kind === 'sqlite' ? join(dir, `newer${n}.db`) : await pg.createDatabase(`newer${n}`);
    const s = openDb(target);
    if (kind === 'sqlite') s.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    else s.run(raw(s, sql`UPDATE zhaocuo_schema SET version = ${MIGRATIONS.length + 1}`));
    s.close();
    expect(() => openDb(target)).toThrow(/newer zhaocuo.*upgrade zhaocuo/);
  });
});

/** The tables and columns a store ends with, from the database's own catalogue. */
function schemaOf(db: Store): Record<string, string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? db.all(raw<{ t: string; c: string }>(db, sql`SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`))
      : db.all(raw<{ t: string; c: string }>(db, sql`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'zhaocuo_schema'`));
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.t] ??= []).push(r.c);
  for (const t in out) out[t].sort();
  return out;
}

describe('one schema on both databases', () => {
  it('every migration runs on PostgreSQL, which ends with the tables and columns of SQLite', async () => {
    const lite = await freshStore('sqlite');
    const post = await freshStore('postgres');
    try {
      const a = schemaOf(lite);
      expect(Object.keys(a)).toContain('tickets');
      expect(schemaOf(post)).toEqual(a);
      expect(post.get(raw<{ v: number }>(post, sql`SELECT version AS v FROM zhaocuo_schema`))?.v).toBe(MIGRATIONS.length);
      expect(lite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      lite.close();
      post.close();
    }
  });
});

describe('PostgreSQL as a shared store', () => {
  it('two writers (two processes, here two stores) see each other\'s committed runs', async () => {
    const url = await pg.createDatabase('shared');
    const a = openDb(url);
    const b = openDb(url);
    try {
      const ids = [beginRun(a, 'http://w.example.gov.cn', 'http://w.example.gov.cn/', '2026-11-18'), beginRun(b, 'http://w.example.gov.cn', 'http://w.example.gov.cn/', '2026-11-18')];
      completeRun(b, ids[0], runOf('http://w.example.gov.cn').artifacts, runOf('http://w.example.gov.cn').result, { by: 'b' }, null);
      expect(new Set(ids).size).toBe(2);
      expect(listRuns(a, { site: 'w.example' }).map((r) => [r.id, r.status])).toEqual([[ids[1], 'running'], [ids[0], 'complete']]);
      expect(getRun(a, ids[0])?.summary).toEqual({ by: 'b' });
    } finally {
      a.close();
      b.close();
    }
  });

  it('processes opening a new database at once: each ends with the whole schema, migrated once', async () => {
    const url = await pg.createDatabase('opened_at_once');
    const script = `
      import { openDb } from ${JSON.stringify(join(import.meta.dirname, '../src/store/db.ts'))};
      openDb(process.argv[1]).close();`;
    const one = () =>
      new Promise<{ code: number | null; err: string }>((r) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, url], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) => r({ code, err }));
      });
    const results = await Promise.all([one(), one(), one(), one()]);
    expect(results, JSON.stringify(results)).toEqual(results.map(() => ({ code: 0, err: '' })));
    const s = openDb(url);
    expect(s.all(raw<{ version: number }>(s, sql`SELECT version FROM zhaocuo_schema`))).toEqual([{ version: MIGRATIONS.length }]);
    s.close();
  }, 120_000);

  it('a wrong URL, a refused connection, a missing database or a wrong password: a message that says what to fix, never the password', async () => {
    expect(() => openDb('postgres://zhaocuo@127.0.0.1:5432/')).toThrow(/缺少数据库名.*add it/);
    expect(() => openDb('postgres://zhaocuo@[bad/zhaocuo')).toThrow(/地址无效.*postgres:\/\/user:password@host:5432\/database/);
    const closed = await freePort();
    expect(() => openDb(`postgres://zhaocuo@127.0.0.1:${closed}/zhaocuo`)).toThrow(new RegExp(`^无法连接 PostgreSQL 127.0.0.1:${closed}：连接被拒绝。请启动 PostgreSQL.*connection refused: start PostgreSQL`));
    expect(() => openDb(pg.urlFor('nosuchdb'))).toThrow(/没有数据库 nosuchdb.*createdb nosuchdb/);
    let err: Error | undefined;
    try {
      openDb(`postgres://pw:wrong-secret@127.0.0.1:${pg.port}/zhaocuo`);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/密码错误.*password authentication failed for user "pw".*fix the password in --db or store.url/);
    expect(err?.message).not.toContain('wrong-secret');
    // The right password logs in (and the user's own database is migrated).
    const own = `postgres://pw:right-password@127.0.0.1:${pg.port}/zhaocuo`;
    const admin = openDb(pg.url);
    admin.run(raw(admin, sql`CREATE DATABASE pwdb OWNER pw`));
    admin.close();
    const s = openDb(own.replace(/zhaocuo$/, 'pwdb'));
    expect(ensureSite(s, 'http://pw.example.gov.cn')).toBeGreaterThan(0);
    s.close();
  });

  it('a host that accepts and never answers: a clear line within the connect timeout (3 s), and ping() waits for it without blocking the event loop', async () => {
    const held: Socket[] = [];
    const silent = createServer((sock) => void held.push(sock)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const url = `postgres://zhaocuo:secret@127.0.0.1:${port}/zhaocuo`;
    try {
      let t = Date.now();
      expect(() => openDb(url)).toThrow(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:${port} 接受了连接，但 3 秒内没有应答：请检查该主机上的 PostgreSQL 是否卡住或过载.*or fix the host and port in --db or store\\.url`));
      expect(Date.now() - t).toBeLessThan(5_000);
      // The store's non-blocking ask: the event loop keeps turning while it waits.
      const store = new PostgresStore(url);
      let ticks = 0;
      const tick = setInterval(() => ticks++, 100);
      t = Date.now();
      const err = await store.ping().catch((e: Error) => e);
      clearInterval(tick);
      store.close();
      expect(String(err)).toMatch(/接受了连接，但 3 秒内没有应答/);
      expect(String(err)).not.toContain('secret');
      expect(ticks).toBeGreaterThan((Date.now() - t) / 100 - 5);
      expect(held.length).toBeGreaterThan(0);
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
    // A refused port fails at once.
    const closed = await freePort();
    const t = Date.now();
    expect(() => openDb(`postgres://zhaocuo@127.0.0.1:${closed}/zhaocuo`)).toThrow(/连接被拒绝/);
    expect(Date.now() - t).toBeLessThan(1_000);
    // On a live server: ping() answers, and a synchronous statement made while it waits neither takes its reply nor loses its own.
    const live = openDb(pg.url) as unknown as PostgresStore;
    try {
      const asked = live.ping();
      expect(live.get(raw<{ n: number }>(live, sql`SELECT 2 AS n`))).toEqual({ n: 2 });
      await asked;
      await live.ping();
    } finally {
      live.close();
    }
  }, 30_000);

  it('a connection lost inside a transaction: that write is rolled back whole, what was committed is kept, and the store carries on', async () => {
    const url = await pg.createDatabase('lost_tx');
    const a = openDb(url);
    const killer = openDb(url);
    try {
      const kept = beginRun(a, 'http://lost.example.gov.cn', 'http://lost.example.gov.cn/', '2026-11-18');
      const backend = a.get(raw<{ pid: number }>(a, sql`SELECT pg_backend_pid() AS pid`))!.pid;
      const { artifacts, result } = runOf('http://lost.example.gov.cn');
      let err: Error | undefined;
      try {
        a.tx(() => {
          ensureSite(a, 'http://half.example.gov.cn');
          // Another session ends this one's connection, as a server restart or a network cut would.
          killer.get(raw(killer, sql`SELECT pg_terminate_backend(${backend})`));
          completeRun(a, kept, artifacts, result, {}, null);
        });
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(/连接中断：请重新启动 PostgreSQL.*之前保存的内容都在.*lost mid-run.*rolled back, everything stored before it is kept/);
      expect(getRun(killer, kept)?.status).toBe('running');
      expect(killer.get(killer.q.selectFrom('sites').select('id').where('origin', '=', 'http://half.example.gov.cn'))).toBeUndefined();
      // The next statement connects again.
      completeRun(a, kept, artifacts, result, { again: true }, null);
      expect(getRun(killer, kept)).toMatchObject({ status: 'complete', summary: { again: true } });
    } finally {
      a.close();
      killer.close();
    }
  });

  it('the server stopped mid-run: a clear error naming what to start; started again, every committed run is there and writing resumes', async () => {
    const url = await pg.createDatabase('lost_server');
    const a = openDb(url);
    try {
      const done = beginRun(a, 'http://stop.example.gov.cn', 'http://stop.example.gov.cn/', '2026-11-18');
      completeRun(a, done, runOf('http://stop.example.gov.cn').artifacts, runOf('http://stop.example.gov.cn').result, { n: 1 }, null);
      const running = beginRun(a, 'http://stop.example.gov.cn', 'http://stop.example.gov.cn/', '2026-11-19');
      await pg.stop();
      expect(() => completeRun(a, running, runOf('http://stop.example.gov.cn').artifacts, runOf('http://stop.example.gov.cn').result, {}, null)).toThrow(
        /^与 PostgreSQL 127\.0\.0\.1:\d+ 的连接中断：请重新启动 PostgreSQL.*lost mid-run/,
      );
      expect(() => failRun(a, running, 'x')).toThrow(/请重新启动 PostgreSQL/);
      await pg.start();
      expect(getRun(a, done)).toMatchObject({ status: 'complete', summary: { n: 1 } });
      expect(getRun(a, running)?.status).toBe('running');
      failRun(a, running, '数据库中断 (store lost)');
      expect(getRun(a, running)?.status).toBe('failed');
    } finally {
      a.close();
    }
  });
});

describe('the CLI on a PostgreSQL store', () => {
  it('store.url in the config names the store; --db with a URL wins; a refused server exits 2 naming what to start', async () => {
    const url = await pg.createDatabase('cli');
    const s = openDb(url);
    const { ticket } = createTicket(s, ticketContext(parseConfig({})), { source: 'manual', category: '其他', description: '存在 PostgreSQL 里的工单' }, { name: 'test' });
    s.close();
    const cwd = mkdtempSync(join(dir, 'cli-'));
    writeFileSync(join(cwd, 'zhaocuo.config.json'), JSON.stringify({ store: { url } }));
    const listed = await cli(['tickets', 'list', '--json'], cwd);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { items: { number: string }[] }).items.map((t) => t.number)).toEqual([ticket.number]);
    const closed = await freePort();
    const refused = await cli(['tickets', 'list', '--db', `postgres://zhaocuo:secret@127.0.0.1:${closed}/zhaocuo`], cwd);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^zhaocuo: 无法连接 PostgreSQL 127\.0\.0\.1:\d+：连接被拒绝。请启动 PostgreSQL.*connection refused: start PostgreSQL[^\n]*\n$/);
    expect(refused.stderr).not.toContain('secret');
    // A wrong URL and a missing database: the same one line, exit 2, before anything runs.
    const [noName, noDb] = await Promise.all([cli(['runs', '--db', `postgres://zhaocuo:secret@127.0.0.1:${pg.port}/`], cwd), cli(['runs', '--db', pg.urlFor('nosuchdb')], cwd)]);
    expect([noName.code, noDb.code]).toEqual([2, 2]);
    expect(noName.stderr).toMatch(/^zhaocuo: PostgreSQL 地址缺少数据库名：postgres:\/\/zhaocuo:\*\*\*@127\.0\.0\.1:\d+\/，请加上[^\n]*\n$/);
    expect(noDb.stderr).toMatch(/^zhaocuo: PostgreSQL 127\.0\.0\.1:\d+ 上没有数据库 nosuchdb：请先创建（例如 createdb nosuchdb）[^\n]*\n$/);
  }, 200_000);
});
