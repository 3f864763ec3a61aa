/**
 * Availability (站点无法访问): the 7-day rule over probes of known timings stored in a real
 * SQLite file, the availability audit's veto contribution through an audit run, and real probes
 * (single-shot CLI, and the schedule) against loopback servers resolved through a real DNS server.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import availabilityAudit, { type AvailabilityData } from '../audits/availability.ts';
import { main } from '../src/cli/index.ts';
import { parseConfig } from '../src/config/load.ts';
import { NameResolver } from '../src/gather/dns.ts';
import { availabilityRule, type StoredProbe } from '../src/probe/rule.ts';
import { parseInterval, schedule } from '../src/probe/run.ts';
import { insertProbes, loadProbes } from '../src/probe/store.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { openDb } from '../src/store/db.ts';
import { startDnsServer, type TestDns } from './helpers/dns-server.ts';

const HOUR = 3_600_000;
const UNTIL = '2026-11-20T04:00:00.000Z'; // 12:00 China time

/**
 * `n` IPv4 probes spread evenly over the 7 days before `until`, of which `failed` fail in mixed
 * ways (over the 15 s limit by 1 ms, timeout, HTTP 503); the others load in 15 000 ms or less.
 */
function week(n: number, failed: number, url: string, until = UNTIL): StoredProbe[] {
  const end = Date.parse(until);
  const step = Math.floor((7 * 24 * HOUR) / n);
  const out: StoredProbe[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(end - 7 * 24 * HOUR + i * step + Math.floor(step / 2)).toISOString();
    const kind = i < failed ? i % 3 : -1;
    if (kind === 0) out.push({ at, family: 4, url, status: 200, loadMs: 15_001 });
    else if (kind === 1) out.push({ at, family: 4, url, status: null, loadMs: 15_000, error: 'not loaded within 15 s' });
    else if (kind === 2) out.push({ at, family: 4, url, status: 503, loadMs: 80 });
    else out.push({ at, family: 4, url, status: 200, loadMs: i % 10 === 0 ? 15_000 : 350 });
  }
  return out;
}

let dir: string;
let dns: TestDns;
let server: http.Server;
let server6: http.Server;
let port: number;
let slowMs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zhaocuo-probe-'));
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const send = () => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : '<!doctype html><title>示例局</title><p>首页</p><a href="/a.html">a</a>');
    };
    if (slowMs) setTimeout(send, slowMs);
    else send();
  };
  server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  server6 = http.createServer(handler);
  await new Promise<void>((r) => server6.listen({ port, host: '::1', ipv6Only: true }, r));
  dns = await startDnsServer({ 'www.probe.test': { A: ['127.0.0.1'], AAAA: ['::1'] }, 'v4.probe.test': { A: ['127.0.0.1'] } });
});

