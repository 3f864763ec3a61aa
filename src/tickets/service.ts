/**
 * Ticket changes, each one short exclusive transaction (one writer of tickets at a time, across
 * processes: the number of the year and the once-per-fingerprint rule rely on it) that also
 * writes the history and the notifications it causes: filing, status changes (validated),
 * replies, reassignment.
 * Text from reporters and pages is stored with personal data masked (standards §9).
 */
import { createHash } from 'node:crypto';
import type { Updateable } from 'kysely';
import type { Store } from '../store/store.ts';
import type { TicketsTable } from '../store/tables.ts';
import { ensureSite } from '../store/runs.ts';
import { maskDeep, maskPii } from '../pii/detect.ts';
import { computeDue, type TicketContext } from './context.ts';
import { enqueue } from './notify.ts';
import { checkDivision, routeDivision } from './routing.ts';
import { addHistory, getTicket } from './store.ts';
import { toLocal } from './zoned.ts';
import { CATEGORIES, CLOSING, TicketError, checkTransition, isCategory, type Actor, type Category, type Evidence, type Source, type Status, type Ticket } from './model.ts';

export interface Screenshot {
  mime: string;
  bytes: Buffer;
}

export interface NewTicket {
  source: Source;
  pageUrl?: string | null;
  category: Category;
  description: string;
  evidence?: Evidence;
  reporter?: string | null;
  reporterTokenId?: number | null;
  /** Overrides the routing. */
  division?: string | null;
  /** Column (栏目) the page belongs to, for routing by column. */
  column?: string | null;
  receivedAt?: Date;
  externalId?: string | null;
  fingerprint?: string | null;
  audit?: string | null;
  severity?: string | null;
  runId?: number | null;
  /** Site origin; default: the page URL's origin. */
  site?: string | null;
  screenshot?: Screenshot | null;
}

export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

const clean = (s: string | null | undefined): string | null => (s === null || s === undefined || !s.trim() ? null : maskPii(s.trim()));

