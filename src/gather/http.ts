/**
 * The one HTTP client of a run. Every request goes through here, so:
 *  - a URL is fetched at most once per method (single-flight memo), whoever asks for it;
 *  - names resolve through the run's resolver (--dns-server);
 *  - per-host politeness (crawl.perHost connections per origin) and a global limit apply;
 *  - bodies are capped, decompressed with a cap, and servers that hang time out. A request's
 *    deadline (crawl.timeoutMs, the whole answer) starts when it gets a connection: requests
 *    waiting behind a host's stalled connections wait in this fetcher's queue for that host
 *    (ConnectionSlots), never in undici's, so a stall costs its own request only;
 *  - 429/503 with Retry-After are retried after the wait; resets are retried with backoff.
 * Redirects are followed here hop by hop (each hop memoised), so chains and loops are seen.
 */
import { Agent } from 'undici';
import zlib from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import type { CrawlConfig } from '../config/schema.ts';
import { NameResolver, type Family } from './dns.ts';
import { BLOCKED_CODE, blockedHostReason } from './address-guard.ts';
import { processPacer, type HostPacer } from './pacer.ts';
import { Deadline } from './deadline.ts';
import { Interner } from './intern.ts';
import { DOCUMENT_HEADERS, keepsBody, type DocumentCache } from './document-cache.ts';
import { validatorsOf } from './page-cache.ts';

export type Method = 'GET' | 'HEAD';

export interface Hop {
  url: string;
  method: Method;
  status: number;
  headers: Record<string, string>;
  location?: string;
  body?: Buffer;
  truncated?: boolean;
  /** Why only part of the body was kept (over the cap, plain or decompressed), in words. */
  truncation?: string;
  error?: string;
  errorCode?: string;
  timingMs: number;
  bytes: number;
}

/** A URL followed through its redirects: the last hop's answer plus the way there. */
export interface FollowResult extends Omit<Hop, 'method' | 'location'> {
  finalUrl: string;
  redirects: string[];
  loop?: boolean;
  tooManyRedirects?: boolean;
  /** A redirect to here was not followed: `allow` refused it (outside the run's scope). `finalUrl` is it too. */
  stoppedAt?: string;
}

export interface FollowOptions {
  /**
   * Whether a redirect may be followed to this URL (the run's scope). When not, follow stops
   * there without contacting it and returns it as `stoppedAt`, for the caller to treat it as a
   * link: verified once, or not at all with --no-external.
   */
  allow?: (url: string) => boolean;
}

export interface FetcherOptions {
  crawl: CrawlConfig;
  resolver: NameResolver;
  family?: Family;
  /** Decides from the response headers whether a GET body is worth reading. */
  wantBody?: (contentType: string) => boolean;
  /**
   * URLs (the site's own) still fetched when their HTTPS certificate is invalid: the problem is
   * recorded (tlsProblems) and reported, and the audit goes on, as a visitor who clicks through
   * the browser's warning would. Other URLs fail with the certificate error.
   */
  tolerateTls?: (url: string) => boolean;
  /**
   * Validators from the last run for a URL (incremental re-audits): a GET of it is sent
   * conditional (If-None-Match / If-Modified-Since), and a 304 comes back without a body.
   */
  conditional?: (url: string) => { etag?: string; lastModified?: string } | undefined;
  /**
   * The site's other documents the last run kept (incremental re-audits: link targets checked
   * with a HEAD, robots.txt, sitemaps, stylesheets): asked for conditionally too, and a 304
   * answers with the stored status, headers and body. `keepDocument` says which URLs are kept.
   */
  documents?: DocumentCache;
  keepDocument?: (url: string) => boolean;
  /**
   * Spaces requests to one host by crawl.hostIntervalMs (when > 0): this process's pacer by
   * default, the fleet's shared one (Redis) in a worker.
   */
  pacer?: HostPacer;
}

