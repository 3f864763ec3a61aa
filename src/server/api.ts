/**
 * The JSON API under /api. Every route but /api/health needs `Authorization: Bearer <token>`;
 * bodies are JSON (Content-Type checked), size-limited and validated strictly.
 *
 *   GET    /api/health                      no auth
 *   GET    /api/me
 *   GET    /api/tickets?status=&division=&overdue=1&dueToday=1&open=1|0&source=&site=&q=&from=&to=&limit=&offset=
 *   POST   /api/tickets                     file a ticket (source manual)
 *   POST   /api/intake                      the browser extension (source extension; CORS for configured origins)
 *   GET    /api/tickets/:key                number (ZC-2026-000123) or id; with history
 *   PATCH  /api/tickets/:key                {status, reason, note, reply, division, category, description}
 *   POST   /api/tickets/:key/reply          {text, close = true}
 *   GET    /api/tickets/:key/history
 *   GET    /api/tickets/:key/screenshot
 *   GET    /api/stats?period=month|day|year&from=&to=&division=
 *   GET    /api/export/tickets.xlsx | tickets.csv   (same filters as the list)
 *   GET    /api/runs?site=&limit=           GET /api/runs/:id   GET /api/runs/:id/report (HTML)   GET /api/runs/:id/report.json
 *   POST   /api/runs/:id/tickets            (admin) file/verify tickets from a stored run again
 *   GET    /api/sites?tag=&sort=&dir=       every site's standing (verdict, score, tickets, trend) in league order
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { SEVERITIES } from '../audit/types.ts';
import { getRun, listRuns } from '../store/runs.ts';
import { reportFromStore } from '../report/from-store.ts';
import { renderHtml } from '../report/html.ts';
import { reportExtras } from '../report/trends.ts';
import { knownTags, sortStandings, SORT_KEYS, trendOf, type LeagueEntry, type SortDir, type SortKey, DEFAULT_DIR } from '../sites/league.ts';
import { siteStandings } from '../sites/standings.ts';
import { hasTag } from '../sites/registry.ts';
import { syncRunTickets } from '../tickets/from-audit.ts';
import { SOURCES, STATUSES, type Status, type Ticket } from '../tickets/model.ts';
import { createTicket, updateTicket, type NewTicket } from '../tickets/service.ts';
import { getTicket, listTickets, screenshotOf, ticketHistory, type TicketFilter } from '../tickets/store.ts';
import { onTimeStats } from '../tickets/stats.ts';
import { ticketsCsv, ticketsXlsx, timeliness } from '../tickets/export.ts';
import { actorOf, canRead, canWork, scopeOf, whyNot } from './access.ts';
import type { AppDeps, Env } from './app.ts';
import { jsonBody } from './body.ts';
import { HttpError, createBody, intakeBody, patchBody, replyBody, screenshotFromDataUrl, validate } from './inputs.ts';
import { ROLE_ZH, type Principal } from './tokens.ts';

const flag = z.enum(['1', '0', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const listQuery = z.strictObject({
  status: z.string().optional(),
  division: z.string().optional(),
  overdue: flag.optional(),
  dueToday: flag.optional(),
  open: z.enum(['1', '0', 'true', 'false', '']).optional(),
  source: z.enum(SOURCES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  site: z.string().optional(),
  q: z.string().max(200).optional(),
  from: day.optional(),
  to: day.optional(),
  limit: z.coerce.number().int().min(1).max(10000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export function filterOf(q: z.infer<typeof listQuery>): TicketFilter {
  const statuses = q.status ? q.status.split(',').map((s) => s.trim()).filter(Boolean) : [];
  for (const s of statuses) if (!(STATUSES as readonly string[]).includes(s)) throw new HttpError(400, `status：未知的状态 ${JSON.stringify(s)}，应为 ${STATUSES.join('、')} 之一（unknown status）`);
  return {
    status: statuses as Status[],
    division: q.division || undefined,
    overdue: q.overdue || undefined,
    dueToday: q.dueToday || undefined,
    open: q.open === undefined || q.open === '' ? undefined : q.open === '1' || q.open === 'true',
    source: q.source,
    severity: q.severity,
    site: q.site || undefined,
    q: q.q || undefined,
    from: q.from,
    to: q.to,
    limit: q.limit,
    offset: q.offset,
  };
}

export function ticketJson(t: Ticket, now: Date): Record<string, unknown> {
  const { reporterTokenId: _r, ...rest } = t;
  return { ...rest, overdue: timeliness(t, now) === '超期未办结', timeliness: timeliness(t, now), screenshotUrl: t.hasScreenshot ? `/api/tickets/${encodeURIComponent(t.number)}/screenshot` : null };
}

function principal(c: Context<Env>): Principal {
  return c.get('principal');
}

function requireRole(p: Principal, ...roles: Principal['role'][]): void {
  if (!roles.includes(p.role)) throw new HttpError(403, `此操作需要${roles.map((r) => ROLE_ZH[r]).join('或')}令牌，您的令牌是${ROLE_ZH[p.role]}令牌（this needs a ${roles.join(' or ')} token; yours is ${p.role}）`);
}

export function loadReadable(deps: AppDeps, p: Principal, key: string): Ticket {
  const t = getTicket(deps.db, key);
  if (!t) throw new HttpError(404, `没有工单 ${key}（no ticket ${key}）`);
  if (!canRead(p, t)) throw new HttpError(403, whyNot(p, t, 'read'));
  return t;
}

/** Shared by the API and the dashboard: a run's report folder and file, or 404. */
export function runReportFile(deps: AppDeps, id: number, file: 'index.html' | 'report.json'): string {
  const run = getRun(deps.db, id);
  if (!run) throw new HttpError(404, `没有运行 #${id}（no run #${id}）`);
  if (!run.reportDir) throw new HttpError(404, `运行 #${id} 没有报告：检查时用了 --out none，或检查失败（run #${id} has no report）`);
  const path = join(resolve(deps.reportsBase ?? process.cwd(), run.reportDir), file);
  if (!existsSync(path)) throw new HttpError(404, `运行 #${id} 的报告已不在 ${run.reportDir}（the report is no longer there）`);
  return path;
}

