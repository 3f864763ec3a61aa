/** The 找错 tickets filed for a run's 否决 and 严重 findings (by fingerprint), for the report's 优先整改. */
import type { DB } from '../store/db.ts';
import type { FindingTicket } from './sections/priority.ts';

export function findingTickets(db: DB, runId: number): Record<string, FindingTicket> {
  const rows = db
    .prepare(
      `SELECT t.fingerprint, t.number, t.status, t.due_at AS dueAt FROM tickets t JOIN runs r ON r.site_id = t.site_id
       WHERE r.id = ? AND t.fingerprint IN (SELECT fingerprint FROM findings WHERE run_id = ? AND severity IN ('critical', 'high'))
       ORDER BY t.id`,
    )
    .all(runId, runId) as (FindingTicket & { fingerprint: string })[];
  const out: Record<string, FindingTicket> = {};
  for (const { fingerprint, ...t } of rows) out[fingerprint] = t;
  return out;
}