/** Certificate errors (Node's codes) and what they mean to a visitor. */
/** Network errors as findings and reports word them (Chinese only: they are read by site staff). */
export const NET_ERRORS: Record<string, string> = {
  ECONNREFUSED: '连接被拒绝',
  ENOTFOUND: '域名无法解析（DNS 查无此名）',
  EAI_AGAIN: '域名解析暂时失败（DNS）',
  ECONNRESET: '连接被对方重置',
  EHOSTUNREACH: '主机不可达',
  ENETUNREACH: '网络不可达',
  EPIPE: '连接被对方关闭',
  UND_ERR_SOCKET: '连接被对方关闭',
};

export const TLS_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'HTTPS 证书已过期',
  CERT_NOT_YET_VALID: 'HTTPS 证书尚未生效',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'HTTPS 证书是自签名证书，浏览器不信任',
  SELF_SIGNED_CERT_IN_CHAIN: 'HTTPS 证书链中有自签名证书，浏览器不信任',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'HTTPS 证书链不完整（缺少中间证书）或签发机构不受信任',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'HTTPS 证书链不完整（缺少中间证书）或签发机构不受信任',
  UNABLE_TO_GET_ISSUER_CERT: 'HTTPS 证书链不完整（缺少中间证书）',
  ERR_TLS_CERT_ALTNAME_INVALID: 'HTTPS 证书与域名不符',
  CERT_REVOKED: 'HTTPS 证书已被吊销',
};

export interface TlsProblem {
  host: string;
  code: string;
  message: string;
  /** The first URL it was seen on. */
  url: string;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

export const isHtmlType = (ct: string) => !ct || /text\/html|application\/xhtml|text\/xml|application\/xml|text\/plain/i.test(ct);

export class Fetcher {
  readonly agent: Agent;
  /** Per method, by URL (the URL strings are the crawl's own: no key string per request). */
  private readonly memo = { GET: new Map<string, Promise<Hop>>(), HEAD: new Map<string, Promise<Hop>>() };
  private readonly headerStrings = new Interner();
  requests = 0;
  bytes = 0;
  /** 429/503 answers: the site asked us to slow down this many times. */
  throttled = 0;
  /** Per host: the spacing of requests after it asked us to slow down, and its next free slot. */
  private readonly pace = new Map<string, { interval: number; next: number; raisedAt: number }>();
  /** Hosts whose HTTPS certificate failed verification, by host. */
  readonly tlsProblems = new Map<string, TlsProblem>();
  private insecure?: Agent;
  /** crawl.perHost requests on the wire per origin, the rest queued here (before their deadline starts). */
  private readonly slots: ConnectionSlots;
  /** crawl.concurrency requests on the wire in all, taken after the origin's slot (so a busy host never holds up the others). */
  private readonly total: ConnectionSlots;

  /** The headers every request sends (one object for all: undici only reads it). */
  private readonly requestHeaders: Record<string, string>;

  constructor(private readonly opts: FetcherOptions) {
    const c = opts.crawl;
    this.requestHeaders = {
      'user-agent': c.userAgent,
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate, br',
      'accept-language': 'zh-CN,zh;q=0.9',
    };
    this.agent = new Agent({
      connections: c.perHost,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      // A backstop only: the request's Deadline (onceVia) ends a slow answer, counting the server's time.
      headersTimeout: c.timeoutMs * 3,
      bodyTimeout: c.timeoutMs * 3,
      connect: { lookup: opts.resolver.lookupFn(opts.family ?? 0), timeout: Math.min(c.timeoutMs, 10_000) },
    });
    this.slots = new ConnectionSlots(c.perHost);
    this.total = new ConnectionSlots(c.concurrency);
  }

  /** Requests waiting for a connection to their origin (behind crawl.perHost in flight there), for tests and progress. */
  get queuedForConnection(): number {
    return this.slots.waiting;
  }

