/** A small real HTTP server on loopback for tests: a table of routes (exact paths, or prefixes ending in *), and a count of requests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
export type Route = string | { status?: number; headers?: Record<string, string>; body?: string | Buffer } | Handler;

export interface TestServer {
  url: string;
  port: number;
  requests: Map<string, number>;
  count(method: string, path: string): number;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route>, host = '127.0.0.1'): Promise<TestServer> {
  const requests = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    // A key ending in * matches every path under it (generated URL spaces: calendars, traps).
    const route = routes[req.url ?? '/'] ?? Object.entries(routes).find(([k]) => k.endsWith('*') && (req.url ?? '/').startsWith(k.slice(0, -1)))?.[1];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end('<html><title>404</title>not found</html>');
    }
    if (typeof route === 'function') return route(req, res);
    if (typeof route === 'string') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(req.method === 'HEAD' ? undefined : route);
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...route.headers });
    res.end(req.method === 'HEAD' ? undefined : route.body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${h}:${port}`,
    port,
    requests,
    count: (method, path) => requests.get(`${method} ${path}`) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
