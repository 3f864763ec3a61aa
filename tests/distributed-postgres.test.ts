/**
 * Distributed mode on a PostgreSQL store, as a fleet of several machines would run it: the
 * scheduler and two `zhaocuo worker`s share one real PostgreSQL (tests/helpers/postgres-server.ts)
 * and one real Redis, each on a free loopback port; tiny sites on loopback (some hold their
 * article pages until the test lets them go, so an audit is surely mid-run while a worker is
 * killed or PostgreSQL is stopped). Each test has its own database and Redis database number.
 * The helpers are tests/distributed.test.ts's (tests/helpers/fleet.ts), which covers the same
 * ground on a SQLite file.
 *
 * Covered: two workers started at once on an empty database both come up (the migrations run
 * once); they share the jobs, every site gets exactly one complete run, and the tickets the two
 * writers file at the same moment (two audits let go together) are numbered once each; a SIGKILLed worker's job is taken by the other and its
 * half run is marked interrupted; PostgreSQL stopped under a running worker: one clear line
 * that names what to start, the worker stays up and takes no job meanwhile, the jobs stay in
 * the queue (none failed), and once PostgreSQL is back every site gets its complete run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startExternal, startTinySite, type TinySite } from './helpers/tiny-sites.ts';
import { completeBySite, completedJobs, enqueue, expectAllDone, fleet, fleetConfig, registerDue, runsOf, until } from './helpers/fleet.ts';
import { startRedis, type LocalRedis } from './helpers/redis-server.ts';
import { startPostgres, type LocalPostgres } from './helpers/postgres-server.ts';
import { openDb } from '../src/store/db.ts';
import { raw } from '../src/store/store.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';
import { syncRunTickets } from '../src/tickets/from-audit.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { parseConfig } from '../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-distributed-pg-'));
let redis: LocalRedis;
let pg: LocalPostgres;
let external: { url: string; close(): Promise<void> };
const sites: Record<'share' | 'kill' | 'outage' | 'tickets', TinySite[]> = { share: [], kill: [], outage: [], tickets: [] };
const { zhaocuo, worker, setup, killTakeover, redisDb, killAll } = fleet(dir);

beforeAll(async () => {
  [redis, pg, external] = await Promise.all([startRedis(), startPostgres(), startExternal()]);
  let n = 0;
  const make = (count: number, pages: number, hold: boolean) => Promise.all(Array.from({ length: count }, () => startTinySite(++n, pages, external.url, { hold })));
  sites.share = await make(3, 12, true);
  sites.kill = await make(2, 12, true);
  sites.outage = await make(2, 12, true);
  sites.tickets = await make(1, 12, false);
  writeFileSync(join(dir, 'zhaocuo.config.json'), JSON.stringify(fleetConfig(0)));
}, 60_000);

afterAll(async () => {
  killAll();
  const all = Object.values(sites).flat();
  for (const s of all) s.open();
  await Promise.all([external?.close(), ...all.map((p) => p.close()), redis?.close(), pg?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

// Each has its own database, Redis database and sites, and mostly waits: they run at once.
// The outage stops the shared PostgreSQL, so it runs after them.
describe.concurrent('zhaocuo worker on a PostgreSQL store', () => {
  it('two workers started at once on an empty database both come up, share the jobs, one complete run per site, tickets numbered once', async () => {
    const target = await pg.createDatabase('share');
    const t = { target, url: redisDb(redis.url), trace: join(dir, 'share.trace') };
    // Both open (and so migrate) the empty database at the same moment.
    const [w1, w2] = await Promise.all([worker(t), worker(t)]);
    const db = openDb(target);
    const versions = db.all(raw<{ version: number }>(db, sql`SELECT version FROM zhaocuo_schema`));
    expect(versions.map((v) => Number(v.version))).toEqual([MIGRATIONS.length]);
    registerDue(db, 'share', sites.share);

    const sched = zhaocuo(['schedule', '--redis', t.url, '--db', target, '--once']);
    expect(await sched.exited, sched.out()).toBe(0);
    expect(sched.out()).toMatch(/加入队列 3 个/);
    // Both workers mid-audit, then let go together: two writers store runs and file tickets at once.
    await until('two audits held mid-run', () => runsOf(db).filter((r) => r.status === 'running').length === 2 && sites.share.filter((x) => x.articleRequests() > 0).length === 2);
    for (const x of sites.share) x.open();
    await until('three complete runs', () => completeBySite(db).size === 3);
    const { counts, done } = await until('three completed jobs', async () => {
      const r = await completedJobs(t.url);
      return r.counts.completed === 3 && r.counts.active === 0 && r.counts.wait === 0 ? r : undefined;
    });
    expect(counts.failed).toBe(0);
    expect([...completeBySite(db).values()]).toEqual([1, 1, 1]);
    expect(runsOf(db).every((r) => r.status === 'complete')).toBe(true);
    expect(new Set(done.map((j) => j.processedBy?.split(':')[1]))).toEqual(new Set([String(w1.proc.pid), String(w2.proc.pid)]));

    // Every run filed its tickets (the dead link on each homepage), each under a number of its own.
    const runs = runsOf(db);
    const tickets = db.all(db.q.selectFrom('tickets').select(['number', 'site_id', 'first_run_id', 'fingerprint']));
    const ticketRuns = new Set(tickets.map((x) => Number(x.first_run_id)));
    expect(runs.map((r) => ticketRuns.has(r.id))).toEqual([true, true, true]);
    expect(new Set(tickets.map((x) => x.number)).size).toBe(tickets.length);
    expect(new Set(tickets.map((x) => `${x.site_id} ${x.fingerprint}`)).size).toBe(tickets.length);
    const year = tickets[0].number.split('-')[1];
    const last = db.get(db.q.selectFrom('ticket_numbers').select('last').where('year', '=', Number(year)));
    expect(Number(last?.last)).toBe(tickets.length);
    for (const w of [w1, w2]) expect(w.out()).not.toMatch(/工单未能|意外错误|unexpected/);

    for (const w of [w1, w2]) w.proc.kill('SIGTERM');
    expect(await Promise.all([w1.exited, w2.exited])).toEqual([0, 0]);
    db.close();
  }, 240_000);

  it('a SIGKILLed worker’s job is taken by the other and its half run marked interrupted', async () => {
    await killTakeover(setup('kill', sites.kill, await pg.createDatabase('kill'), redis.url), sites.kill);
  }, 300_000);
});

describe('zhaocuo worker, PostgreSQL away', () => {
  it('PostgreSQL stopped under a running worker: one clear line, the worker waits, no job lost or failed, every site complete once it is back', async () => {
    const t = setup('outage', sites.outage, await pg.createDatabase('outage'), redis.url);
    const w = await worker(t, ['--concurrency', '2']);
    expect((await enqueue(t.db, t.url)).filter((e) => e.added)).toHaveLength(2);
    await until('both audits held mid-run', () => runsOf(t.db).filter((r) => r.status === 'running').length === 2 && sites.outage.every((x) => x.articleRequests() > 0));
    await pg.stop();
    // The scheduler meanwhile: refused, in one line that says what to start, exit 2.
    const s = zhaocuo(['schedule', '--redis', t.url, '--db', t.target, '--once']);
    expect(await s.exited).toBe(2);
    expect(s.out().trim().split('\n').at(-1)).toMatch(/^zhaocuo: 无法连接 PostgreSQL 127\.0\.0\.1:\d+：连接被拒绝。请启动 PostgreSQL/);
    // The audits end and cannot be stored: the worker says so once, stays up and hands them back.
    for (const x of sites.outage) x.open();
    await until('the worker to say PostgreSQL is gone', () => /与 PostgreSQL .*127\.0\.0\.1:\d+.* 的连接已断开：请重新启动 PostgreSQL/.test(w.out()), 60_000);
    const lost = w.out().split('\n').filter((l) => /的连接已断开/.test(l));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/暂停领取任务.*恢复后自动继续/);
    await until('both jobs back in the queue', async () => {
      const r = await completedJobs(t.url);
      return r.counts.active === 0 && r.counts.wait + r.counts.delayed === 2 ? r : undefined;
    }, 60_000);
    expect(w.proc.exitCode).toBe(null);
    expect((await completedJobs(t.url)).counts).toMatchObject({ failed: 0, completed: 0 });

    await pg.start();
    await until('the worker to say PostgreSQL is back', () => /已重新连接 PostgreSQL/.test(w.out()), 60_000);
    await expectAllDone(t, 2);
    // The runs the outage cut short are marked so, not left running.
    const cut = runsOf(t.db).filter((r) => r.status !== 'complete');
    expect(cut.map((r) => r.status)).toEqual(['failed', 'failed']);
    for (const r of cut) expect(r.error).toMatch(/存储（PostgreSQL）连接中断/);
    expect(t.db.all(t.db.q.selectFrom('site_locks').select('site_id'))).toEqual([]);
    expect(w.out()).not.toMatch(/意外错误|unexpected|内部错误/);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    t.db.close();
  }, 300_000);

  it('PostgreSQL stopped after a run is stored and before its tickets are filed: they are filed once it is back, once each', async () => {
    const t = setup('tickets', sites.tickets, await pg.createDatabase('tickets'), redis.url);
    // The test-only hook: the worker stops between storing the run and filing its tickets.
    const pause = join(dir, 'pause-before-tickets');
    const w = await worker(t, [], { ZHAOCUO_TEST_PAUSE_BEFORE_TICKETS: pause });
    expect((await enqueue(t.db, t.url)).filter((e) => e.added)).toHaveLength(1);
    await until('the run stored, its tickets not yet filed', () => existsSync(pause));
    const runId = Number(readFileSync(pause, 'utf8'));
    expect(t.db.get(t.db.q.selectFrom('runs').select(['status', 'tickets_pending']).where('id', '=', runId))).toEqual({ status: 'complete', tickets_pending: 1 });
    expect(t.db.all(t.db.q.selectFrom('tickets').select('id'))).toEqual([]);
    await pg.stop();
    rmSync(pause);
    await until('the worker to say PostgreSQL is gone', () => /与 PostgreSQL .* 的连接已断开/.test(w.out()), 60_000);
    await pg.start();
    await until('the worker to say PostgreSQL is back', () => /已重新连接 PostgreSQL/.test(w.out()), 60_000);
    await expectAllDone(t, 1);
    expect(w.out()).toMatch(new RegExp(`已补登 tickets-1局 运行 #${runId} 的工单`));
    // The report of the stored run was written all the same, without the store's trends, and it says so once.
    const host = new URL(sites.tickets[0]!.url).host.replace(/[:\[\]]/g, '_');
    const report = JSON.parse(readFileSync(join(dir, 'reports', host, `run-${runId}`, 'report.json'), 'utf8')) as { run: { id: number }; findings: unknown[] };
    expect(report.run.id).toBe(runId);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'reports', host, `run-${runId}`, 'index.html'))).toBe(true);
    expect(w.out().split('\n').filter((l) => l.includes(`存储已断开：运行 #${runId} 已完整保存，报告照常写入`))).toHaveLength(1);
    // The run's findings are filed (the homepage's dead link at least), each fingerprint once, and the mark is gone.
    const tickets = t.db.all(t.db.q.selectFrom('tickets').select(['number', 'fingerprint', 'first_run_id']));
    expect(tickets.length).toBeGreaterThan(0);
    expect(tickets.every((x) => Number(x.first_run_id) === runId)).toBe(true);
    expect(new Set(tickets.map((x) => x.fingerprint)).size).toBe(tickets.length);
    expect(t.db.get(t.db.q.selectFrom('runs').select('tickets_pending').where('id', '=', runId))).toEqual({ tickets_pending: 0 });
    expect(runsOf(t.db).map((r) => r.status)).toEqual(['complete']);
    // Filing the same run again (a pass cut short and resumed) adds nothing.
    const again = syncRunTickets(t.db, ticketContext(parseConfig(fleetConfig(0), 'test')), runId);
    expect(again.created).toBe(0);
    expect(t.db.all(t.db.q.selectFrom('tickets').select('id'))).toHaveLength(tickets.length);
    expect(w.out()).not.toMatch(/意外错误|unexpected|内部错误/);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    t.db.close();
  }, 300_000);
});
