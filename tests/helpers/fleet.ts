/**
 * What the distributed tests share (tests/distributed.test.ts on a SQLite file,
 * tests/distributed-postgres.test.ts on PostgreSQL): `zhaocuo` child processes (workers, the
 * scheduler) in one folder, a store with tiny sites registered and due now, and readers of the
 * store and the queue. The store readers use the query layer, so they work on either database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Redis } from 'ioredis';
import type { TinySite } from './tiny-sites.ts';
import { openDb, type DB } from '../../src/store/db.ts';
import { upsertSites } from '../../src/sites/registry.ts';
import type { SiteEntry } from '../../src/sites/schema.ts';
import { DEFAULT_POLICY } from '../../src/sites/due.ts';
import { enqueueDue, siteQueue } from '../../src/distributed/queue.ts';
import { KEY_PREFIX } from '../../src/distributed/worker.ts';
import { INTERRUPTED } from '../../src/sites/lock.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'zhaocuo.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export interface Child {
  proc: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

/** A test's store and Redis database: `target` is the store (a file or a postgres:// URL). */
export interface FleetStore {
  db: DB;
  target: string;
  url: string;
  trace: string;
}

/**
 * The config the tiny sites are audited with: no browser, IPv6, search or spider checks, the
 * given spacing per host. Written to `dir` as zhaocuo.config.json, which every child reads.
 */
export function fleetConfig(hostIntervalMs: number) {
  return { today: '2026-11-20', crawl: { robots: false, hostIntervalMs, timeoutMs: 180_000 }, browser: { enabled: false }, ipv6: { enabled: false }, audits: { integrity: { options: { spiderCheck: false } }, search: { enabled: false } } };
}

/** Child processes of one test file, run in `dir`, each killed by killAll(). */
export function fleet(dir: string) {
  const children = new Set<ChildProcess>();
  let dbNumber = 0;

  function zhaocuo(args: string[], env: Record<string, string> = {}): Child {
    const proc = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    children.add(proc);
    let out = '';
    proc.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => (children.delete(proc), r(code))));
    return { proc, out: () => out, exited };
  }

  /** A worker on `t`'s store and Redis database, once it says it is connected. */
  async function worker(t: { target: string; url: string; trace: string }, extra: string[] = [], env: Record<string, string> = {}): Promise<Child> {
    const w = zhaocuo(['worker', '--redis', t.url, '--db', t.target, '--concurrency', '1', ...extra], { ZHAOCUO_PACE_TRACE: t.trace, ...env });
    await until('the worker to connect', () => /已连接/.test(w.out()) || w.proc.exitCode !== null, 120_000);
    expect(w.out()).toMatch(/zhaocuo worker: 已连接 redis:\/\/127\.0\.0\.1:\d+\/\d+，队列 zhaocuo-site-audits/);
    return w;
  }

  /**
   * The store at `target` (a new SQLite file or PostgreSQL database) with `list` registered as
   * `name`-1局 … and due now once, and a Redis database of its own on `redisUrl`'s server.
   */
  function setup(name: string, list: TinySite[], target: string, redisUrl: string): FleetStore {
    const db = openDb(target);
    registerDue(db, name, list);
    return { db, target, url: `${redisUrl}/${++dbNumber}`, trace: join(dir, `${name}.trace`) };
  }

  /**
   * Two workers audit two held sites; the one holding the first site's lock is SIGKILLed
   * mid-audit: the other takes its job (BullMQ stalled detection), the half run is marked
   * interrupted, and each site ends with exactly one complete run.
   */
  async function killTakeover(t: FleetStore, held: TinySite[]): Promise<void> {
    const args = ['--stalled-after', '1.5'];
    const w1 = await worker(t, args);
    const w2 = await worker(t, args);
    const jobs = await enqueue(t.db, t.url);
    expect(jobs.map((j) => j.added)).toEqual([true, true]);
    // Mid-audit: both runs recorded, and the first site's lock names the worker that has it.
    const holder = await until('the workers to start the audits', () => {
      const pid = lockHolderPid(t.db, jobs[0].siteId);
      return runsOf(t.db).filter((r) => r.status === 'running').length === 2 && pid;
    });
    const [victim, survivor] = holder === w1.proc.pid ? [w1, w2] : [w2, w1];
    victim.proc.kill('SIGKILL');
    await victim.exited;
    for (const s of held) s.open();

    await until('both sites complete', () => completeBySite(t.db).size === 2, 150_000);
    const { done } = await until('two completed jobs', async () => {
      const r = await completedJobs(t.url);
      return r.counts.completed === 2 ? r : undefined;
    });
    expect(done.every((j) => j.processedBy?.includes(`:${survivor.proc.pid}:`))).toBe(true);
    const victimSite = runsOf(t.db).filter((r) => r.origin === jobs[0].origin);
    expect(victimSite.map((r) => [r.status, r.error])).toEqual([['failed', INTERRUPTED], ['complete', null]]);
    expect([...completeBySite(t.db).values()]).toEqual([1, 1]);
    survivor.proc.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    t.db.close();
  }

  return {
    zhaocuo,
    worker,
    setup,
    killTakeover,
    /** A Redis database number no other test of this file uses. */
    redisDb: (redisUrl: string) => `${redisUrl}/${++dbNumber}`,
    killAll: () => {
      for (const c of children) c.kill('SIGKILL');
    },
  };
}

