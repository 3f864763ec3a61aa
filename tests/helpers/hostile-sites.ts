/**
 * The hostile servers of tests/hostile-servers.test.ts (issue 15): one HTTP server on loopback,
 * reached through one listener per site (the port tells the site), plus one listener that
 * accepts connections and never answers. Each misbehaving path sends only what triggers its
 * case: big bodies are generated as they are read and stop when the client goes, so a reader
 * that keeps to its 8 MB cap costs the server 8 MB, not 30.
 *
 * Sites:
 *  - site: one path per hostile answer (CASES), linked from its homepage;
 *  - other: a second site that `site` redirects to (checked once, never crawled);
 *  - bombHome: a gzip bomb as the homepage, a binary robots.txt, a sitemap index listing itself;
 *  - calendar: an endless calendar (a crawler trap), for the default limits;
 *  - silent: accepts, never answers (as a homepage, and as a link from `site`).
 *
 * Run alone (`npx tsx tests/helpers/hostile-sites.ts`) it prints the URLs and keeps serving,
 * to audit one by hand (with --cpu-prof, say).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';

export const MB = 1024 * 1024;
const html = { 'content-type': 'text/html; charset=utf-8' };
const gzipped = { ...html, 'content-encoding': 'gzip' };
export const page = (title: string, body = '') => `<html><head><title>${title}</title></head><body>${body}</body></html>`;

/** 20 MB of spaces in about 20 KB: decompressed it is over the 8 MB cap. */
const bomb = zlib.gzipSync(Buffer.alloc(20 * MB, 0x20));
/** A page of some 450 KB, gzipped to a few KB: cut in half, a gzip stream that breaks off. */
const normalGz = zlib.gzipSync(Buffer.from(page('压缩的通知公告', '<p>通知公告</p>'.repeat(20_000))));
export const NESTED = 100_000;

