/**
 * zhaocuo serve on a PostgreSQL store (one real server this file starts on a free loopback
 * port): an audit stored there, the JSON API (tickets filed and worked, runs, sites), the
 * dashboard's pages (login, tickets, a multi-step ticket change, runs, sites); then PostgreSQL
 * stopped under the running server: 503 with the one line that names what to start, nothing
 * acknowledged lost, and the same server answering again once PostgreSQL is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { startServer as startApp, type RunningServer } from '../src/server/serve.ts';
import { createToken } from '../src/server/tokens.ts';
import { openDb } from '../src/store/db.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { ALL_AUDITS } from '../audits/index.ts';
import { parseEntry } from '../src/sites/load.ts';
import { upsertSites } from '../src/sites/registry.ts';
import { startServer as startSite, type TestServer } from './helpers/http-server.ts';
import { startPostgres, type LocalPostgres } from './helpers/postgres-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-srv-pg-'));
const config = parseConfig({ divisions: { default: '办公室', prefixes: { '/zwgk/': '法规处' } } });
let pg: LocalPostgres;
let srv: RunningServer;
let site: TestServer;
let admin: string;
let handler: string;
let url: string;

function call(method: string, path: string, o: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url + path, { method, headers, body: o.body !== undefined ? JSON.stringify(o.body) : undefined });
}
async function json(res: Response) {
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  pg = await startPostgres();
  const store = await pg.createDatabase('served');
  const db = openDb(store);
  admin = createToken(db, { name: '管理员', role: 'admin' }).token;
  handler = createToken(db, { name: '张三', role: 'handler', division: '法规处' }).token;
  site = await startSite({ '/': '<html lang="zh-CN"><title>测试局</title><a href="/gone.html">失效</a></html>' });
  upsertSites(db, [parseEntry({ url: site.url + '/', name: '测试局', tags: { province: '福建省' } }, config)]);
  await auditSite({
    startUrl: site.url + '/',
    config: parseConfig({ site: { name: '测试局' }, crawl: { robots: false, sitemap: false, checkExternal: false }, ipv6: { enabled: false }, browser: { enabled: false } }),
    db,
    outDir: join(dir, 'reports', 'run'),
    audits: ALL_AUDITS.filter((a) => a.meta.id === 'links' || a.meta.id === 'verdict'),
  });
  db.close();
  srv = await startApp({ db: store, config, host: '127.0.0.1', port: 0, notify: false, log: () => {} });
  url = srv.url;
}, 120_000);
afterAll(async () => {
  await srv?.close();
  await site?.close();
  await pg?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('zhaocuo serve on PostgreSQL', () => {
  let number: string;
  it('the API files, lists and works tickets, and reads the stored run and the sites', async () => {
    const filed = await json(await call('POST', '/api/tickets', { token: admin, body: { category: '错别字', description: '“海洋”写成“海羊”', pageUrl: 'https://hyj.example.gov.cn/zwgk/1.html' } }));
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    number = filed.body.number;
    expect(filed.body.division).toBe('法规处');
    const mine = await json(await call('GET', '/api/tickets', { token: handler }));
    expect(mine.body.items.map((t: { number: string }) => t.number)).toContain(number);
    const moved = await json(await call('PATCH', `/api/tickets/${number}`, { token: handler, body: { status: '处理中' } }));
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await json(await call('GET', `/api/tickets/${number}/history`, { token: admin }))).body.map((h: { newValue: string | null }) => h.newValue)).toContain('处理中');
    const runs = await json(await call('GET', '/api/runs', { token: admin }));
    expect(runs.body[0]).toMatchObject({ status: 'complete', origin: site.url });
    const sites = await json(await call('GET', '/api/sites', { token: admin }));
    expect(sites.body.items).toHaveLength(1);
    expect(sites.body.items[0]).toMatchObject({ name: '测试局', lastRunId: runs.body[0].id });
  });

  it('the dashboard: login, a reply that marks the ticket fixed and closes it (two changes, one transaction), the runs and sites pages', async () => {
    const login = await fetch(url + '/login', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${admin}&next=/tickets` });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const page = await (await fetch(url + `/tickets/${number}`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(page)![1];
    const replied = await fetch(url + `/tickets/${number}/reply`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ text: '已改正为“海洋”', fixed: 'yes', close: '1', _csrf: csrf }).toString() });
    expect(replied.status).toBe(200);
    const t = (await json(await call('GET', `/api/tickets/${number}`, { token: admin }))).body;
    expect(t.status).toBe('已答复');
    expect(t.history.map((h: { newValue: string | null }) => h.newValue)).toEqual(expect.arrayContaining(['处理中', '已整改', '已答复']));
    expect(await (await fetch(url + '/tickets', { headers: { cookie } })).text()).toContain(number);
    expect(await (await fetch(url + '/runs', { headers: { cookie } })).text()).toMatch(/href="\/runs\/\d+\/report"/);
    expect(await (await fetch(url + '/sites', { headers: { cookie } })).text()).toContain('测试局');
  });

  it('PostgreSQL stopped under the server: 503 with the line that names what to start; back, the same server answers and nothing acknowledged is lost', async () => {
    await pg.stop();
    try {
      const down = await call('GET', '/api/tickets', { token: admin });
      expect(down.status).toBe(503);
      const body = (await down.json()) as { error: string };
      expect(body.error).toMatch(/^与 PostgreSQL 127\.0\.0\.1:\d+ 的连接中断：请重新启动 PostgreSQL|^无法连接 PostgreSQL 127\.0\.0\.1:\d+：连接被拒绝。请启动 PostgreSQL/);
    } finally {
      await pg.start();
    }
    const back = await json(await call('GET', `/api/tickets/${number}`, { token: admin }));
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('已答复');
  });
});
