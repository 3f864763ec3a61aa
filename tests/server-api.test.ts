/**
 * The JSON API on a real loopback server over a real SQLite file, attacked the way the
 * internet would: no token (401), the wrong role or division (403), oversized bodies and
 * screenshots (413), malformed JSON and unknown fields (400), foreign origins (CORS), a
 * script in a description (inert in the dashboard), forms without the CSRF token.
 */
import { EXTENSION_ID, EXTENSION_ORIGIN } from '../src/server/extension-origin.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseConfig } from '../src/config/load.ts';
import { startServer as startApp, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { createTicket } from '../src/tickets/service.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { startServer as startSite, type TestServer } from './helpers/http-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-api-'));
const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let srv: RunningServer;
let site: TestServer;
const tok: Record<string, string> = {};
let url: string;

const config = parseConfig({
  divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处', '/hdjl/': '宣传处' } },
  server: { extensionOrigins: [EXT] },
});

function call(method: string, path: string, o: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(url + path, { method, headers, body: o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined) });
}
async function json(res: Response) {
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  const dbFile = join(dir, 'api.db');
  const db = openDb(dbFile);
  tok.admin = createToken(db, { name: '管理员', role: 'admin' }).token;
  tok.fagui = createToken(db, { name: '张三', role: 'handler', division: '法规处' }).token;
  tok.xuanchuan = createToken(db, { name: '李四', role: 'handler', division: '宣传处' }).token;
  tok.reporter = createToken(db, { name: '网民甲', role: 'reporter' }).token;
  tok.reporter2 = createToken(db, { name: '网民乙', role: 'reporter' }).token;
  // a stored run with a report, for /api/runs
  site = await startSite({ '/': '<html><title>首页</title><a href="/gone.html">x</a></html>' });
  await auditSite({ startUrl: site.url + '/', config: parseConfig({ crawl: { robots: false, sitemap: false, checkExternal: false }, tickets: { fromAudits: { enabled: false } } }), db, outDir: join(dir, 'reports', 'run'), audits: ALL_AUDITS.filter((a) => a.meta.id === 'links') });
  db.close();
  srv = await startApp({ db: dbFile, config, host: '127.0.0.1', port: 0, notify: false, log: () => {} });
  url = srv.url;
});
afterAll(async () => {
  await srv?.close();
  await site?.close();
});

const ticket = (over: Record<string, unknown> = {}) => ({ category: '错别字', description: '“海洋”写成“海羊”', pageUrl: 'https://hyj.example.gov.cn/zwgk/1.html', ...over });

