/**
 * Serves the accessibility agreement pages (bench/a11y-pages/*.html, .svg, .xhtml) on loopback,
 * for `npm run bench:a11y-agreement` and tests/a11y-agreement.test.ts. Two listeners: the pages
 * on 127.0.0.1, and the same files on `localhost` (another site) for the cross-origin frame.
 * Paths under /slow/ answer after `slowMs` (a frame or data that arrives late).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = dirname(fileURLToPath(import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml', '.xhtml': 'application/xhtml+xml; charset=utf-8', '.json': 'application/json' };
// A 1×1 transparent PNG.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export interface A11yPagesServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://localhost:PORT2 (another site, for the cross-origin frame) */
  crossUrl: string;
  /** Page URLs of every fixture page (index.html first). */
  pages: string[];
  close(): Promise<void>;
}

/** The fixture files a browser opens as pages (frame children are reached through their parents). */
export const PAGE_FILES = ['frames.html', 'frame-slow.html', 'frame-cross.html', 'frameset.html', 'shadow.html', 'refresh.html', 'refresh-late.html', 'inline-svg.html', 'image.svg', 'page.xhtml', 'late.html', 'fetched.html', 'clean.html'];

export async function startA11yPages(o: { slowMs?: number } = {}): Promise<A11yPagesServer> {
  const slowMs = o.slowMs ?? 2500;
  const files = new Set(readdirSync(DIR).filter((f) => TYPES[extname(f)]));
  const servers: http.Server[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let crossUrl = '';
  const handler: http.RequestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = () => {
      if (path === '/pixel.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
      if (path === '/slow/data.json') return void res.writeHead(200, { 'content-type': TYPES['.json'] }).end(JSON.stringify([{ href: '/a.html' }, { href: '/b.html' }]));
      const name = path === '/' ? 'index.html' : path.replace(/^\/(slow\/)?/, '');
      if (!files.has(name)) return void res.writeHead(404, { 'content-type': TYPES['.html'] }).end('<!doctype html><html lang="zh-CN"><title>404</title><p>not found</p></html>');
      const body = readFileSync(join(DIR, name), 'utf8').replaceAll('{{CROSS}}', crossUrl);
      res.writeHead(200, { 'content-type': TYPES[extname(name)] }).end(req.method === 'HEAD' ? undefined : body);
    };
    if (path.startsWith('/slow/')) setTimeout(send, slowMs).unref();
    else send();
  };
  const listen = async (host: string) => {
    const s = http.createServer(handler);
    s.on('connection', (c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    await new Promise<void>((r) => s.listen(0, host, r));
    servers.push(s);
    return (s.address() as AddressInfo).port;
  };
  const port = await listen('127.0.0.1');
  const crossPort = await listen('127.0.0.1');
  crossUrl = `http://localhost:${crossPort}`;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    crossUrl,
    pages: PAGE_FILES.map((f) => `${url}/${f}`),
    close: async () => {
      for (const c of sockets) c.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
