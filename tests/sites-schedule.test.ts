/**
 * The embedded scheduler on a real SQLite file with real audits of small sample portals on
 * loopback, driven by an injected clock (no real cron minutes): at most --max-parallel audits at
 * once, a failed site does not stop the others and is retried after its backoff (and succeeds
 * once its server is up), one site is never started twice — by two schedulers on the same file,
 * or after a crash, where a SIGKILLed `zhaocuo schedule --once` leaves a lock that is taken over
 * and a run that is marked interrupted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { INTERRUPTED } from '../src/sites/lock.ts';
import { upsertSites } from '../src/sites/registry.ts';
import { storeAudit, Scheduler, type RunAudit } from '../src/sites/scheduler.ts';
import { markStarted, scheduleState } from '../src/sites/state.ts';
import { listRegistered } from '../src/sites/registry.ts';
import { siteConfig } from '../src/sites/merge.ts';
import type { SiteEntry } from '../src/sites/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-schedule-'));
const base = parseConfig({ today: '2026-11-20', crawl: { robots: false }, browser: { enabled: false }, ipv6: { enabled: false }, audits: { integrity: { options: { spiderCheck: false } }, search: { enabled: false } } });
const bj = (s: string) => new Date(`${s}+08:00`);
const entry = (url: string, name: string, schedule = '0 2 * * *'): SiteEntry => ({ url, name, schedule, tags: { province: '示例省' }, config: {}, enabled: true });

let a: SamplePortal;
let b: SamplePortal;
let freePort: number;
beforeAll(async () => {
  [a, b] = await Promise.all([startSamplePortal({ pages: 60, seed: 1, host: '127.0.0.1' }), startSamplePortal({ pages: 60, seed: 2, host: '127.0.0.1' })]);
  const s = http.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  freePort = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
}, 30_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Counts audits in flight around the real one. */
function counting(db: DB) {
  const real = storeAudit(db);
  const c = { now: 0, max: 0 };
  const run: RunAudit = async (site, config) => {
    c.max = Math.max(c.max, ++c.now);
    try {
      return await real(site, config);
    } finally {
      c.now--;
    }
  };
  return { c, run };
}

