/**
 * What real portals do that a naive crawl gets wrong, each on a real loopback site: links only
 * scripts make (onclick / javascript: navigation, TRS WCM's createPageHTML pagination), a root
 * that only sends the visitor on (meta refresh, script), a firewall that answers bursts with
 * 503, and soft 404s (a "not found" page answered with 200).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseHtml, scriptedHref, scriptPagination } from '../src/gather/parse.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite } from '../src/run/audit-site.ts';
import links from '../audits/links.ts';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { soft404Reason } from '../src/gather/soft404.ts';

describe('script-only links', () => {
  it('reads the address of window.open / location assignments in href="javascript:…" and onclick', () => {
    expect(scriptedHref(`javascript:window.open('/a/b.html')`)).toBe('/a/b.html');
    expect(scriptedHref(`location.href='../c.html';return false;`)).toBe('../c.html');
    expect(scriptedHref(`window.location = "/d.html"`)).toBe('/d.html');
    expect(scriptedHref(`top.location.replace("e.html")`)).toBe('e.html');
    expect(scriptedHref('javascript:void(0)')).toBeNull();
    expect(scriptedHref('history.back()')).toBeNull();
  });

  it('links them with their text; a plain href wins over an onclick; javascript:void(0) alone is no link', () => {
    const p = parseHtml(
      `<a href="javascript:void(0)" onclick="window.open('/x.html')">X</a><a href="#" onclick="location.href='y.html'">Y</a>` +
        `<a href="z.html" onclick="stat('/ignored.html')">Z</a><a href="javascript:;">none</a><a href="#top">top</a>`,
      'http://s.example.gov.cn/col/',
    );
    expect(p.links.map((l) => [l.url, l.text])).toEqual([
      ['http://s.example.gov.cn/x.html', 'X'],
      ['http://s.example.gov.cn/col/y.html', 'Y'],
      ['http://s.example.gov.cn/col/z.html', 'Z'],
      ['http://s.example.gov.cn/col/', 'top'],
    ]);
  });

  it("TRS createPageHTML pagination, with literal or variable arguments; nothing for other scripts", () => {
    expect(scriptPagination(`var countPage = 4//共多少页\nvar currentPage = 0;\ncreatePageHTML(countPage, currentPage, "index", "html");`)).toEqual(['index_1.html', 'index_2.html', 'index_3.html']);
    expect(scriptPagination(`createPageHTML(3, 0, "index", "shtml");`)).toEqual(['index_1.shtml', 'index_2.shtml']);
    expect(scriptPagination(`createPageHTML(1, 0, "index", "html");`)).toEqual([]);
    expect(scriptPagination(`createPageHTML(n, 0, "index", "html");`)).toEqual([]); // unknown count
    expect(scriptPagination(`var pages = 5; showPages(pages);`)).toEqual([]);
  });
});

describe('crawling a TRS-style column whose pagination only a script writes', () => {
  let srv: TestServer;
  afterAll(() => srv?.close());
  const list = (n: number, items: string[]) =>
    `<html><head><title>工作动态</title></head><body><ul>${items.map((i) => `<li><a href="./${i}.html">${i}</a><span>2026-11-0${n + 1}</span></li>`).join('')}</ul>` +
    `<script>var countPage = 3;\nvar currentPage = ${n};\ncreatePageHTML(countPage, currentPage, "index", "html");</script></body></html>`;

  it('reaches the items of every page of the list, and finds the broken one on page 3', async () => {
    srv = await startServer({
      '/': `<html><head><title>首页</title></head><body><a href="/gzdt/index.html">工作动态</a></body></html>`,
      '/gzdt/index.html': list(0, ['a1', 'a2']),
      '/gzdt/index_1.html': list(1, ['b1']),
      '/gzdt/index_2.html': list(2, ['c1', 'missing']),
      '/gzdt/a1.html': '<title>a1</title>',
      '/gzdt/a2.html': '<title>a2</title>',
      '/gzdt/b1.html': '<title>b1</title>',
      '/gzdt/c1.html': '<title>c1</title>',
    });
    const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false } });
    const res = await auditSite({ startUrl: srv.url + '/', config, db: null, outDir: null, audits: [links] });
    const crawled = res.artifacts.pages.map((p) => new URL(p.url).pathname).sort();
    expect(crawled).toEqual(['/', '/gzdt/a1.html', '/gzdt/a2.html', '/gzdt/b1.html', '/gzdt/c1.html', '/gzdt/index.html', '/gzdt/index_1.html', '/gzdt/index_2.html'].sort());
    expect(res.result.findings.find((f) => f.rule === 'broken-link')?.evidence.target).toBe(srv.url + '/gzdt/missing.html');
  });
});

describe('a root page that only sends the visitor on', () => {
  it('follows <meta http-equiv="refresh"> and a script setting location on a page without links', () => {
    expect(parseHtml(`<meta http-equiv="Refresh" content="0; URL=/portal/index.shtml">`, 'http://s.example.gov.cn/').links.map((l) => l.url)).toEqual(['http://s.example.gov.cn/portal/index.shtml']);
    expect(parseHtml(`<script>window.location.href = "/main/index.html";</script>`, 'http://s.example.gov.cn/').links.map((l) => l.url)).toEqual(['http://s.example.gov.cn/main/index.html']);
    // a page with links of its own is not a redirect page: its scripts are not read for one
    expect(parseHtml(`<a href="/a.html">a</a><script>function go(){ location.href = "/b.html"; }</script>`, 'http://s.example.gov.cn/').links.map((l) => l.url)).toEqual(['http://s.example.gov.cn/a.html']);
  });

  it('crawls a portal whose root is a meta-refresh page', async () => {
    const site = await startServer({
      '/': '<html><head><meta http-equiv="refresh" content="0;url=/index.shtml"><title></title></head><body></body></html>',
      '/index.shtml': '<html><head><title>首页</title></head><body><a href="/a.html">a</a></body></html>',
      '/a.html': '<title>a</title>',
    });
    try {
      const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false } });
      const res = await auditSite({ startUrl: site.url + '/', config, db: null, outDir: null, audits: [links] });
      expect(res.artifacts.pages.map((p) => new URL(p.url).pathname).sort()).toEqual(['/', '/a.html', '/index.shtml']);
      // the page the root sends to is the homepage (depth 1, first), as after an HTTP redirect
      const home = res.artifacts.pages.find((p) => p.depth === 1)!;
      expect(new URL(home.url).pathname).toBe('/index.shtml');
      expect(res.artifacts.pages.find((p) => p.url === site.url + '/a.html')!.depth).toBe(2);
    } finally {
      await site.close();
    }
  });
});

describe('a site that rate-limits (a firewall answering 503 to bursts)', () => {
  it('is crawled slowly, not reported broken', async () => {
    let last = 0;
    let refused = 0;
    // a tree: the root links p1–p4, p1 links p5–p8 … (24 pages besides the root, every link real)
    const page = (i: number) => `<title>p${i}</title>${Array.from({ length: 4 }, (_, k) => i * 4 + k + 1).filter((n) => n <= 24).map((n) => `<a href="/p${n}.html">p</a>`).join('')}`;
    const routes: Record<string, Parameters<typeof startServer>[0][string]> = {};
    for (let i = 0; i <= 24; i++) {
      routes[i === 0 ? '/' : `/p${i}.html`] = (_req, res) => {
        const now = Date.now();
        // at most one request per 50 ms; no Retry-After (most firewalls send none)
        if (now - last < 50) {
          refused++;
          return void res.writeHead(503, { 'content-type': 'text/html' }).end('请求过于频繁');
        }
        last = now;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(i));
      };
    }
    const site = await startServer(routes);
    const warnings: string[] = [];
    try {
      const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false }, crawl: { retries: 4 } });
      const res = await auditSite({ startUrl: site.url + '/', config, db: null, outDir: null, audits: [links], onWarning: (m) => warnings.push(m) });
      expect(refused).toBeGreaterThan(0); // it did push back…
      expect(res.artifacts.pages.length).toBe(25); // …and every page was still crawled
      expect(res.result.findings.filter((f) => f.rule === 'broken-link')).toEqual([]);
      expect(warnings.some((w) => /slow down/.test(w))).toBe(true);
    } finally {
      await site.close();
    }
  }, 60_000);
});

describe('soft 404s (a "not found" page answered with 200)', () => {
  it('tells them by the title, by the same answer as a made-up URL, or by a redirect to the error page', () => {
    const probe = { url: 'http://s/zhaocuo-x-no-such-page.html', status: 200, finalUrl: 'http://s/error.html', title: '提示信息' };
    expect(soft404Reason({ url: 'http://s/a.html', finalUrl: 'http://s/a.html', title: '404 - 页面不存在' }, null)).toMatch(/页面标题显示不存在/);
    expect(soft404Reason({ url: 'http://s/b.html', finalUrl: 'http://s/error.html', title: '提示信息' }, probe)).toMatch(/跳转到本站的错误页/);
    expect(soft404Reason({ url: 'http://s/c.html', finalUrl: 'http://s/c.html', title: '提示信息' }, { ...probe, finalUrl: probe.url })).toMatch(/与不存在的页面回应相同/);
    // an article about 404 errors or a year with 404 in it is not an error page
    expect(soft404Reason({ url: 'http://s/d.html', finalUrl: 'http://s/d.html', title: '关于2404号提案的答复' }, probe)).toBeNull();
    expect(soft404Reason({ url: 'http://s/f.html', finalUrl: 'http://s/f.html', title: '关于省十四届人大53次会议第404号建议的答复' }, probe)).toBeNull();
    expect(soft404Reason({ url: 'http://s/g.html', finalUrl: 'http://s/g.html', title: '404 Not Found' }, null)).toMatch(/页面标题显示不存在/);
    expect(soft404Reason({ url: 'http://s/h.html', finalUrl: 'http://s/h.html', title: '404错误_某某局' }, null)).toMatch(/页面标题显示不存在/);
    expect(soft404Reason({ url: 'http://s/e.html', finalUrl: 'http://s/e.html', title: '我局召开信息化工作会议' }, probe)).toBeNull();
  });

  it('a site that answers every unknown address with 200: its broken links are found, and the site is told', async () => {
    const errorPage = '<html><head><title>温馨提示</title></head><body><p>您访问的信息已下线</p><a href="/">返回</a></body></html>';
    const known: Record<string, string> = {
      '/': '<html><head><title>首页</title></head><body><a href="/a.html">a</a><a href="/gone.html">已删除的信息</a></body></html>',
      '/a.html': '<html><head><title>正常信息</title></head><body>正文</body></html>',
    };
    const site = await startServer({});
    const raw = (await import('node:http')).createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(known[path] ?? errorPage);
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(raw.address() as import('node:net').AddressInfo).port}/`;
    try {
      const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false } });
      const res = await auditSite({ startUrl: url, config, db: null, outDir: null, audits: [links] });
      expect(res.artifacts.pages.map((p) => new URL(p.url).pathname).sort()).toEqual(['/', '/a.html']);
      const broken = res.result.findings.filter((f) => f.rule === 'broken-link');
      expect(broken.map((f) => new URL(String(f.evidence.target)).pathname)).toEqual(['/gone.html']);
      expect(String(broken[0].evidence.error)).toMatch(/软 404/);
      expect(res.result.findings.some((f) => f.rule === 'soft-404-site')).toBe(true);
    } finally {
      raw.close();
      await site.close();
    }
  });
});

describe('Hanweb (大汉 JCMS) columns: the items are in a <script type="text/xml"> datastore', () => {
  const datastore = (items: [string, string, string][]) =>
    `<div id="4186"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=4186&unitid=8849&permissiontype=0"></a>]]></nextgroup><recordset>` +
    items.map(([href, title, date]) => `<record><![CDATA[<li><a href="${href}" title="${title}" target="_blank">${title}</a><span>${date}</span></li>]]></record>`).join('') +
    `</recordset></datastore></script></div><script language="javascript" src="/module/web/jpage/jpage.js"></script>`;

  it('reads the records as the list the browser shows: links and dated items', () => {
    const p = parseHtml(`<title>工作动态</title>${datastore([['/art/2026/11/20/art_4186_1.html', '我局召开海洋渔业工作会议', '2026-11-20'], ['/art/2026/11/18/art_4186_2.html', '我局开展休渔执法检查', '2026-11-18']])}`, 'http://s.example.gov.cn/col/col4186/index.html');
    expect(p.links.filter((l) => l.kind === 'a').map((l) => [new URL(l.url).pathname, l.text])).toEqual([
      ['/art/2026/11/20/art_4186_1.html', '我局召开海洋渔业工作会议'],
      ['/art/2026/11/18/art_4186_2.html', '我局开展休渔执法检查'],
    ]);
    expect(p.lists.flatMap((l) => l.items.map((i) => i.date))).toEqual(['2026-11-20', '2026-11-18']);
    expect(p.text).toContain('我局召开海洋渔业工作会议');
    expect(p.scriptText).not.toContain('datastore');
  });

  it('a plain XML script without a datastore is not content', () => {
    const p = parseHtml(`<script type="text/xml"><config><a>1</a></config></script><p>正文</p>`, 'http://s.example.gov.cn/');
    expect(p.links).toEqual([]);
    expect(p.text).toBe('正文');
  });
});