/**
 * A complete run's report page: the file its run wrote, or — when the run wrote none (--out
 * none) or its folder is gone — the same renderer over the store (`zhaocuo report` does that too).
 */
export function runReportHtml(deps: AppDeps, id: number): string {
  try {
    return readFileSync(runReportFile(deps, id, 'index.html'), 'utf8');
  } catch (err) {
    if (!(err instanceof HttpError && err.status === 404) || getRun(deps.db, id)?.status !== 'complete') throw err;
    return renderHtml(reportFromStore(deps.db, id), reportExtras(deps.db, id, 10, deps.ctx.now()));
  }
}

/** ?tag=&sort=&dir= of the sites view and /api/sites. */
export const sitesQuery = z.strictObject({
  tag: z.string().max(60).optional(),
  sort: z.enum(SORT_KEYS, { error: `排序列无效，应为 ${SORT_KEYS.join('、')} 之一（unknown sort column）` }).optional(),
  dir: z.enum(['asc', 'desc'], { error: '排序方向应为 asc 或 desc（dir: asc or desc）' }).optional(),
});

/** The sites in the order asked for, and every tag there is (for the filter). */
export function siteRows(deps: AppDeps, raw: Record<string, string>): { q: { sort: SortKey; dir: SortDir; tag?: string }; rows: LeagueEntry[]; tags: string[] } {
  const res = sitesQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, x]) => x !== '')));
  if (!res.success) {
    const details = res.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `未知的参数 ${i.keys.join('、')}（可用 tag、sort、dir）` : `${i.path.join('.')}: ${i.message}`));
    throw new HttpError(400, `网址参数有误：${details.join('；')}（bad query）`, details);
  }
  const v = res.data;
  const sort = v.sort ?? 'rank';
  const q = { sort, dir: v.dir ?? DEFAULT_DIR[sort], ...(v.tag?.trim() ? { tag: v.tag.trim() } : {}) };
  const all = siteStandings(deps.db, { now: deps.ctx.now() });
  const list = q.tag ? all.filter((s) => s.registered && hasTag(s.tags, q.tag!)) : all;
  return { q, rows: sortStandings(list, q.sort, q.dir), tags: knownTags(all) };
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

