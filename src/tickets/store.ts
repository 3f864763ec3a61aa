/**
 * Tickets in the store (SQLite or PostgreSQL): row mapping, lookups, lists with filters,
 * history and screenshots. Writers go through service.ts (short exclusive transactions); this
 * file only reads, plus the small insert helpers the service calls inside its transactions.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Store } from '../store/store.ts';
import { fromLocal, toLocal } from './zoned.ts';
import { addDays } from './calendar.ts';
import { STATUSES, type Category, type HistoryEntry, type Source, type Status, type Ticket } from './model.ts';
import { SEVERITIES } from '../audit/types.ts';

/** Tickets joined with their site, for a count or (with ticketCols) the rows. */
const ticketsFrom = (db: Store) => db.q.selectFrom('tickets as t').leftJoin('sites as s', 's.id', 't.site_id');

function selectTickets(db: Store) {
  return ticketsFrom(db)
    .selectAll('t')
    .select((eb) => [
      's.origin as site_origin',
      eb.exists(eb.selectFrom('ticket_blobs as b').select('b.id').whereRef('b.ticket_id', '=', 't.id').where('b.kind', '=', 'screenshot')).as('has_screenshot'),
    ]);
}

export function toTicket(r: Record<string, unknown>): Ticket {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id),
    number: String(r.number),
    site: s(r.site_origin),
    pageUrl: s(r.page_url),
    category: r.category as Category,
    description: String(r.description),
    evidence: JSON.parse(String(r.evidence_json ?? '{}')),
    source: r.source as Source,
    reporter: s(r.reporter),
    reporterTokenId: n(r.reporter_token_id),
    division: String(r.division),
    status: r.status as Status,
    rejectReason: s(r.reject_reason),
    receivedAt: String(r.received_at),
    dueAt: s(r.due_at),
    dueError: s(r.due_error),
    closedAt: s(r.closed_at),
    reply: s(r.reply),
    repliedAt: s(r.replied_at),
    externalId: s(r.external_id),
    fingerprint: s(r.fingerprint),
    audit: s(r.audit),
    severity: s(r.severity),
    firstRunId: n(r.first_run_id),
    lastSeenRunId: n(r.last_seen_run_id),
    verifiedRunId: n(r.verified_run_id),
    verifiedAt: s(r.verified_at),
    reopenCount: Number(r.reopen_count ?? 0),
    hasScreenshot: Boolean(r.has_screenshot),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

/** By number (ZC-2026-000123) or numeric id. */
export function getTicket(db: Store, key: string | number): Ticket | undefined {
  const q = selectTickets(db);
  const row = db.get(typeof key === 'number' || /^\d+$/.test(key) ? q.where('t.id', '=', Number(key)) : q.where('t.number', '=', key));
  return row ? toTicket(row) : undefined;
}

export function ticketByFingerprint(db: Store, siteId: number, fp: string): Ticket | undefined {
  const row = db.get(selectTickets(db).where('t.site_id', '=', siteId).where('t.fingerprint', '=', fp));
  return row ? toTicket(row) : undefined;
}

export function ticketByExternalId(db: Store, source: Source, externalId: string): Ticket | undefined {
  const row = db.get(selectTickets(db).where('t.source', '=', source).where('t.external_id', '=', externalId));
  return row ? toTicket(row) : undefined;
}