  /** One request, no redirect following; memoised per method + URL. */
  hop(url: string, method: Method = 'GET'): Promise<Hop> {
    const memo = this.memo[method];
    let p = memo.get(url);
    if (!p) {
      p = this.hopWithRetries(url, method);
      memo.set(url, p);
    }
    return p;
  }

  /** Body caps smaller than crawl.maxBodyBytes, by URL (robots.txt: only its first 500 KiB is read). */
  private readonly caps = new Map<string, number>();

  /** Reads at most `bytes` of the body of `url` (set before it is requested). */
  capBody(url: string, bytes: number): void {
    this.caps.set(url, Math.min(bytes, this.opts.crawl.maxBodyBytes));
  }

  /** The memoised GET of a URL, if one was made. */
  peek(url: string, method: Method = 'GET'): Promise<Hop> | undefined {
    return this.memo[method].get(url);
  }

  /** Drops a hop's body once it has been parsed (memory stays flat on large sites). */
  release(url: string): void {
    const p = this.memo.GET.get(url);
    p?.then((h) => {
      h.body = undefined;
    });
  }

  /**
   * Forgets every memoised answer: called once the run has made its last request (crawl, spider
   * views, search probe), so the audits and the report do not carry a record per URL.
   */
  forgetAll(): void {
    this.memo.GET.clear();
    this.memo.HEAD.clear();
  }

  /** Forgets a memoised GET (a 304 whose stored page is gone: the page is asked again, unconditionally). */
  forget(url: string): void {
    this.memo.GET.delete(url);
  }

  /**
   * Follows redirects hop by hop; detects loops and over-long chains. A redirect to anything
   * but http(s) (file:, javascript:, data: …) is reported as an error, never followed.
   */
  async follow(url: string, method: Method = 'GET', opts: FollowOptions = {}): Promise<FollowResult> {
    const redirects: string[] = [];
    let seen: Set<string> | undefined; // made at the first redirect (most answers are not one)
    let current = url;
    let timing = 0;
    for (;;) {
      const hop = await this.hop(current, method);
      timing += hop.timingMs;
      if (hop.error || !REDIRECT.has(hop.status) || !hop.location) {
        return { url, redirects, timingMs: timing, bytes: hop.bytes, finalUrl: current, status: hop.status, headers: hop.headers, body: hop.body, truncated: hop.truncated, truncation: hop.truncation, error: hop.error, errorCode: hop.errorCode };
      }
      seen ??= new Set([url]);
      const base = { url, redirects, timingMs: timing, bytes: hop.bytes };
      let next: string;
      try {
        const u = new URL(hop.location, current);
        u.hash = '';
        next = u.href;
      } catch {
        return { ...base, finalUrl: current, status: hop.status, headers: hop.headers, error: `重定向地址无效：${hop.location.slice(0, 200)}` };
      }
      if (!/^https?:$/.test(new URL(next).protocol)) {
        const scheme = new URL(next).protocol;
        return { ...base, finalUrl: current, status: hop.status, headers: hop.headers, errorCode: 'EBADREDIRECT', error: `重定向到 ${scheme} 地址，不予跟随：${next.slice(0, 200)}` };
      }
      redirects.push(current);
      if (opts.allow && !opts.allow(next) && !seen.has(next)) {
        return { ...base, finalUrl: next, status: hop.status, headers: hop.headers, stoppedAt: next };
      }
      if (seen.has(next)) {
        return { ...base, finalUrl: next, status: hop.status, headers: hop.headers, loop: true, error: `重定向循环：${[...redirects, next].join(' → ')}` };
      }
      if (redirects.length > this.opts.crawl.maxRedirects) {
        return { ...base, finalUrl: next, status: hop.status, headers: hop.headers, tooManyRedirects: true, error: `重定向超过 ${this.opts.crawl.maxRedirects} 次` };
      }
      seen.add(next);
      current = next;
    }
  }

