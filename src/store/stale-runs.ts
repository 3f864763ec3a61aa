/**
 * A run left 'running' by a process that is gone (kill -9, out of memory, a reboot) would stay
 * 'running' forever and hide that the night's audit never finished. Each run records its process
 * (pid, host) and refreshes a heartbeat while it works; when the store is opened, every running
 * run whose process is dead on this host, or whose heartbeat stopped, is marked failed. On
 * SQLite and PostgreSQL alike (the query layer, src/store/store.ts); on a shared PostgreSQL the
 * host tells whose pid it is, and a run of another machine is judged by its heartbeat only.
 */
import { sql } from 'kysely';
import { isBusy, sqliteCode, StoreBusyError } from './db-errors.ts';
import { holderGone, type Gone } from './liveness.ts';
import type { Store } from './store.ts';

/** How often a run refreshes its heartbeat. */
export const RUN_HEARTBEAT_MS = 30_000;
/** A heartbeat older than this means the run's process (on any host) is gone. */
export const RUN_STALE_MS = 10 * 60_000;

export const RUN_INTERRUPTED: Record<Gone, string> = {
  exited: '运行中断（进程已退出）（the run was interrupted: its process exited）',
  silent: '运行中断（超过 10 分钟没有心跳，进程可能已退出或机器已重启）（the run was interrupted: no heartbeat for 10 minutes）',
};

export function heartbeatRun(db: Store, runId: number, now = new Date()): void {
  db.run(db.q.updateTable('runs').set({ heartbeat_at: now.toISOString() }).where('id', '=', runId).where('status', '=', 'running'));
}

/** Marks the running runs whose process is gone failed; returns how many. Best effort: a busy or read-only store is left for the next open. */
export function markStaleRuns(db: Store, now = new Date(), staleMs = RUN_STALE_MS): number {
  // Runs stored before migration 7 have no pid/host/heartbeat: their start time is the last sign of life.
  const rows = db.all(
    db.q.selectFrom('runs').select(['id', 'pid', 'host', sql<string>`coalesce(heartbeat_at, started_at)`.as('heartbeatAt')]).where('status', '=', 'running'),
  );
  const gone = rows
    .map((r) => ({ id: Number(r.id), why: holderGone({ host: r.host, pid: r.pid === null ? null : Number(r.pid), heartbeatAt: r.heartbeatAt }, now, staleMs) }))
    .filter((r) => r.why !== null);
  if (!gone.length) return 0;
  try {
    return db.tx(() =>
      gone.reduce(
        (n, r) => n + db.run(db.q.updateTable('runs').set({ status: 'failed', error: RUN_INTERRUPTED[r.why!], finished_at: now.toISOString() }).where('id', '=', r.id).where('status', '=', 'running')),
        0,
      ),
      // Best effort, as the catch below: a busy store is not waited for twice on every open.
      { retries: 0 },
    );
  } catch (err) {
    if (err instanceof StoreBusyError || isBusy(err) || sqliteCode(err) === 'SQLITE_READONLY') return 0;
    throw err;
  }
}