export function fileTicketInput(deps: AppDeps, p: Principal, body: z.infer<typeof createBody> | z.infer<typeof intakeBody>, source: 'manual' | 'extension'): NewTicket {
  const manual = source === 'manual' ? (body as z.infer<typeof createBody>) : undefined;
  const intake = source === 'extension' ? (body as z.infer<typeof intakeBody>) : undefined;
  if (p.role === 'reporter' && manual?.division) throw new HttpError(403, '报告人令牌不能指定责任处室，工单按配置自动分派（a reporter token cannot choose the division）');
  if (p.role === 'reporter' && manual?.receivedAt) throw new HttpError(403, '报告人令牌不能设置受理时间 receivedAt（a reporter token cannot set receivedAt）');
  const max = deps.ctx.config.server.maxScreenshotBytes;
  const screenshot = body.screenshot ? screenshotFromDataUrl(body.screenshot, max) : null;
  const evidence: Record<string, unknown> = {};
  if (body.selector) evidence.selector = body.selector;
  if (body.snippet) evidence.snippet = body.snippet;
  if (body.pageTitle) evidence.pageTitle = body.pageTitle;
  if (intake?.selectedText) evidence.selectedText = intake.selectedText;
  if (intake?.viewport) evidence.viewport = intake.viewport;
  if (intake?.browser) evidence.browser = intake.browser;
  return {
    source, pageUrl: body.pageUrl ?? null, category: body.category, description: body.description, evidence, column: body.column ?? null,
    reporter: body.reporter || p.name, reporterTokenId: p.tokenId, division: manual?.division ?? null,
    receivedAt: manual?.receivedAt ? new Date(manual.receivedAt) : undefined, screenshot,
    // The extension's idempotency key, per token: a retried report finds its first ticket.
    ...(intake?.clientKey ? { externalId: `${p.tokenId}:${intake.clientKey}` } : {}),
  };
}

