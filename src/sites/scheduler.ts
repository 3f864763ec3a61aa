/**
 * The embedded scheduler (zhaocuo schedule, serve --schedule): on each tick, the due sites
 * (src/sites/due.ts) are audited on this machine, at most `maxParallel` at once, each under its
 * lock in the store; a failed audit is recorded and tried again later, and the others go on.
 * The clock is injected, so tests drive slots and retries without waiting for real minutes.
 */
import type { Config } from '../config/schema.ts';
import { UsageError } from '../config/errors.ts';
import { auditSite } from '../run/audit-site.ts';
import type { HostPacer } from '../gather/pacer.ts';
import type { DB } from '../store/db.ts';
import { DEFAULT_POLICY, dueSites, nextAttemptAt, type DuePolicy, type DueSite } from './due.ts';
import { acquireLock, heartbeat, newHolder, releaseLock, type LockHolder } from './lock.ts';
import { siteConfig } from './merge.ts';
import type { RegisteredSite } from './registry.ts';
import { dueInputs, markFinished, markStarted, settleDeadAttempt } from './state.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { SCHEDULE_TZ } from './cron.ts';

export interface AuditOutcome {
  runId: number | null;
  /** One line for the log (verdict, score). */
  summary?: string;
}

/** Audits one site with its config; throws when the audit failed. */
export type RunAudit = (site: RegisteredSite, config: Config) => Promise<AuditOutcome>;

export interface SchedulerOptions {
  db: DB;
  baseConfig: Config;
  maxParallel?: number;
  clock?: () => Date;
  policy?: Partial<DuePolicy>;
  runAudit?: RunAudit;
  log?: (line: string) => void;
  /** Heartbeat of a held lock (default 30 s of real time). */
  heartbeatMs?: number;
  /** A lock whose heartbeat is older than this is stale (default 3 min). */
  staleMs?: number;
  holder?: LockHolder;
}

export interface AttemptResult {
  site: RegisteredSite;
  due: DueSite;
  ok: boolean;
  runId: number | null;
  error?: string;
  retryAt?: Date | null;
}

/** The default way to audit: the same run as `zhaocuo audit` (stored, report written, tickets filed). */
export function storeAudit(db: DB, o: { pacer?: HostPacer } = {}): RunAudit {
  return async (site, config) => {
    const r = await auditSite({ startUrl: site.url, config, db, pacer: o.pacer });
    const v = r.report.audits.find((a) => a.id === 'verdict')?.data as { verdict?: string; score?: number } | undefined;
    // The run is stored either way; tickets that could not be filed are said, not silently missing.
    const tickets = r.tickets && 'error' in r.tickets ? `；工单未能生成：${r.tickets.error.split('\n')[0]}（tickets not filed）` : '';
    return { runId: r.runId, summary: (v?.verdict ? `${v.verdict} ${v.score} 分` : `${r.report.summary.findingsTotal} 个问题`) + tickets };
  };
}

/** The run an attempt left (a failed audit records its run before it throws). */
export function lastRunSince(db: DB, siteId: number, since: string): number | null {
  const r = db.get(db.q.selectFrom('runs').select('id').where('site_id', '=', siteId).where('started_at', '>=', since).orderBy('id', 'desc').limit(1));
  return r?.id ?? null;
}

export class Scheduler {
  readonly db: DB;
  readonly maxParallel: number;
  readonly policy: DuePolicy;
  readonly holder: LockHolder;
  private readonly clock: () => Date;
  private readonly runAudit: RunAudit;
  private readonly log: (line: string) => void;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly running = new Map<number, Promise<AttemptResult>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Every finished attempt, oldest first (for tests and the --once summary). */
  readonly results: AttemptResult[] = [];

  constructor(private readonly o: SchedulerOptions) {
    this.db = o.db;
    this.maxParallel = Math.max(1, o.maxParallel ?? 2);
    this.policy = { ...DEFAULT_POLICY, ...o.policy };
    this.clock = o.clock ?? (() => new Date());
    this.runAudit = o.runAudit ?? storeAudit(o.db);
    this.log = o.log ?? ((l) => process.stderr.write(l + '\n'));
    this.heartbeatMs = o.heartbeatMs ?? 30_000;
    this.staleMs = o.staleMs ?? 180_000;
    this.holder = o.holder ?? newHolder();
  }

  get active(): number {
    return this.running.size;
  }

