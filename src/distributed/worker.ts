/**
 * A fleet worker (zhaocuo worker): takes site-audit jobs from the BullMQ queue and runs each as
 * the embedded scheduler does — the same audit, stored in the same store, under the same
 * per-site lock (src/sites/lock.ts).
 *
 * Why the store lock and not a BullMQ feature for "one site, one audit at once": the job id
 * (site + slot) already keeps a slot from being queued twice, but two jobs of one site can
 * still meet (a catch-up slot and the next, a stalled job given to a second worker while the
 * first is only slow), and an embedded `zhaocuo schedule` may audit the site from the same
 * store. BullMQ's groups, which would serialise per site, are in BullMQ Pro only. The store lock
 * covers every case, and its takeover of a dead holder marks the half run interrupted. A job
 * that finds its site locked by a live holder goes back to the queue, delayed, not failed.
 *
 * Stalled jobs: a worker that dies (SIGKILL, a crash, the machine) stops renewing its BullMQ
 * lock; after `stalledMs` BullMQ moves the job back and another worker takes it. That worker's
 * acquireLock sees the dead holder (its pid gone on this host, or its heartbeat stale) and
 * marks the run it left failed (检查进程中断).
 *
 * The store going away (PostgreSQL stopped or unreachable: a StoreUnavailableError from any
 * store call of a job) is not the audit's fault and spends none of its attempts: the worker says
 * so once, stops taking jobs, and moves the job back to the queue; every few seconds it asks the
 * store again, and once it answers, the runs and locks the cut-off jobs left are settled (the
 * run marked failed, or its slot complete when its run was stored before the store went) and the
 * worker takes jobs again.
 */
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config/schema.ts';
import { UsageError } from '../config/errors.ts';
import type { DB } from '../store/db.ts';
import { failRun } from '../store/runs.ts';
import { StoreUnavailableError } from '../store/db-errors.ts';
import { acquireLock, heartbeat, newHolder, releaseLock, type LockHolder } from '../sites/lock.ts';
import { siteConfig } from '../sites/merge.ts';
import { listRegistered } from '../sites/registry.ts';
import { lastRunSince, storeAudit, type RunAudit } from '../sites/scheduler.ts';
import { markFinished, markStarted, scheduleState, settleDeadAttempt } from '../sites/state.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { ticketContext } from '../tickets/context.ts';
import { resumePendingTickets } from '../tickets/from-audit.ts';
import { SCHEDULE_TZ } from '../sites/cron.ts';
import { QUEUE_NAME, type SiteJob } from './queue.ts';
import { RedisPacer } from './redis-pacer.ts';
import { checkRedis, durableOptions, watchConnection } from './redis.ts';

export const KEY_PREFIX = 'zhaocuo';

export interface FleetWorkerOptions {
  db: DB;
  redisUrl: string;
  baseConfig: Config;
  /** Audits at once in this worker. */
  concurrency: number;
  /** A job whose worker stopped renewing its lock this long is given to another (default 30 s). */
  stalledMs?: number;
  /** Store lock heartbeat (default 30 s) and staleness (default 3 min), as the embedded scheduler. */
  heartbeatMs?: number;
  staleMs?: number;
  /** A job whose site is being audited elsewhere is tried again after this (default 60 s). */
  busyRetryMs?: number;
  /** While the store is away, it is asked again this often (default 2 s). */
  storeRetryMs?: number;
  runAudit?: RunAudit;
  log?: (line: string) => void;
}

export type JobResult = { runId: number | null; skipped?: string };

/** A run the store's going away cut short (written once the store is back). */
export const STORE_LOST = '检查期间存储（PostgreSQL）连接中断，任务已交还队列（the store went away during the audit; the job went back to the queue）';

/** A job cut off by the store going away while it held its site's lock: settled once the store is back. */
interface Cut {
  siteId: number;
  since: string;
}

interface Active {
  job: Job<SiteJob>;
  token: string;
  siteId: number;
  since: string;
}