  /**
   * A GET as someone else (other request headers: a search engine's crawler, a visitor coming
   * from a search result), not memoised. Redirects are followed on the same host only: where a
   * page sends such a visitor to another site is the finding, and that site is not contacted.
   */
  async fetchAs(url: string, headers: Record<string, string>): Promise<FollowResult & { offsiteLocation?: string }> {
    const redirects: string[] = [];
    let current = url;
    for (let i = 0; ; i++) {
      const at = current;
      const hop = await this.once(at, 'GET', headers, await this.paceTurn(new URL(at).host));
      const base = { url, status: hop.status, headers: hop.headers, body: hop.body, truncated: hop.truncated, truncation: hop.truncation, error: hop.error, errorCode: hop.errorCode, timingMs: hop.timingMs, bytes: hop.bytes, redirects };
      if (!REDIRECT.has(hop.status) || !hop.location) return { ...base, finalUrl: current };
      let next: string;
      try {
        next = new URL(hop.location, current).href;
      } catch {
        return { ...base, finalUrl: current, error: `重定向地址无效：${hop.location.slice(0, 200)}` };
      }
      if (new URL(next).host !== new URL(current).host) return { ...base, finalUrl: current, offsiteLocation: next };
      if (i >= this.opts.crawl.maxRedirects || redirects.includes(next)) return { ...base, finalUrl: next, error: '重定向循环或次数过多' };
      redirects.push(current);
      current = next;
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
    await this.insecure?.close().catch(() => undefined);
  }

  /**
   * Waits for the host's next slot when it has asked us to slow down (a 429/503: rate limits and
   * the web application firewalls many portals sit behind). Requests to it are then spaced by
   * an interval that doubles on every further refusal (up to 4 s) and shrinks again with each
   * answer, so a throttling site is crawled slowly rather than reported broken.
   */
  private async waitTurn(host: string): Promise<void> {
    const p = this.pace.get(host);
    if (!p) return;
    const now = Date.now();
    const at = Math.max(now, p.next);
    p.next = at + p.interval;
    if (at > now) await sleep(at - now);
  }

  /** `sentAt`: refusals of requests sent before the last slow-down are the same burst, counted once. */
  private paceAfter(host: string, status: number, sentAt: number): void {
    const p = this.pace.get(host);
    if (status === 429 || status === 503) {
      this.throttled++;
      const q = p ?? { interval: 0, next: 0, raisedAt: 0 };
      if (sentAt >= q.raisedAt) {
        q.interval = Math.min(Math.max(q.interval * 2, 250), 4000);
        q.raisedAt = Date.now();
      }
      this.pace.set(host, q);
    } else if (p && status > 0) {
      p.interval = Math.floor(p.interval * 0.9);
      if (p.interval < 25) this.pace.delete(host);
    }
  }

  private async hopWithRetries(url: string, method: Method): Promise<Hop> {
    const c = this.opts.crawl;
    // The host only matters to a site that asked us to slow down, or with crawl.hostIntervalMs: not parsed otherwise.
    let hostName: string | undefined;
    const host = () => (hostName ??= new URL(url).host);
    let attempt = 0;
    for (;;) {
      if (this.pace.size) await this.waitTurn(host());
      const sent = c.hostIntervalMs ? await this.paceTurn(host()) : undefined;
      const sentAt = Date.now();
      const page = method === 'GET' ? this.opts.conditional?.(url) : undefined;
      // A document's validators, when the page cache has none for it (a GET only when its body was kept).
      const doc = !page && this.opts.keepDocument?.(url) ? this.opts.documents?.get(url) : undefined;
      const stored = doc && (method === 'HEAD' || doc.body) ? doc : undefined;
      // undici closes the connection after every HEAD (for servers that send a body to one anyway),
      // so a kept document's conditional HEAD goes as a conditional GET whose body is not read: the
      // 304 is the same bare answer, and the connection serves the next request instead of a new
      // TCP handshake per target (~4,100 on a 10,000-page re-audit). Changed since: its answer's
      // status and headers stand for the HEAD's, and the body is drained up to 16 KB or cut off.
      const hop = await this.once(url, method, conditionalHeaders(page ?? stored?.v), sent, method === 'HEAD' && stored !== undefined);
      if (this.pace.size || hop.status === 429 || hop.status === 503) this.paceAfter(host(), hop.status, sentAt);
      if (stored && hop.status === 304) return this.fromStored(hop, stored);
      if (!page && !hop.error && hop.status === 200) this.keep(url, hop);
      if (attempt >= c.retries) return hop;
      attempt++;
      if (hop.status === 429 || hop.status === 503) {
        // Asked to come back later: after Retry-After when given (if not too long), else when
        // the host's slowed pace (waitTurn) lets us.
        if (hop.headers['retry-after'] === undefined) continue;
        const waitS = retryAfterSeconds(hop.headers['retry-after']);
        if (waitS === undefined || waitS > c.maxRetryAfterS) return hop;
        await sleep(waitS * 1000);
        continue;
      }
      if (hop.errorCode && RETRY_CODES.has(hop.errorCode)) {
        await sleep(200 * attempt);
        continue;
      }
      return hop;
    }
  }

  /** A 304 to a kept document: the stored answer, with the headers the 304 brought (Date, new validators). */
  private fromStored(hop: Hop, stored: StoredDocumentWithV): Hop {
    const v = { ...stored.v, ...validatorsOf(hop.headers) };
    this.opts.documents!.touch(hop.url, v);
    const out: Hop = { ...hop, status: stored.status, headers: { ...stored.headers, ...hop.headers } };
    if (hop.method === 'GET' && stored.body) out.body = stored.body;
    return out;
  }

  /** Keeps a document's answer that came with validators (a HEAD's, or a file read whole), for the next run's conditional request. */
  private keep(url: string, hop: Hop): void {
    if (!this.opts.documents || !this.opts.keepDocument?.(url)) return;
    const v = validatorsOf(hop.headers);
    if (!v.etag && !v.lastModified) return;
    const ct = hop.headers['content-type'] ?? '';
    if (hop.method === 'GET' && (!hop.body || hop.truncated || !keepsBody(ct))) return;
    const headers: Record<string, string> = {};
    for (const k of DOCUMENT_HEADERS) if (hop.headers[k] !== undefined) headers[k] = hop.headers[k];
    this.opts.documents.save(url, v, { status: hop.status, headers, ...(hop.method === 'GET' ? { body: hop.body } : {}) });
  }

  /** The agent for a URL: the site's own hosts whose certificate failed go through one that does not verify. */
  private agentFor(url: string): Agent {
    if (!this.insecure || !this.tlsProblems.size) return this.agent;
    const host = new URL(url).host;
    return this.tlsProblems.has(host) && this.opts.tolerateTls?.(url) ? this.insecure : this.agent;
  }

  /** The host's turn under crawl.hostIntervalMs (a no-op when 0); call the result as the request goes out. */
  private async paceTurn(host: string): Promise<(() => void) | undefined> {
    const interval = this.opts.crawl.hostIntervalMs;
    if (!interval) return undefined;
    return (this.opts.pacer ?? processPacer).turn(host, interval);
  }

  /** `headAsGet`: a HEAD sent as a GET whose body is not read (see hopWithRetries). */
  private async once(url: string, method: Method, extraHeaders?: Record<string, string>, sent?: () => void, headAsGet = false): Promise<Hop> {
    let hop: Hop;
    try {
      hop = await this.onceVia(url, method, extraHeaders, this.agentFor(url), sent, headAsGet);
    } finally {
      sent?.(); // a request never sent (blocked address, an early throw) passes the turn on too
    }
    if (!hop.errorCode || !TLS_ERRORS[hop.errorCode] || !url.startsWith('https:')) return hop;
    const host = new URL(url).host;
    if (!this.tlsProblems.has(host)) this.tlsProblems.set(host, { host, code: hop.errorCode, message: TLS_ERRORS[hop.errorCode], url });
    if (!this.opts.tolerateTls?.(url)) return hop;
    const c = this.opts.crawl;
    this.insecure ??= new Agent({
      connections: c.perHost,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      // A backstop only: the request's Deadline (onceVia) ends a slow answer, counting the server's time.
      headersTimeout: c.timeoutMs * 3,
      bodyTimeout: c.timeoutMs * 3,
      connect: { lookup: this.opts.resolver.lookupFn(this.opts.family ?? 0), timeout: Math.min(c.timeoutMs, 10_000), rejectUnauthorized: false },
    });
    const again = await this.paceTurn(host); // the same request once more, without verification: a send of its own
    try {
      return await this.onceVia(url, method, extraHeaders, this.insecure, again, headAsGet);
    } finally {
      again?.();
    }
  }

  private async onceVia(url: string, method: Method, extraHeaders: Record<string, string> | undefined, dispatcher: Agent, sent?: () => void, headAsGet = false): Promise<Hop> {
    const c = this.opts.crawl;
    // Parsed once here, for the guard, the origin's slot and undici (which would parse the string again).
    const u = new URL(url);
    // An address literal is connected to without a lookup, so the resolver's guard cannot see it.
    const blocked = blockedHostReason(u.hostname);
    if (blocked) return { url, method, status: 0, headers: {}, error: blocked, errorCode: BLOCKED_CODE, timingMs: 0, bytes: 0 };
    const origin = u.origin;
    // Wait for one of the origin's perHost connections first: the deadline below starts once
    // the request has one (undici's own pool would queue it, with its deadline running).
    const freeHost = await this.slots.take(origin);
    const freeTotal = await this.total.take('');
    const free = () => {
      freeTotal();
      freeHost();
    };
    this.requests++;
    const dispatched = performance.now();
    // The whole answer within crawl.timeoutMs of the server's time (see deadline.ts).
    const deadline = new Deadline(c.timeoutMs);
    try {
      // The dispatcher's own request() (what undici.request calls), given the parts it would take from the URL.
      const pending = dispatcher.request({
        origin,
        path: u.pathname + u.search,
        method: headAsGet ? 'GET' : method,
        headers: extraHeaders ? { ...this.requestHeaders, ...extraHeaders } : this.requestHeaders,
        signal: deadline.signal,
      });
      sent?.(); // the request is on its way: the host's spacing counts from here
      const res = await pending;
      const headers = flatHeaders(res.headers, this.headerStrings);
      const hop: Hop = { url, method, status: res.statusCode, headers, timingMs: 0, bytes: 0 };
      if (headers.location) hop.location = headers.location;
      const ct = headers['content-type'] ?? '';
      const wantBody = method === 'GET' && !REDIRECT.has(res.statusCode) && res.statusCode !== 304 && (this.opts.wantBody ?? isHtmlType)(ct);
      if (wantBody) {
        const read = await readCapped(res.body, headers['content-encoding'], this.caps.get(url) ?? c.maxBodyBytes, c.timeoutMs);
        hop.bytes = read.raw;
        if (read.error) {
          // A body that broke off is that URL's failure (status kept), never a page read as whole.
          hop.error = read.error;
          hop.errorCode = read.errorCode;
        } else {
          hop.body = read.body;
          hop.truncated = read.truncated;
          if (read.truncation) hop.truncation = read.truncation;
        }
      } else {
        // dump() drains small bodies so the keep-alive connection is reused, else closes it.
        await res.body.dump({ limit: headAsGet ? 16 * 1024 : 128 * 1024 }).catch(() => undefined);
      }
      this.bytes += hop.bytes;
      hop.timingMs = Math.round(performance.now() - dispatched);
      return hop;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      // The deadline aborts with a DOMException whose `code` is the number 23: its name tells.
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError';
      const code = timedOut ? 'ETIMEDOUT' : String(e.cause?.code ?? e.code ?? e.name);
      return { url, method, status: 0, headers: {}, error: describeError(code, e, c.timeoutMs), errorCode: code, timingMs: Math.round(performance.now() - dispatched), bytes: 0 };
    } finally {
      deadline.clear();
      free();
    }
  }
}

type StoredDocumentWithV = NonNullable<ReturnType<DocumentCache['get']>>;

function conditionalHeaders(v: { etag?: string; lastModified?: string } | undefined): Record<string, string> | undefined {
  if (!v) return undefined;
  const h: Record<string, string> = {};
  if (v.etag) h['if-none-match'] = v.etag;
  if (v.lastModified) h['if-modified-since'] = v.lastModified;
  return h;
}

/**
 * Connections per origin: at most `perOrigin` requests on the wire to one origin, the others
 * waiting in turn (first come, first served). The agent's pool has as many connections, so a
 * request that holds a slot always finds a connection free and is dispatched at once.
 */
export class ConnectionSlots {
  private readonly busy = new Map<string, number>();
  private readonly queues = new Map<string, (() => void)[]>();
  waiting = 0;

