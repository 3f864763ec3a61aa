/**
 * Audit findings → tickets with real runs (a real crawl of loopback sites into a temp SQLite
 * file): one ticket per fingerprint across runs, fixed-verified by the run that no longer
 * finds it, reopened when it comes back; a partial crawl verifies nothing; the sample portal
 * audited twice files nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { parseConfig } from '../src/config/load.ts';
import type { ConfigInput } from '../src/config/schema.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { getTicket, listTickets, ticketHistory } from '../src/tickets/store.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { updateTicket } from '../src/tickets/service.ts';
import type { SyncResult } from '../src/tickets/from-audit.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-audit-'));
const links = ALL_AUDITS.filter((a) => a.meta.id === 'links');
const PURE = ['links', 'identity', 'columns', 'service-guides', 'interaction', 'privacy', 'wording', 'verdict'];
const pure = ALL_AUDITS.filter((a) => PURE.includes(a.meta.id));

const HOME_BROKEN = '<html lang="zh-CN"><title>首页</title><a href="/zwgk/a.html">政务公开</a><a href="/gone.html">失效链接</a></html>';
const HOME_FIXED = '<html lang="zh-CN"><title>首页</title><a href="/zwgk/a.html">政务公开</a></html>';
const routes: Record<string, string> = {
  '/': HOME_BROKEN,
  // an image that does not load: a medium finding, below the ticket threshold (high)
  '/zwgk/a.html': '<html><title>A</title><a href="/">首页</a><img src="/zwgk/missing.png" alt="图"></html>',
};

let site: TestServer;
let db: DB;
const base: ConfigInput = {
  crawl: { robots: false, sitemap: false, checkExternal: false, retries: 0 },
  divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处' } },
  tickets: { fromAudits: { minSeverity: 'high' } },
};

async function run(over: ConfigInput = {}) {
  const config = parseConfig({ ...base, ...over, crawl: { ...base.crawl, ...over.crawl } });
  const r = await auditSite({ startUrl: site.url + '/', config, db, outDir: null, audits: links });
  expect(r.tickets).toBeDefined();
  expect(r.tickets).not.toHaveProperty('error');
  return { runId: r.runId!, tickets: r.tickets as SyncResult, findings: r.result.findings };
}

const auditTickets = () => listTickets(db, { source: 'audit' }, { now: new Date(), timezone: 'Asia/Shanghai' }).items;

beforeAll(async () => {
  site = await startServer(routes);
  db = openDb(join(dir, 'audit.db'));
});
afterAll(async () => {
  await site?.close();
  db?.close();
});

describe('findings become tickets, once per fingerprint', () => {
  let first: Awaited<ReturnType<typeof run>>;
  let number: string;

  it('run 1: the broken homepage link (high) files a ticket; the broken image (medium) does not', async () => {
    first = await run();
    expect(first.findings.map((f) => [f.rule, f.severity])).toEqual(expect.arrayContaining([['broken-link', 'high'], ['broken-link', 'medium']]));
    expect(first.tickets).toMatchObject({ created: 1, updated: 0, verified: 0, reopened: 0 });
    const [t] = auditTickets();
    number = t.number;
    expect(t).toMatchObject({ source: 'audit', category: '内容无法访问', status: '待处理', audit: 'links', severity: 'high', firstRunId: first.runId, lastSeenRunId: first.runId, division: '办公室' });
    expect(t.description).toMatch(/gone\.html/);
    expect(t.evidence).toMatchObject({ rule: 'broken-link', status: 404 });
    expect(t.dueAt).not.toBeNull();
  });

  it('run 2: the same finding updates that ticket instead of filing another', async () => {
    const second = await run();
    expect(second.tickets).toMatchObject({ created: 0, updated: 1 });
    const all = auditTickets();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ number, lastSeenRunId: second.runId, firstRunId: first.runId });
  });

  it('a partial crawl (maxPages 1 skips /zwgk/a.html) verifies nothing it did not look at', async () => {
    routes['/zwgk/a.html'] = '<html><title>A</title><a href="/">首页</a><a href="/zwgk/old.html">旧文件</a></html>';
    const r = await run();
    expect(r.tickets.created).toBe(1); // /zwgk/old.html: an internal broken link → high → 法规处
    const onA = auditTickets().find((t) => t.pageUrl?.endsWith('/zwgk/a.html'))!;
    expect(onA.division).toBe('法规处');
    const partial = await run({ crawl: { maxPages: 1 } });
    expect(partial.tickets.verified).toBe(0);
    expect(getTicket(db, onA.id)!.verifiedRunId).toBeNull();
  });

  it('run without the link: the ticket is fixed-verified by that run (已整改, closed)', async () => {
    updateTicket(db, ticketContext(parseConfig(base)), number, { status: '处理中' }, { name: '张三（办公室）' });
    routes['/'] = HOME_FIXED;
    const fixed = await run();
    expect(fixed.tickets.verified).toBe(1);
    const t = getTicket(db, number)!;
    expect(t).toMatchObject({ status: '已整改', verifiedRunId: fixed.runId });
    expect(t.closedAt).not.toBeNull();
    expect(ticketHistory(db, t.id).at(-1)).toMatchObject({ action: 'verified', runId: fixed.runId, oldValue: '处理中', newValue: '已整改' });
    // the other ticket (on /zwgk/a.html) is still found: untouched
    expect(auditTickets().filter((x) => x.verifiedRunId === null)).toHaveLength(1);
  });

  it('when it comes back, the ticket reopens (no second ticket)', async () => {
    routes['/'] = HOME_BROKEN;
    const back = await run();
    expect(back.tickets).toMatchObject({ created: 0, reopened: 1 });
    const t = getTicket(db, number)!;
    expect(t).toMatchObject({ status: '待处理', verifiedRunId: null, closedAt: null, reopenCount: 1, lastSeenRunId: back.runId });
    expect(ticketHistory(db, t.id).at(-1)).toMatchObject({ action: 'reopened', runId: back.runId });
    expect(auditTickets()).toHaveLength(2);
  });

  it('a run without a database files no tickets', async () => {
    const r = await auditSite({ startUrl: site.url + '/', config: parseConfig(base), db: null, outDir: null, audits: links });
    expect(r.tickets).toBeUndefined();
  });
});

describe('the sample portal audited twice', () => {
  let portal: SamplePortal;
  let pdb: DB;
  beforeAll(async () => {
    portal = await startSamplePortal({ pages: 40, seed: 3, today: '2026-11-20', host: '127.0.0.1' });
    pdb = openDb(join(dir, 'portal.db'));
  });
  afterAll(async () => {
    await portal?.close();
    pdb?.close();
  });

  it('files tickets from the first run and nothing twice from the second', async () => {
    const config = parseConfig({ today: '2026-11-20', crawl: { retries: 0 }, tickets: { fromAudits: { minSeverity: 'medium' } } });
    const r1 = await auditSite({ startUrl: portal.url + '/', config, db: pdb, outDir: null, audits: pure });
    const s1 = r1.tickets as SyncResult;
    expect(s1.created).toBeGreaterThan(3);
    const r2 = await auditSite({ startUrl: portal.url + '/', config, db: pdb, outDir: null, audits: pure });
    const s2 = r2.tickets as SyncResult;
    expect(s2).toMatchObject({ created: 0, reopened: 0, verified: 0, updated: s1.created });
    const n = (pdb.prepare('SELECT count(*) AS n, count(DISTINCT fingerprint) AS f FROM tickets').get() as { n: number; f: number });
    expect(n).toEqual({ n: s1.created, f: s1.created });
    const cats = new Set((pdb.prepare('SELECT category FROM tickets').all() as { category: string }[]).map((r) => r.category));
    expect(cats.has('内容无法访问')).toBe(true);
    // Veto tickets file under what tripped the veto (互动回应差 → 咨询留言不回复 …), never 其他.
    const vetoes = pdb.prepare("SELECT category, json_extract(evidence_json, '$.rule') AS rule FROM tickets WHERE audit = 'verdict' AND json_extract(evidence_json, '$.rule') LIKE 'veto-%'").all() as { category: string; rule: string }[];
    expect(vetoes.length).toBeGreaterThan(0);
    for (const v of vetoes) expect(v.category, v.rule).not.toBe('其他');
    expect(vetoes.find((v) => v.rule === 'veto-互动回应差')?.category).toBe('咨询留言不回复');
  }, 60_000);
});
