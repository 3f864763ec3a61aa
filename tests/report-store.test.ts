/**
 * What the store keeps so a report rebuilt from it says what the run's own report said: why an
 * audit was skipped (the browser audits on a machine without Chromium, IPv6 switched off) and
 * the redirect hops of each link, pages included. A real SQLite file in a temp folder, a real
 * loopback site with a 3-hop redirect chain to a page and a redirected image. And a database
 * written at the schema before (3): migrated on open, its runs still render, with the reasons
 * it never kept shown as unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { migrate, openDb, type DB } from '../src/store/db.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { reportFromStore, UNKNOWN_REASON } from '../src/report/from-store.ts';
import { renderHtml } from '../src/report/html.ts';
import { reportSchema, type Report } from '../src/report/schema.ts';
import { siteReportData, writeSiteReport } from '../src/report/site.ts';
import { main } from '../src/cli/index.ts';

/** The schema before skip reasons and redirect hops were stored. */
const OLD_SCHEMA = 3;
const BROWSER_AUDITS = ['accessibility', 'age-friendly', 'lighthouse'];

let site: TestServer;
let dir: string;
let dbPath: string;
let db: DB;
let run: AuditSiteResult;
let live: Report;
let liveHtml: string;

const redirect = (to: string) => ({ status: 301, headers: { location: to }, body: '' });
const doc = (title: string, body = '') => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  site = await startServer({
    '/': doc('首页', '<nav><a href="/old.html">旧栏目</a><a href="/a.html">A</a></nav><img src="/logo-old.png" alt="标志"><a href="/gone.html">已删除</a>'),
    // A page reached through three hops, and an image through one.
    '/old.html': redirect('/mid1.html'),
    '/mid1.html': { status: 302, headers: { location: '/mid2.html' }, body: '' },
    '/mid2.html': redirect('/new.html'),
    '/new.html': doc('新栏目', '<p>新栏目</p><a href="/">首页</a>'),
    '/a.html': doc('A', '<p>A</p>'),
    '/logo-old.png': redirect('/logo.png'),
    '/logo.png': { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from('89504e470d0a1a0a', 'hex') },
  });
  dir = mkdtempSync(join(tmpdir(), 'zc-report-store-'));
  dbPath = join(dir, 'zhaocuo.db');
  const config = parseConfig({ today: '2026-11-20', site: { name: '跳转测试局' }, crawl: { robots: false, sitemap: false }, ipv6: { enabled: false } });
  run = await auditSite({
    startUrl: site.url + '/',
    config,
    db: dbPath,
    outDir: join(dir, 'run'),
    // A machine without a browser: the browser audits are skipped, naming `npm run setup`.
    findBrowser: () => findBrowser({ env: { CHROME_PATH: '/nonexistent/chrome' }, candidates: [] }),
  });
  live = JSON.parse(readFileSync(run.files!.json, 'utf8')) as Report;
  liveHtml = readFileSync(run.files!.html, 'utf8');
  db = openDb(dbPath);
}, 60_000);

afterAll(async () => {
  db?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const section = (html: string, id: string) => html.match(new RegExp(`<section id="${id}">[\\s\\S]*?</section>`))?.[0] ?? '';
const outcomes = (r: Report) => r.audits.map((a) => ({ id: a.id, status: a.status, reason: a.reason ?? null }));
const hops = (r: Report) => Object.fromEntries(r.links.filter((l) => l.redirects).map((l) => [l.url, l.redirects]));

describe('the run as stored: skip reasons and redirect hops', () => {
  it('the live report has what this test is about', () => {
    const byId = new Map(live.audits.map((a) => [a.id, a]));
    for (const id of BROWSER_AUDITS) {
      expect(byId.get(id)?.status, id).toBe('skipped');
      expect(byId.get(id)?.reason, id).toMatch(/npm run setup/);
    }
    expect(byId.get('ipv6')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/ipv6/) });
    expect(hops(live)).toEqual({
      [`${site.url}/old.html`]: [`${site.url}/old.html`, `${site.url}/mid1.html`, `${site.url}/mid2.html`],
      [`${site.url}/logo-old.png`]: [`${site.url}/logo-old.png`],
    });
  });

  it('every audit’s status and reason are stored; the hops of every link (a page’s with its link)', () => {
    const stored = db.prepare('SELECT audit, status, reason FROM audit_data WHERE run_id = ? ORDER BY rowid').all(run.runId) as { audit: string; status: string; reason: string | null }[];
    expect(stored.map((a) => ({ id: a.audit, status: a.status, reason: a.reason }))).toEqual(outcomes(live));
    const links = db.prepare('SELECT url, redirects_json FROM links WHERE run_id = ? AND redirects_json IS NOT NULL').all(run.runId) as { url: string; redirects_json: string }[];
    expect(Object.fromEntries(links.map((l) => [l.url, JSON.parse(l.redirects_json)]))).toEqual(hops(live));
    // Every stored page has its link row (same run and URL) with the page's own hops.
    const pages = db.prepare('SELECT p.url, l.url AS link, l.redirects_json FROM pages p LEFT JOIN links l ON l.run_id = p.run_id AND l.url = p.url WHERE p.run_id = ?').all(run.runId) as { url: string; link: string | null; redirects_json: string | null }[];
    expect(pages.length).toBe(run.artifacts.pages.length);
    for (const p of pages) {
      expect(p.link, p.url).toBe(p.url);
      const artifact = run.artifacts.pages.find((a) => a.url === p.url)!;
      expect(p.redirects_json ? JSON.parse(p.redirects_json) : [], p.url).toEqual(artifact.redirects);
    }
    expect(run.artifacts.pages.find((p) => p.url === `${site.url}/old.html`)?.redirects).toHaveLength(3);
  });

  it('report.json rebuilt from the store has the live report’s skip reasons and redirect chains', () => {
    const rebuilt = reportFromStore(db, run.runId!);
    expect(outcomes(rebuilt)).toEqual(outcomes(live));
    expect(hops(rebuilt)).toEqual(hops(live));
    const linkKey = (l: Report['links'][number]) => JSON.stringify([l.url, l.state, l.status, l.finalUrl ?? null, l.redirects ?? null, l.error ?? null]);
    expect(rebuilt.links.map(linkKey).sort()).toEqual(live.links.map(linkKey).sort());
    expect(rebuilt.findings).toEqual(live.findings);
    expect(() => reportSchema.parse(rebuilt)).not.toThrow();
  });

  it('zhaocuo report writes the same reasons and chains: report.json, and index.html section by section', async () => {
    const out = join(dir, 'report');
    const code = await main(['node', 'zhaocuo', 'report', '--run', String(run.runId), '--db', dbPath, '--format', 'html,json', '--out', out]);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(outcomes(json)).toEqual(outcomes(live));
    expect(hops(json)).toEqual(hops(live));
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const id of [...BROWSER_AUDITS.map((a) => `audit-${a}`), 'ipv6', 'audit-links', 'tasks']) {
      expect(section(html, id), id).not.toBe('');
      expect(section(html, id), id).toBe(section(liveHtml, id));
    }
    expect(section(html, 'audit-accessibility')).toMatch(/npm run setup/);
    // The redirect chain finding shows the hops in its evidence, as in the live report.
    expect(section(html, "audit-links").replace(/<[^>]+>/g, "")).toContain(`重定向经过：${site.url}/old.html → ${site.url}/mid1.html → ${site.url}/mid2.html → ${site.url}/new.html`);
  });
});

