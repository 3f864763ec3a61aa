/**
 * One site is never audited twice at once: a lock row per site in the store, taken in an
 * IMMEDIATE transaction (one writer at a time, across processes on the same file). The holder
 * refreshes its heartbeat while it works. A crashed holder is recognised two ways — its
 * heartbeat is older than `staleMs`, or it ran on this host and its pid is gone — and its lock
 * is taken over; the run it left `running` is marked failed (interrupted).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { DB } from '../store/db.ts';
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
export function acquireLock(db: DB, siteId: number, me: LockHolder, now: Date, staleMs: number): boolean {
  const at = now.toISOString();
  return db
    .transaction((): boolean => {
      const row = db.prepare('SELECT owner, host, pid, acquired_at, heartbeat_at FROM site_locks WHERE site_id = ?').get(siteId) as LockRow | undefined;
      if (!row) {
        db.prepare('INSERT INTO site_locks (site_id, owner, host, pid, acquired_at, heartbeat_at) VALUES (?,?,?,?,?,?)').run(siteId, me.owner, me.host, me.pid, at, at);
        return true;
      }
      if (row.owner === me.owner) return false; // this holder is already auditing the site
      const stale = holderGone({ host: row.host, pid: row.pid, heartbeatAt: row.heartbeat_at }, now, staleMs, me.host) !== null;
      if (!stale) return false;
      db.prepare("UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE site_id = ? AND status = 'running' AND started_at >= ?").run(INTERRUPTED, at, siteId, row.acquired_at);
      db.prepare('UPDATE site_locks SET owner = ?, host = ?, pid = ?, acquired_at = ?, heartbeat_at = ? WHERE site_id = ?').run(me.owner, me.host, me.pid, at, at, siteId);
      return true;
    })
    .immediate();
}

export function heartbeat(db: DB, siteId: number, me: LockHolder, now: Date): void {
  db.prepare('UPDATE site_locks SET heartbeat_at = ? WHERE site_id = ? AND owner = ?').run(now.toISOString(), siteId, me.owner);
}

export function releaseLock(db: DB, siteId: number, me: LockHolder): void {
  db.prepare('DELETE FROM site_locks WHERE site_id = ? AND owner = ?').run(siteId, me.owner);
}

/** Sites whose lock is live (held, heartbeat fresh, holder not known dead) at `now`. */
export function lockedSites(db: DB, now: Date, staleMs: number, me?: LockHolder): Set<number> {
  const rows = db.prepare('SELECT site_id AS siteId, owner, host, pid, heartbeat_at FROM site_locks').all() as (LockRow & { siteId: number })[];
  const host = me?.host ?? hostname();
  return new Set(rows.filter((r) => holderGone({ host: r.host, pid: r.pid, heartbeatAt: r.heartbeat_at }, now, staleMs, host) === null).map((r) => r.siteId));
}
