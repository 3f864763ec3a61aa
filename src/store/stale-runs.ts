/**
 * A run left 'running' by a process that is gone (kill -9, out of memory, a reboot) would stay
 * 'running' forever and hide that the night's audit never finished. Each run records its process
 * (pid, host) and refreshes a heartbeat while it works; when the store is opened, every running
 * run whose process is dead on this host, or whose heartbeat stopped, is marked failed.
 */
import type { DB } from './db.ts';
import { isBusy, sqliteCode } from './db-errors.ts';
import { holderGone, type Gone } from './liveness.ts';

/** How often a run refreshes its heartbeat. */
export const RUN_HEARTBEAT_MS = 30_000;
/** A heartbeat older than this means the run's process (on any host) is gone. */
export const RUN_STALE_MS = 10 * 60_000;

export const RUN_INTERRUPTED: Record<Gone, string> = {
  exited: '运行中断（进程已退出）（the run was interrupted: its process exited）',
  silent: '运行中断（超过 10 分钟没有心跳，进程可能已退出或机器已重启）（the run was interrupted: no heartbeat for 10 minutes）',
};

export function heartbeatRun(db: DB, runId: number, now = new Date()): void {
  db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'").run(now.toISOString(), runId);
}

/** Marks the running runs whose process is gone failed; returns how many. Best effort: a busy or read-only store is left for the next open. */
export function markStaleRuns(db: DB, now = new Date(), staleMs = RUN_STALE_MS): number {
  // Runs stored before migration 7 have no pid/host/heartbeat: their start time is the last sign of life.
  const rows = db.prepare("SELECT id, pid, host, coalesce(heartbeat_at, started_at) AS heartbeatAt FROM runs WHERE status = 'running'").all() as { id: number; pid: number | null; host: string | null; heartbeatAt: string }[];
  const gone = rows.map((r) => ({ id: r.id, why: holderGone(r, now, staleMs) })).filter((r) => r.why !== null);
  if (!gone.length) return 0;
  const mark = db.prepare("UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'");
  try {
    return db.transaction(() => gone.reduce((n, r) => n + mark.run(RUN_INTERRUPTED[r.why!], now.toISOString(), r.id).changes, 0)).immediate();
  } catch (err) {
    if (isBusy(err) || sqliteCode(err) === 'SQLITE_READONLY') return 0;
    throw err;
  }
}
