/** The scheduler's state per site in the store (site_schedule), and the inputs of dueSites() read from it. */
import type { Store } from '../store/store.ts';
import type { DueInput, ScheduleState } from './due.ts';
import { lockedSites, type LockHolder } from './lock.ts';
import { listRegistered, type RegisteredSite } from './registry.ts';

export function scheduleState(db: Store, siteId: number): (ScheduleState & { lastError: string | null; lastRunId: number | null }) | undefined {
  return db.get(
    db.q
      .selectFrom('site_schedule')
      .select(['slot_at as slotAt', 'attempts', 'status', 'next_attempt_at as nextAttemptAt', 'last_error as lastError', 'last_run_id as lastRunId'])
      .where('site_id', '=', siteId),
  ) as (ScheduleState & { lastError: string | null; lastRunId: number | null }) | undefined;
}

/** An attempt starts: the slot it serves and its number. */
export function markStarted(db: Store, siteId: number, slotAt: Date, attempt: number, now: Date): void {
  db.run(
    db.q
      .insertInto('site_schedule')
      .values({ site_id: siteId, slot_at: slotAt.toISOString(), attempts: attempt, status: 'running', next_attempt_at: null, last_error: null, updated_at: now.toISOString() })
      .onConflict((oc) =>
        oc.column('site_id').doUpdateSet((eb) => ({
          slot_at: eb.ref('excluded.slot_at'), attempts: eb.ref('excluded.attempts'), status: 'running', next_attempt_at: null, updated_at: eb.ref('excluded.updated_at'),
        })),
      ),
  );
}

export function markFinished(db: Store, siteId: number, o: { ok: boolean; runId: number | null; error?: string; nextAttemptAt?: Date | null; now: Date }): void {
  db.run(
    db.q
      .updateTable('site_schedule')
      .set({ status: o.ok ? 'complete' : 'failed', last_run_id: o.runId, last_error: o.ok ? null : (o.error ?? null), next_attempt_at: o.nextAttemptAt ? o.nextAttemptAt.toISOString() : null, updated_at: o.now.toISOString() })
      .where('site_id', '=', siteId),
  );
}

/** Every registered site as dueSites() reads it. */
export function dueInputs(db: Store, now: Date, staleMs: number, me?: LockHolder): { inputs: DueInput[]; sites: Map<number, RegisteredSite> } {
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
export function settleDeadAttempt(db: Store, siteId: number, slotAt: Date, now: Date): boolean {
  const st = db.get(db.q.selectFrom('site_schedule').select(['slot_at as slotAt', 'status', 'updated_at as updatedAt']).where('site_id', '=', siteId));
  if (!st || st.status !== 'running' || !st.slotAt || new Date(st.slotAt).getTime() !== slotAt.getTime()) return false;
  const run = db.get(db.q.selectFrom('runs').select('id').where('site_id', '=', siteId).where('status', '=', 'complete').where('started_at', '>=', st.updatedAt).orderBy('id', 'desc').limit(1));
  if (!run) return false;
  markFinished(db, siteId, { ok: true, runId: Number(run.id), now });
  return true;
}
