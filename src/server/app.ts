/**
 * The HTTP app (hono): the JSON API under /api and the dashboard, over one SQLite store.
 * CORS only for the configured extension origins; security headers on every response;
 * errors as JSON (API) or a Chinese error page (dashboard).
 */
import { Hono, type Context } from 'hono';
import { EXTENSION_ORIGIN } from './extension-origin.ts';
import type { DB } from '../store/db.ts';
import type { TicketContext } from '../tickets/context.ts';
import { registerApi } from './api.ts';
import { dashboardError, registerDashboard } from './dashboard.ts';
import { HttpError, errorStatus } from './inputs.ts';
import { principalOf, type Principal } from './tokens.ts';

export interface AppDeps {
  db: DB;
  ctx: TicketContext;
  version?: string;
  /** Folder that relative report paths of runs are resolved against (default: cwd). */
  reportsBase?: string;
  log?: (line: string) => void;
}

export type Env = { Variables: { principal: Principal; session?: { sid: string; csrf: string }; form?: FormData } };

function apiError(c: Context, err: unknown, log?: (l: string) => void): Response {
  const e = errorStatus(err);
  if (e.status >= 500) log?.(`error: ${c.req.method} ${new URL(c.req.url).pathname}: ${(err as Error).stack ?? err}`);
  if (e.status === 401) c.header('WWW-Authenticate', 'Bearer realm="zhaocuo"');
  return c.json({ error: e.message, ...(e.details ? { details: e.details } : {}) }, e.status as 400);
}

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  // The configured origins, and always zhaocuo's own Chrome extension (its id is pinned by its key).
  const allowed = new Set([EXTENSION_ORIGIN, ...deps.ctx.config.server.extensionOrigins]);
  const log = deps.log ?? ((l: string) => process.stderr.write(l + '\n'));

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own forms.
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
  });

  // CORS: only zhaocuo's extension and the configured origins; any other foreign origin is refused.
  app.use('/api/*', async (c, next) => {
    const origin = c.req.header('origin');
    const own = new URL(c.req.url).origin;
    if (origin && origin !== own) {
      if (!allowed.has(origin)) {
        if (c.req.method === 'OPTIONS') return c.body(null, 403);
        return c.json({ error: `来源 ${origin} 未获允许：请在配置的 server.extensionOrigins 中加入它（origin not allowed）` }, 403);
      }
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin');
      if (c.req.method === 'OPTIONS') {
        c.header('Access-Control-Allow-Methods', 'GET, POST, PATCH, OPTIONS');
        c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        c.header('Access-Control-Max-Age', '600');
        return c.body(null, 204);
      }
    }
    await next();
  });

  // Auth: a bearer token on every API route but the health check.
  app.use('/api/*', async (c, next) => {
    if (c.req.path === '/api/health') return next();
    const h = c.req.header('authorization');
    if (!h) throw new HttpError(401, '需要令牌：请在请求头中发送 Authorization: Bearer <令牌>（令牌由管理员用 zhaocuo tokens create 生成）（authentication required）');
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    const p = m ? principalOf(deps.db, m[1]) : undefined;
    if (!p) throw new HttpError(401, m ? '令牌无效或已被吊销，请向管理员重新申请（unknown or revoked token）' : '请求头格式应为 Authorization: Bearer <令牌>（expected Authorization: Bearer <token>）');
    c.set('principal', p);
    await next();
  });

  registerApi(app, deps);
  registerDashboard(app, deps);

  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, new HttpError(404, `没有这个接口：${c.req.method} ${c.req.path}（no route）`)) : dashboardError(c as Context<Env>, deps, new HttpError(404, '页面不存在。'))));
  app.onError((err, c) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') return apiError(c, err, log);
    if (errorStatus(err).status >= 500) log(`error: ${c.req.method} ${c.req.path}: ${(err as Error).stack ?? err}`);
    return dashboardError(c as Context<Env>, deps, err);
  });
  return app;
}