  constructor(private readonly perOrigin: number) {}

  /** Resolves with `free` (call it exactly once, when the answer is read or abandoned) once the origin has a free connection. */
  async take(origin: string): Promise<() => void> {
    const n = this.busy.get(origin) ?? 0;
    if (n < this.perOrigin) this.busy.set(origin, n + 1);
    else {
      this.waiting++;
      // The slot is handed over by free() (busy stays counted), so no newcomer can overtake.
      await new Promise<void>((resolve) => {
        let q = this.queues.get(origin);
        if (!q) this.queues.set(origin, (q = []));
        q.push(resolve);
      });
      this.waiting--;
    }
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const q = this.queues.get(origin);
      const next = q?.shift();
      if (q && !q.length) this.queues.delete(origin);
      if (next) return next();
      const left = (this.busy.get(origin) ?? 1) - 1;
      if (left > 0) this.busy.set(origin, left);
      else this.busy.delete(origin);
    };
  }
}

/**
 * Header names and values kept once each (`strings`: one per run's Fetcher): every answer is
 * memoised for the run (a URL is asked once), and most of what 50,000 answers say is the same
 * few strings (Server, Content-Type, Vary, Connection, the Date of the same second). ETags are
 * one a URL: not worth a table entry.
 */
function flatHeaders(h: Record<string, string | string[] | undefined>, strings: Interner): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(h)) {
    if (raw === undefined) continue;
    const name = strings.str(k.toLowerCase());
    const v = Array.isArray(raw) ? raw.join(', ') : raw;
    out[name] = name === 'etag' ? v : strings.str(v);
  }
  return out;
}