describe('authentication and roles', () => {
  it('health needs no token; every other route does (401 with a hint)', async () => {
    expect((await call('GET', '/api/health')).status).toBe(200);
    const r = await json(await call('POST', '/api/tickets', { body: ticket() }));
    expect(r.status).toBe(401);
    expect(r.body.error).toMatch(/^需要令牌：请在请求头中发送 Authorization: Bearer/);
    expect((await call('POST', '/api/tickets', { token: 'zc_' + 'x'.repeat(43), body: ticket() })).status).toBe(401);
    expect((await call('GET', '/api/tickets', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect(srv.db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 0 });
  });

  let mine: string;
  let other: string;
  it('a reporter files (201, routed by URL) and reads their own ticket', async () => {
    const r = await json(await call('POST', '/api/tickets', { token: tok.reporter, body: ticket() }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ number: expect.stringMatching(/^ZC-\d{4}-\d{6}$/), division: '法规处', source: 'manual', reporter: '网民甲', status: '待处理' });
    mine = r.body.number;
    expect((await call('GET', `/api/tickets/${mine}`, { token: tok.reporter })).status).toBe(200);
    other = (await json(await call('POST', '/api/tickets', { token: tok.reporter2, body: ticket({ pageUrl: 'https://hyj.example.gov.cn/hdjl/2.html' }) }))).body.number;
  });

  it("403: a reporter reading someone else's ticket, changing any ticket, or choosing the division", async () => {
    const r = await json(await call('GET', `/api/tickets/${other}`, { token: tok.reporter }));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/^工单 ZC-\d{4}-\d{6} 不是用您的令牌提交的：报告人只能查看自己提交的工单/);
    expect((await call('PATCH', `/api/tickets/${mine}`, { token: tok.reporter, body: { status: '处理中' } })).status).toBe(403);
    expect((await call('POST', '/api/tickets', { token: tok.reporter, body: ticket({ division: '宣传处' }) })).status).toBe(403);
    const list = await json(await call('GET', '/api/tickets', { token: tok.reporter }));
    expect(list.body.items.map((t: { number: string }) => t.number)).toEqual([mine]);
  });

  it("403: a handler touching another division's ticket; their own division works", async () => {
    const r = await json(await call('PATCH', `/api/tickets/${other}`, { token: tok.fagui, body: { status: '处理中' } }));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/^工单 ZC-\d{4}-\d{6} 属于宣传处，您的令牌属于法规处，不能查看/);
    expect((await call('POST', `/api/tickets/${other}/reply`, { token: tok.fagui, body: { text: 'x' } })).status).toBe(403);
    expect((await call('GET', `/api/tickets/${other}`, { token: tok.fagui })).status).toBe(403);
    const ok = await json(await call('PATCH', `/api/tickets/${mine}`, { token: tok.fagui, body: { status: '处理中', note: '已转技术人员' } }));
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('处理中');
    const list = await json(await call('GET', '/api/tickets', { token: tok.fagui }));
    expect(list.body.items.map((t: { division: string }) => t.division)).toEqual(['法规处']);
  });

  it('a free-text division is refused (422) with the configured ones and what to configure; nothing changes', async () => {
    const r = await json(await call('PATCH', `/api/tickets/${mine}`, { token: tok.fagui, body: { division: '宣传外' } }));
    expect(r.status).toBe(422);
    expect(r.body.error).toMatch(/责任处室“宣传外”未在配置中登记[\s\S]*已登记的处室：办公室、法规处、宣传处[\s\S]*divisions\.others/);
    expect((await json(await call('GET', `/api/tickets/${mine}`, { token: tok.fagui }))).body.division).toBe('法规处');
    const filed = await call('POST', '/api/tickets', { token: tok.admin, body: ticket({ division: '不存在处' }) });
    expect(filed.status).toBe(422);
  });

  it('status rules come back as JSON errors that say what is missing', async () => {
    const r = await json(await call('PATCH', `/api/tickets/${mine}`, { token: tok.fagui, body: { status: '已答复' } }));
    expect(r.status).toBe(422);
    expect(r.body.error).toMatch(/^改为“已答复”需要答复内容/);
    const bad = await json(await call('PATCH', `/api/tickets/${mine}`, { token: tok.fagui, body: { status: '完成' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/status：应为 待处理、处理中/);
    const done = await json(await call('POST', `/api/tickets/${mine}/reply`, { token: tok.fagui, body: { text: '已更正，感谢指正。' } }));
    expect(done.body).toMatchObject({ status: '已答复', reply: '已更正，感谢指正。', timeliness: '按时' });
    const full = await json(await call('GET', `/api/tickets/${mine}`, { token: tok.reporter }));
    expect(full.body.history.map((h: { action: string }) => h.action)).toEqual(['created', 'status', 'replied', 'status']);
    expect(full.body.history[1].actor).toBe('张三（法规处）');
  });

  it('an admin sees everything, may back-date receipt; overdue filter and stats', async () => {
    const old = await json(await call('POST', '/api/tickets', { token: tok.admin, body: ticket({ receivedAt: '2026-02-13T10:00:00+08:00', division: '宣传处' }) }));
    expect(old.status).toBe(201);
    expect(old.body.dueAt).toBe('2026-02-24T09:30:00.000Z');
    const overdue = await json(await call('GET', '/api/tickets?overdue=1', { token: tok.admin }));
    expect(overdue.body.items.map((t: { number: string }) => t.number)).toContain(old.body.number);
    expect(overdue.body.items.every((t: { overdue: boolean }) => t.overdue)).toBe(true);
    expect((await json(await call('GET', '/api/tickets', { token: tok.admin }))).body.total).toBe(3);
    const stats = await json(await call('GET', '/api/stats', { token: tok.admin }));
    expect(stats.body.divisions.find((d: { key: string }) => d.key === '宣传处')).toMatchObject({ late: 1, overdueOpen: 1 });
    expect((await call('GET', '/api/stats', { token: tok.reporter })).status).toBe(403);
    expect((await call('GET', '/api/stats?division=宣传处', { token: tok.fagui })).status).toBe(403);
    expect((await json(await call('GET', '/api/tickets?status=bogus', { token: tok.admin }))).status).toBe(400);
    expect((await json(await call('GET', '/api/tickets?colour=red', { token: tok.admin }))).body.error).toMatch(/colour：未知字段/);
  });
});

describe('hostile input', () => {
  it('413: a body over the limit, and a screenshot over 3 MB', async () => {
    const big = await json(await call('PATCH', '/api/tickets/1', { token: tok.admin, raw: JSON.stringify({ note: 'x'.repeat(300 * 1024) }) }));
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/^请求内容过大：.*此处最多 256 KB/);
    const huge = Buffer.concat([PNG.subarray(0, 16), Buffer.alloc(3.05 * 1024 * 1024)]);
    const shot = await json(await call('POST', '/api/intake', { token: tok.reporter, body: ticket({ screenshot: `data:image/png;base64,${huge.toString('base64')}` }) }));
    expect(shot.status).toBe(413);
    expect(shot.body.error).toMatch(/^截图 3\.05 MB，超过上限 3\.00 MB/);
    const tooBig = await call('POST', '/api/intake', { token: tok.reporter, raw: JSON.stringify(ticket({ screenshot: 'data:image/png;base64,' + 'A'.repeat(6 * 1024 * 1024) })) });
    expect(tooBig.status).toBe(413);
  });

  it('400: malformed JSON, unknown fields, a non-image screenshot, a javascript: URL; 415: not JSON', async () => {
    const m = await json(await call('POST', '/api/tickets', { token: tok.reporter, raw: '{"category": "错别字", ' }));
    expect(m.status).toBe(400);
    expect(m.body.error).toMatch(/^JSON 格式有误/);
    const u = await json(await call('POST', '/api/tickets', { token: tok.reporter, body: { ...ticket(), status: '已答复', isAdmin: true } }));
    expect(u.status).toBe(400);
    expect(u.body.details).toEqual(['status、isAdmin：未知字段（unknown field）']);
    const s = await json(await call('POST', '/api/intake', { token: tok.reporter, body: ticket({ screenshot: 'data:image/png;base64,' + Buffer.from('<svg onload=alert(1)>').toString('base64') }) }));
    expect(s.status).toBe(400);
    expect(s.body.error).toMatch(/截图数据不是 PNG 图片/);
    const svg = await json(await call('POST', '/api/intake', { token: tok.reporter, body: ticket({ screenshot: 'data:image/svg+xml;base64,PHN2Zz4=' }) }));
    expect(svg.status).toBe(400);
    const js = await json(await call('POST', '/api/tickets', { token: tok.reporter, body: ticket({ pageUrl: 'javascript:alert(1)' }) }));
    expect(js.body.error).toMatch(/pageUrl：应为 http:\/\/ 或 https:\/\/ 开头的网址/);
    expect((await call('POST', '/api/tickets', { token: tok.reporter, raw: 'category=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await json(await call('GET', '/api/nothing', { token: tok.admin }))).status).toBe(404);
  });

  it("CORS for zhaocuo's own Chrome extension (pinned id) without configuration, not for another extension", async () => {
    const own = await call('OPTIONS', '/api/intake', { headers: { origin: EXTENSION_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(own.status).toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    const other = await call('OPTIONS', '/api/intake', { headers: { origin: 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba', 'access-control-request-method': 'POST' } });
    expect(other.status).toBe(403);
    expect(EXTENSION_ID).toMatch(/^[a-p]{32}$/);
  });

  it('CORS only for the configured extension origin', async () => {
    const pre = await call('OPTIONS', '/api/intake', { headers: { origin: EXT, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(EXT);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const evil = await call('OPTIONS', '/api/intake', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const post = await call('POST', '/api/intake', { token: tok.reporter, body: ticket(), headers: { origin: 'https://evil.example' } });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the extension files with evidence and a screenshot; the screenshot comes back as the image', async () => {
    const r = await call('POST', '/api/intake', {
      token: tok.reporter,
      headers: { origin: EXT },
      body: ticket({ selector: '#content > p:nth-child(3)', snippet: '海羊与渔业局', pageTitle: '通知公告', screenshot: `data:image/png;base64,${PNG.toString('base64')}` }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('access-control-allow-origin')).toBe(EXT);
    const t = (await r.json()) as { number: string; source: string; evidence: Record<string, string>; screenshotUrl: string };
    expect(t).toMatchObject({ source: 'extension', evidence: { selector: '#content > p:nth-child(3)', snippet: '海羊与渔业局', pageTitle: '通知公告' } });
    const img = await call('GET', t.screenshotUrl, { token: tok.reporter });
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG)).toBe(true);
  });
});

describe('runs and exports', () => {
  it('lists runs and opens a run report (handlers and admins)', async () => {
    const runs = await json(await call('GET', '/api/runs', { token: tok.fagui }));
    expect(runs.body).toHaveLength(1);
    expect(runs.body[0]).toMatchObject({ status: 'complete', reportUrl: `/api/runs/${runs.body[0].id}/report` });
    const rep = await call('GET', runs.body[0].reportUrl, { token: tok.fagui });
    expect(rep.status).toBe(200);
    expect(rep.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(await rep.text()).toMatch(/<html/);
    expect((await call('GET', '/api/runs', { token: tok.reporter })).status).toBe(403);
    expect((await call('GET', '/api/runs/999/report', { token: tok.admin })).status).toBe(404);
  });

  it('exports the tickets a token may see, as xlsx and CSV with Chinese headers', async () => {
    const csv = await call('GET', '/api/export/tickets.csv', { token: tok.fagui });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true); // BOM: Excel reads it as UTF-8
    const text = bytes.toString('utf8');
    expect(text.startsWith('\ufeff编号,网站,页面地址')).toBe(true);
    expect(text).not.toContain('宣传处');
    const x = await call('GET', '/api/export/tickets.xlsx?overdue=1', { token: tok.admin });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    expect(wb.worksheets[0].getCell('A1').value).toBe('编号');
    expect(wb.worksheets[0].getCell('M2').value).toBe('超期未办结');
  });
});

describe('the dashboard over HTTP', () => {
  let cookie: string;
  let csrf: string;
  let number: string;
  it('a <script> in a description is escaped on the page, and the page forbids scripts', async () => {
    number = (await json(await call('POST', '/api/tickets', { token: tok.admin, body: ticket({ description: '<script>document.title="pwned"</script><img src=x onerror=alert(1)>' }) }))).body.number;
    const login = await fetch(url + '/login', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${tok.admin}&next=/tickets` });
    expect(login.status).toBe(303);
    const set = login.headers.get('set-cookie')!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    cookie = set.split(';')[0];
    const page = await fetch(url + `/tickets/${number}`, { headers: { cookie } });
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html).not.toContain('<script>document');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
    csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(html)![1];
  });
  it('a form without the CSRF token, or from another origin, changes nothing', async () => {
    const noToken = await fetch(url + `/tickets/${number}/status`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'status=处理中' });
    expect(noToken.status).toBe(403);
    const foreign = await fetch(url + `/tickets/${number}/status`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `status=处理中&_csrf=${csrf}` });
    expect(foreign.status).toBe(403);
    const ok = await fetch(url + `/tickets/${number}/status`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ status: '处理中', _csrf: csrf }).toString() });
    expect(ok.status).toBe(200);
    expect((await json(await call('GET', `/api/tickets/${number}`, { token: tok.admin }))).body.status).toBe('处理中');
  });
  it('the runs page links each run to its report, which opens sandboxed', async () => {
    const runs = await (await fetch(url + '/runs', { headers: { cookie } })).text();
    const href = /href="(\/runs\/\d+\/report)"/.exec(runs)![1];
    const rep = await fetch(url + href, { headers: { cookie } });
    expect(rep.status).toBe(200);
    expect(rep.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(await rep.text()).toMatch(/<html/);
  });
  it('an open 单项否决-level ticket (严重问题) is announced at the top of the list, and can be listed alone', async () => {
    const before = await (await fetch(url + '/tickets', { headers: { cookie } })).text();
    expect(before).not.toContain('data-zc="critical"');
    const { ticket: t } = createTicket(srv.db, ticketContext(config), { source: 'audit', category: '虚假伪造内容', description: '页面有 6 个指向违法违规内容的链接', audit: 'integrity', severity: 'critical', pageUrl: 'https://hyj.example.gov.cn/xwdt/1.html' }, { name: '自动检查' });
    const page = await (await fetch(url + '/tickets', { headers: { cookie } })).text();
    expect(page).toMatch(/data-zc="critical">有 1 个单项否决级问题/);
    const only = await json(await call('GET', '/api/tickets?severity=critical', { token: tok.admin }));
    expect(only.body.items.map((x: { number: string }) => x.number)).toEqual([t.number]);
    expect((await call('GET', '/api/tickets?severity=urgent', { token: tok.admin })).status).toBe(400);
  });
  it('without a session the dashboard redirects to the login page', async () => {
    const r = await fetch(url + '/tickets?overdue=1', { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/login?next=%2Ftickets%3Foverdue%3D1');
  });
});
