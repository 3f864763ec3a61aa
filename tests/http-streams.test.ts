/**
 * Every body read ends (src/gather/http.ts readCapped): a body cut off by a reset, stalled, sent
 * one byte at a time, endless, shorter than its Content-Length, a compressed stream that breaks
 * off or is corrupt, a compression bomb, and a server that accepts and never answers — each
 * settles within the request's deadline as a result or an error for that URL, in words.
 * Before, a gzip body that broke off left the decoder waiting for an end that never came.
 */
import net from 'node:net';
import zlib from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { NameResolver } from '../src/gather/dns.ts';
import { Fetcher, type Hop } from '../src/gather/http.ts';

const TIMEOUT_MS = 3000;
const page = Buffer.from(`<html><title>压缩页面</title>${'<p>通知公告</p>'.repeat(20_000)}</html>`);
const gz = zlib.gzipSync(page);
const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
const html = { 'content-type': 'text/html; charset=utf-8' };
const gzipped = { ...html, 'content-encoding': 'gzip' };

/** Writes `next()` until the response closes, respecting backpressure. */
const forever = (res: ServerResponse, next: () => string | Buffer, everyMs = 0) => {
  let stop = false;
  res.on('close', () => (stop = true));
  const tick = () => {
    if (stop) return;
    if (everyMs) return void (res.write(next()), setTimeout(tick, everyMs));
    if (res.write(next())) setImmediate(tick);
    else res.once('drain', tick);
  };
  tick();
};

let srv: TestServer;
let silent: net.Server;
let silentUrl: string;
const hops = new Map<string, { hop: Hop; ms: number }>();