export class FleetWorker {
  readonly holder: LockHolder = newHolder();
  private worker: Worker<SiteJob, JobResult> | null = null;
  private readonly connections: Redis[] = [];
  private readonly active = new Map<string, Active>();
  /** Jobs handed back while their audit still ran here: that audit must not write its end. */
  private readonly handedBack = new Set<string>();
  private readonly log: (line: string) => void;
  private readonly runAudit: RunAudit;
  private pacer: RedisPacer | null = null;
  /** While the store is away: the timer asking it again, and the jobs it cut off (by job id). */
  private storeAway: NodeJS.Timeout | null = null;
  private readonly cut = new Map<string, Cut>();
  /** A ping of the store is under way (it may take the connect timeout): the next turn waits for it. */
  private asking = false;

  constructor(private readonly o: FleetWorkerOptions) {
    this.log = o.log ?? ((l) => process.stderr.write(l + '\n'));
    this.runAudit = o.runAudit ?? ((site, config) => storeAudit(o.db, { pacer: this.pacer ?? undefined })(site, config));
  }

  get running(): number {
    return this.active.size;
  }

  /** Connects (a clear error when Redis is not there) and starts taking jobs. */
  async start(): Promise<void> {
    await checkRedis(this.o.redisUrl);
    const conn = new Redis(this.o.redisUrl, durableOptions());
    const paceConn = new Redis(this.o.redisUrl, durableOptions());
    for (const c of [conn, paceConn]) c.on('error', () => {}); // watchConnection says it, once
    this.connections.push(conn, paceConn);
    watchConnection(conn, this.o.redisUrl, (l) => this.log(`zhaocuo worker: ${l}`));
    this.pacer = new RedisPacer(paceConn, `${KEY_PREFIX}:pace`);
    const stalledMs = this.o.stalledMs ?? 30_000;
    this.worker = new Worker<SiteJob, JobResult>(QUEUE_NAME, (job, token) => this.process(job, token!), {
      connection: conn,
      prefix: KEY_PREFIX,
      concurrency: this.o.concurrency,
      name: this.holder.owner,
      lockDuration: stalledMs,
      stalledInterval: stalledMs,
      // A job stalls when its worker died; three deaths in a row mean something kills it.
      maxStalledCount: 3,
    });
    const seen = new Set<string>();
    this.worker.on('error', (err) => {
      // Connection errors are said by watchConnection; anything else once per kind.
      if (/ECONNREFUSED|ECONNRESET|Connection is closed|EPIPE|ETIMEDOUT/.test(err.message)) return;
      const line = err.message.split('\n')[0];
      if (seen.has(line)) return;
      seen.add(line);
      this.log(`zhaocuo worker: 队列出错：${line}（queue error）`);
    });
    await this.worker.waitUntilReady();
  }

  private async process(job: Job<SiteJob>, token: string): Promise<JobResult> {
    const held: { lock?: Cut } = {};
    try {
      return await this.audit(job, token, held);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.storeLost(err, job, held.lock);
      // Back to the queue, no attempt spent; if Redis is away too, the job stalls and comes back.
      await job.moveToWait(token).catch(() => undefined);
      throw new WaitingError();
    }
  }

