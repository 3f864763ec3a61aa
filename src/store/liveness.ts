/**
 * Is the process behind a lock or a run still there? Two signs, as the scheduler's site locks
 * (src/sites/lock.ts) and the runs table (src/store/stale-runs.ts) both use them: it ran on this
 * host and its pid is gone (kill -9, a crash), or its heartbeat stopped (another host, a reboot
 * that reused the pid, a frozen machine).
 */
import { hostname } from 'node:os';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to another user — alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Liveness {
  host: string | null;
  pid: number | null;
  /** The last sign of life (ISO time). */
  heartbeatAt: string;
}

export type Gone = 'exited' | 'silent';

/** Why the holder is gone ('exited': its pid is dead on this host; 'silent': no heartbeat for `staleMs`), or null if it may be alive. */
export function holderGone(h: Liveness, now: Date, staleMs: number, thisHost = hostname()): Gone | null {
  if (h.host === thisHost && h.pid !== null && !pidAlive(h.pid)) return 'exited';
  if (now.getTime() - new Date(h.heartbeatAt).getTime() > staleMs) return 'silent';
  return null;
}
