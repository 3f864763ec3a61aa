/**
 * Which registered sites are due now: a pure function of the sites, their scheduler state and
 * the clock, shared by the embedded scheduler (zhaocuo schedule) and any other one (a queue
 * that enqueues due sites for workers). No I/O, no real time: tests pass any instant.
 *
 * The rule, per site:
 *  - its schedule's latest slot at or before `now` is owed once (a slot before the site was
 *    registered is not; a slot missed by more than `catchUpMs` — the machine was off all
 *    night — is skipped for the next one, so a night's audit never lands at noon);
 *  - a slot already served by a complete attempt is done; a failed attempt is tried again
 *    after a backoff (retryBaseMs, doubling, at most retryMaxMs), at most maxAttempts times
 *    in all; an attempt left `running` without a lock (its process died) counts as failed;
 *  - a site that is locked (being audited) or disabled is never due.
 */
import { previousSlot } from './cron.ts';

export interface DuePolicy {
  /** A slot older than this when first seen is skipped (default 6 h). */
  catchUpMs: number;
  /** Attempts per slot, the first one included (default 3). */
  maxAttempts: number;
  /** Wait before the first retry (default 15 min); doubles per failed attempt. */
  retryBaseMs: number;
  /** Longest wait between attempts (default 2 h). */
  retryMaxMs: number;
}

export const DEFAULT_POLICY: DuePolicy = { catchUpMs: 6 * 3600_000, maxAttempts: 3, retryBaseMs: 15 * 60_000, retryMaxMs: 2 * 3600_000 };

export interface ScheduleState {
  /** The slot the last attempt served (ISO). */
  slotAt: string | null;
  /** Attempts made for that slot. */
  attempts: number;
  status: 'running' | 'complete' | 'failed' | null;
  /** When a failed slot may be tried again (ISO); null: not again. */
  nextAttemptAt: string | null;
}

export interface DueInput {
  siteId: number;
  origin: string;
  /** The cron line the site runs on (its own or its default slot). */
  schedule: string;
  enabled: boolean;
  /** Registered at (ISO): earlier slots are not owed. */
  addedAt: string;
  state?: ScheduleState | null;
  /** Being audited now (a live lock). */
  locked: boolean;
}

export interface DueSite {
  siteId: number;
  origin: string;
  /** The slot this attempt serves. */
  slotAt: Date;
  /** 1 for the slot's first attempt, 2 for the first retry … */
  attempt: number;
  reason: 'slot' | 'retry';
}

/** Wait after failed attempt number `attempt` (1-based). */
export function backoffMs(attempt: number, policy: DuePolicy = DEFAULT_POLICY): number {
  return Math.min(policy.retryBaseMs * 2 ** Math.max(0, attempt - 1), policy.retryMaxMs);
}

/** When the slot may be tried again after failed attempt `attempt` ended at `at`; null when no attempts are left. */
export function nextAttemptAt(attempt: number, at: Date, policy: DuePolicy = DEFAULT_POLICY): Date | null {
  return attempt >= policy.maxAttempts ? null : new Date(at.getTime() + backoffMs(attempt, policy));
}

export function dueSite(s: DueInput, now: Date, policy: DuePolicy = DEFAULT_POLICY): DueSite | null {
  if (!s.enabled || s.locked) return null;
  // +1 ms: a tick exactly on the slot's second sees that slot.
  const slot = previousSlot(s.schedule, new Date(now.getTime() + 1));
  if (!slot) return null;
  const st = s.state;
  if (st?.slotAt && new Date(st.slotAt).getTime() === slot.getTime()) {
    if (st.status === 'complete') return null;
    if (st.attempts >= policy.maxAttempts) return null;
    // running without a lock: the process died mid-audit; that attempt failed, retry now.
    if (st.status === 'running') return { siteId: s.siteId, origin: s.origin, slotAt: slot, attempt: st.attempts + 1, reason: 'retry' };
    if (!st.nextAttemptAt || now.getTime() < new Date(st.nextAttemptAt).getTime()) return null;
    return { siteId: s.siteId, origin: s.origin, slotAt: slot, attempt: st.attempts + 1, reason: 'retry' };
  }
  if (slot.getTime() < new Date(s.addedAt).getTime()) return null;
  if (st?.slotAt && new Date(st.slotAt).getTime() > slot.getTime()) return null; // served a later slot (schedule changed)
  if (now.getTime() - slot.getTime() > policy.catchUpMs) return null;
  return { siteId: s.siteId, origin: s.origin, slotAt: slot, attempt: 1, reason: 'slot' };
}

/** The due sites, the longest-waiting slot first (then by origin, for a stable order). */
export function dueSites(sites: DueInput[], now: Date, policy: DuePolicy = DEFAULT_POLICY): DueSite[] {
  return sites
    .map((s) => dueSite(s, now, policy))
    .filter((d): d is DueSite => d !== null)
    .sort((a, b) => a.slotAt.getTime() - b.slotAt.getTime() || a.origin.localeCompare(b.origin));
}
