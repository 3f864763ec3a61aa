/**
 * dueSites(), the pure rule of which registered sites are due (shared by the embedded
 * scheduler and the distributed one): a slot is owed once, retried with a bounded backoff, a
 * missed night is not run at noon, a locked or disabled site is never due; and a night of
 * default slots spreads hundreds of sites so that few start in any minute, each exactly once.
 */
import { describe, expect, it } from 'vitest';
import { defaultSchedule } from '../src/sites/cron.ts';
import { backoffMs, DEFAULT_POLICY, dueSite, dueSites, nextAttemptAt, type DueInput } from '../src/sites/due.ts';

const bj = (s: string) => new Date(`${s}+08:00`);
const site = (o: Partial<DueInput> = {}): DueInput => ({ siteId: 1, origin: 'https://a.gov.cn', schedule: '0 2 * * *', enabled: true, addedAt: '2026-11-01T00:00:00Z', state: null, locked: false, ...o });
const SLOT = bj('2026-12-04T02:00:00');

describe('dueSite', () => {
  it('owes the latest slot from its minute on, not before', () => {
    expect(dueSite(site(), bj('2026-12-04T01:59:59'))?.slotAt.toISOString()).not.toBe(SLOT.toISOString()); // yesterday's, if within catch-up: not here
    expect(dueSite(site(), bj('2026-12-04T01:59:59'))).toBeNull();
    expect(dueSite(site(), SLOT)).toMatchObject({ slotAt: SLOT, attempt: 1, reason: 'slot' });
    expect(dueSite(site(), bj('2026-12-04T05:30:00'))).toMatchObject({ slotAt: SLOT });
  });
  it('a complete slot is done; a new slot is owed again the next night', () => {
    const state = { slotAt: SLOT.toISOString(), attempts: 1, status: 'complete' as const, nextAttemptAt: null };
    expect(dueSite(site({ state }), bj('2026-12-04T03:00:00'))).toBeNull();
    expect(dueSite(site({ state }), bj('2026-12-05T02:00:00'))).toMatchObject({ attempt: 1, reason: 'slot' });
  });
  it('a failed attempt is retried after its backoff, at most maxAttempts in all', () => {
    const failedAt = bj('2026-12-04T02:10:00');
    const retry = nextAttemptAt(1, failedAt)!;
    expect(retry.getTime() - failedAt.getTime()).toBe(15 * 60_000);
    const state = { slotAt: SLOT.toISOString(), attempts: 1, status: 'failed' as const, nextAttemptAt: retry.toISOString() };
    expect(dueSite(site({ state }), new Date(retry.getTime() - 1000))).toBeNull();
    expect(dueSite(site({ state }), retry)).toMatchObject({ attempt: 2, reason: 'retry', slotAt: SLOT });
    expect(backoffMs(2)).toBe(30 * 60_000);
    expect(backoffMs(10)).toBe(DEFAULT_POLICY.retryMaxMs);
    expect(nextAttemptAt(3, failedAt)).toBeNull();
    expect(dueSite(site({ state: { ...state, attempts: 3, nextAttemptAt: null } }), bj('2026-12-04T06:00:00'))).toBeNull();
  });
  it('an attempt left running without a lock (its process died) is retried at once', () => {
    const state = { slotAt: SLOT.toISOString(), attempts: 1, status: 'running' as const, nextAttemptAt: null };
    expect(dueSite(site({ state }), bj('2026-12-04T02:20:00'))).toMatchObject({ attempt: 2, reason: 'retry' });
    expect(dueSite(site({ state, locked: true }), bj('2026-12-04T02:20:00'))).toBeNull();
  });
  it('a locked, disabled or newly registered site is not due; a night missed by more than the catch-up is skipped', () => {
    expect(dueSite(site({ locked: true }), SLOT)).toBeNull();
    expect(dueSite(site({ enabled: false }), SLOT)).toBeNull();
    expect(dueSite(site({ addedAt: bj('2026-12-04T09:00:00').toISOString() }), bj('2026-12-04T10:00:00'))).toBeNull();
    expect(dueSite(site(), bj('2026-12-04T08:00:01'))).toBeNull(); // 6 h after 02:00
    expect(dueSite(site(), bj('2026-12-04T08:00:01'), { ...DEFAULT_POLICY, catchUpMs: 12 * 3600_000 })).not.toBeNull();
  });
  it('orders the due sites by how long their slot has waited', () => {
    const due = dueSites([site({ siteId: 1, origin: 'https://b.gov.cn', schedule: '30 2 * * *' }), site({ siteId: 2, origin: 'https://c.gov.cn', schedule: '0 1 * * *' }), site({ siteId: 3, enabled: false })], bj('2026-12-04T03:00:00'));
    expect(due.map((d) => d.siteId)).toEqual([2, 1]);
  });
});

describe('a night of default slots', () => {
  it('150 sites: each due exactly once, a handful per minute at most', () => {
    const sites = Array.from({ length: 150 }, (_, i) => site({ siteId: i, origin: `https://s${i}.example.gov.cn`, schedule: defaultSchedule(`https://s${i}.example.gov.cn`) }));
    const started = new Map<number, number>();
    let busiest = 0;
    // minute by minute over the quiet window (00:55–05:05 Beijing time), marking each started site complete
    for (let m = 0; m < 250; m++) {
      const now = new Date(bj('2026-12-04T00:55:00').getTime() + m * 60_000);
      const due = dueSites(sites, now);
      busiest = Math.max(busiest, due.length);
      for (const d of due) {
        started.set(d.siteId, (started.get(d.siteId) ?? 0) + 1);
        sites[d.siteId].state = { slotAt: d.slotAt.toISOString(), attempts: 1, status: 'complete', nextAttemptAt: null };
      }
    }
    expect(started.size).toBe(150);
    expect([...started.values()].every((n) => n === 1)).toBe(true);
    expect(busiest).toBeLessThanOrEqual(5);
  });
});