  /** The sites due now (not started). */
  due(): DueSite[] {
    const { inputs } = dueInputs(this.db, this.clock(), this.staleMs, this.holder);
    return dueSites(inputs.map((i) => (this.running.has(i.siteId) ? { ...i, locked: true } : i)), this.clock(), this.policy);
  }

  /** Starts due sites up to the bound; returns those started. */
  tick(): DueSite[] {
    if (this.stopped) return [];
    try {
      return this.startDue();
    } catch (err) {
      // A locked or broken database: this round is skipped, the next tick tries again.
      this.log(`zhaocuo schedule: 本轮检查未能开始：${(err as Error).message}（this round was skipped）`);
      return [];
    }
  }

  private startDue(): DueSite[] {
    const now = this.clock();
    const { inputs, sites } = dueInputs(this.db, now, this.staleMs, this.holder);
    const due = dueSites(inputs.map((i) => (this.running.has(i.siteId) ? { ...i, locked: true } : i)), now, this.policy);
    const started: DueSite[] = [];
    for (const d of due) {
      if (this.running.size >= this.maxParallel) break;
      const site = sites.get(d.siteId)!;
      if (!acquireLock(this.db, d.siteId, this.holder, now, this.staleMs)) continue; // another process has it
      // An attempt left `running` whose process died after storing its complete run (while it
      // wrote the report): that slot is served, not audited a second time.
      if (d.reason === 'retry' && settleDeadAttempt(this.db, d.siteId, d.slotAt, now)) {
        releaseLock(this.db, d.siteId, this.holder);
        this.log(`zhaocuo schedule: ${site.name} 本时段已有完整的检查结果（上次的进程在写报告时退出），不再重复检查`);
        continue;
      }
      started.push(d);
      const p = this.attempt(site, d).finally(() => {
        this.running.delete(d.siteId);
        // A slot freed: start the next due site at once rather than at the next tick.
        if (!this.stopped) this.tick();
      });
      this.running.set(d.siteId, p);
    }
    return started;
  }

  private async attempt(site: RegisteredSite, d: DueSite): Promise<AttemptResult> {
    const startedAt = this.clock();
    const since = new Date().toISOString();
    markStarted(this.db, site.siteId, d.slotAt, d.attempt, startedAt);
    const beat = setInterval(() => heartbeat(this.db, site.siteId, this.holder, this.clock()), this.heartbeatMs);
    beat.unref();
    const slot = formatLocal(d.slotAt.toISOString(), SCHEDULE_TZ).slice(11);
    this.log(`zhaocuo schedule: 开始检查 ${site.name} ${site.url}（${slot} 时段${d.attempt > 1 ? `，第 ${d.attempt} 次尝试` : ''}）`);
    let result: AttemptResult;
    try {
      const config = siteConfig(this.o.baseConfig, site, site.name);
      const out = await this.runAudit(site, config);
      markFinished(this.db, site.siteId, { ok: true, runId: out.runId, now: this.clock() });
      result = { site, due: d, ok: true, runId: out.runId };
      this.log(`zhaocuo schedule: 完成 ${site.name}：${out.summary ?? ''}${out.runId ? `（运行 #${out.runId}）` : ''}`);
    } catch (err) {
      const error = (err as Error).message?.split('\n')[0] ?? String(err);
      const now = this.clock();
      // A config error fails again the same way: not retried until the registry is fixed.
      const retryAt = err instanceof UsageError ? null : nextAttemptAt(d.attempt, now, this.policy);
      const runId = lastRunSince(this.db, site.siteId, since);
      markFinished(this.db, site.siteId, { ok: false, runId, error, nextAttemptAt: retryAt, now });
      result = { site, due: d, ok: false, runId, error, retryAt };
      this.log(`zhaocuo schedule: 失败 ${site.name}：${error}；${retryAt ? `将于 ${formatLocal(retryAt.toISOString(), SCHEDULE_TZ)} 重试（第 ${d.attempt + 1}/${this.policy.maxAttempts} 次）` : '本时段不再重试'}`);
    } finally {
      clearInterval(beat);
      releaseLock(this.db, site.siteId, this.holder);
    }
    this.results.push(result);
    return result;
  }

  /** Resolves when no audit of this scheduler is running (those started meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Ticks every `intervalMs` of real time until stop(). */
  start(intervalMs = 60_000): void {
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  /** No new starts; waits for the running audits. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.idle();
  }
}