/** The hostile paths of `site`, with the anchor text its homepage links them by. */
export const CASES: Record<string, string> = {
  '/bomb.html': 'gzip 炸弹页面',
  '/gzip-reset.html': 'gzip 中途重置',
  '/gzip-stall.html': 'gzip 中途停顿',
  '/endless.html': '无尽分块',
  '/length-short.html': '长度声明偏短',
  '/length-long.html': '长度声明偏长',
  '/slowloris.html': '慢速发送',
  '/hang.html': '接受连接不应答',
  '/flaky.html': '偶发重置',
  '/reset.html': '总是重置',
  '/deep-closed.html': '十万层嵌套（闭合）',
  '/deep-unclosed.html': '十万层嵌套（未闭合）',
  '/links-50k.html': '五万个链接',
  '/big.html': '三十兆页面',
  '/invalid-utf8.html': '无效编码',
  '/mixed.html': '混合编码',
  '/nul.html': '空字节',
  '/loop-a.html': '重定向循环',
  '/chain/0.html': '五十跳重定向',
  '/to-file.html': '重定向到 file',
  '/to-js.html': '重定向到 javascript',
  '/to-data.html': '重定向到 data',
  '/to-metadata.html': '重定向到元数据地址',
  '/to-other.html': '重定向到站外',
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Route = string | { headers?: Record<string, string>; body: string | Buffer } | Handler;

/**
 * Writes `total` bytes made of `chunk` repeated (the last one cut), with backpressure, and stops
 * as soon as the client goes: endless when `total` is Infinity, one chunk every `everyMs` when set.
 */
function stream(res: ServerResponse, chunk: Buffer, total = Infinity, everyMs = 0, end = true): void {
  let sent = 0;
  let stop = false;
  res.on('close', () => (stop = true));
  const tick = () => {
    if (stop) return;
    if (sent >= total) return void (end ? res.end() : undefined);
    const c = sent + chunk.length > total ? chunk.subarray(0, total - sent) : chunk;
    sent += c.length;
    const more = res.write(c);
    if (everyMs) setTimeout(tick, everyMs);
    else if (more) setImmediate(tick);
    else res.once('drain', tick);
  };
  tick();
}

const redirect = (to: () => string): Handler => (_req, res) => void res.writeHead(302, { location: to() }).end();
/** Refuses HEAD, so the link check asks with GET and reads (drains) the body. */
const getOnly = (send: Handler): Handler => (req, res) => (req.method === 'HEAD' ? void res.writeHead(405).end() : send(req, res));
const serve = (routes: Record<string, Route>): Handler => (req, res) => {
  const path = req.url ?? '/';
  const route = routes[path] ?? Object.entries(routes).find(([k]) => k.endsWith('*') && path.startsWith(k.slice(0, -1)))?.[1];
  if (route === undefined) return void res.writeHead(404, html).end(page('404', '页面不存在'));
  if (typeof route === 'function') return route(req, res);
  const r = typeof route === 'string' ? { body: route } : route;
  res.writeHead(200, { ...html, ...r.headers }).end(req.method === 'HEAD' ? undefined : r.body);
};

export interface HostileSites {
  site: string;
  other: string;
  bombHome: string;
  calendar: string;
  /** http://127.0.0.1:port/ of the listener that never answers. */
  silent: string;
  /** Requests by "site METHOD path". */
  count(site: keyof Omit<HostileSites, 'count' | 'bytesSent' | 'close'>, method: string, path: string): number;
  /** Bytes of bodies written, by site and path (what each case cost the server). */
  bytesSent: Map<string, number>;
  close(): Promise<void>;
}

export async function startHostileSites(): Promise<HostileSites> {
  const requests = new Map<string, number>();
  const bytesSent = new Map<string, number>();
  const urls = {} as Record<'site' | 'other' | 'bombHome' | 'calendar' | 'silent', string>;
  let flaky = 0;
  const deep = (closed: boolean, to: string) => page(closed ? '深层嵌套（闭合）' : '深层嵌套（未闭合）', `${'<div>'.repeat(NESTED)}<a href="${to}">最深处</a>${closed ? '</div>'.repeat(NESTED) : ''}`);
  const links = Object.entries(CASES).map(([p, t]) => `<a href="${p}">${t}</a>`).join('\n');
  const site = serve({
    '/': () => undefined, // replaced below, once the silent listener's URL is known
    '/about.html': page('关于本站'),
    '/bomb.html': { headers: gzipped, body: bomb },
    '/bomb.png': getOnly((_req, res) => void res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' }).end(bomb)),
    '/gzip-reset.html': (req, res) => {
      res.writeHead(200, gzipped);
      res.write(normalGz.subarray(0, normalGz.length >> 1), () => setTimeout(() => req.socket.resetAndDestroy(), 20));
    },
    '/gzip-stall.html': (_req, res) => void res.writeHead(200, gzipped).write(normalGz.subarray(0, normalGz.length >> 1)),
    // Endless, as fast as it is read: it ends at the reader's cap (or its deadline).
    '/endless.html': (_req, res) => stream(res.writeHead(200, html), Buffer.from(`<p>${'没完没了的分块。'.repeat(2700)}</p>`)),
    '/length-short.html': (req) => void req.socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 39\r\n\r\n<html><title>length short</title></html><a href="/after-length.html">x</a>`),
    '/length-long.html': (req, res) => {
      res.writeHead(200, { ...html, 'content-length': '100000' });
      res.write(page('长度声明偏长'), () => setTimeout(() => req.socket.destroy(), 20));
    },
    // One byte a second: never idle long, never done.
    '/slowloris.html': (_req, res) => stream(res.writeHead(200, html), Buffer.from(' '), Infinity, 1000),
    '/hang.html': () => undefined,
    '/flaky.html': (req, res) => (++flaky === 1 ? req.socket.resetAndDestroy() : void res.writeHead(200, html).end(page('偶发重置后正常'))),
    '/reset.html': (req) => void req.socket.resetAndDestroy(),
    '/deep-closed.html': deep(true, '/deep-end.html'),
    '/deep-unclosed.html': deep(false, '/deep-end2.html'),
    '/deep-end.html': page('最深处'),
    '/deep-end2.html': page('最深处二'),
    '/links-50k.html': page('五万个链接', Array.from({ length: 50_000 }, (_, i) => `<a href="/l/${i}.html">第${i}条</a>`).join('')),
    '/l/*': page('列表项'),
    // 30 MB declared and offered; a reader keeping to its cap takes 8 MB of it.
    '/big.html': (_req, res) => {
      res.writeHead(200, { ...html, 'content-length': String(30 * MB) });
      res.write(`<html><head><title>三十兆的页面</title></head><body>`);
      stream(res, Buffer.from(`<p>${'很长的页面正文。'.repeat(40)}</p>\n`.repeat(64)), 30 * MB - 50);
    },
    // A UTF-8 page with stray bytes (a cut character, a pasted GBK name): read as UTF-8, the strays as U+FFFD.
    '/invalid-utf8.html': { body: Buffer.concat([Buffer.from('<html><title>无效编码'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]), Buffer.from(`</title><body>${'<p>正文内容</p>'.repeat(20)}</body></html>`)]) },
    // Declared GBK: a GBK title (混合) followed by UTF-8 bytes.
    '/mixed.html': { headers: { 'content-type': 'text/html; charset=gbk' }, body: Buffer.concat([Buffer.from('<html><title>'), Buffer.from([0xbb, 0xec, 0xba, 0xcf]), Buffer.from('混合编码</title></html>')]) },
    '/nul.html': { body: Buffer.concat([Buffer.from('<html><title>空字节</title><body>'), Buffer.alloc(MB), Buffer.from('<a href="/about.html">关于</a></body></html>')]) },
    '/loop-a.html': redirect(() => '/loop-b.html'),
    '/loop-b.html': redirect(() => '/loop-a.html'),
    '/chain/*': (req, res) => {
      const n = Number(/\/chain\/(\d+)/.exec(req.url!)?.[1] ?? 0);
      if (n >= 50) return void res.writeHead(200, html).end(page('五十跳之后'));
      res.writeHead(301, { location: `/chain/${n + 1}.html` }).end();
    },
    '/to-file.html': redirect(() => 'file:///etc/passwd'),
    '/to-js.html': redirect(() => 'javascript:alert(1)'),
    '/to-data.html': redirect(() => 'data:text/html,<script>alert(1)</script>'),
    '/to-metadata.html': redirect(() => 'http://169.254.169.254/latest/meta-data/'),
    '/to-other.html': redirect(() => `${urls.other}landing.html`),
    // 10 MB of rules offered, over the reader's 500 KB limit for robots.txt.
    '/robots.txt': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).write('User-agent: *\n');
      stream(res, Buffer.from(Array.from({ length: 4000 }, (_, i) => `Disallow: /nothing-here/${i}/\n`).join('')), 10 * MB);
    },
    // A 20 MB sitemap offered: read up to the cap; its entries are pages already known.
    '/sitemap.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).write('<?xml version="1.0"?><urlset>');
      stream(res, Buffer.from(`<url><loc>${urls.site}about.html</loc></url>`.repeat(2000)), 20 * MB);
    },
  });
  const homepage = () => page('恶意服务器测试首页', `${links}\n<img src="/bomb.png" alt="图片炸弹"><a href="${urls.silent}silent.html">站外不应答</a><a href="/about.html">关于</a>`);
  const other = serve({ '/landing.html': page('别的网站'), '/deeper.html': page('不该抓取') });
  // The homepage is a gzip bomb; robots.txt is binary; the sitemap index lists itself.
  const bombHome = serve({
    '/': { headers: gzipped, body: bomb },
    '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 256)) },
    '/sitemap.xml': (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<sitemapindex><sitemap><loc>${urls.bombHome}sitemap.xml</loc></sitemap><sitemap><loc>${urls.bombHome}sitemap2.xml</loc></sitemap></sitemapindex>`),
    '/sitemap2.xml': (_req, res) => void res.writeHead(200, { 'content-type': 'application/xml' }).end(`<sitemapindex><sitemap><loc>${urls.bombHome}sitemap.xml</loc></sitemap></sitemapindex>`),
  });
  // An endless calendar: every day links to its month's days, the next and previous month and year.
  const at = (y: number, m: number, d: number) => `/cal/${y}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}`;
  const calendar = serve({
    '/': page('日历网站', '<a href="/cal/2026/12/04">活动日历</a>'),
    '/cal/*': (req, res) => {
      const [y, m, d] = req.url!.split('/').slice(2).map(Number);
      const days = Array.from({ length: 28 }, (_, i) => `<a href="${at(y, m, i + 1)}">${i + 1}日</a>`).join('');
      const nav = `<a href="${at(y, (m % 12) + 1, d)}">下月</a><a href="${at(y, ((m + 10) % 12) + 1, d)}">上月</a><a href="${at(y + 1, m, d)}">明年</a><a href="${at(y - 1, m, d)}">去年</a>`;
      res.writeHead(200, html).end(page(`${y}年${m}月${d}日 活动`, `${'<p>当日活动安排</p>'.repeat(200)}${days}${nav}`));
    },
  });

  const handlers = new Map<number, { name: keyof typeof urls; handle: Handler }>();
  const server = http.createServer((req, res) => {
    const h = handlers.get(req.socket.localPort!)!;
    const key = `${h.name} ${req.method} ${req.url}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const bytesKey = `${h.name} ${req.url}`;
    const write = res.write.bind(res);
    res.write = ((chunk: string | Buffer, ...rest: unknown[]) => {
      bytesSent.set(bytesKey, (bytesSent.get(bytesKey) ?? 0) + Buffer.byteLength(chunk));
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    if (h.name === 'site' && req.url === '/') return void res.writeHead(200, html).end(req.method === 'HEAD' ? undefined : homepage());
    h.handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  const sockets = new Set<net.Socket>();
  const listeners: net.Server[] = [];
  const listen = async (name: keyof typeof urls, handle?: Handler) => {
    const l = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      if (handle) server.emit('connection', socket); // else: accepted, never answered
    });
    await new Promise<void>((r) => l.listen(0, '127.0.0.1', r));
    const port = (l.address() as net.AddressInfo).port;
    if (handle) handlers.set(port, { name, handle });
    urls[name] = `http://127.0.0.1:${port}/`;
    listeners.push(l);
  };
  await listen('site', site);
  await listen('other', other);
  await listen('bombHome', bombHome);
  await listen('calendar', calendar);
  await listen('silent');
  return {
    ...urls,
    count: (s, method, path) => requests.get(`${s} ${method} ${path}`) ?? 0,
    bytesSent,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(listeners.map((l) => new Promise((r) => l.close(r))));
      server.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startHostileSites();
  console.log(JSON.stringify({ site: s.site, other: s.other, bombHome: s.bombHome, calendar: s.calendar, silent: s.silent }, null, 1));
}