  private async audit(job: Job<SiteJob>, token: string, held: { lock?: Cut }): Promise<JobResult> {
    const db = this.o.db;
    const { siteId } = job.data;
    const slotAt = new Date(job.data.slotAt);
    const site = listRegistered(db).find((s) => s.siteId === siteId);
    if (!site || !site.enabled) {
      this.log(`zhaocuo worker: 跳过 ${job.data.name}：已不在登记表中或已停用（site removed or disabled）`);
      return { runId: null, skipped: 'not registered' };
    }
    // A run stored complete whose tickets the store's going away kept from being filed: filed now,
    // before its slot may count as done below.
    const filed = resumePendingTickets(db, ticketContext(siteConfig(this.o.baseConfig, site, site.name)), siteId);
    for (const id of filed) this.log(`zhaocuo worker: 已补登 ${site.name} 运行 #${id} 的工单（tickets of run #${id} filed after the store came back）`);
    // The last attempt died after storing its complete run (while writing the report): done.
    settleDeadAttempt(db, siteId, slotAt, new Date());
    const st = scheduleState(db, siteId);
    // Done already: a job that stalled after its audit completed (its worker died, or Redis was
    // away long enough for its lock to lapse) comes back once more. One complete run per slot.
    if (st?.slotAt && new Date(st.slotAt).getTime() === slotAt.getTime() && st.status === 'complete') {
      return { runId: st.lastRunId, skipped: 'slot already complete' };
    }
    if (!acquireLock(db, siteId, this.holder, new Date(), this.o.staleMs ?? 180_000)) {
      // Audited elsewhere right now (another worker, an embedded scheduler): later, not failed.
      await job.moveToDelayed(Date.now() + (this.o.busyRetryMs ?? 60_000), token);
      throw new DelayedError();
    }
    const attempt = job.attemptsMade + 1;
    const since = new Date().toISOString();
    held.lock = { siteId, since };
    this.active.set(job.id!, { job, token, siteId, since });
    markStarted(db, siteId, slotAt, attempt, new Date());
    const beat = setInterval(() => {
      try {
        heartbeat(db, siteId, this.holder, new Date());
      } catch { /* a busy or absent store: the next beat tries again, well within the stale limit */ }
    }, this.o.heartbeatMs ?? 30_000);
    beat.unref();
    const slot = formatLocal(slotAt.toISOString(), SCHEDULE_TZ).slice(11);
    this.log(`zhaocuo worker: 开始检查 ${site.name} ${site.url}（${slot} 时段${attempt > 1 ? `，第 ${attempt} 次尝试` : ''}）`);
    const gone = () => this.handedBack.has(job.id!);
    try {
      const out = await this.runAudit(site, siteConfig(this.o.baseConfig, site, site.name));
      if (gone()) return { runId: out.runId, skipped: 'handed back' };
      markFinished(db, siteId, { ok: true, runId: out.runId, now: new Date() });
      this.log(`zhaocuo worker: 完成 ${site.name}：${out.summary ?? ''}${out.runId ? `（运行 #${out.runId}）` : ''}`);
      return { runId: out.runId };
    } catch (err) {
      if (gone() || err instanceof StoreUnavailableError) throw err;
      const error = (err as Error).message?.split('\n')[0] ?? String(err);
      const attempts = job.opts.attempts ?? 1;
      const final = err instanceof UsageError || attempt >= attempts;
      const delay = typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 0) : 0;
      const retryAt = final ? null : new Date(Date.now() + delay * 2 ** (attempt - 1));
      markFinished(db, siteId, { ok: false, runId: lastRunSince(db, siteId, since), error, nextAttemptAt: retryAt, now: new Date() });
      this.log(`zhaocuo worker: 失败 ${site.name}：${error}；${retryAt ? `将于 ${formatLocal(retryAt.toISOString(), SCHEDULE_TZ)} 重试（第 ${attempt + 1}/${attempts} 次）` : '本时段不再重试'}`);
      // A config error fails the same way every time: no retry until the registry is fixed.
      if (err instanceof UsageError) throw new UnrecoverableError(error);
      throw err;
    } finally {
      clearInterval(beat);
      this.active.delete(job.id!);
      if (!gone()) releaseLock(db, siteId, this.holder);
    }
  }

  /** The store went away under `job`: said once; no new jobs until it answers again. */
  private storeLost(err: StoreUnavailableError, job: Job<SiteJob>, lock: Cut | undefined): void {
    if (lock) this.cut.set(job.id!, lock);
    if (!this.storeAway) {
      // The cause as the driver gave it (connect ECONNREFUSED …), without the audit's "then rerun".
      const cause = err.message.match(/lost mid-run: ([^;]*)/)?.[1];
      this.log(`zhaocuo worker: 与 PostgreSQL ${this.o.db.where} 的连接已断开：请重新启动 PostgreSQL 或修复到它的网络；本 worker 暂停领取任务，未能保存的检查已交还队列，恢复后自动继续，已确认的任务不会丢失（the PostgreSQL store went away${cause ? `: ${cause}` : ''}; no new jobs until it answers, then this worker goes on by itself）`);
      void this.worker?.pause(true);
      this.storeAway = setInterval(() => void this.storeBack(), this.o.storeRetryMs ?? 2000);
    }
    this.log(`zhaocuo worker: 已交还队列 ${job.data.name}（存储不可用 store unavailable）`);
  }

