/**
 * Runs begun in this process and not yet finished, so a crash handler can mark them failed:
 * a bug that escapes every try (an unhandled rejection, an uncaught exception, a promise that
 * never settles) must not leave a run 'running' in the store as if it were still going.
 */
import type { DB } from '../store/db.ts';
import { failRun } from '../store/runs.ts';

const active = new Map<number, DB>();

export function runStarted(db: DB, runId: number): void {
  active.set(runId, db);
}

export function runEnded(runId: number): void {
  active.delete(runId);
}

/** Marks every unfinished run failed with `error`; a store that fails too is passed over (we are already failing). */
export function failActiveRuns(error: string): number {
  let n = 0;
  for (const [runId, db] of active) {
    try {
      failRun(db, runId, error);
      n++;
    } catch { /* the database may be what broke */ }
  }
  active.clear();
  return n;
}