/** The one wording of a timeout, in findings, logs and reports. */
export function noAnswerWithin(timeoutMs: number): string {
  const s = Math.round(timeoutMs / 100) / 10;
  return `在 ${s} 秒内无应答`;
}

function describeError(code: string | undefined, e: Error, timeoutMs: number): string {
  switch (code) {
    case 'ETIMEDOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'TimeoutError':
    case 'AbortError':
      return noAnswerWithin(timeoutMs);
    case BLOCKED_CODE:
      return e.cause instanceof Error ? e.cause.message : e.message;
    case undefined:
      return `请求出错：${e.cause instanceof Error ? e.cause.message : e.message}`;
    default:
      if (NET_ERRORS[code]) return NET_ERRORS[code];
      if (TLS_ERRORS[code]) return `${TLS_ERRORS[code]}（${code}）`;
      return `请求出错（${code}）：${e.cause instanceof Error ? e.cause.message : e.message}`;
  }
}

export interface BodyRead {
  body: Buffer;
  /** Only part of the body was kept (`truncation` says why). */
  truncated: boolean;
  truncation?: string;
  /** Bytes received (compressed, as sent). */
  raw: number;
  /** The body broke off (reset, stall, deadline) or could not be decompressed: the answer is unusable. */
  error?: string;
  errorCode?: string;
}

