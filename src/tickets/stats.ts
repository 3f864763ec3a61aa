/**
 * The on-time rate (seed task 20: 100% within the deadline), per period and per division.
 * A ticket counts in the period of its deadline: on time when closed by then, late when
 * closed after it or still open past it, pending (not counted) while the deadline is ahead.
 */
import type { Store } from '../store/store.ts';
import type { TicketContext } from './context.ts';
import { fromLocal, toLocal } from './zoned.ts';
import { addDays } from './calendar.ts';

export type Period = 'day' | 'month' | 'year';

export interface RateRow {
  key: string;
  /** Tickets whose deadline falls in the group and has passed or which are closed. */
  counted: number;
  onTime: number;
  late: number;
  /** Of the late: still open. */
  overdueOpen: number;
  /** Deadline ahead, still open: not counted yet. */
  pending: number;
  /** onTime / counted, or null when nothing is counted. */
  rate: number | null;
}

export interface OnTimeStats {
  period: Period;
  total: RateRow;
  periods: RateRow[];
  divisions: RateRow[];
  /** Open tickets whose deadline could not be computed (calendar data missing). */
  undated: number;
}

function row(key: string): RateRow {
  return { key, counted: 0, onTime: 0, late: 0, overdueOpen: 0, pending: 0, rate: null };
}

export function onTimeStats(db: Store, ctx: TicketContext, o: { period?: Period; from?: string; to?: string; division?: string } = {}): OnTimeStats {
  const tz = ctx.config.tickets.timezone;
  const period = o.period ?? 'month';
  const now = ctx.now().toISOString();
  let q = db.q.selectFrom('tickets').select(['division', 'due_at', 'closed_at']).where('due_at', 'is not', null);
  if (o.from) q = q.where('due_at', '>=', fromLocal(o.from, '00:00', tz).toISOString());
  if (o.to) q = q.where('due_at', '<', fromLocal(addDays(o.to, 1), '00:00', tz).toISOString());
  if (o.division) q = q.where('division', '=', o.division);
  const rows = db.all(q) as { division: string; due_at: string; closed_at: string | null }[];
  const total = row('合计');
  const periods = new Map<string, RateRow>();
  const divisions = new Map<string, RateRow>();
  const len = period === 'day' ? 10 : period === 'month' ? 7 : 4;
  for (const r of rows) {
    const key = toLocal(new Date(r.due_at), tz).date.slice(0, len);
    const p = periods.get(key) ?? periods.set(key, row(key)).get(key)!;
    const d = divisions.get(r.division) ?? divisions.set(r.division, row(r.division)).get(r.division)!;
    for (const g of [total, p, d]) {
      if (r.closed_at) {
        g.counted++;
        if (r.closed_at <= r.due_at) g.onTime++;
        else g.late++;
      } else if (r.due_at < now) {
        g.counted++;
        g.late++;
        g.overdueOpen++;
      } else g.pending++;
    }
  }
  const finish = (g: RateRow) => ((g.rate = g.counted ? g.onTime / g.counted : null), g);
  const undated = Number(db.get(db.q.selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).where('due_at', 'is', null).where('closed_at', 'is', null))?.n ?? 0);
  return {
    period,
    total: finish(total),
    periods: [...periods.values()].sort((a, b) => a.key.localeCompare(b.key)).map(finish),
    divisions: [...divisions.values()].sort((a, b) => a.key.localeCompare(b.key, 'zh')).map(finish),
    undated,
  };
}

/** Percent for people: 96.7%, or — when nothing is counted. */
export function pct(rate: number | null): string {
  return rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
