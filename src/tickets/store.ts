/**
 * Tickets in SQLite: row mapping, lookups, lists with filters, history and screenshots.
 * Writers go through service.ts (short IMMEDIATE transactions); this file only reads, plus
 * the small insert helpers the service calls inside its transactions.
 */
import type { DB } from '../store/db.ts';
import { fromLocal, toLocal } from './zoned.ts';
import { addDays } from './calendar.ts';
import { STATUSES, type Category, type HistoryEntry, type Source, type Status, type Ticket } from './model.ts';
import { SEVERITIES } from '../audit/types.ts';

const COLS = `t.*, s.origin AS site_origin,
  EXISTS (SELECT 1 FROM ticket_blobs b WHERE b.ticket_id = t.id AND b.kind = 'screenshot') AS has_screenshot`;
const FROM = 'FROM tickets t LEFT JOIN sites s ON s.id = t.site_id';

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
export function getTicket(db: DB, key: string | number): Ticket | undefined {
  const row =
    typeof key === 'number' || /^\d+$/.test(key)
      ? db.prepare(`SELECT ${COLS} ${FROM} WHERE t.id = ?`).get(Number(key))
      : db.prepare(`SELECT ${COLS} ${FROM} WHERE t.number = ?`).get(key);
  return row ? toTicket(row as Record<string, unknown>) : undefined;
}

export function ticketByFingerprint(db: DB, siteId: number, fp: string): Ticket | undefined {
  const row = db.prepare(`SELECT ${COLS} ${FROM} WHERE t.site_id = ? AND t.fingerprint = ?`).get(siteId, fp);
  return row ? toTicket(row as Record<string, unknown>) : undefined;
}

export function ticketByExternalId(db: DB, source: Source, externalId: string): Ticket | undefined {
  const row = db.prepare(`SELECT ${COLS} ${FROM} WHERE t.source = ? AND t.external_id = ?`).get(source, externalId);
  return row ? toTicket(row as Record<string, unknown>) : undefined;
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
const STATUS_RANK = `CASE t.status ${STATUSES.map((x, i) => `WHEN '${x}' THEN ${i}`).join(' ')} ELSE ${STATUSES.length} END`;
const SEVERITY_RANK = `CASE t.severity ${SEVERITIES.map((x, i) => `WHEN '${x}' THEN ${i}`).join(' ')} ELSE ${SEVERITIES.length} END`;

export function listTickets(db: DB, f: TicketFilter, o: { now: Date; timezone: string; scope?: Scope }): { total: number; items: Ticket[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const statuses = f.status === undefined ? [] : Array.isArray(f.status) ? f.status : [f.status];
  if (statuses.length) {
    where.push(`t.status IN (${statuses.map(() => '?').join(',')})`);
    args.push(...statuses);
  }
  if (f.division) where.push('t.division = ?'), args.push(f.division);
  if (f.source) where.push('t.source = ?'), args.push(f.source);
  if (f.site) where.push('(s.origin = ? OR s.origin LIKE ?)'), args.push(f.site, `%${f.site}%`);
  if (f.open === true) where.push('t.closed_at IS NULL');
  if (f.open === false) where.push('t.closed_at IS NOT NULL');
  if (f.severity) where.push('t.severity = ?'), args.push(f.severity);
  const nowIso = o.now.toISOString();
  if (f.overdue) where.push('t.closed_at IS NULL AND t.due_at IS NOT NULL AND t.due_at < ?'), args.push(nowIso);
  if (f.dueToday) {
    const today = toLocal(o.now, o.timezone).date;
    where.push('t.closed_at IS NULL AND t.due_at >= ? AND t.due_at < ?');
    args.push(fromLocal(today, '00:00', o.timezone).toISOString(), fromLocal(addDays(today, 1), '00:00', o.timezone).toISOString());
  }
  if (f.from) where.push('t.received_at >= ?'), args.push(fromLocal(f.from, '00:00', o.timezone).toISOString());
  if (f.to) where.push('t.received_at < ?'), args.push(fromLocal(addDays(f.to, 1), '00:00', o.timezone).toISOString());
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    where.push("(t.number LIKE ? ESCAPE '\\' OR t.description LIKE ? ESCAPE '\\' OR t.page_url LIKE ? ESCAPE '\\' OR t.reporter LIKE ? ESCAPE '\\')");
    args.push(like, like, like, like);
  }
  const sc = o.scope;
  if (sc) {
    const parts: string[] = [];
    if (sc.division) parts.push('t.division = ?'), args.push(sc.division);
    if (sc.reporterTokenId !== undefined) parts.push('t.reporter_token_id = ?'), args.push(sc.reporterTokenId);
    where.push(parts.length ? `(${parts.join(sc.either ? ' OR ' : ' AND ')})` : '0');
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT count(*) AS n ${FROM} ${w}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(`SELECT ${COLS} ${FROM} ${w} ORDER BY (t.closed_at IS NULL) DESC, ${STATUS_RANK}, ${SEVERITY_RANK}, t.due_at IS NULL, t.due_at, t.id DESC LIMIT ? OFFSET ?`)
    .all(...args, Math.min(f.limit ?? 100, 10000), f.offset ?? 0) as Record<string, unknown>[];
  return { total, items: rows.map(toTicket) };
}

export function ticketHistory(db: DB, ticketId: number): HistoryEntry[] {
  return (db.prepare('SELECT * FROM ticket_history WHERE ticket_id = ? ORDER BY id').all(ticketId) as Record<string, unknown>[]).map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    field: (r.field as string) ?? null,
    oldValue: (r.old_value as string) ?? null,
    newValue: (r.new_value as string) ?? null,
    note: (r.note as string) ?? null,
    runId: r.run_id === null ? null : Number(r.run_id),
  }));
}

export function addHistory(db: DB, ticketId: number, at: string, actor: string, action: string, e: { field?: string; old?: string | null; new?: string | null; note?: string | null; runId?: number | null } = {}): void {
  db.prepare('INSERT INTO ticket_history (ticket_id, at, actor, action, field, old_value, new_value, note, run_id) VALUES (?,?,?,?,?,?,?,?,?)').run(
    ticketId, at, actor, action, e.field ?? null, e.old ?? null, e.new ?? null, e.note ?? null, e.runId ?? null,
  );
}

export function screenshotOf(db: DB, ticketId: number): { mime: string; bytes: Buffer; sha256: string } | undefined {
  return db.prepare("SELECT mime, bytes, sha256 FROM ticket_blobs WHERE ticket_id = ? AND kind = 'screenshot' ORDER BY id DESC LIMIT 1").get(ticketId) as
    | { mime: string; bytes: Buffer; sha256: string }
    | undefined;
}
