/**
 * Tiny government-style sites for the distributed tests and bench:fleet: many of them, of
 * different sizes, each on its own loopback port. A site has a homepage, column pages and dated article pages (with the marks
 * the audits read: title, 主办单位, ICP 备案, a date), links to a shared external site (every site
 * links to it, as all portals link to www.gov.cn) and one dead link. The sample portal's
 * smallest site (~60 pages with PDFs, calendars and traps) is too big to audit 200 of, 5 times
 * over, in reasonable time on 2 cores. A site can hold its article pages until `open()`: a test
 * then knows an audit is mid-run for as long as it needs (to kill a worker, stop Redis …).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TinySite {
  url: string;
  pages: number;
  /** Article requests seen (held or answered). */
  articleRequests(): number;
  /** Answers the held article requests and every later one. */
  open(): void;
  close(): Promise<void>;
}

const page = (title: string, body: string, site: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title} - ${site}</title></head><body>
<header><h1>${site}</h1><nav><a href="/">首页</a> <a href="/col/1/">政务公开</a> <a href="/col/2/">通知公告</a></nav></header>
<main>${body}</main>
<footer><p>主办单位：${site}办公室</p><p><a href="https://beian.miit.gov.cn/">示ICP备12345678号</a></p></footer></body></html>`;

function render(path: string, pages: number, n: number, external: string): string | null {
  const site = `示例第${n}局`;
  const columns = 2;
  const perColumn = Math.max(1, Math.floor((pages - 1 - columns) / columns));
  const item = (c: number, i: number) => `/col/${c}/art${i}.html`;
  const date = (i: number) => `2026-11-${String(1 + (i % 19)).padStart(2, '0')}`;
  if (path === '/' || path === '/index.html') {
    const latest = Array.from({ length: Math.min(5, perColumn) }, (_, i) => `<li><a href="${item(1, i)}">政务动态第${i + 1}条</a> <span>${date(i)}</span></li>`).join('');
    return page('首页', `<ul>${latest}</ul><p><a href="${external}/">中国政府网</a> <a href="/gone.html">旧栏目</a></p>`, site);
  }
  const col = path.match(/^\/col\/(\d+)\/$/);
  if (col && Number(col[1]) >= 1 && Number(col[1]) <= columns) {
    const c = Number(col[1]);
    return page(`栏目${c}`, `<ul>${Array.from({ length: perColumn }, (_, i) => `<li><a href="${item(c, i)}">第${c}栏目第${i + 1}条</a> <span>${date(i)}</span></li>`).join('')}</ul>`, site);
  }
  const art = path.match(/^\/col\/(\d+)\/art(\d+)\.html$/);
  if (art && Number(art[1]) >= 1 && Number(art[1]) <= columns && Number(art[2]) < perColumn) {
    const i = Number(art[2]);
    return page(`第${art[1]}栏目第${i + 1}条`, `<article><h2>第${art[1]}栏目第${i + 1}条</h2><p>发布日期：${date(i)}</p><p>${'为进一步做好政务公开工作，现将有关事项通知如下。'.repeat(8)}</p><p><a href="${external}/zhengce/${i}.html">相关政策</a></p></article>`, site);
  }
  return null;
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  const s = http.createServer(handler);
  s.keepAliveTimeout = 5000;
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

const closer = (s: http.Server) => () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

/** The external site every tiny site links to: answers every path. */
export async function startExternal(): Promise<{ url: string; close(): Promise<void> }> {
  const s = await listen((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : '<!doctype html><title>中国政府网</title><p>ok</p>');
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: closer(s) };
}

/** Site number `n` with about `pages` HTML pages; `hold`: article pages wait for open(). */
export async function startTinySite(n: number, pages: number, external: string, o: { hold?: boolean } = {}): Promise<TinySite> {
  let open: () => void = () => {};
  const gate = o.hold ? new Promise<void>((r) => (open = r)) : Promise.resolve();
  let articles = 0;
  const s = await listen(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (/\/art\d+\.html$/.test(path)) {
      articles++;
      await gate;
    }
    const html = render(path, pages, n, external);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : (html ?? page('页面不存在', '<p>404</p>', `示例第${n}局`)));
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, pages, articleRequests: () => articles, open: () => open(), close: closer(s) };
}