/** Next number of the year: ZC-2026-000123 (inside the caller's transaction). */
function nextNumber(db: Store, prefix: string, year: number): string {
  const { last } = db.get(
    db.q
      .insertInto('ticket_numbers')
      .values({ year, last: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet((eb) => ({ last: eb('ticket_numbers.last', '+', 1) })))
      .returning('last'),
  )!;
  return `${prefix}-${year}-${String(last).padStart(6, '0')}`;
}

function storeScreenshot(db: Store, ticketId: number, s: Screenshot, at: string): void {
  db.run(
    db.q.insertInto('ticket_blobs').values({
      ticket_id: ticketId, kind: 'screenshot', mime: s.mime, sha256: createHash('sha256').update(s.bytes).digest('hex'), size: s.bytes.length, bytes: s.bytes, created_at: at,
    }),
  );
}

/**
 * Files a ticket. With an externalId (import) or a fingerprint (audit) already on file, the
 * existing ticket is returned with created = false and nothing is written.
 */
export function createTicket(db: Store, ctx: TicketContext, input: NewTicket, actor: Actor): { ticket: Ticket; created: boolean } {
  if (!isCategory(input.category)) throw new TicketError(`未知的问题类型 ${JSON.stringify(input.category)}，应为 ${CATEGORIES.join('、')} 之一（unknown category）`);
  const description = clean(input.description);
  if (!description) throw new TicketError('请填写问题描述（a description is required）');
  const now = ctx.now();
  const received = input.receivedAt ?? now;
  const { dueAt, dueError } = computeDue(ctx, received);
  // A division chosen by a person is checked against the config; audits and imports route by it.
  const chosen = input.division?.trim() && (input.source === 'manual' || input.source === 'extension') ? checkDivision(ctx.config, input.division) : input.division?.trim();
  const division = chosen || routeDivision(ctx.config, input.pageUrl, input.column);
  const origin = input.site ?? originOf(input.pageUrl);
  const at = now.toISOString();

  return db.tx(() => {
    if (input.externalId) {
      const ex = db.get(db.q.selectFrom('tickets').select('id').where('source', '=', input.source).where('external_id', '=', input.externalId));
      if (ex) return { ticket: getTicket(db, ex.id)!, created: false };
    }
    const siteId = origin ? ensureSite(db, origin) : null;
    if (input.fingerprint && siteId !== null) {
      const ex = db.get(db.q.selectFrom('tickets').select('id').where('site_id', '=', siteId).where('fingerprint', '=', input.fingerprint));
      if (ex) return { ticket: getTicket(db, ex.id)!, created: false };
    }
    const year = Number(toLocal(received, ctx.config.tickets.timezone).date.slice(0, 4));
    const number = nextNumber(db, ctx.config.tickets.numberPrefix, year);
    const evidence = maskDeep({ ...(input.evidence ?? {}), ...(input.column ? { column: input.column } : {}) });
    const id = db.get(
      db.q
        .insertInto('tickets')
        .values({
          number, site_id: siteId, page_url: input.pageUrl ?? null, category: input.category, description, evidence_json: JSON.stringify(evidence), source: input.source,
          reporter: clean(input.reporter), reporter_token_id: input.reporterTokenId ?? null, division, status: '待处理', received_at: received.toISOString(), due_at: dueAt,
          due_error: dueError, external_id: input.externalId ?? null, fingerprint: input.fingerprint ?? null, audit: input.audit ?? null, severity: input.severity ?? null,
          first_run_id: input.runId ?? null, last_seen_run_id: input.runId ?? null, created_at: at, updated_at: at,
        })
        .returning('id'),
    )!.id;
    if (input.screenshot) storeScreenshot(db, id, input.screenshot, at);
    addHistory(db, id, at, actor.name, 'created', { new: '待处理', note: dueError ? `办理时限无法计算：${dueError}` : null, runId: input.runId ?? null });
    const ticket = getTicket(db, id)!;
    enqueue(db, ctx, ticket, 'new', `new:${id}`);
    return { ticket, created: true };
  }, { exclusive: true });
}

export interface TicketPatch {
  status?: Status;
  /** Reason for 不予处理, or a note on any change (reopening, reassignment). */
  reason?: string;
  note?: string;
  reply?: string;
  division?: string;
  category?: Category;
  description?: string;
}

/** Applies a change (fields, reply, status) atomically; validates the status move against the stored state. */
export function updateTicket(db: Store, ctx: TicketContext, key: string | number, patch: TicketPatch, actor: Actor, check?: (t: Ticket) => void): Ticket {
  return db.tx(() => {
    const t = getTicket(db, key);
    if (!t) throw new TicketError(`没有工单 ${key}（no ticket ${key}）`, 404);
    check?.(t);
    const now = ctx.now();
    const at = now.toISOString();
    const note = clean(patch.note);
    const sets: Updateable<TicketsTable> & Record<string, unknown> = {};
    const field = (name: string, col: string, old: string | null, value: string | null) => {
      if (value === null || value === old) return;
      sets[col] = value;
      addHistory(db, t.id, at, actor.name, 'changed', { field: name, old, new: value, note });
    };
    if (patch.division !== undefined) {
      field('division', 'division', t.division, checkDivision(ctx.config, patch.division));
    }
    if (patch.category !== undefined) {
      if (!isCategory(patch.category)) throw new TicketError(`未知的问题类型 ${JSON.stringify(patch.category)}，应为 ${CATEGORIES.join('、')} 之一（unknown category）`);
      field('category', 'category', t.category, patch.category);
    }
    if (patch.description !== undefined) field('description', 'description', t.description, clean(patch.description));
    const reply = clean(patch.reply);
    if (patch.reply !== undefined && !reply) throw new TicketError('答复内容为空（the reply text is empty）');
    if (reply) {
      sets.reply = reply;
      sets.replied_at = at;
      addHistory(db, t.id, at, actor.name, 'replied', { field: 'reply', old: t.reply, new: reply });
    }
    if (patch.status !== undefined && patch.status !== t.status) {
      const to = patch.status;
      const reason = clean(patch.reason);
      checkTransition(t.status, to, { reply: reply ?? t.reply, reason });
      sets.status = to;
      if (to === '不予处理') sets.reject_reason = reason;
      if (CLOSING.includes(to)) sets.closed_at = t.closedAt ?? at;
      const reopening = t.closedAt !== null && !CLOSING.includes(to);
      if (reopening) {
        // A new handling window from now; the old deadline stays in the history.
        const due = computeDue(ctx, now);
        Object.assign(sets, { closed_at: null, reopen_count: t.reopenCount + 1, due_at: due.dueAt, due_error: due.dueError, verified_run_id: null, verified_at: null });
      }
      addHistory(db, t.id, at, actor.name, reopening ? 'reopened' : 'status', { field: 'status', old: t.status, new: to, note: reason ?? note });
      if (reopening) addHistory(db, t.id, at, actor.name, 'changed', { field: 'due_at', old: t.dueAt, new: (sets.due_at as string | null) ?? null });
    } else if (patch.status !== undefined) {
      throw new TicketError(`工单已是“${t.status}”状态（the ticket is already ${t.status}）`, 409);
    }
    if (!Object.keys(sets).length) {
      if (note) addHistory(db, t.id, at, actor.name, 'note', { note });
      else throw new TicketError('没有要修改的内容：请发送 status、reply、division、category、description 或 note（nothing to change）');
    }
    if (Object.keys(sets).length) {
      sets.updated_at = at;
      db.run(db.q.updateTable('tickets').set(sets).where('id', '=', t.id));
    }
    const updated = getTicket(db, t.id)!;
    if (sets.closed_at === null && updated.closedAt === null && t.closedAt !== null) enqueue(db, ctx, updated, 'new', `reopen:${t.id}:${t.reopenCount + 1}`, '重新打开');
    return updated;
  }, { exclusive: true });
}

/** Fills in deadlines that could not be computed before (calendar data added since). */
export function recomputeMissingDue(db: Store, ctx: TicketContext): number {
  const rows = db.all(db.q.selectFrom('tickets').select(['id', 'received_at']).where('due_at', 'is', null).where('closed_at', 'is', null));
  let n = 0;
  for (const r of rows) {
    const due = computeDue(ctx, new Date(r.received_at));
    if (!due.dueAt) continue;
    db.tx(() => {
      const changes = db.run(db.q.updateTable('tickets').set({ due_at: due.dueAt, due_error: null, updated_at: ctx.now().toISOString() }).where('id', '=', r.id).where('due_at', 'is', null));
      if (changes) addHistory(db, r.id, ctx.now().toISOString(), '系统', 'changed', { field: 'due_at', old: null, new: due.dueAt, note: '节假日数据已补充，重新计算办理时限' });
      n += changes;
    }, { exclusive: true });
  }
  return n;
}
