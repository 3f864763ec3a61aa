/**
 * The dashboard: server-rendered pages over the same store as the API. Login with a personal
 * token creates a session (HttpOnly, SameSite=Strict cookie); every form that changes
 * something carries the session's CSRF token and must come from this origin.
 */
import type { Context, Hono, Next } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { listRuns } from '../store/runs.ts';
import { bytewise } from '../store/store.ts';
import { CATEGORIES, STATUSES, isCategory, type Status, type Ticket } from '../tickets/model.ts';
import { createTicket, updateTicket } from '../tickets/service.ts';
import { listTickets, screenshotOf, ticketHistory } from '../tickets/store.ts';
import { onTimeStats } from '../tickets/stats.ts';
import { checkDivision, knownDivisions } from '../tickets/routing.ts';
import { ticketsCsv, ticketsXlsx } from '../tickets/export.ts';
import { actorOf, canRead, canWork, scopeOf, whyNot } from './access.ts';
import { REPORT_CSP, filterOf, listQuery, loadReadable, runReportHtml, siteRows } from './api.ts';
import { sitesPage } from './sites-view.ts';
import type { AppDeps, Env } from './app.ts';
import { formBody, formText } from './body.ts';
import { HttpError, errorStatus, screenshotFromBytes, sniffImage, validate } from './inputs.ts';
import { createSession, deleteSession, principalOf, sameSecret, sessionOf } from './tokens.ts';
import { askFixed, confirmDivisionPage, errorPage, loginPage, newTicketPage, runsPage, statsPage, ticketPage, ticketsPage, type ViewCtx } from './views.ts';

export const COOKIE = 'zc_session';
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  const own = new URL(c.req.url).origin;
  if (origin) return origin === own;
  const referer = c.req.header('referer');
  if (referer) {
    try {
      return new URL(referer).origin === own;
    } catch {
      return false;
    }
  }
  return true; // no Origin/Referer: not a browser cross-site form (browsers send Origin on POST)
}

function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/tickets';
}

