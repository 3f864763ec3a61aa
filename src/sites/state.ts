/** The scheduler's state per site in the store (site_schedule), and the inputs of dueSites() read from it. */
import type { DB } from '../store/db.ts';
import type { DueInput, ScheduleState } from './due.ts';
import { lockedSites, type LockHolder } from './lock.ts';
import { listRegistered, type RegisteredSite } from './registry.ts';

export function scheduleState(db: DB, siteId: number): (ScheduleState & { lastError: string | null; lastRunId: number | null }) | undefined {
  return db.prepare('SELECT slot_at AS slotAt, attempts, status, next_attempt_at AS nextAttemptAt, last_error AS lastError, last_run_id AS lastRunId FROM site_schedule WHERE site_id = ?').get(siteId) as
    | (ScheduleState & { lastError: string | null; lastRunId: number | null })
    | undefined;
}

/** An attempt starts: the slot it serves and its number. */
export function markStarted(db: DB, siteId: number, slotAt: Date, attempt: number, now: Date): void {
  db.prepare(
    `INSERT INTO site_schedule (site_id, slot_at, attempts, status, next_attempt_at, last_error, updated_at) VALUES (?, ?, ?, 'running', NULL, NULL, ?)
     ON CONFLICT(site_id) DO UPDATE SET slot_at = excluded.slot_at, attempts = excluded.attempts, status = 'running', next_attempt_at = NULL, updated_at = excluded.updated_at`,
  ).run(siteId, slotAt.toISOString(), attempt, now.toISOString());
}

export function markFinished(db: DB, siteId: number, o: { ok: boolean; runId: number | null; error?: string; nextAttemptAt?: Date | null; now: Date }): void {
  db.prepare('UPDATE site_schedule SET status = ?, last_run_id = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE site_id = ?').run(
    o.ok ? 'complete' : 'failed', o.runId, o.ok ? null : (o.error ?? null), o.nextAttemptAt ? o.nextAttemptAt.toISOString() : null, o.now.toISOString(), siteId,
  );
}

/** Every registered site as dueSites() reads it. */
export function dueInputs(db: DB, now: Date, staleMs: number, me?: LockHolder): { inputs: DueInput[]; sites: Map<number, RegisteredSite> } {
  const sites = listRegistered(db);
  const locked = lockedSites(db, now, staleMs, me);
  const inputs = sites.map((s) => ({
    siteId: s.siteId, origin: s.origin, schedule: s.effectiveSchedule, enabled: s.enabled, addedAt: s.addedAt,
    state: scheduleState(db, s.siteId) ?? null, locked: locked.has(s.siteId),
  }));
  return { inputs, sites: new Map(sites.map((s) => [s.siteId, s])) };
}

/**
 * An attempt left `running` whose audit had in fact stored a complete run (its process died
 * after the run was stored, while the report was written or before the state was updated):
 * that slot is served — marked complete with that run, so it is not audited a second time.
 * True when it was.
 */
export function settleDeadAttempt(db: DB, siteId: number, slotAt: Date, now: Date): boolean {
  const st = db.prepare('SELECT slot_at AS slotAt, status, updated_at AS updatedAt FROM site_schedule WHERE site_id = ?').get(siteId) as { slotAt: string; status: string; updatedAt: string } | undefined;
  if (!st || st.status !== 'running' || new Date(st.slotAt).getTime() !== slotAt.getTime()) return false;
  const run = db.prepare("SELECT id FROM runs WHERE site_id = ? AND status = 'complete' AND started_at >= ? ORDER BY id DESC LIMIT 1").get(siteId, st.updatedAt) as { id: number } | undefined;
  if (!run) return false;
  markFinished(db, siteId, { ok: true, runId: run.id, now });
  return true;
}