/** Registers `list` in `db`, each due now once: a daily slot an hour ago (Beijing time), registered before it. */
export function registerDue(db: DB, name: string, list: TinySite[]): void {
  const slot = new Date(Date.now() - 3600_000);
  const bj = new Date(slot.getTime() + 8 * 3600_000);
  const cron = `${bj.getUTCMinutes()} ${bj.getUTCHours()} * * *`;
  const entries: SiteEntry[] = list.map((p, i) => ({ url: p.url + '/', name: `${name}-${i + 1}局`, schedule: cron, tags: {}, config: {}, enabled: true }));
  upsertSites(db, entries, new Date(Date.now() - 2 * 3600_000));
}

export interface RunRow {
  id: number;
  origin: string;
  status: string;
  error: string | null;
}

export const runsOf = (db: DB): RunRow[] =>
  db.all(db.q.selectFrom('runs as r').innerJoin('sites as s', 's.id', 'r.site_id').select(['r.id', 's.origin', 'r.status', 'r.error']).orderBy('r.id')).map((r) => ({ ...r, id: Number(r.id) }));

export const completeBySite = (db: DB): Map<string, number> => {
  const m = new Map<string, number>();
  for (const r of runsOf(db)) if (r.status === 'complete') m.set(r.origin, (m.get(r.origin) ?? 0) + 1);
  return m;
};

/** The pid holding a site's lock, if any. */
export const lockHolderPid = (db: DB, siteId: number): number | undefined => {
  const r = db.get(db.q.selectFrom('site_locks').select('pid').where('site_id', '=', siteId));
  return r ? Number(r.pid) : undefined;
};

export async function completedJobs(url: string) {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const q = siteQueue(conn, KEY_PREFIX);
  try {
    const counts = await q.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
    const done = await q.getJobs(['completed']);
    return { counts, done };
  } finally {
    await q.close();
    conn.disconnect();
  }
}

/** Waits until `n` jobs completed, then: none failed or left in the queue, and each site has exactly one complete run. */
export async function expectAllDone(t: FleetStore, n: number): Promise<void> {
  const { counts } = await until(`${n} jobs completed`, async () => {
    const r = await completedJobs(t.url);
    return r.counts.completed === n ? r : undefined;
  }, 120_000);
  expect(counts).toMatchObject({ failed: 0, wait: 0, active: 0, delayed: 0 });
  expect([...completeBySite(t.db).values()]).toEqual(Array(n).fill(1));
}

export async function enqueue(db: DB, url: string) {
  const conn = new Redis(url, { maxRetriesPerRequest: null });
  const q = siteQueue(conn, KEY_PREFIX);
  try {
    return await enqueueDue(db, q, new Date(), DEFAULT_POLICY);
  } finally {
    await q.close();
    conn.disconnect();
  }
}