describe('zhaocuo schedule', () => {
  it('bounds audits at once, goes on after a failed site, retries it later with backoff', async () => {
    const db = openDb(join(dir, 'a.db'));
    const down = `http://127.0.0.1:${freePort}/`;
    upsertSites(db, [entry(a.url + '/', '甲局'), entry(b.url + '/', '乙局'), entry(down, '丙局（未开机）')], bj('2026-12-01T10:00:00'));
    let now = bj('2026-12-04T02:00:20');
    const { c, run } = counting(db);
    const log: string[] = [];
    const s = new Scheduler({ db, baseConfig: base, maxParallel: 2, clock: () => now, runAudit: run, log: (l) => log.push(l) });
    expect(s.tick()).toHaveLength(2);
    await s.idle();
    expect(c.max).toBe(2);
    expect(s.results.map((r) => [r.site.name, r.ok])).toEqual(expect.arrayContaining([['甲局', true], ['乙局', true], ['丙局（未开机）', false]]));
    const failed = s.results.find((r) => !r.ok)!;
    expect(failed.retryAt?.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(log.join('\n')).toMatch(/失败 丙局（未开机）：.*将于 2026-12-04 02:15 重试（第 2\/3 次）/);
    const runs = db.prepare('SELECT s.name, r.status FROM runs r JOIN sites s ON s.id = r.site_id ORDER BY r.id').all() as { name: string; status: string }[];
    expect(runs.filter((r) => r.status === 'complete')).toHaveLength(2);
    expect(runs.filter((r) => r.status === 'failed').map((r) => r.name)).toEqual(['丙局（未开机）']);

    // Before the backoff: nothing due. The complete sites are not run again for this slot.
    now = bj('2026-12-04T02:10:00');
    expect(s.tick()).toHaveLength(0);
    // The second attempt fails too; the wait doubles.
    now = bj('2026-12-04T02:15:30');
    expect(s.tick().map((d) => [d.attempt, d.reason])).toEqual([[2, 'retry']]);
    await s.idle();
    expect(s.results.at(-1)!.retryAt?.toISOString()).toBe(new Date(now.getTime() + 30 * 60_000).toISOString());
    // The server comes up: the third attempt audits it.
    const c3 = await startSamplePortal({ pages: 60, seed: 3, host: '127.0.0.1', port: freePort });
    try {
      now = bj('2026-12-04T02:46:00');
      expect(s.tick()).toHaveLength(1);
      await s.idle();
      expect(s.results.at(-1)).toMatchObject({ ok: true });
      expect(scheduleState(db, s.results.at(-1)!.site.siteId)).toMatchObject({ attempts: 3, status: 'complete' });
    } finally {
      await c3.close();
    }
    now = bj('2026-12-04T05:00:00');
    expect(s.tick()).toHaveLength(0);
    // The next night, each site once more.
    now = bj('2026-12-05T02:00:05');
    expect(s.due()).toHaveLength(3);
    db.close();
  }, 90_000);

  it('two schedulers on one database never start the same site twice', async () => {
    const file = join(dir, 'b.db');
    const db1 = openDb(file);
    const db2 = openDb(file);
    upsertSites(db1, [entry(a.url + '/', '甲局')], bj('2026-12-01T10:00:00'));
    const now = bj('2026-12-04T02:00:00');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const gated = (db: DB): RunAudit => async (site, config) => {
      calls++;
      await gate;
      return storeAudit(db)(site, config);
    };
    const s1 = new Scheduler({ db: db1, baseConfig: base, clock: () => now, runAudit: gated(db1), log: () => {} });
    const s2 = new Scheduler({ db: db2, baseConfig: base, clock: () => now, runAudit: gated(db2), log: () => {} });
    expect(s1.tick()).toHaveLength(1);
    expect(s2.tick()).toHaveLength(0); // locked by s1
    expect(s1.tick()).toHaveLength(0); // s1 is auditing it already
    release();
    await s1.idle();
    expect(s2.tick()).toHaveLength(0); // done for this slot
    expect(calls).toBe(1);
    expect((db1.prepare('SELECT count(*) AS n FROM site_locks').get() as { n: number }).n).toBe(0);
    db1.close();
    db2.close();
  }, 60_000);

  it('an attempt whose process died after storing its complete run is settled, not audited again', async () => {
    const db = openDb(join(dir, 'd.db'));
    upsertSites(db, [entry(a.url + '/', '甲局')], bj('2026-12-01T10:00:00'));
    const site = listRegistered(db)[0];
    const slot = bj('2026-12-04T02:00:00');
    // The dead process: it marked the attempt started, stored a complete run, and died before it
    // could mark the attempt finished (no lock is left: its holder is gone).
    markStarted(db, site.siteId, slot, 1, new Date(Date.now() - 60_000));
    const done = await storeAudit(db)(site, siteConfig(base, site, site.name));
    expect(scheduleState(db, site.siteId)).toMatchObject({ status: 'running' });
    let calls = 0;
    const log: string[] = [];
    const s = new Scheduler({ db, baseConfig: base, clock: () => bj('2026-12-04T02:30:00'), runAudit: async () => ({ runId: ++calls }), log: (l) => log.push(l) });
    expect(s.tick()).toHaveLength(0);
    await s.idle();
    expect(calls).toBe(0);
    expect(scheduleState(db, site.siteId)).toMatchObject({ status: 'complete', lastRunId: done.runId });
    expect(log.join('\n')).toMatch(/甲局 本时段已有完整的检查结果/);
    expect(s.tick()).toHaveLength(0);
    expect((db.prepare('SELECT count(*) AS n FROM site_locks').get() as { n: number }).n).toBe(0);
    db.close();
  }, 60_000);

  it('a SIGKILLed scheduler leaves a lock that is taken over and a run marked interrupted', async () => {
    // A site that accepts and never answers: the child is mid-audit when it is killed.
    const hang = http.createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
    const file = join(dir, 'c.db');
    const db = openDb(file);
    upsertSites(db, [entry(url, '挂起局', '* * * * *')], new Date(Date.now() - 3600_000));
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'zhaocuo.js'), 'schedule', '--once', '--db', file], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    for (let i = 0; i < 200 && !/开始检查/.test(err); i++) await new Promise((r) => setTimeout(r, 100));
    expect(err).toMatch(/开始检查 挂起局/);
    // Mid-audit means its run is recorded: the log line comes just before the run row is written.
    const running = () => (db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'running'").get() as { n: number }).n;
    for (let i = 0; i < 200 && running() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(running()).toBe(1);
    const lock = db.prepare('SELECT pid FROM site_locks').get() as { pid: number };
    expect(lock.pid).toBe(child.pid);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    hang.close();
    (hang as unknown as { closeAllConnections(): void }).closeAllConnections();

    const s = new Scheduler({ db, baseConfig: base, runAudit: async () => ({ runId: null }), log: () => {} });
    const started = s.tick();
    expect(started).toHaveLength(1);
    await s.idle();
    const first = db.prepare('SELECT status, error FROM runs ORDER BY id LIMIT 1').get() as { status: string; error: string };
    expect(first).toEqual({ status: 'failed', error: INTERRUPTED });
    expect(s.results[0]).toMatchObject({ ok: true });
    db.close();
  }, 60_000);
});