const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;

/**
 * Reads a body up to `max` decoded bytes; decompresses gzip/deflate/br with the same cap. It
 * always settles: the decoder is joined to the body with pipeline(), so a body that errors
 * (a reset, the request's deadline, undici's idle timeout) ends the read with that error instead
 * of leaving the decoder waiting for an end that never comes (a promise that never settles, the
 * process exiting 13). `timeoutMs` only words the deadline; the request's signal enforces it.
 */
export async function readCapped(body: Readable, encoding: string | undefined, max: number, timeoutMs: number): Promise<BodyRead> {
  const enc = (encoding ?? '').trim().toLowerCase();
  let raw = 0;
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
  if (enc === 'gzip' || enc === 'x-gzip') decoder = zlib.createGunzip();
  else if (enc === 'deflate') decoder = zlib.createInflate();
  else if (enc === 'br') decoder = zlib.createBrotliDecompress();
  if (decoder)
    body.on('data', (chunk: Buffer) => {
      raw += chunk.length;
    });
  // pipeline destroys both streams when either fails or the reader stops early; its callback
  // only observes (the error reaches the loop below through the decoder).
  const source: Readable = decoder ? (pipeline(body, decoder, () => undefined) as unknown as Readable) : body;
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let failure: unknown;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (!decoder) raw += chunk.length;
      size += chunk.length;
      if (size > max) {
        chunks.push(chunk.subarray(0, chunk.length - (size - max)));
        truncated = true;
        break; // leaving the loop destroys the source (and, through pipeline, the body)
      }
      chunks.push(chunk);
    }
  } catch (err) {
    failure = err;
  } finally {
    if (truncated || failure !== undefined) {
      // Stopped early or failed: the connection is not reused (a whole body leaves it alive).
      body.on('error', () => undefined);
      if (!body.destroyed) body.destroy();
      decoder?.destroy();
    }
  }
  const out: BodyRead = { body: Buffer.concat(chunks), truncated, raw };
  if (truncated) {
    out.truncation = decoder
      ? `解压后超过上限 ${mb(max)}，只检查了前 ${mb(max)}（收到 ${mb(raw)} 压缩数据，疑似压缩炸弹）(decompressed body over the ${mb(max)} limit: truncated)`
      : `页面超过上限 ${mb(max)}，只检查了前 ${mb(max)} (body larger than ${mb(max)}: truncated)`;
  }
  if (failure !== undefined) Object.assign(out, bodyFailure(failure, enc, timeoutMs, size));
  return out;
}

/** Why a body did not arrive whole, in words, with a code (resets are retried by hopWithRetries). */
function bodyFailure(err: unknown, enc: string, timeoutMs: number, got: number): { error: string; errorCode: string } {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = String(e.code ?? e.cause?.code ?? e.name);
  const s = Math.round(timeoutMs / 100) / 10;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_ABORTED')
    return { errorCode: 'ETIMEDOUT', error: `在 ${s} 秒内未传完，只收到 ${got} 字节 (body not complete within ${s} s)` };
  if (/^(Z_|ERR_BROTLI|ERR__ERROR)/.test(code))
    return { errorCode: 'EBADCONTENT', error: `${enc} 压缩数据损坏或不完整，无法解压 (corrupt or incomplete ${enc} body: ${e.message})` };
  return { errorCode: RETRY_CODES.has(code) ? code : 'ECONNRESET', error: `连接中断，页面未传完，只收到 ${got} 字节 (connection cut off mid-body: ${code})` };
}

export function retryAfterSeconds(v: string): number | undefined {
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - Date.now()) / 1000));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