export function registerDashboard(app: Hono<Env>, deps: AppDeps): void {
  const { db, ctx } = deps;
  const tz = ctx.config.tickets.timezone;
  const cfg = ctx.config.server;
  const formLimit = cfg.maxBodyBytes + cfg.maxScreenshotBytes + 64 * 1024;
  const view = (c: Context<Env>): ViewCtx => ({ principal: c.get('principal'), csrf: c.get('session')?.csrf, tz, now: ctx.now() });
  const page = (c: Context<Env>, body: string, status: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 422 = 200) => c.html(body, status, { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' });
  const divisions = () => {
    const inDb = db.all(db.q.selectFrom('tickets').select(bytewise(db, 'division').as('division')).distinct().orderBy('division')).map((r) => r.division);
    return [...new Set([...knownDivisions(ctx.config), ...inDb])];
  };

  // Session for every dashboard route except the login page; CSRF + origin for every POST.
  const session = async (c: Context<Env>, next: Next) => {
    const sid = getCookie(c, COOKIE);
    const s = sessionOf(db, sid);
    if (!s) {
      if (c.req.method === 'GET') return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}`, 303);
      return page(c, errorPage(view(c), 401, '登录已过期，请重新登录。'), 401);
    }
    c.set('principal', s.principal);
    c.set('session', { sid: sid!, csrf: s.csrf });
    if (c.req.method === 'POST') {
      if (!sameOrigin(c)) return page(c, errorPage(view(c), 403, '请求来源不是本站，已拒绝。'), 403);
      const ct = c.req.header('content-type') ?? '';
      // multipart forms are checked after parsing (the token is a field of the form)
      if (/^application\/x-www-form-urlencoded/i.test(ct)) {
        const form = await formBody(c, formLimit);
        c.set('form', form);
        if (!sameSecret(formText(form, '_csrf') ?? '', s.csrf)) return page(c, errorPage(view(c), 403, '表单已失效（CSRF 校验失败），请刷新页面后重试。'), 403);
      } else if (/^multipart\/form-data/i.test(ct)) {
        const form = await formBody(c, formLimit);
        c.set('form', form);
        if (!sameSecret(formText(form, '_csrf') ?? '', s.csrf)) return page(c, errorPage(view(c), 403, '表单已失效（CSRF 校验失败），请刷新页面后重试。'), 403);
      } else return page(c, errorPage(view(c), 400, '需要表单提交。'), 400);
    }
    await next();
  };

  app.get('/', (c) => c.redirect('/tickets', 303));
  app.get('/login', (c) => page(c, loginPage(view(c), safeNext(c.req.query('next')))));
  app.post('/login', async (c) => {
    if (!sameOrigin(c)) return page(c, errorPage(view(c), 403, '请求来源不是本站，已拒绝。'), 403);
    const form = await formBody(c, 16 * 1024);
    const p = principalOf(db, formText(form, 'token')?.trim());
    const next = safeNext(formText(form, 'next'));
    if (!p) return page(c, loginPage(view(c), next, '令牌无效或已吊销。'), 401);
    const { sid } = createSession(db, p.tokenId, cfg.sessionHours);
    setCookie(c, COOKIE, sid, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: Math.round(cfg.sessionHours * 3600), secure: new URL(c.req.url).protocol === 'https:' });
    return c.redirect(next, 303);
  });

  // One registration (hono's '/tickets/*' also matches '/tickets': two would run it twice).
  app.use('*', (c, next) => (/^\/(tickets|runs|sites|stats|export|logout)(\/|$)/.test(c.req.path) ? session(c, next) : next()));

  app.post('/logout', (c) => {
    deleteSession(db, c.get('session')!.sid);
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  const listFrom = (c: Context<Env>, limit?: number) => {
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
    const q = validate(listQuery, raw);
    const f = filterOf(q);
    return { q, items: listTickets(db, { ...f, limit: limit ?? f.limit ?? 200 }, { now: ctx.now(), timezone: tz, scope: scopeOf(c.get('principal')) }) };
  };

  /** The ticket list (GET /tickets; also the answer to a 转办 that took the ticket out of this handler's sight). */
  const ticketsView = (c: Context<Env>, status?: { ok?: string }) => {
    const { q, items } = listFrom(c);
    const scope = scopeOf(c.get('principal'));
    const count = (f: Parameters<typeof listTickets>[1]) => listTickets(db, { ...f, limit: 1 }, { now: ctx.now(), timezone: tz, scope }).total;
    const counts = { open: count({ open: true }), overdue: count({ overdue: true }), dueToday: count({ dueToday: true }), critical: count({ open: true, severity: 'critical' }) };
    const search = c.req.method === 'GET' ? new URL(c.req.url).search : '';
    return page(c, ticketsPage(view(c), items.items, items.total, { status: q.status, division: q.division, overdue: q.overdue, dueToday: q.dueToday, q: q.q }, divisions(), counts, search, status));
  };
  app.get('/tickets', (c) => ticketsView(c));

  app.get('/export/tickets.csv', (c) => {
    const { items } = listFrom(c, 10000);
    return c.body(ticketsCsv(items.items, tz, ctx.now()), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="tickets.csv"; filename*=UTF-8''${encodeURIComponent('找错工单.csv')}` });
  });
  app.get('/export/tickets.xlsx', async (c) => {
    const { items } = listFrom(c, 10000);
    const buf = await ticketsXlsx(items.items, tz, ctx.now());
    return c.body(new Uint8Array(buf), 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="tickets.xlsx"; filename*=UTF-8''${encodeURIComponent('找错工单.xlsx')}`,
    });
  });

  app.get('/tickets/new', (c) => page(c, newTicketPage(view(c), knownDivisions(ctx.config), c.get('principal').role !== 'reporter')));
  app.post('/tickets', async (c) => {
    const p = c.get('principal');
    const form = c.get('form')!;
    const v = view(c);
    try {
      const category = formText(form, 'category') ?? '';
      if (!isCategory(category)) throw new HttpError(400, `问题类型无效（应为 ${CATEGORIES.join('、')} 之一）`);
      const description = (formText(form, 'description') ?? '').trim();
      if (!description) throw new HttpError(400, '请填写问题描述。');
      const pageUrl = (formText(form, 'pageUrl') ?? '').trim();
      if (pageUrl && !/^https?:\/\/\S+$/i.test(pageUrl)) throw new HttpError(400, '页面地址应以 http:// 或 https:// 开头。');
      const division = p.role === 'reporter' ? undefined : (formText(form, 'division') ?? '').trim() || undefined;
      const file = form.get('screenshot');
      let screenshot = null;
      if (file && typeof file !== 'string' && file.size > 0) {
        const bytes = Buffer.from(await file.arrayBuffer());
        const mime = sniffImage(bytes);
        if (!mime) throw new HttpError(400, '截图应为 PNG、JPEG 或 WebP 图片。');
        screenshot = screenshotFromBytes(bytes, mime, cfg.maxScreenshotBytes);
      }
      const evidence: Record<string, unknown> = {};
      for (const k of ['selector', 'snippet'] as const) {
        const val = (formText(form, k) ?? '').trim();
        if (val) evidence[k] = val.slice(0, 5000);
      }
      const { ticket } = createTicket(
        db,
        ctx,
        { source: 'manual', pageUrl: pageUrl || null, category, description: description.slice(0, 5000), evidence, reporter: (formText(form, 'reporter') ?? '').trim().slice(0, 100) || p.name, reporterTokenId: p.tokenId, division, screenshot },
        actorOf(p),
      );
      return c.redirect(`/tickets/${encodeURIComponent(ticket.number)}`, 303);
    } catch (err) {
      const e = errorStatus(err);
      if (e.status >= 500) throw err;
      return page(c, newTicketPage(v, knownDivisions(ctx.config), p.role !== 'reporter', e.message), e.status as 400);
    }
  });

  const showTicket = (c: Context<Env>, t: Ticket, status?: { error?: string; ok?: string }, code: 200 | 400 | 409 | 422 = 200) =>
    page(c, ticketPage(view(c), t, ticketHistory(db, t.id), canWork(c.get('principal'), t), knownDivisions(ctx.config), status), code);

  app.get('/tickets/:key', (c) => {
    const t = loadReadable(deps, c.get('principal'), c.req.param('key'));
    return showTicket(c, t);
  });
  app.get('/tickets/:key/screenshot', (c) => {
    const t = loadReadable(deps, c.get('principal'), c.req.param('key'));
    const s = screenshotOf(db, t.id);
    if (!s) throw new HttpError(404, '该工单没有截图。');
    return c.body(new Uint8Array(s.bytes), 200, { 'Content-Type': s.mime, 'Cache-Control': 'private, max-age=3600', 'Content-Security-Policy': "default-src 'none'; sandbox" });
  });

  type Patch = Parameters<typeof updateTicket>[3];
  /** A form that changes a ticket: its patches (applied in order, all or none), or a page to show first (a confirmation). */
  const work = (action: (form: FormData, t: Ticket, c: Context<Env>) => Patch | Patch[] | { page: string }, ok: string | ((t: Ticket) => string)) => (c: Context<Env>) => {
    const p = c.get('principal');
    const t = loadReadable(deps, p, c.req.param('key')!);
    if (!canWork(p, t)) throw new HttpError(403, whyNot(p, t, 'change'));
    try {
      const a = action(c.get('form')!, t, c);
      if ('page' in a) return page(c, a.page);
      const patches = Array.isArray(a) ? a : [a];
      const updated = db.tx(() => {
        let cur = t;
        for (const patch of patches) {
          cur = updateTicket(db, ctx, t.id, patch, actorOf(p), (now) => {
            if (!canWork(p, now)) throw new HttpError(403, whyNot(p, now, 'change'));
          });
        }
        return cur;
      }, { exclusive: true });
      const message = typeof ok === 'function' ? ok(updated) : ok;
      // Handed over to another division: this handler no longer sees it; the list says where it went.
      if (!canRead(p, updated)) return ticketsView(c, { ok: message });
      return showTicket(c, updated, { ok: message });
    } catch (err) {
      const e = errorStatus(err);
      if (e.status >= 500 || e.status === 403 || e.status === 404) throw err;
      return showTicket(c, t, { error: e.message }, e.status as 400);
    }
  };
  app.post(
    '/tickets/:key/status',
    work((f) => {
      const status = formText(f, 'status') ?? '';
      if (!status) throw new HttpError(400, '请选择新状态。');
      if (!(STATUSES as readonly string[]).includes(status)) throw new HttpError(400, '状态无效。');
      const reason = (formText(f, 'reason') ?? '').trim();
      const reply = (formText(f, 'reply') ?? '').trim();
      return { status: status as Status, ...(reason ? { reason } : {}), ...(reply ? { reply } : {}) };
    }, '状态已更新。'),
  );
  app.post(
    '/tickets/:key/reply',
    work((f, t) => {
      const text = (formText(f, 'text') ?? '').trim();
      if (!text) throw new HttpError(400, '请填写答复内容。');
      const close = formText(f, 'close') === '1' && t.status !== '已答复';
      // An open ticket not marked 已整改: the reply says whether the problem was fixed (a reply is not a fix).
      const fixed = formText(f, 'fixed');
      if (askFixed(t) && fixed !== 'yes' && fixed !== 'no') throw new HttpError(400, '请先选择问题是否已整改。');
      if (askFixed(t) && fixed === 'no' && close) {
        throw new HttpError(422, '问题尚未整改，不能标记为“已答复”办结。请整改后再办结，或先只保存答复；确实不予处理的，请在“变更状态”中选择“不予处理”并填写理由。');
      }
      const reply = { reply: text, ...(close ? { status: '已答复' as const } : {}) };
      return askFixed(t) && fixed === 'yes' ? [{ status: '已整改' as const, note: '答复时确认已整改' }, reply] : reply;
    }, (t) => (t.status === '已答复' ? '答复已保存，工单已办结（已答复）。' : `答复已保存（状态：${t.status}）。`)),
  );
  app.post(
    '/tickets/:key/division',
    work((f, t, c) => {
      const division = checkDivision(ctx.config, formText(f, 'division') ?? '');
      if (division === t.division) throw new HttpError(400, `工单已由${division}办理，请选择另一个处室。`);
      const note = (formText(f, 'note') ?? '').trim();
      // First step: say what will happen; the confirmation form posts again with confirm=1.
      if (formText(f, 'confirm') !== '1') return { page: confirmDivisionPage(view(c), t, division, note, canRead(c.get('principal'), { ...t, division })) };
      return { division, ...(note ? { note } : {}) };
    }, (t) => `工单 ${t.number} 已转办至${t.division}。`),
  );

  app.get('/runs', (c) => {
    if (c.get('principal').role === 'reporter') throw new HttpError(403, '报告人令牌不能查看检查记录。');
    return page(c, runsPage(view(c), listRuns(db, { limit: 100 })));
  });
  app.get('/runs/:id/report', (c) => {
    if (c.get('principal').role === 'reporter') throw new HttpError(403, '报告人令牌不能查看检查报告。');
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, '运行编号无效。');
    return c.body(runReportHtml(deps, id), 200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': REPORT_CSP });
  });
  app.get('/sites', (c) => {
    if (c.get('principal').role === 'reporter') throw new HttpError(403, '报告人令牌不能查看网站检查结果。');
    const { q, rows, tags } = siteRows(deps, c.req.query());
    return page(c, sitesPage(view(c), rows, q, tags));
  });
  app.get('/stats', (c) => {
    const p = c.get('principal');
    if (p.role === 'reporter') throw new HttpError(403, '报告人令牌不能查看按时率。');
    const period = c.req.query('period');
    return page(c, statsPage(view(c), onTimeStats(db, ctx, { period: period === 'day' || period === 'year' ? period : 'month', division: p.role === 'handler' ? (p.division ?? undefined) : undefined })));
  });
}

export function dashboardError(c: Context<Env>, deps: AppDeps, err: unknown): Response {
  const e = errorStatus(err);
  const v: ViewCtx = { principal: c.get('principal'), csrf: c.get('session')?.csrf, tz: deps.ctx.config.tickets.timezone, now: deps.ctx.now() };
  return c.html(errorPage(v, e.status, e.message), e.status as 400, { 'Content-Security-Policy': PAGE_CSP });
}