afterAll(async () => {
  for (const s of [server, server6]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the 7-day rule (pure, over probes stored in SQLite)', () => {
  const url = 'http://www.rule.test/';

  it('4.9% failing is no veto; 5.0% is', () => {
    const db = openDb(join(dir, 'rule.db'));
    try {
      insertProbes(db, week(1000, 49, url));
      const stored = loadProbes(db, ['http://www.rule.test'], '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
      expect(stored).toHaveLength(1000);
      const below = availabilityRule(stored, UNTIL);
      expect(below).toMatchObject({ total: 1000, failed: 49, evaluated: true, hit: false, required: 140 });
      expect(below.failedShare).toBeCloseTo(0.049, 6);
      expect(below.evidence).toContain('1000 次IPv4探测中 49 次未在 15 秒内打开首页（4.9%');

      const at = availabilityRule(week(1000, 50, url), UNTIL);
      expect(at).toMatchObject({ total: 1000, failed: 50, evaluated: true, hit: true });
      expect(at.evidence).toContain('触发否决');
      expect(at.failures).toHaveLength(20);
    } finally {
      db.close();
    }
  });

  it('counts only the window and the rule family; 15 000 ms is loaded, 15 001 ms is not', () => {
    const base = week(200, 0, url);
    const old = week(200, 200, url, new Date(Date.parse(UNTIL) - 7 * 24 * HOUR).toISOString()); // the week before: all failing
    const v6 = week(200, 200, url).map((p) => ({ ...p, family: 6 as const }));
    const r = availabilityRule([...base, ...old, ...v6], UNTIL);
    expect(r).toMatchObject({ total: 200, failed: 0, hit: false, evaluated: true });
    expect(r.v6).toMatchObject({ total: 200, failed: 200 });
    const limit = availabilityRule([{ at: '2026-11-19T00:00:00.000Z', family: 4, url, status: 200, loadMs: 15_000 }, { at: '2026-11-19T01:00:00.000Z', family: 4, url, status: 200, loadMs: 15_001 }], UNTIL);
    expect(limit.failed).toBe(1);
  });

  it('fewer than 7 × 20 probes: not evaluated, and the evidence says so', () => {
    const r = availabilityRule(week(139, 100, url), UNTIL);
    expect(r).toMatchObject({ total: 139, evaluated: false, hit: false, required: 140 });
    expect(r.evidence).toContain('仅有 139 次IPv4探测（需至少 140 次，每天 20 次），无法判定');
    expect(r.sparseDays.length).toBeGreaterThan(0);
    // 24 a day (hourly) is enough, and no whole day is sparse.
    const hourly = availabilityRule(week(168, 0, url), UNTIL);
    expect(hourly).toMatchObject({ evaluated: true, sparseDays: [] });
  });
});

describe('the verdict sees the stored probes (audit run, real SQLite file)', () => {
  it('loads the last 7 days into artifacts.availability and returns data.veto', async () => {
    const file = join(dir, 'audit.db');
    const origin = `http://v4.probe.test:${port}`;
    const db = openDb(file);
    const now = new Date();
    insertProbes(db, week(300, 15, origin + '/', now.toISOString())); // exactly 5%
    db.close();
    const config = parseConfig({ dnsServer: dns.server, crawl: { robots: false, sitemap: false, retries: 0 } });
    const res = await auditSite({ startUrl: origin + '/', config, db: file, outDir: null, audits: [availabilityAudit] });
    expect(res.artifacts.availability?.probes).toHaveLength(300);
    const data = res.result.data.availability as AvailabilityData;
    expect(data).toMatchObject({ total: 300, failed: 15, evaluated: true, hit: true });
    expect(data.veto).toMatchObject({ item: '站点无法访问', hit: true, evaluated: true });
    expect(data.veto.evidence).toContain('300 次IPv4探测中 15 次未在 15 秒内打开首页（5.0%');
    expect(res.result.findings.find((f) => f.rule === 'site-unreachable')).toMatchObject({ severity: 'critical' });

    // Without probes: not evaluated, with the reason.
    const none = await auditSite({ startUrl: `http://www.probe.test:${port}/`, config, db: join(dir, 'empty.db'), outDir: null, audits: [availabilityAudit] });
    const d2 = none.result.data.availability as AvailabilityData;
    expect(d2.veto).toMatchObject({ item: '站点无法访问', hit: false, evaluated: false });
    expect(d2.veto.evidence).toContain('仅有 0 次');
  });
});

describe('zhaocuo probe (real probes against loopback)', () => {
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
    try {
      const code = await main(['node', 'zhaocuo', ...args]);
      return { code, out, err };
    } finally {
      o.mockRestore();
      e.mockRestore();
      process.exitCode = undefined;
    }
  }

  it('--once probes over IPv4 and IPv6, stores both and prints the 7-day rule', async () => {
    const file = join(dir, 'once.db');
    const url = `http://www.probe.test:${port}/`;
    const r = await cli('probe', url, '--once', '--db', file, '--dns-server', dns.server);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/IPv4 {2}HTTP 200 {2}\d+ ms {2}127\.0\.0\.1/);
    expect(r.out).toMatch(/IPv6 {2}HTTP 200 {2}\d+ ms {2}::1/);
    expect(r.out).toContain('近 7 天判定（IPv4）：0/1 次未打开（0.0%）— 未评估：探测 1/140 次');
    const db = openDb(file);
    const rows = db.prepare('SELECT origin, family, status, load_ms, address, error FROM probes ORDER BY family').all() as { origin: string; family: number; status: number; load_ms: number; address: string; error: string | null }[];
    db.close();
    expect(rows.map((x) => [x.origin, x.family, x.status, x.address, x.error])).toEqual([
      [`http://www.probe.test:${port}`, 4, 200, '127.0.0.1', null],
      [`http://www.probe.test:${port}`, 6, 200, '::1', null],
    ]);
    expect(rows.every((x) => x.load_ms >= 0 && x.load_ms < 5000)).toBe(true);
  });

  it('a probe not loaded within the limit is stored as failed', async () => {
    const file = join(dir, 'slow.db');
    slowMs = 600;
    try {
      const r = await cli('probe', `http://www.probe.test:${port}/`, '--once', '--db', file, '--dns-server', dns.server, '--timeout', '0.2', '--family', 'v4');
      expect(r.code).toBe(0);
      expect(r.out).toContain('在 0.2 秒内未加载完成');
      expect(r.out).toContain('1/1 次未打开（100.0%）');
    } finally {
      slowMs = 0;
    }
  });

  it('rejects a schedule of fewer than 20 probes a day', async () => {
    const r = await cli('probe', `http://www.probe.test:${port}/`, '--every', '90m', '--db', join(dir, 'x.db'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('每天探测不足 20 次');
    expect(parseInterval('60m')).toBe(HOUR);
    expect(parseInterval('1h')).toBe(HOUR);
    expect(parseInterval('90s')).toBe(90_000);
    expect(parseInterval('soon')).toBeUndefined();
  });

  it('the long-lived schedule probes every interval until stopped', async () => {
    const db = openDb(join(dir, 'schedule.db'));
    const rounds: number[] = [];
    const s = schedule({ url: `http://v4.probe.test:${port}/`, db, resolver: new NameResolver(dns.server), everyMs: 40, rounds: 3, onRound: (r) => rounds.push(r.rule.v4.total) });
    await s.done;
    // The v6 probe of a name without AAAA fails and is stored as such.
    const rows = db.prepare('SELECT family, status, error FROM probes ORDER BY id').all() as { family: number; status: number | null; error: string | null }[];
    db.close();
    expect(rounds).toEqual([1, 2, 3]);
    expect(rows.filter((x) => x.family === 4).every((x) => x.status === 200)).toBe(true);
    expect(rows.filter((x) => x.family === 6).every((x) => x.status === null && /没有 AAAA 记录/.test(x.error ?? ''))).toBe(true);
  });
});
