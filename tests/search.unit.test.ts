/**
 * The site search check on real loopback sites: a search that works, one that echoes the query
 * but finds nothing, one that fails, a POST form, and a form on an unrelated host (not contacted).
 */
import { afterAll, describe, expect, it } from 'vitest';
import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../src/config/load.ts';
import { auditSite } from '../src/run/audit-site.ts';
import search, { type SearchData } from '../audits/search.ts';
import { startServer, type TestServer } from './helpers/http-server.ts';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const TITLES = ['我局召开海洋环境监测工作视频调度会', '关于做好水产养殖用药减量工作的通知'];
const home = (form: string) =>
  `<html><head><title>首页</title></head><body>${form}<ul class="list">${TITLES.map((t, i) => `<li><a href="/news/${i}.html">${t}</a><span>2026-11-1${i}</span></li>`).join('')}</ul></body></html>`;
const results = (q: string, hits: string[]) =>
  `<html><body><nav><a href="/">首页</a></nav><p>关键词“${q}”共找到 ${hits.length} 条结果</p><ul>${hits.map((h) => `<li><a href="${h}">${q}</a></li>`).join('')}</ul></body></html>`;

async function run(routes: Record<string, Parameters<typeof startServer>[0][string]>, form: string) {
  const srv = await startServer({ '/': home(form), '/news/0.html': '<title>0</title>', '/news/1.html': '<title>1</title>', ...routes });
  servers.push(srv);
  const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false } });
  const res = await auditSite({ startUrl: srv.url + '/', config, db: null, outDir: null, audits: [search] });
  return { srv, res, data: res.report.audits.find((a) => a.id === 'search')!.data as SearchData, findings: res.result.findings };
}

/** A search server on loopback (same host name, its own port): every query answered by `fn`. */
async function searchServer(fn: (q: URLSearchParams, res: http.ServerResponse) => void): Promise<string> {
  const srv = await startServer({});
  servers.push(srv);
  const raw = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname !== '/s') return void res.writeHead(404).end();
    fn(u.searchParams, res);
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  servers.push({ close: () => new Promise<void>((r) => raw.close(() => r())) } as TestServer);
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}/s`;
}

describe('site search', () => {
  it('a search that finds the titles: no finding; the hidden fields of the form are sent along', async () => {
    const asked: string[] = [];
    const action = await searchServer((q, res) => {
      asked.push(`${q.get('siteid')}|${q.get('searchword')}`);
      const i = TITLES.indexOf(q.get('searchword') ?? '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(results(q.get('searchword')!, i >= 0 ? [`/news/${i}.html`] : []));
    });
    const { findings, data } = await run({}, `<form action="${action}" method="get"><input type="hidden" name="siteid" value="35"><input type="text" name="searchword"><button>搜索</button></form>`);
    expect(findings).toEqual([]);
    expect(data).toMatchObject({ evaluated: true, queries: 2, found: 2, failed: 0, form: { param: 'searchword' } });
    expect(asked.sort()).toEqual(TITLES.map((t) => `35|${t}`).sort());
  });

  it('a search that answers "共找到 0 条" (echoing the query) is not a search that works', async () => {
    const action = await searchServer((q, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(results(q.get('q')!, [])));
    const { findings, data } = await run({}, `<form action="${action}"><input name="q"></form>`);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['search-not-found', 'high']]);
    expect(findings[0].refs.some((r) => r.source === 'seed' && r.item === '27')).toBe(true);
    expect(data).toMatchObject({ found: 0, failed: 0 });
  });

  it('a search that fails with 500 is broken', async () => {
    const action = await searchServer((_q, res) => void res.writeHead(500).end('error'));
    const { findings } = await run({}, `<form action="${action}"><input name="q"></form>`);
    expect(findings.map((f) => f.rule)).toEqual(['search-broken']);
    expect(findings[0].message).toContain('HTTP 500');
  });

  it('a title the list cut short ("…") is searched without its ellipsis, and found in the full result title', async () => {
    const full = '关于做好2026年全省海洋渔业安全生产工作的通知';
    const asked: string[] = [];
    const action = await searchServer((q, res) => {
      asked.push(q.get('q')!);
      const hit = full.includes(q.get('q')!);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<ul>${hit ? `<li><a href="/news/9.html">${full}</a></li>` : ''}</ul>`);
    });
    const cut = `<html><head><title>首页</title></head><body><form action="${action}"><input name="q"></form><ul class="list"><li><a href="/news/9.html">关于做好2026年全省海洋渔业安全…</a><span>2026-11-19</span></li></ul></body></html>`;
    const srv = await startServer({ '/': cut, '/news/9.html': '<title>9</title>' });
    servers.push(srv);
    const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false } });
    const res = await auditSite({ startUrl: srv.url + '/', config, db: null, outDir: null, audits: [search] });
    expect(asked).toEqual(['关于做好2026年全省海洋渔业安全']);
    expect(res.result.findings).toEqual([]);
  });

  it('a POST form is not submitted; a form on an unrelated host is not contacted', async () => {
    const post = await run({}, '<form action="/s" method="post"><input name="q"></form>');
    expect(post.findings.map((f) => [f.rule, f.severity])).toEqual([['search-not-checked', 'info']]);
    expect([...post.srv.requests.keys()].some((k) => k.includes('/s?'))).toBe(false); // (the crawl's link check may HEAD the action, never a query)
    const other = await startServer({});
    servers.push(other);
    const off = await run({}, `<form action="${other.url.replace('127.0.0.1', 'localhost')}/s"><input name="q"></form>`);
    expect(off.data.skipped).toMatch(/其他网站/);
    expect(other.requests.size).toBe(0);
  });
});
