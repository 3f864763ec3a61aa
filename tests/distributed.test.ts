/**
 * Distributed mode with real parts: a redis-server on a free loopback port (its own folder, AOF
 * fsynced), `zhaocuo worker` child processes, `zhaocuo schedule --redis`, tiny sites on loopback
 * (some hold their article pages until the test lets them go: an audit is then surely mid-run
 * while a worker is killed or Redis is stopped), one SQLite file per test. Each test has its own
 * Redis database number, so jobs of one test never reach another's workers.
 *
 * Covered: two workers share the jobs and every site gets one complete run; requests to a host
 * linked from several sites keep crawl.hostIntervalMs between them across workers (send times
 * are taken by the worker at the send, ZHAOCUO_PACE_TRACE); a SIGKILLed worker's job is taken
 * by the other (BullMQ stalled detection) and its half run is marked interrupted; SIGTERM hands
 * a running job back; Redis stopped mid-run gives one clear line and no job is lost after it
 * restarts; a wrong --redis gives a clear line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExternal, startTinySite, type TinySite } from './helpers/tiny-sites.ts';
import { completeBySite, completedJobs, enqueue, expectAllDone, fleet, fleetConfig, runsOf, until } from './helpers/fleet.ts';
import { startRedis, type LocalRedis } from './helpers/redis-server.ts';
import { freePort } from './helpers/free-port.ts';

const INTERVAL = 60; // crawl.hostIntervalMs in these tests
const dir = mkdtempSync(join(tmpdir(), 'zc-distributed-'));
let redis: LocalRedis;
let external: { url: string; close(): Promise<void> }; // linked from every site below
const sites: Record<'share' | 'kill' | 'term' | 'outage', TinySite[]> = { share: [], kill: [], term: [], outage: [] };
const { zhaocuo, worker, setup: setupIn, killTakeover, killAll } = fleet(dir);

beforeAll(async () => {
  redis = await startRedis();
  external = await startExternal();
  let n = 0;
  const make = (count: number, pages: number, hold: boolean) => Promise.all(Array.from({ length: count }, () => startTinySite(++n, pages, external.url, { hold })));
  sites.share = await make(3, 20, false);
  sites.kill = await make(2, 12, true);
  sites.term = await make(1, 12, true);
  sites.outage = await make(2, 12, true);
  writeFileSync(join(dir, 'zhaocuo.config.json'), JSON.stringify(fleetConfig(INTERVAL)));
}, 60_000);

afterAll(async () => {
  killAll();
  const all = Object.values(sites).flat();
  for (const s of all) s.open();
  await Promise.all([external?.close(), ...all.map((p) => p.close()), redis?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh SQLite file and Redis database for one test, with `sites` registered and due now. */
const setup = (name: string, list: TinySite[]) => setupIn(name, list, join(dir, `${name}.db`), redis.url);

// These three have their own store, Redis database and sites each, and mostly wait (held pages,
// host spacing): they run at once. The Redis outage stops the shared server, so it runs after.
describe.concurrent('zhaocuo worker (BullMQ on Redis)', () => {
  it('two workers share the jobs, one complete run per site, and a host keeps its spacing across workers', async () => {
    const t = setup('share', sites.share);
    const w1 = await worker(t);
    const w2 = await worker(t);
    const sched = zhaocuo(['schedule', '--redis', t.url, '--db', t.target, '--once']);
    expect(await sched.exited).toBe(0);
    expect(sched.out()).toMatch(/加入队列 3 个/);
    // Enqueued again (the next tick, a second scheduler): the same job ids, nothing added
    // (sites being audited by then are not due at all).
    const again = zhaocuo(['schedule', '--redis', t.url, '--db', t.target, '--once']);
    expect(await again.exited).toBe(0);
    expect(again.out()).toMatch(/加入队列 0 个/);

    await until('three complete runs', () => completeBySite(t.db).size === 3);
    const { counts, done } = await until('three completed jobs', async () => {
      const r = await completedJobs(t.url);
      return r.counts.completed === 3 && r.counts.active === 0 && r.counts.wait === 0 ? r : undefined;
    });
    expect(counts.failed).toBe(0);
    expect([...completeBySite(t.db).values()]).toEqual([1, 1, 1]);
    expect(runsOf(t.db).every((r) => r.status === 'complete')).toBe(true);
    // Both workers took jobs.
    const by = new Set(done.map((j) => j.processedBy?.split(':')[1]));
    expect(by).toEqual(new Set([String(w1.proc.pid), String(w2.proc.pid)]));

    // Spacing: every send to one host, from any worker, at least INTERVAL after the one before.
    const sends = readFileSync(t.trace, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([ms, host, pid]) => ({ ms: Number(ms), host, pid }));
    const byHost = new Map<string, typeof sends>();
    for (const s of sends) byHost.set(s.host, [...(byHost.get(s.host) ?? []), s]);
    const ext = byHost.get(new URL(external.url).host)!;
    expect(new Set(ext.map((s) => s.pid)).size).toBe(2); // the shared host was asked by both workers
    let closest = Infinity;
    for (const list of byHost.values()) {
      list.sort((a, b) => a.ms - b.ms);
      for (let i = 1; i < list.length; i++) closest = Math.min(closest, list[i].ms - list[i - 1].ms);
    }
    expect(sends.length).toBeGreaterThan(50);
    expect(closest).toBeGreaterThanOrEqual(INTERVAL - 1); // ms clock granularity
    for (const w of [w1, w2]) w.proc.kill('SIGTERM');
    expect(await Promise.all([w1.exited, w2.exited])).toEqual([0, 0]);
    t.db.close();
  }, 240_000);

  it('a SIGKILLed worker’s job is taken by the other and its half run marked interrupted', async () => {
    await killTakeover(setup('kill', sites.kill), sites.kill);
  }, 300_000);

  it('SIGTERM: a running audit that does not finish within --grace goes back to the queue', async () => {
    const t = setup('term', sites.term);
    const w1 = await worker(t, ['--grace', '0.5']);
    expect((await enqueue(t.db, t.url))[0].added).toBe(true);
    await until('the audit to be held mid-run', () => runsOf(t.db).some((r) => r.status === 'running') && sites.term[0].articleRequests() > 0);
    w1.proc.kill('SIGTERM');
    const asked = Date.now();
    expect(await w1.exited).toBe(0);
    // Gone soon after its grace, not when the held request times out (crawl.timeoutMs, 180 s).
    expect(Date.now() - asked).toBeLessThan(60_000);
    expect(w1.out()).not.toMatch(/意外错误|unexpected/);
    expect(w1.out()).toMatch(/1 个未完成的检查已交还队列/);
    const handed = await completedJobs(t.url);
    expect(handed.counts).toMatchObject({ wait: 1, active: 0, completed: 0 });
    sites.term[0].open();
    const w2 = await worker(t);
    await until('the handed-back job to complete', () => completeBySite(t.db).size === 1, 120_000);
    const runs = runsOf(t.db);
    expect(runs.map((r) => r.status)).toEqual(['failed', 'complete']);
    expect(runs[0].error).toMatch(/收到停止信号，任务已交还队列/);
    w2.proc.kill('SIGTERM');
    expect(await w2.exited).toBe(0);
    t.db.close();
  }, 300_000);

});

