/** The 找错 tickets filed for a run's 否决 and 严重 findings (by fingerprint), for the report's 优先整改. */
import type { Store } from '../store/store.ts';
import type { FindingTicket } from './sections/priority.ts';

export function findingTickets(db: Store, runId: number): Record<string, FindingTicket> {
  const rows = db.all(
    db.q
      .selectFrom('tickets as t')
      .innerJoin('runs as r', 'r.site_id', 't.site_id')
      .select(['t.fingerprint', 't.number', 't.status', 't.due_at as dueAt'])
      .where('r.id', '=', runId)
      .where('t.fingerprint', 'in', (eb) => eb.selectFrom('findings').select('fingerprint').where('run_id', '=', runId).where('severity', 'in', ['critical', 'high']))
      .orderBy('t.id'),
  ) as (FindingTicket & { fingerprint: string })[];
  const out: Record<string, FindingTicket> = {};
  for (const { fingerprint, ...t } of rows) out[fingerprint] = t;
  return out;
}
