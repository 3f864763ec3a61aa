/**
 * The whole store on each database (a SQLite file, a real PostgreSQL): a loopback site audited
 * twice through auditSite (runs, pages, links, findings, the page cache, tickets filed and
 * fix-verified), then everything that reads the store — the report rebuilt from it, trends,
 * the findings export, the annual form, the site report — plus the sites registry, its locks
 * and schedule state, API tokens and sessions, and availability probes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { STORE_KINDS, testStores } from './helpers/test-stores.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import type { DB } from '../src/store/db.ts';
import { reportFromStore } from '../src/report/from-store.ts';
import { trendsFromStore } from '../src/report/trends.ts';
import { findingExportRows } from '../src/report/xlsx.ts';
import { annualForms } from '../src/report/annual.ts';
import { pickRun, siteReportData } from '../src/report/site.ts';
import type { Report } from '../src/report/schema.ts';
import { listTickets } from '../src/tickets/store.ts';
import { upsertSites, listRegistered, removeRegistered } from '../src/sites/registry.ts';
import { acquireLock, heartbeat, lockedSites, releaseLock, INTERRUPTED } from '../src/sites/lock.ts';
import { markFinished, markStarted, scheduleState } from '../src/sites/state.ts';
import { createSession, createToken, listTokens, principalOf, revokeToken, sessionOf } from '../src/server/tokens.ts';
import { insertProbes, loadProbes } from '../src/probe/store.ts';
import { judgeStored } from '../src/probe/run.ts';
import { beginRun, getRun } from '../src/store/runs.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-store-audit-'));
const stores = testStores(dir);
let site: TestServer;
let broken = true;

const doc = (title: string, body = '') => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  site = await startServer({
    '/': doc('首页', '<nav><a href="/old.html">旧栏目</a><a href="/a.html">A</a><a href="/zwgk/b.html">B</a></nav><a href="/gone.html">已删除</a>'),
    '/old.html': { status: 301, headers: { location: '/new.html' } },
    '/new.html': doc('新栏目', '<a href="/">首页</a>'),
    '/a.html': doc('A', '<p>A</p>'),
    '/zwgk/b.html': doc('B', '<p>B</p><img src="/logo.png" alt="标志">'),
    // Broken on the first night, fixed by the second.
    '/gone.html': (req, res) => {
      res.writeHead(broken ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : broken ? '<title>404</title>' : doc('已恢复', '<p>已恢复</p>'));
    },
    '/logo.png': { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from('89504e470d0a1a0a', 'hex') },
  });
}, 60_000);

afterAll(async () => {
  await site?.close();
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
});

const outcomes = (r: Report) => r.audits.map((a) => ({ id: a.id, status: a.status, reason: a.reason ?? null }));
const linkKey = (l: Report['links'][number]) => JSON.stringify([l.url, l.state, l.status, l.finalUrl ?? null, l.redirects ?? null, l.error ?? null, l.state === 'ok' ? [] : l.from]);

describe.each(STORE_KINDS)('the store on %s, through an audit and everything that reads it', (kind) => {
  let db: DB;
  const runs: AuditSiteResult[] = [];
  const live: Report[] = [];

  beforeAll(async () => {
    db = await stores.open(kind, 'audit');
    broken = true;
    for (const [i, today] of ['2026-11-19', '2026-11-20'].entries()) {
      if (i === 1) broken = false;
      const config = parseConfig({
        today, site: { name: '存储测试局' }, crawl: { robots: false, sitemap: false }, ipv6: { enabled: false }, browser: { enabled: false },
        divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处' } },
      });
      const r = await auditSite({ startUrl: site.url + '/', config, db, outDir: join(dir, `${kind}-run-${i + 1}`) });
      runs.push(r);
      live.push(JSON.parse(readFileSync(r.files!.json, 'utf8')) as Report);
    }
  }, 120_000);
  afterAll(() => db?.close());

  it('stores both runs complete, and the report rebuilt from the store says what the live one said', () => {
    for (const [i, r] of runs.entries()) {
      expect(getRun(db, r.runId!)).toMatchObject({ status: 'complete', today: ['2026-11-19', '2026-11-20'][i] });
      const rebuilt = reportFromStore(db, r.runId!);
      expect(rebuilt.findings).toEqual(live[i].findings);
      expect(outcomes(rebuilt)).toEqual(outcomes(live[i]));
      expect(rebuilt.links.map(linkKey).sort()).toEqual(live[i].links.map(linkKey).sort());
      expect(rebuilt.pages.map((p) => p.url).sort()).toEqual(live[i].pages.map((p) => p.url).sort());
      expect(rebuilt.summary).toEqual(live[i].summary);
    }
    expect(reportFromStore(db, runs[0].runId!).links.find((l) => l.url === `${site.url}/gone.html`)).toMatchObject({ state: 'broken', from: [`${site.url}/`] });
    expect(pickRun(db, { site: site.url })).toBe(runs[1].runId);
  });

  it('files a ticket for the broken link, verifies its fix the next night, and the trends say it was fixed', () => {
    expect(runs[0].tickets).toMatchObject({ created: expect.any(Number) });
    const gone = listTickets(db, { q: 'gone.html' }, { now: new Date(), timezone: 'Asia/Shanghai' }).items.filter((t) => t.audit === 'links');
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((t) => t.status === '已整改' && t.verifiedRunId === runs[1].runId)).toBe(true);
    // Search is case-blind on both databases.
    expect(listTickets(db, { q: 'GONE.HTML' }, { now: new Date(), timezone: 'Asia/Shanghai' }).total).toBe(listTickets(db, { q: 'gone.html' }, { now: new Date(), timezone: 'Asia/Shanghai' }).total);
    const trends = trendsFromStore(db, { runId: runs[1].runId! });
    expect(trends.points.map((p) => p.runId)).toEqual(runs.map((r) => r.runId));
    expect(trends.points.map((p) => p.pages)).toEqual(runs.map((r) => r.artifacts.pages.length));
    expect(trends.points[0].broken).toBeGreaterThan(trends.points[1].broken!);
    expect(trends.fixedSince.some((f) => f.audit === 'links')).toBe(true);
    expect(trends.points[1].tickets.counted + trends.points[1].tickets.pending).toBeGreaterThan(0);
  });

  it('the findings export, the site report and the annual form read it', () => {
    const rows = findingExportRows(db, runs[0].runId!, { timezone: 'Asia/Shanghai' });
    expect(rows).toHaveLength(runs[0].result.findings.length);
    expect(rows.filter((r) => r.ticket).length).toBeGreaterThan(0);
    const data = siteReportData(db, runs[1].runId!, 10);
    expect(data.trends.points).toHaveLength(2);
    const [form] = annualForms(db, { year: 2026, site: site.url, timezone: 'Asia/Shanghai' });
    expect(form).toBeDefined();
    expect(JSON.stringify(form)).toContain('存储测试局');
  });

  it('the sites registry, its locks (with a dead holder taken over) and the schedule state', () => {
    const other = 'http://reg.example.gov.cn';
    expect(upsertSites(db, [{ url: `${other}/`, name: '登记局', tags: { province: '福建省' }, config: {}, enabled: true }])).toEqual({ added: 1, updated: 0 });
    expect(upsertSites(db, [{ url: `${other}/`, name: '登记局（改名）', schedule: '0 2 * * *', tags: { province: '福建省' }, config: { crawl: { maxPages: 5 } }, enabled: false }])).toEqual({ added: 0, updated: 1 });
    const [reg] = listRegistered(db);
    expect(reg).toMatchObject({ origin: other, name: '登记局（改名）', schedule: '0 2 * * *', enabled: false, tags: { province: '福建省' }, config: { crawl: { maxPages: 5 } } });
    const now = new Date('2026-11-20T18:00:00Z');
    const a = { owner: 'host-a:1', host: 'host-a', pid: 1 };
    const b = { owner: 'host-b:2', host: 'host-b', pid: 2 };
    expect(acquireLock(db, reg.siteId, a, now, 60_000)).toBe(true);
    expect(acquireLock(db, reg.siteId, b, now, 60_000)).toBe(false);
    heartbeat(db, reg.siteId, a, new Date(now.getTime() + 30_000));
    expect(lockedSites(db, new Date(now.getTime() + 60_000), 60_000, b)).toEqual(new Set([reg.siteId]));
    // a stops beating; its run left running is marked interrupted when b takes over.
    const left = beginRun(db, other, `${other}/`, '2026-11-20');
    expect(acquireLock(db, reg.siteId, b, new Date(now.getTime() + 200_000), 60_000)).toBe(true);
    expect(getRun(db, left)).toMatchObject({ status: 'failed', error: INTERRUPTED });
    releaseLock(db, reg.siteId, b);
    expect(lockedSites(db, now, 60_000, b).size).toBe(0);
    markStarted(db, reg.siteId, now, 1, now);
    expect(scheduleState(db, reg.siteId)).toMatchObject({ slotAt: now.toISOString(), attempts: 1, status: 'running', nextAttemptAt: null });
    markFinished(db, reg.siteId, { ok: false, runId: left, error: '超时', nextAttemptAt: new Date(now.getTime() + 600_000), now });
    expect(scheduleState(db, reg.siteId)).toMatchObject({ status: 'failed', lastError: '超时', lastRunId: left });
    removeRegistered(db, other);
    expect(listRegistered(db)).toEqual([]);
    expect(scheduleState(db, reg.siteId)).toBeUndefined();
  });

  it('API tokens and sessions: created, found, revoked', () => {
    const { id, token } = createToken(db, { name: '法规处经办', role: 'handler', division: '法规处' });
    expect(principalOf(db, token)).toEqual({ tokenId: id, name: '法规处经办', role: 'handler', division: '法规处' });
    const s = createSession(db, id, 8);
    expect(sessionOf(db, s.sid)).toMatchObject({ principal: { tokenId: id }, csrf: s.csrf });
    expect(listTokens(db).map((t) => t.tokenId)).toContain(id);
    expect(revokeToken(db, id)).toBe(true);
    expect(revokeToken(db, id)).toBe(false);
    expect(principalOf(db, token)).toBeUndefined();
    expect(sessionOf(db, s.sid)).toBeUndefined();
  });

  it('availability probes: stored in a batch, read back in time order, judged', () => {
    const url = 'http://probe.example.gov.cn/';
    const base = Date.parse('2026-11-20T00:00:00Z');
    const probes = Array.from({ length: 600 }, (_, i) => ({ url, at: new Date(base + (599 - i) * 60_000).toISOString(), family: (i % 2 ? 6 : 4) as 4 | 6, status: i % 50 ? 200 : null, loadMs: 120, ...(i % 50 ? {} : { error: 'ETIMEDOUT' }) }));
    insertProbes(db, probes);
    const back = loadProbes(db, ['http://probe.example.gov.cn'], new Date(base).toISOString(), new Date(base + 86_400_000).toISOString());
    expect(back).toHaveLength(600);
    expect(back.map((p) => p.at)).toEqual([...back.map((p) => p.at)].sort());
    expect(back.filter((p) => p.error === 'ETIMEDOUT')).toHaveLength(12);
    expect(judgeStored(db, url, new Date(base + 86_400_000))).toBeDefined();
  });
});
