/**
 * Notifications: a webhook (plain JSON, or DingTalk / WeCom robot bodies with msgtype text or
 * markdown) for new, due-today and overdue tickets. Messages go into the `outbox` table in
 * the same transaction as the change that causes them, and are delivered afterwards, so a
 * webhook that is down never blocks or loses a ticket; failed deliveries are retried with
 * exponential backoff until retry.maxAttempts, then kept as `dead` for inspection.
 */
import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.ts';
import { maskPii } from '../pii/detect.ts';
import type { TicketContext } from './context.ts';
import type { NotifyEvent, WebhookConfig } from './config.ts';
import { addDays } from './calendar.ts';
import type { Ticket } from './model.ts';
import { SOURCE_ZH } from './model.ts';
import { getTicket } from './store.ts';
import { formatLocal, fromLocal, minutesOf, toLocal } from './zoned.ts';

export const EVENT_ZH: Record<NotifyEvent, string> = { new: '新工单', 'due-today': '今日到期', overdue: '已超期' };

export function webhookName(w: WebhookConfig, i: number): string {
  return w.name ?? `webhook-${i + 1}`;
}

/** Text a robot can show safely: one line, no markdown link/HTML syntax, personal data masked. */
function flat(s: string | null | undefined, max = 200): string {
  const t = maskPii(String(s ?? ''))
    .replace(/\s+/g, ' ')
    .replace(/[[\]<>()*_`#!|]/g, (c) => ({ '[': '［', ']': '］', '<': '＜', '>': '＞', '(': '（', ')': '）', '*': '＊', _: '＿', '`': '｀', '#': '＃', '!': '！', '|': '｜' })[c] ?? c)
    .trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

export function messageBody(ctx: TicketContext, w: WebhookConfig, t: Ticket, event: NotifyEvent, note?: string): unknown {
  const tz = ctx.config.tickets.timezone;
  const base = ctx.config.tickets.notify.dashboardUrl?.replace(/\/$/, '');
  const link = base ? `${base}/tickets/${encodeURIComponent(t.number)}` : undefined;
  const title = `【找错】${EVENT_ZH[event]}${note ? `（${note}）` : ''} ${t.number}`;
  const lines: [string, string][] = [
    ['类型', t.category],
    ['责任处室', flat(t.division, 60)],
    ['状态', t.status],
    ['来源', SOURCE_ZH[t.source]],
    ['页面', flat(t.pageUrl, 300)],
    ['描述', flat(t.description)],
    ['受理时间', formatLocal(t.receivedAt, tz)],
    ['办理时限', t.dueAt ? formatLocal(t.dueAt, tz) : `无法计算：${flat(t.dueError, 80)}`],
  ];
  const text = [title, ...lines.filter(([, v]) => v).map(([k, v]) => `${k}：${v}`), ...(link ? [`查看：${link}`] : [])].join('\n');
  const md = [`### ${title}`, ...lines.filter(([, v]) => v).map(([k, v]) => `- **${k}**：${v}`), ...(link ? [`\n[查看工单](${link})`] : [])].join('\n');
  if (w.format === 'json') {
    return {
      event,
      eventZh: EVENT_ZH[event],
      note: note ?? null,
      text,
      ticket: { number: t.number, site: t.site, pageUrl: t.pageUrl, category: t.category, description: maskPii(t.description), division: t.division, status: t.status, source: t.source, receivedAt: t.receivedAt, dueAt: t.dueAt, url: link ?? null },
    };
  }
  if (w.msgtype === 'text') return { msgtype: 'text', text: { content: text } };
  return w.format === 'dingtalk' ? { msgtype: 'markdown', markdown: { title, text: md } } : { msgtype: 'markdown', markdown: { content: md } };
}

/** Queues `event` for every webhook that wants it (inside the caller's transaction). */
export function enqueue(db: Store, ctx: TicketContext, t: Ticket, event: NotifyEvent, key: string, note?: string): number {
  let n = 0;
  const now = ctx.now().toISOString();
  ctx.config.tickets.notify.webhooks.forEach((w, i) => {
    if (!w.events.includes(event)) return;
    if (w.divisions && !w.divisions.includes(t.division)) return;
    const target = webhookName(w, i);
    // Already queued (the scans run every minute): skip before building the body.
    if (db.get(db.q.selectFrom('outbox').select('id').where('dedupe_key', '=', `${key}|${target}`))) return;
    n += db.run(
      db.q
        .insertInto('outbox')
        .values({
          ticket_id: t.id, event, target, dedupe_key: `${key}|${target}`, body_json: JSON.stringify(messageBody(ctx, w, t, event, note)), status: 'pending', attempts: 0,
          next_attempt_at: now, created_at: now,
        })
        .onConflict((oc) => oc.doNothing()),
    );
  });
  return n;
}

/** Queues due-today (from the start of office hours) and overdue notices, once per ticket and day / deadline. */
export function enqueueDueNotices(db: Store, ctx: TicketContext): { dueToday: number; overdue: number } {
  if (!ctx.config.tickets.notify.webhooks.length) return { dueToday: 0, overdue: 0 };
  const tz = ctx.config.tickets.timezone;
  const now = ctx.now();
  const local = toLocal(now, tz);
  const out = { dueToday: 0, overdue: 0 };
  db.tx(() => {
    const overdue = db.all(db.q.selectFrom('tickets').select('id').where('closed_at', 'is', null).where('due_at', 'is not', null).where('due_at', '<', now.toISOString()));
    for (const { id } of overdue) {
      const t = getTicket(db, id)!;
      out.overdue += enqueue(db, ctx, t, 'overdue', `overdue:${t.id}:${t.dueAt}`);
    }
    if (local.minutes >= minutesOf(ctx.config.tickets.officeHours.start)) {
      const from = now.toISOString();
      const to = fromLocal(addDays(local.date, 1), '00:00', tz).toISOString();
      const today = db.all(db.q.selectFrom('tickets').select('id').where('closed_at', 'is', null).where('due_at', '>=', from).where('due_at', '<', to));
      for (const { id } of today) {
        const t = getTicket(db, id)!;
        out.dueToday += enqueue(db, ctx, t, 'due-today', `due-today:${t.id}:${local.date}`);
      }
    }
  }, { exclusive: true });
  return out;
}

export interface OutboxRow {
  id: number;
  ticketId: number | null;
  event: string;
  target: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  sentAt: string | null;
}

export function listOutbox(db: Store, status?: OutboxRow['status']): OutboxRow[] {
  let q = db.q.selectFrom('outbox').selectAll();
  if (status) q = q.where('status', '=', status);
  const rows = db.all(q.orderBy('id'));
  return rows.map((r) => ({
    id: Number(r.id), ticketId: r.ticket_id === null ? null : Number(r.ticket_id), event: String(r.event), target: String(r.target),
    status: r.status as OutboxRow['status'], attempts: Number(r.attempts), nextAttemptAt: String(r.next_attempt_at),
    lastError: r.last_error ?? null, sentAt: r.sent_at ?? null,
  }));
}

function signedUrl(w: WebhookConfig, nowMs: number): string {
  if (!w.secret || w.format !== 'dingtalk') return w.url;
  const sign = createHmac('sha256', w.secret).update(`${nowMs}\n${w.secret}`).digest('base64');
  const u = new URL(w.url);
  u.searchParams.set('timestamp', String(nowMs));
  u.searchParams.set('sign', sign);
  return u.href;
}

export function backoffSeconds(attempts: number, retry: { baseSeconds: number; maxSeconds: number }): number {
  return Math.min(retry.maxSeconds, retry.baseSeconds * 2 ** Math.max(0, attempts - 1));
}

/** Posts one body; resolves to an error text, or null when the receiver accepted it. */
async function post(url: string, body: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = await res.text().catch(() => '');
    if (!res.ok) return `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    // DingTalk and WeCom answer 200 with {"errcode": n}; anything but 0 is a failure.
    try {
      const j = JSON.parse(text) as { errcode?: number; errmsg?: string };
      if (typeof j.errcode === 'number' && j.errcode !== 0) return `errcode ${j.errcode}: ${j.errmsg ?? ''}`;
    } catch {
      /* not JSON: a 2xx is enough */
    }
    return null;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return e.cause?.code ?? e.cause?.message ?? e.message;
  }
}

/**
 * Delivers the pending messages that are due. Rows are claimed first (their next attempt
 * pushed past the request timeout) in a short transaction, so `serve` and a cron
 * `zhaocuo tickets notify` never send one message twice at the same time.
 */
export async function deliverOutbox(db: Store, ctx: TicketContext, o: { limit?: number } = {}): Promise<{ sent: number; failed: number; dead: number }> {
  const cfg = ctx.config.tickets.notify;
  const hooks = new Map(cfg.webhooks.map((w, i) => [webhookName(w, i), w]));
  const now = ctx.now();
  const lease = new Date(now.getTime() + cfg.timeoutMs * 2 + 5000).toISOString();
  const claimed = db.tx(() => {
    const rows = db.all(
      db.q.selectFrom('outbox').select(['id', 'target', 'body_json', 'attempts']).where('status', '=', 'pending').where('next_attempt_at', '<=', now.toISOString())
        .orderBy('next_attempt_at').orderBy('id').limit(o.limit ?? 50),
    );
    for (const r of rows) db.run(db.q.updateTable('outbox').set((eb) => ({ next_attempt_at: lease, attempts: eb('attempts', '+', 1) })).where('id', '=', r.id));
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
  }, { exclusive: true });

  const out = { sent: 0, failed: 0, dead: 0 };
  const results = await Promise.all(
    claimed.map(async (r) => {
      const w = hooks.get(r.target);
      const error = w ? await post(signedUrl(w, ctx.now().getTime()), r.body_json, cfg.timeoutMs) : 'the webhook is no longer in the config (tickets.notify.webhooks)';
      return { r, error, gone: !w };
    }),
  );
  const at = ctx.now();
  db.tx(() => {
    for (const { r, error, gone } of results) {
      const row = db.q.updateTable('outbox').where('id', '=', r.id);
      if (error === null) {
        db.run(row.set({ status: 'sent', sent_at: at.toISOString(), last_error: null }));
        out.sent++;
      } else if (gone || r.attempts >= cfg.retry.maxAttempts) {
        db.run(row.set({ status: 'dead', last_error: error }));
        out.dead++;
      } else {
        const next = new Date(at.getTime() + backoffSeconds(r.attempts, cfg.retry) * 1000).toISOString();
        db.run(row.set({ next_attempt_at: next, last_error: error }));
        out.failed++;
      }
    }
  }, { exclusive: true });
  return out;
}
