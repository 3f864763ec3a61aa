/**
 * One site is never audited twice at once: a lock row per site in the store, taken in an
 * exclusive transaction (one writer at a time, across processes on the same SQLite file or
 * PostgreSQL database). The holder
 * refreshes its heartbeat while it works. A crashed holder is recognised two ways — its
 * heartbeat is older than `staleMs`, or it ran on this host and its pid is gone — and its lock
 * is taken over; the run it left `running` is marked failed (interrupted).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.ts';
import { holderGone } from '../store/liveness.ts';

export interface LockHolder {
  owner: string;
  host: string;
  pid: number;
}

export function newHolder(): LockHolder {
  return { owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, host: hostname(), pid: process.pid };
}

interface LockRow {
  owner: string;
  host: string;
  pid: number;
  acquired_at: string;
  heartbeat_at: string;
}

export const INTERRUPTED = '检查进程中断（进程退出或机器重启），锁已由新的检查接管（the audit process died; its lock was taken over）';

/** True when this holder now has the site's lock. */
export function acquireLock(db: Store, siteId: number, me: LockHolder, now: Date, staleMs: number): boolean {
  const at = now.toISOString();
  return db.tx((): boolean => {
    const row: LockRow | undefined = db.get(db.q.selectFrom('site_locks').select(['owner', 'host', 'pid', 'acquired_at', 'heartbeat_at']).where('site_id', '=', siteId));
    if (!row) {
      db.run(db.q.insertInto('site_locks').values({ site_id: siteId, owner: me.owner, host: me.host, pid: me.pid, acquired_at: at, heartbeat_at: at }));
      return true;
    }
    if (row.owner === me.owner) return false; // this holder is already auditing the site
    const stale = holderGone({ host: row.host, pid: row.pid, heartbeatAt: row.heartbeat_at }, now, staleMs, me.host) !== null;
    if (!stale) return false;
    db.run(db.q.updateTable('runs').set({ status: 'failed', error: INTERRUPTED, finished_at: at }).where('site_id', '=', siteId).where('status', '=', 'running').where('started_at', '>=', row.acquired_at));
    db.run(db.q.updateTable('site_locks').set({ owner: me.owner, host: me.host, pid: me.pid, acquired_at: at, heartbeat_at: at }).where('site_id', '=', siteId));
    return true;
  }, { exclusive: true });
}

export function heartbeat(db: Store, siteId: number, me: LockHolder, now: Date): void {
  db.run(db.q.updateTable('site_locks').set({ heartbeat_at: now.toISOString() }).where('site_id', '=', siteId).where('owner', '=', me.owner));
}

export function releaseLock(db: Store, siteId: number, me: LockHolder): void {
  db.run(db.q.deleteFrom('site_locks').where('site_id', '=', siteId).where('owner', '=', me.owner));
}

/** Sites whose lock is live (held, heartbeat fresh, holder not known dead) at `now`. */
export function lockedSites(db: Store, now: Date, staleMs: number, me?: LockHolder): Set<number> {
  const rows = db.all(db.q.selectFrom('site_locks').select(['site_id as siteId', 'owner', 'host', 'pid', 'heartbeat_at']));
  const host = me?.host ?? hostname();
  return new Set(rows.filter((r) => holderGone({ host: r.host, pid: r.pid, heartbeatAt: r.heartbeat_at }, now, staleMs, host) === null).map((r) => r.siteId));
}