export function registerApi(app: Hono<Env>, deps: AppDeps): void {
  const { db, ctx } = deps;
  const cfg = ctx.config.server;
  const small = cfg.maxBodyBytes;
  const withShot = cfg.maxBodyBytes + Math.ceil((cfg.maxScreenshotBytes * 4) / 3) + 1024;
  const tz = ctx.config.tickets.timezone;

  app.get('/api/health', (c) => c.json({ ok: true, version: deps.version ?? null }));
  app.get('/api/me', (c) => c.json(principal(c)));

  const file = (source: 'manual' | 'extension') => async (c: Context<Env>) => {
    const p = principal(c);
    const body = validate(source === 'extension' ? intakeBody : createBody, await jsonBody(c, withShot));
    const { ticket, created } = createTicket(db, ctx, fileTicketInput(deps, p, body, source), actorOf(p));
    c.header('Location', `/api/tickets/${encodeURIComponent(ticket.number)}`);
    // A report sent again with its clientKey: 200 and the ticket filed the first time.
    if (!created) c.header('Idempotent-Replayed', 'true');
    return c.json(ticketJson(ticket, ctx.now()), created ? 201 : 200);
  };
  app.post('/api/tickets', file('manual'));
  app.post('/api/intake', file('extension'));

  const list = (c: Context<Env>) => {
    const q = validate(listQuery, c.req.query());
    return listTickets(db, filterOf(q), { now: ctx.now(), timezone: tz, scope: scopeOf(principal(c)) });
  };
  app.get('/api/tickets', (c) => {
    const { total, items } = list(c);
    const now = ctx.now();
    return c.json({ total, items: items.map((t) => ticketJson(t, now)) });
  });
  app.get('/api/export/tickets.csv', (c) => {
    const { items } = list(c);
    c.header('Content-Disposition', `attachment; filename="tickets.csv"; filename*=UTF-8''${encodeURIComponent('找错工单.csv')}`);
    return c.body(ticketsCsv(items, tz, ctx.now()), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
  app.get('/api/export/tickets.xlsx', async (c) => {
    const { items } = list(c);
    const buf = await ticketsXlsx(items, tz, ctx.now());
    c.header('Content-Disposition', `attachment; filename="tickets.xlsx"; filename*=UTF-8''${encodeURIComponent('找错工单.xlsx')}`);
    return c.body(new Uint8Array(buf), 200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  });

  app.get('/api/stats', (c) => {
    const p = principal(c);
    requireRole(p, 'handler', 'admin');
    const q = validate(z.strictObject({ period: z.enum(['day', 'month', 'year']).optional(), from: day.optional(), to: day.optional(), division: z.string().optional() }), c.req.query());
    if (p.role === 'handler' && q.division && q.division !== p.division) throw new HttpError(403, `您的令牌属于${p.division}，不能查看${q.division}的数据（your token works for ${p.division}; it cannot read the figures of ${q.division}）`);
    return c.json(onTimeStats(db, ctx, { ...q, division: p.role === 'handler' ? (p.division ?? undefined) : q.division }));
  });

  app.get('/api/tickets/:key', (c) => {
    const t = loadReadable(deps, principal(c), c.req.param('key'));
    return c.json({ ...ticketJson(t, ctx.now()), history: ticketHistory(db, t.id) });
  });
  app.get('/api/tickets/:key/history', (c) => {
    const t = loadReadable(deps, principal(c), c.req.param('key'));
    return c.json(ticketHistory(db, t.id));
  });
  app.get('/api/tickets/:key/screenshot', (c) => {
    const t = loadReadable(deps, principal(c), c.req.param('key'));
    const s = screenshotOf(db, t.id);
    if (!s) throw new HttpError(404, `工单 ${t.number} 没有截图（no screenshot）`);
    return c.body(new Uint8Array(s.bytes), 200, { 'Content-Type': s.mime, 'Cache-Control': 'private, max-age=3600', 'Content-Security-Policy': "default-src 'none'; sandbox", ETag: `"${s.sha256}"` });
  });

  const change = (c: Context<Env>, apply: (t: Ticket) => Ticket) => {
    const p = principal(c);
    const key = c.req.param('key')!;
    const t = loadReadable(deps, p, key);
    if (!canWork(p, t)) throw new HttpError(403, whyNot(p, t, 'change'));
    return c.json(ticketJson(apply(t), ctx.now()));
  };
  app.patch('/api/tickets/:key', async (c) => {
    const body = validate(patchBody, await jsonBody(c, small));
    return change(c, (t) =>
      updateTicket(db, ctx, t.id, body, actorOf(principal(c)), (cur) => {
        if (!canWork(principal(c), cur)) throw new HttpError(403, whyNot(principal(c), cur, 'change'));
      }),
    );
  });
  app.post('/api/tickets/:key/reply', async (c) => {
    const body = validate(replyBody, await jsonBody(c, small));
    return change(c, (t) =>
      updateTicket(db, ctx, t.id, { reply: body.text, ...(body.close && t.status !== '已答复' ? { status: '已答复' as const } : {}) }, actorOf(principal(c)), (cur) => {
        if (!canWork(principal(c), cur)) throw new HttpError(403, whyNot(principal(c), cur, 'change'));
      }),
    );
  });

  app.get('/api/runs', (c) => {
    requireRole(principal(c), 'handler', 'admin');
    const q = validate(z.strictObject({ site: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), c.req.query());
    return c.json(listRuns(db, { site: q.site, limit: q.limit ?? 50 }).map((r) => ({ ...r, reportUrl: r.reportDir ? `/api/runs/${r.id}/report` : null })));
  });
  const runId = (c: Context<Env>) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, '运行编号应为正整数（a run id is a positive number）');
    return id;
  };
  app.get('/api/runs/:id', (c) => {
    requireRole(principal(c), 'handler', 'admin');
    const run = getRun(db, runId(c));
    if (!run) throw new HttpError(404, `没有运行 #${c.req.param('id')}（no run）`);
    return c.json({ ...run, reportUrl: run.reportDir ? `/api/runs/${run.id}/report` : null });
  });
  app.get('/api/runs/:id/report', (c) => {
    requireRole(principal(c), 'handler', 'admin');
    return c.body(runReportHtml(deps, runId(c)), 200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': REPORT_CSP });
  });
  app.get('/api/runs/:id/report.json', (c) => {
    requireRole(principal(c), 'handler', 'admin');
    const path = runReportFile(deps, runId(c), 'report.json');
    return c.body(readFileSync(path, 'utf8'), 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  app.get('/api/sites', (c) => {
    requireRole(principal(c), 'handler', 'admin');
    const { q, rows, tags } = siteRows(deps, c.req.query());
    return c.json({
      ...q,
      tags,
      items: rows.map((e) => {
        const s = e.standing;
        return {
          rank: e.rank, siteId: s.siteId, origin: s.origin, url: s.url, name: s.name, sponsor: s.sponsor, tags: s.tags, registered: s.registered,
          verdict: e.verdict, score: s.latest?.score ?? null, vetoes: s.latest?.vetoes ?? [], broken: s.latest?.broken ?? null,
          lastRunId: s.latest?.runId ?? null, lastRunAt: s.latest?.at ?? null, previousScore: s.previous?.score ?? null, trend: trendOf(s),
          openTickets: s.openTickets, overdueTickets: s.overdueTickets, pending: s.pending,
          reportUrl: s.latest ? `/api/runs/${s.latest.runId}/report` : null,
        };
      }),
    });
  });
  app.post('/api/runs/:id/tickets', (c) => {
    requireRole(principal(c), 'admin');
    return c.json(syncRunTickets(db, ctx, runId(c)));
  });
}
