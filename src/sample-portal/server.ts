// HTTP servers for the sample portal: the portal itself (127.0.0.1 and/or [::1], one port) and a
// small "external site" on 127.0.0.1 that the portal links to (ok / gone / bot-blocked / 429-then-ok
// / HEAD-405 pages, plus the conac, jiucuo, beian and friendly-link targets).
// Every request is counted by "METHOD path", so tests can check that each URL is fetched once.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { makePdf } from './assets.ts';
import { generatePortal, withOrigin, type GenerateOptions, type Portal, type Resource } from './generate.ts';
import type { Manifest } from './manifest.ts';
import { Revisions, notModified } from './revisions.ts';

export type HostChoice = '127.0.0.1' | '::1' | 'both';

export interface SamplePortalOptions extends GenerateOptions {
  /** where to listen (default 'both': 127.0.0.1 and ::1 on the same port) */
  host?: HostChoice;
  /** 0 = any free port (default) */
  port?: number;
  /** port of the external site on 127.0.0.1 (0 = any free port, default); ignored when `external` is given */
  externalPort?: number;
}

export interface ExternalSite {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** requests by "METHOD path" (empty when the external site was given by the caller) */
  requests: Map<string, number>;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface SamplePortal {
  /** http://127.0.0.1:PORT (http://[::1]:PORT when listening on ::1 only); no trailing slash */
  url: string;
  /** http://[::1]:PORT */
  urlV6: string;
  port: number;
  manifest: Manifest;
  portal: Portal;
  external: ExternalSite;
  /** requests by "METHOD path+query" */
  requests: Map<string, number>;
  /** Pages revised or removed between runs, and the validators served (incremental re-audits). */
  revisions: Revisions;
  /** Bytes the portal's server has written to its sockets (headers and bodies), since start or resetCounts. */
  bytesSent(): number;
  resetCounts(): void;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const COMPRESSIBLE = /^(text\/|application\/(xml|javascript|json))/;

const SPIDER_UA = /Baiduspider|Sogou web spider|360Spider|YisouSpider|bingbot|Googlebot/i;
const SEARCH_REFERER = /^https?:\/\/([a-z0-9-]+\.)*(baidu\.com|sogou\.com|so\.com|sm\.cn)\//i;

function count(map: Map<string, number>, req: http.IncomingMessage, prefix = ''): number {
  const key = `${prefix}${req.method} ${req.url}`;
  const n = (map.get(key) ?? 0) + 1;
  map.set(key, n);
  return n;
}

function wantsGzip(req: http.IncomingMessage): boolean {
  const ae = req.headers['accept-encoding'];
  if (typeof ae !== 'string') return false;
  return ae.split(',').some((p) => {
    const [name, ...params] = p.trim().split(';');
    if (name.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

function originOf(req: http.IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:\[\]]+$/.test(host) ? `http://${host}` : fallback;
}

/** The request handler of the portal: pre-generated resources, dynamic pages, gzip, ETag, HEAD. */
export function createPortalHandler(portal: Portal, requests: Map<string, number>, fallbackOrigin: () => string, revisions = new Revisions(portal)): Handler {
  const get = (path: string) => revisions.current(path);
  const gzCache = new WeakMap<Resource, Buffer>();
  const etagCache = new WeakMap<Resource, string>();
  const templatedCache = new Map<string, { src: Resource; res: Resource }>();

  const lookup = (url: string, method: string): Resource | undefined => {
    const dyn = portal.dynamic(url, method);
    if (dyn) return dyn;
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    let r = get(url);
    if (r) return r;
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (q >= 0 && path !== '/calendar.html') {
      // like a static web server: an unknown query on a static file is ignored
      r = get(path);
      if (r) return r;
    }
    if (path.endsWith('/')) {
      r = get(path + 'index.html');
      if (r) return r;
    } else if (!path.slice(path.lastIndexOf('/') + 1).includes('.') && get(path + '/index.html')) {
      const body = Buffer.from(`<html><head><title>301 Moved Permanently</title></head><body><h1>301 Moved Permanently</h1></body></html>\n`);
      return { status: 301, headers: { location: path + '/', 'content-type': 'text/html', 'content-length': String(body.length) }, body };
    }
    return undefined;
  };

  return (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    // The hacked homepage's double life (integrity plants): counted apart, so "one request per
    // URL" still holds for the crawl.
    const home = (url === '/' || url === '/index.html') && (method === 'GET' || method === 'HEAD');
    const asSpider = SPIDER_UA.test(String(req.headers['user-agent'] ?? ''));
    const asSearch = !asSpider && SEARCH_REFERER.test(String(req.headers.referer ?? ''));
    count(requests, req, asSpider ? 'SPIDER ' : asSearch ? 'SEARCH ' : '');
    const spider = home && asSpider;
    const fromSearch = home && asSearch;
    // drain any request body
    req.resume();
    if (fromSearch) {
      res.writeHead(302, { server: 'nginx', location: portal.cloaked.searchRedirect, 'content-length': '0' });
      res.end();
      return;
    }
    let r = spider ? portal.cloaked.spiderHome : lookup(url, method);
    if (!r) {
      if (method !== 'GET' && method !== 'HEAD' && portal.resources.has(url.split('?')[0])) {
        const body = Buffer.from('405 Method Not Allowed\n');
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain', 'content-length': String(body.length) });
        res.end(body);
        return;
      }
      r = portal.notFound;
    }
    if (r.templated) {
      const origin = originOf(req, fallbackOrigin());
      const key = `${url} ${origin}`;
      let t = templatedCache.get(key);
      if (!t || t.src !== r) {
        t = { src: r, res: withOrigin(r, origin) };
        if (templatedCache.size > 64) templatedCache.clear();
        templatedCache.set(key, t);
      }
      r = t.res;
    }
    const headers: Record<string, string> = { server: 'nginx', ...r.headers };
    let body = r.body;
    const mode = revisions.validators;
    if (mode === 'none' || mode === 'etag') delete headers['last-modified'];
    // Set before a 304 is decided: a 304 repeats the Vary its 200 would send.
    if (COMPRESSIBLE.test(r.headers['content-type'] ?? '')) headers.vary = 'Accept-Encoding';
    if (r.status === 200) {
      let etag: string | undefined;
      if (mode === 'both' || mode === 'etag') {
        etag = etagCache.get(r);
        if (!etag) {
          etag = `"${createHash('sha1').update(r.body).digest('hex').slice(0, 16)}"`;
          etagCache.set(r, etag);
        }
        headers.etag = etag;
      }
      if ((method === 'GET' || method === 'HEAD') && notModified(req, etag, headers['last-modified'])) {
        res.writeHead(304, notModifiedHeaders(headers, etag));
        res.end();
        return;
      }
    }
    const type = r.headers['content-type'] ?? '';
    if (COMPRESSIBLE.test(type)) {
      if (wantsGzip(req) && body.length > 200) {
        let gz = gzCache.get(r);
        if (!gz) {
          gz = gzipSync(body, { level: 6 });
          gzCache.set(r, gz);
        }
        body = gz;
        headers['content-encoding'] = 'gzip';
        headers['content-length'] = String(gz.length);
      }
    }
    res.writeHead(r.status, headers);
    if (method === 'HEAD') res.end();
    else res.end(body);
  };
}

/**
 * A lean 304, as RFC 9110 §15.4.5 asks: of what the 200 would carry, only Date (Node adds it),
 * ETag, Vary, Cache-Control, Expires and Content-Location, and Last-Modified only when there is
 * no ETag (it "might be useful if the response does not have an ETag field"); no other
 * representation metadata, and no Server banner. Many real servers send a few fields more
 * (nginx adds Server and Last-Modified): the re-audit benchmark's bytes are measured against
 * this lean answer.
 */
export function notModifiedHeaders(full: Record<string, string>, etag: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (etag) out.etag = etag;
  else if (full['last-modified']) out['last-modified'] = full['last-modified'];
  for (const k of ['vary', 'cache-control', 'expires', 'content-location']) if (full[k]) out[k] = full[k];
  return out;
}

function page(title: string, body: string): Buffer {
  return Buffer.from(
    `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>\n`,
  );
}

/** The request handler of the external site. `requests` counts; a path's first request decides 429. */
export function createExternalHandler(requests: Map<string, number>): Handler {
  const pdf = makePdf('External manual');
  const send = (res: http.ServerResponse, method: string, status: number, type: string, body: Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'content-length': String(body.length), ...extra });
    if (method === 'HEAD') res.end();
    else res.end(body);
  };
  return (req, res) => {
    count(requests, req);
    req.resume();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    const html = 'text/html; charset=utf-8';
    let pathCount = 0;
    for (const [k, v] of requests) if (k.slice(k.indexOf(' ') + 1).split('?')[0] === path) pathCount += v;
    switch (path) {
      case '/ok.html':
        return send(res, method, 200, html, page('全国渔业政务服务平台', '<p>欢迎访问。</p>'));
      case '/gone.html':
        return send(res, method, 404, html, page('404 Not Found', '<p>页面不存在。</p>'));
      case '/bot.html':
        return send(res, method, 403, html, page('访问被拦截', '<p>您的访问被网站安全防护系统拦截（疑似自动化程序）。如有疑问请联系网站管理员。</p>'));
      case '/slow429.html':
        if (pathCount <= 1) return send(res, method, 429, html, page('429 Too Many Requests', '<p>请求过于频繁，请稍后再试。</p>'), { 'retry-after': '1' });
        return send(res, method, 200, html, page('渔船动态监控服务平台', '<p>欢迎访问。</p>'));
      case '/head405.pdf':
        if (method === 'HEAD') {
          res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain', 'content-length': '0' });
          return res.end();
        }
        return send(res, method, 200, 'application/pdf', pdf);
    }
    if (/^\/(conac|jiucuo|beian|links)\//.test(path)) {
      const titles: Record<string, string> = {
        conac: '党政机关网站标识 · 网站信息',
        jiucuo: '我为政府网站找错',
        beian: '备案信息查询',
        links: '外部网站',
      };
      const k = path.split('/')[1];
      return send(res, method, 200, html, page(titles[k], '<p>示例页面。</p>'));
    }
    return send(res, method, 404, html, page('404 Not Found', ''));
  };
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, ipv6Only: host === '::1' });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function newServer(handler: Handler): http.Server {
  const s = http.createServer({ keepAliveTimeout: 5000 }, handler);
  s.on('clientError', (_e, socket) => socket.destroy());
  return s;
}

/** Start the external site on 127.0.0.1 (port 0 = any). */
export async function startExternalSite(opts: { port?: number } = {}): Promise<ExternalSite> {
  const requests = new Map<string, number>();
  const server = newServer(createExternalHandler(requests));
  const port = await listen(server, '127.0.0.1', opts.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    resetCounts: () => requests.clear(),
    close: () => closeServer(server),
  };
}

/** Generate the portal and serve it (plus an external site unless `external` is given). */
export async function startSamplePortal(opts: SamplePortalOptions = {}): Promise<SamplePortal> {
  const host = opts.host ?? 'both';
  let external: ExternalSite;
  if (opts.external) {
    const url = opts.external.replace(/\/+$/, '');
    external = {
      url,
      port: Number(new URL(url).port) || 80,
      requests: new Map(),
      resetCounts() {},
      close: async () => {},
    };
  } else {
    external = await startExternalSite({ port: opts.externalPort });
  }
  const portal = generatePortal({ ...opts, external: external.url });
  const requests = new Map<string, number>();
  let port = 0;
  const fallback = () => `http://127.0.0.1:${port}`;
  const revisions = new Revisions(portal);
  const handler = createPortalHandler(portal, requests, fallback, revisions);
  const servers: http.Server[] = [];
  // Bytes written, counted per socket (headers included): what a run cost the site's server.
  const sockets = new Set<import('node:net').Socket>();
  let closedBytes = 0;
  let bytesBase = 0;
  const watch = (s: http.Server) => {
    s.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => {
        closedBytes += sock.bytesWritten;
        sockets.delete(sock);
      });
    });
    return s;
  };
  const bytesSent = () => {
    let n = closedBytes;
    for (const s of sockets) n += s.bytesWritten;
    return n - bytesBase;
  };
  try {
    if (host === '::1') {
      const s = watch(newServer(handler));
      port = await listen(s, '::1', opts.port ?? 0);
      servers.push(s);
    } else if (host === '127.0.0.1') {
      const s = watch(newServer(handler));
      port = await listen(s, '127.0.0.1', opts.port ?? 0);
      servers.push(s);
    } else {
      // same port on both families; retry when the v6 side of a random v4 port is taken
      for (let attempt = 0; ; attempt++) {
        const s4 = watch(newServer(handler));
        const p = await listen(s4, '127.0.0.1', opts.port ?? 0);
        const s6 = watch(newServer(handler));
        try {
          await listen(s6, '::1', p);
          servers.push(s4, s6);
          port = p;
          break;
        } catch (e) {
          await closeServer(s4);
          if (opts.port || attempt >= 20) throw e;
        }
      }
    }
  } catch (e) {
    await external.close();
    throw e;
  }
  const url4 = `http://127.0.0.1:${port}`;
  const url6 = `http://[::1]:${port}`;
  return {
    url: host === '::1' ? url6 : url4,
    urlV6: url6,
    port,
    manifest: portal.manifest,
    portal,
    external,
    requests,
    revisions,
    bytesSent,
    resetCounts() {
      requests.clear();
      external.resetCounts();
      bytesBase += bytesSent();
    },
    async close() {
      await Promise.all(servers.map(closeServer));
      await external.close();
    },
  };
}