  /** Asks the store again; once it answers, settles what the cut-off jobs left and takes jobs again. */
  private async storeBack(): Promise<void> {
    const db = this.o.db;
    if (this.asking) return;
    this.asking = true;
    try {
      // Asked without blocking: against a host that says nothing, a synchronous statement would
      // hold this process for the connect timeout every turn, and with it the BullMQ lock
      // renewals and the crawls of the audits still running here.
      if ('ping' in db) await db.ping();
      else db.get(db.q.selectFrom('site_locks').select('site_id').limit(1));
      for (const [id, c] of this.cut) {
        const runId = lastRunSince(db, c.siteId, c.since);
        const run = runId === null ? undefined : db.get(db.q.selectFrom('runs').select('status').where('id', '=', runId));
        // Stored complete before the store went (it went while the state or the report was written): that slot is served.
        if (run?.status === 'complete') markFinished(db, c.siteId, { ok: true, runId, now: new Date() });
        else {
          if (runId !== null) failRun(db, runId, STORE_LOST);
          markFinished(db, c.siteId, { ok: false, runId, error: STORE_LOST, nextAttemptAt: null, now: new Date() });
        }
        releaseLock(db, c.siteId, this.holder);
        this.cut.delete(id);
      }
    } catch (err) {
      if (err instanceof StoreUnavailableError) return; // still away: the next turn asks again
      this.log(`zhaocuo worker: 存储恢复后整理出错：${(err as Error).message.split('\n')[0]}（will try again）`);
      return;
    } finally {
      this.asking = false;
    }
    // Closed meanwhile (SIGTERM while the store was away).
    if (!this.storeAway) return;
    clearInterval(this.storeAway);
    this.storeAway = null;
    this.log(`zhaocuo worker: 已重新连接 PostgreSQL ${db.where}，继续领取任务（the store is back）`);
    void this.worker?.resume();
  }

  /**
   * Stops taking jobs and lets the running audits finish for up to `graceMs`; those still
   * running then are handed back: the run marked interrupted, the site's lock released, the job
   * moved back to the queue for another worker at once (not after a stall timeout).
   */
  async close(graceMs: number, handBackNow?: Promise<void>): Promise<{ finished: number; handedBack: number }> {
    const w = this.worker;
    if (!w) return { finished: 0, handedBack: 0 };
    // The store away: the jobs it cut off are in the queue already; their runs and locks are
    // settled by whoever opens the store next (the holder's pid gone, its heartbeat stale).
    if (this.storeAway) clearInterval(this.storeAway);
    this.storeAway = null;
    const before = this.active.size;
    const closing = w.close();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
      ...(handBackNow ? [handBackNow.then(() => false)] : []),
    ]);
    clearTimeout(timer);
    let handedBack = 0;
    if (!inTime) {
      for (const a of [...this.active.values()]) {
        this.handedBack.add(a.job.id!);
        const runId = lastRunSince(this.o.db, a.siteId, a.since);
        const why = '检查进程收到停止信号，任务已交还队列（the worker was stopped; the job went back to the queue）';
        if (runId !== null) failRun(this.o.db, runId, why);
        markFinished(this.o.db, a.siteId, { ok: false, runId, error: why, nextAttemptAt: null, now: new Date() });
        releaseLock(this.o.db, a.siteId, this.holder);
        await a.job.moveToWait(a.token).catch((err: Error) => this.log(`zhaocuo worker: 未能交还 ${a.job.data.name}（${err.message}）：它将在停滞检测后由其他 worker 接手`));
        handedBack++;
      }
      this.active.clear();
      // BullMQ's close(true) returns the close already under way, which waits for the handed-back
      // audits to end by themselves (a held request: up to crawl.timeoutMs). They are the store's
      // no longer: the process may exit without them.
      await Promise.race([w.close(true).catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    for (const c of this.connections) c.disconnect();
    return { finished: before - handedBack, handedBack };
  }
}