export interface TicketFilter {
  status?: Status | Status[];
  division?: string;
  source?: Source;
  site?: string;
  /** Open and past the deadline. */
  overdue?: boolean;
  /** Open and due today (local date of the configured zone). */
  dueToday?: boolean;
  /** Only open (true) or only closed (false). */
  open?: boolean;
  /** Severity of the finding an audit ticket came from (critical: 单项否决 items such as 严重问题). */
  severity?: string;
  /** Text in number, description, URL or reporter. */
  q?: string;
  /** Received on or after / before (YYYY-MM-DD, local). */
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

/** Who may see what: a reporter their own tickets, a handler their division's (and own). */
export interface Scope {
  division?: string | null;
  reporterTokenId?: number;
  /** Handler: division OR own. */
  either?: boolean;
}

/** Open first, then by status in handling order; within a status the most severe first (否决 before 严重 …), then the earliest deadline. */
const STATUS_RANK = sql.raw(`CASE t.status ${STATUSES.map((x, i) => `WHEN '${x}' THEN ${i}`).join(' ')} ELSE ${STATUSES.length} END`);
const SEVERITY_RANK = sql.raw(`CASE t.severity ${SEVERITIES.map((x, i) => `WHEN '${x}' THEN ${i}`).join(' ')} ELSE ${SEVERITIES.length} END`);

export function listTickets(db: Store, f: TicketFilter, o: { now: Date; timezone: string; scope?: Scope }): { total: number; items: Ticket[] } {
  const where: Expression<SqlBool>[] = [];
  const statuses = f.status === undefined ? [] : Array.isArray(f.status) ? f.status : [f.status];
  if (statuses.length) where.push(sql<SqlBool>`t.status IN (${sql.join(statuses)})`);
  if (f.division) where.push(sql`t.division = ${f.division}`);
  if (f.source) where.push(sql`t.source = ${f.source}`);
  if (f.site) where.push(sql`(s.origin = ${f.site} OR s.origin LIKE ${`%${f.site}%`})`);
  if (f.open === true) where.push(sql`t.closed_at IS NULL`);
  if (f.open === false) where.push(sql`t.closed_at IS NOT NULL`);
  if (f.severity) where.push(sql`t.severity = ${f.severity}`);
  const nowIso = o.now.toISOString();
  if (f.overdue) where.push(sql`t.closed_at IS NULL AND t.due_at IS NOT NULL AND t.due_at < ${nowIso}`);
  if (f.dueToday) {
    const today = toLocal(o.now, o.timezone).date;
    where.push(sql`t.closed_at IS NULL AND t.due_at >= ${fromLocal(today, '00:00', o.timezone).toISOString()} AND t.due_at < ${fromLocal(addDays(today, 1), '00:00', o.timezone).toISOString()}`);
  }
  if (f.from) where.push(sql`t.received_at >= ${fromLocal(f.from, '00:00', o.timezone).toISOString()}`);
  if (f.to) where.push(sql`t.received_at < ${fromLocal(addDays(f.to, 1), '00:00', o.timezone).toISOString()}`);
  if (f.q) {
    // Case-blind as SQLite's LIKE is for ASCII (PostgreSQL's LIKE is not): both sides lowered.
    const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`.toLowerCase();
    const m = (col: string) => sql`lower(${sql.ref(col)}) LIKE ${like} ESCAPE '\\'`;
    where.push(sql`(${m('t.number')} OR ${m('t.description')} OR ${m('t.page_url')} OR ${m('t.reporter')})`);
  }
  const sc = o.scope;
  if (sc) {
    const parts: Expression<SqlBool>[] = [];
    if (sc.division) parts.push(sql`t.division = ${sc.division}`);
    if (sc.reporterTokenId !== undefined) parts.push(sql`t.reporter_token_id = ${sc.reporterTokenId}`);
    where.push(parts.length ? sql`(${sql.join(parts, sql.raw(sc.either ? ' OR ' : ' AND '))})` : sql`1 = 0`);
  }
  const all = (eb: { and(e: Expression<SqlBool>[]): Expression<SqlBool> }) => eb.and(where);
  const total = Number(db.get(ticketsFrom(db).select((eb) => eb.fn.countAll().as('n')).where(all))?.n ?? 0);
  const rows = db.all(
    selectTickets(db)
      .where(all)
      .orderBy(sql`(t.closed_at IS NULL)`, 'desc')
      .orderBy(STATUS_RANK)
      .orderBy(SEVERITY_RANK)
      .orderBy(sql`(t.due_at IS NULL)`)
      .orderBy('t.due_at')
      .orderBy('t.id', 'desc')
      .limit(Math.min(f.limit ?? 100, 10000))
      .offset(f.offset ?? 0),
  );
  return { total, items: rows.map(toTicket) };
}

export function ticketHistory(db: Store, ticketId: number): HistoryEntry[] {
  return db.all(db.q.selectFrom('ticket_history').selectAll().where('ticket_id', '=', ticketId).orderBy('id')).map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    field: r.field ?? null,
    oldValue: r.old_value ?? null,
    newValue: r.new_value ?? null,
    note: r.note ?? null,
    runId: r.run_id === null ? null : Number(r.run_id),
  }));
}

export function addHistory(db: Store, ticketId: number, at: string, actor: string, action: string, e: { field?: string; old?: string | null; new?: string | null; note?: string | null; runId?: number | null } = {}): void {
  db.run(
    db.q.insertInto('ticket_history').values({
      ticket_id: ticketId, at, actor, action, field: e.field ?? null, old_value: e.old ?? null, new_value: e.new ?? null, note: e.note ?? null, run_id: e.runId ?? null,
    }),
  );
}

export function screenshotOf(db: Store, ticketId: number): { mime: string; bytes: Buffer; sha256: string } | undefined {
  return db.get(db.q.selectFrom('ticket_blobs').select(['mime', 'bytes', 'sha256']).where('ticket_id', '=', ticketId).where('kind', '=', 'screenshot').orderBy('id', 'desc').limit(1));
}