describe('a database written at the schema before', () => {
  let oldPath: string;

  beforeAll(() => {
    // The previous zhaocuo: migrations up to 3, then this run stored as it stored runs (no
    // skip reasons, no hops), copied row by row from the new database.
    oldPath = join(dir, 'old.db');
    const old = new Database(oldPath);
    migrate(old, OLD_SCHEMA);
    expect(old.pragma('user_version', { simple: true })).toBe(OLD_SCHEMA);
    const cols = (t: string) => (old.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('audit_data')).not.toContain('reason');
    expect(cols('links')).not.toContain('redirects_json');
    old.prepare('ATTACH DATABASE ? AS src').run(dbPath);
    old.transaction(() => {
      for (const t of ['sites', 'runs', 'pages', 'links', 'edges', 'findings', 'audit_data']) {
        const c = cols(t).join(', ');
        old.exec(`INSERT INTO main.${t} (${c}) SELECT ${c} FROM src.${t}`);
      }
    })();
    old.exec('DETACH DATABASE src');
    old.close();
  });

  it('opens (migrated to the newest schema) and rebuilds the run; what it never kept shows as unknown', () => {
    const odb = openDb(oldPath);
    try {
      expect(odb.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const r = reportFromStore(odb, run.runId!);
      expect(() => reportSchema.parse(r)).not.toThrow();
      // Skipped audits: reason unknown; the audits that ran: no reason, as in the live report.
      expect(outcomes(r)).toEqual(outcomes(live).map((a) => (a.status === 'ran' ? a : { ...a, reason: UNKNOWN_REASON })));
      // No hops were kept: none are shown (the final URLs were, and still are).
      expect(hops(r)).toEqual({});
      expect(r.links.find((l) => l.url === `${site.url}/old.html`)?.finalUrl).toBe(`${site.url}/new.html`);
      // Everything else as before.
      expect(r.findings).toEqual(live.findings);
      expect(r.summary).toEqual(live.summary);
      const html = renderHtml(r, siteReportData(odb, run.runId!, 10));
      expect(section(html, 'audit-accessibility')).toContain(UNKNOWN_REASON);
      expect(section(html, 'verdict')).toBe(section(liveHtml, 'verdict'));
    } finally {
      odb.close();
    }
  });

  it('zhaocuo report renders it in every format but the PDF', async () => {
    const odb = openDb(oldPath);
    try {
      const out = join(dir, 'report-old');
      const r = await writeSiteReport(odb, { runId: run.runId!, last: 10, outDir: out, formats: ['html', 'xlsx', 'csv', 'json'], timezone: 'Asia/Shanghai' });
      expect(Object.keys(r.files).sort()).toEqual(['findingsCsv', 'html', 'json', 'ticketsCsv', 'xlsx']);
      const json = JSON.parse(readFileSync(r.files.json!, 'utf8')) as Report;
      expect(json.audits.find((a) => a.id === 'lighthouse')?.reason).toBe(UNKNOWN_REASON);
      expect(readFileSync(r.files.html!, 'utf8')).toContain(UNKNOWN_REASON);
    } finally {
      odb.close();
    }
    expect(await main(['node', 'zhaocuo', 'report', '--run', String(run.runId), '--db', oldPath, '--format', 'html', '--out', join(dir, 'report-old-cli')])).toBe(0);
  });
});