beforeAll(async () => {
  srv = await startServer({
    '/gzip-reset': (req, res) => {
      res.writeHead(200, gzipped);
      res.write(gz.subarray(0, gz.length >> 1), () => setTimeout(() => req.socket.resetAndDestroy(), 50));
    },
    '/gzip-stall': (_req, res) => {
      res.writeHead(200, gzipped);
      res.write(gz.subarray(0, gz.length >> 1));
    },
    '/gzip-cut': (_req, res) => {
      res.writeHead(200, gzipped);
      res.end(gz.subarray(0, gz.length >> 1));
    },
    '/gzip-garbage': { headers: gzipped, body: 'this is not gzip' },
    '/bomb': { headers: gzipped, body: bomb },
    '/endless': (_req, res) => {
      res.writeHead(200, html);
      forever(res, () => '<p>没完没了</p>'.repeat(1000));
    },
    '/slowloris': (_req, res) => {
      res.writeHead(200, html);
      forever(res, () => 'x', 200);
    },
    '/length-long': (req, res) => {
      res.writeHead(200, { ...html, 'content-length': '100000' });
      res.write('<html><title>比声明的短</title>', () => setTimeout(() => req.socket.destroy(), 50));
    },
    '/hang*': () => undefined, // headers never sent
    '/ok-later*': (_req, res) => void setTimeout(() => res.writeHead(200, html).end('<html><title>稍后应答</title></html>'), 300),
    '/length-short': (req) => {
      req.socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\r\n<html><title>declared 13 bytes, sent more</title></html>');
    },
  });
  silent = net.createServer(() => undefined); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`;
  // Two clients: the cases that must end at the deadline get a short one; the others a long one,
  // so that a loaded machine cannot turn a reset or a bomb into a timeout.
  const base = { ...parseConfig({}).crawl, retries: 0, maxBodyBytes: 1024 * 1024 };
  const quick = new Fetcher({ crawl: { ...base, timeoutMs: TIMEOUT_MS }, resolver: new NameResolver() });
  const patient = new Fetcher({ crawl: { ...base, timeoutMs: 60_000 }, resolver: new NameResolver() });
  try {
    const slow = ['/gzip-stall', '/slowloris'];
    const fast = ['/gzip-reset', '/gzip-cut', '/gzip-garbage', '/bomb', '/endless', '/length-long', '/length-short'];
    await Promise.all(
      [...slow.map((p) => [quick, srv.url + p] as const), [quick, silentUrl] as const, ...fast.map((p) => [patient, srv.url + p] as const)].map(async ([f, u]) => {
        const t = performance.now();
        const hop = await f.hop(u);
        hops.set(u === silentUrl ? 'silent' : u.slice(srv.url.length), { hop, ms: performance.now() - t });
      }),
    );
  } finally {
    await Promise.all([quick.close(), patient.close()]);
  }
}, 120_000);

afterAll(async () => {
  await srv?.close();
  silent?.close();
});

const hop = (k: string) => hops.get(k)!.hop;

describe('every body read settles', () => {
  it('a gzip body cut off by a reset is that URL’s error: 连接中断', () => {
    expect(hop('/gzip-reset')).toMatchObject({ status: 200, errorCode: 'ECONNRESET' });
    expect(hop('/gzip-reset').body).toBeUndefined();
    expect(hop('/gzip-reset').error).toMatch(/^连接中断，页面未传完/);
  });

  it('a stalled gzip body, a slowloris body and a silent server end at the deadline, in words', () => {
    // Headers sent, body never complete: 未传完. (A machine too loaded to deliver even the
    // headers in time makes it 无应答 — the same deadline, worded for what arrived.)
    for (const k of ['/gzip-stall', '/slowloris']) {
      expect(hop(k).errorCode, k).toBe('ETIMEDOUT');
      expect(hop(k).error, k).toMatch(hop(k).status === 200 ? /^在 3 秒内未传完，只收到 \d+ 字节 \(body not complete within 3 s\)$/ : /^在 3 秒内无应答/);
    }
    // One byte every 200 ms never trips an idle timeout: the deadline is for the whole answer.
    expect(hop('silent')).toMatchObject({ status: 0, errorCode: 'ETIMEDOUT', error: '在 3 秒内无应答' });
    for (const k of ['/gzip-stall', '/slowloris', 'silent']) expect(hops.get(k)!.ms, k).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('a gzip stream that ends early or is not gzip is a decoding error, not a page', () => {
    for (const k of ['/gzip-cut', '/gzip-garbage']) {
      expect(hop(k), k).toMatchObject({ status: 200, errorCode: 'EBADCONTENT' });
      expect(hop(k).body, k).toBeUndefined();
      expect(hop(k).error, k).toMatch(/^gzip 压缩数据损坏或不完整，无法解压/);
    }
  });

  it('a compression bomb and an endless body are cut at the cap, and say which', () => {
    expect(hop('/bomb')).toMatchObject({ status: 200, truncated: true });
    expect(hop('/bomb').body!.length).toBe(1024 * 1024);
    expect(hop('/bomb').truncation).toMatch(/^解压后超过上限 1 MB，只检查了前 1 MB（收到 [\d.]+ MB 压缩数据，疑似压缩炸弹）/);
    expect(hop('/endless')).toMatchObject({ status: 200, truncated: true });
    expect(hop('/endless').body!.length).toBe(1024 * 1024);
    expect(hop('/endless').truncation).toMatch(/^页面超过上限 1 MB/);
  });

  it('Content-Length longer than the body is a cut-off; shorter is read as declared, as a browser does', () => {
    expect(hop('/length-long')).toMatchObject({ status: 200, errorCode: 'UND_ERR_SOCKET' });
    expect(hop('/length-long').error).toMatch(/^连接中断，页面未传完/);
    expect(hop('/length-short')).toMatchObject({ status: 200, body: Buffer.from('<html><title>') });
    expect(hop('/length-short').error).toBeUndefined();
  });
});

describe('the deadline of a request starts when it has a connection', () => {
  it('requests queued behind a host’s stalled connections are answered; the stalls end at their own deadline', async () => {
    // Two connections to the host, both held by requests that never get an answer; five more
    // requests wait for them. Their deadline starts once they are sent, so they are answered
    // (each in 300 ms) after the stalls end — not timed out for the time they waited.
    const f = new Fetcher({ crawl: { ...parseConfig({}).crawl, retries: 0, perHost: 2, timeoutMs: TIMEOUT_MS }, resolver: new NameResolver() });
    try {
      const t = performance.now();
      const stalls = ['/hang?1', '/hang?2'].map(async (p) => ({ hop: await f.hop(srv.url + p), ms: performance.now() - t }));
      await new Promise((r) => setTimeout(r, 100));
      const queued = [1, 2, 3, 4, 5].map((i) => f.hop(`${srv.url}/ok-later?${i}`));
      await new Promise((r) => setTimeout(r, 100));
      expect(f.queuedForConnection).toBe(5);
      for (const s of await Promise.all(stalls)) {
        expect(s.hop).toMatchObject({ status: 0, errorCode: 'ETIMEDOUT', error: '在 3 秒内无应答' });
        expect(s.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      }
      for (const h of await Promise.all(queued)) {
        expect(h.error, h.url).toBeUndefined();
        expect(h).toMatchObject({ status: 200 });
        expect(h.timingMs, h.url).toBeLessThan(TIMEOUT_MS);
      }
      expect(performance.now() - t).toBeGreaterThan(TIMEOUT_MS + 2 * 300);
      expect(f.queuedForConnection).toBe(0);
    } finally {
      await f.close();
    }
  }, 30_000);
});

describe('the deadline counts the server’s time, not the time this process was busy', () => {
  it('an answer that came on time while the event loop was blocked (parsing a big page) is read; a stall still ends', async () => {
    const f = new Fetcher({ crawl: { ...parseConfig({}).crawl, retries: 0, timeoutMs: 1500 }, resolver: new NameResolver() });
    try {
      const t = performance.now();
      const answer = f.hop(`${srv.url}/ok-later?blocked`);
      const stall = f.hop(`${srv.url}/hang?blocked`).then((hop) => ({ hop, ms: performance.now() - t }));
      // Busy for longer than the whole deadline, as a synchronous parse of a huge page is.
      await new Promise((r) => setTimeout(r, 20));
      const until = performance.now() + 2500;
      while (performance.now() < until);
      const ok = await answer;
      expect(ok.error).toBeUndefined();
      expect(ok).toMatchObject({ status: 200 });
      const s = await stall;
      expect(s.hop).toMatchObject({ status: 0, errorCode: 'ETIMEDOUT' });
      // 1.5 s of the server's time, plus the 2.5 s the process was not listening.
      expect(s.ms).toBeGreaterThanOrEqual(2500 + 1500 - 100);
      expect(s.ms).toBeLessThan(2500 + 1500 + 3000);
    } finally {
      await f.close();
    }
  }, 30_000);
});