describe('zhaocuo worker, Redis away or wrong', () => {
  it('Redis stopped mid-run: one clear line, the audits go on, no job lost after it restarts', async () => {
    const t = setup('outage', sites.outage);
    const w = await worker(t, ['--concurrency', '2']);
    expect((await enqueue(t.db, t.url)).filter((e) => e.added)).toHaveLength(2);
    await until('both audits held mid-run', () => runsOf(t.db).filter((r) => r.status === 'running').length === 2 && sites.outage.every((x) => x.articleRequests() > 0));
    await redis.stop();
    await until('the worker to say Redis is gone', () => /与 Redis redis:\/\/127\.0\.0\.1:\d+\/\d+ 的连接已断开：请重新启动 redis-server/.test(w.out()), 30_000);
    // The scheduler meanwhile: refused, in one line, exit 3.
    const s = zhaocuo(['schedule', '--redis', t.url, '--db', t.target, '--once']);
    expect(await s.exited).toBe(3);
    expect(s.out().trim().split('\n').at(-1)).toMatch(/^zhaocuo: 无法连接 Redis redis:\/\/127\.0\.0\.1:\d+\/\d+：请先启动 redis-server 或检查 --redis（connection refused）$/);
    await redis.start();
    for (const x of sites.outage) x.open();
    await until('the worker to reconnect', () => /已重新连接 Redis/.test(w.out()), 60_000);
    await expectAllDone(t, 2);
    expect(runsOf(t.db).filter((r) => r.status !== 'complete')).toEqual([]);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    t.db.close();
  }, 300_000);

  it('a wrong --redis is one line that says what to fix', async () => {
    const http1 = http.createServer((_q, s) => s.end('not redis')).listen(0, '127.0.0.1');
    await new Promise((r) => http1.once('listening', r));
    const httpPort = (http1.address() as { port: number }).port;
    // A port that accepts and never says a word (a hung server, a proxy with nothing behind it).
    const held: Socket[] = [];
    const silent = createServer((sock) => void held.push(sock)).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const silentPort = (silent.address() as AddressInfo).port;
    const nobody = await freePort();
    const db = join(dir, 'wrong.db');
    const [bad, refused, notRedis, mute] = [
      zhaocuo(['worker', '--redis', 'http://127.0.0.1:6379', '--db', db]),
      zhaocuo(['worker', '--redis', `redis://127.0.0.1:${nobody}`, '--db', db]),
      zhaocuo(['worker', '--redis', `redis://127.0.0.1:${httpPort}`, '--db', db]),
      zhaocuo(['worker', '--redis', `redis://127.0.0.1:${silentPort}`, '--db', db]),
    ];
    const codes = await Promise.all([bad.exited, refused.exited, notRedis.exited, mute.exited]);
    http1.close();
    for (const x of held) x.destroy();
    silent.close();
    expect(codes, [bad, refused, notRedis, mute].map((c) => c.out()).join('\n')).toEqual([2, 3, 3, 3]);
    expect(mute.out().trim()).toBe(`zhaocuo: Redis redis://127.0.0.1:${silentPort} 接受了连接，但 5 秒内没有应答：请检查 redis-server 是否卡住、这个端口是否确实是 Redis（而不是别的服务、防火墙或代理），或检查 --redis 的主机和端口（no answer）`);
    expect(bad.out()).toMatch(/^zhaocuo: --redis 地址无效 "http:\/\/127\.0\.0\.1:6379"：协议应为 redis:\/\/ 或 rediss:\/\/.*如 redis:\/\/127\.0\.0\.1:6379/);
    expect(refused.out().trim()).toBe(`zhaocuo: 无法连接 Redis redis://127.0.0.1:${nobody}：请先启动 redis-server 或检查 --redis（connection refused）`);
    expect(notRedis.out().trim()).toBe(`zhaocuo: redis://127.0.0.1:${httpPort} 上运行的不是 Redis：请检查 --redis 的主机和端口（not a Redis server）`);
    expect(existsSync(db)).toBe(true); // (the store opened before Redis was asked; nothing else happened)
  }, 120_000);
});
