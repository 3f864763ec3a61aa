/**
 * One probe: a GET of a URL over one address family (IPv4 or IPv6), on a fresh connection,
 * following redirects, timed until the last byte. The availability command and the IPv6
 * homepage success rate both measure with this, so "loaded" means the same in both places.
 */
import { BLOCKED_CODE, blockedUrlReason } from '../gather/address-guard.ts';
import { Agent, request } from 'undici';
import net from 'node:net';
import { readCapped } from '../gather/http.ts';
import type { LookupFunction } from 'node:net';
import type { NameResolver } from '../gather/dns.ts';

export interface ProbeOptions {
  family: 4 | 6;
  resolver: NameResolver;
  /** The page must have loaded within this time (default 15 s, the inspection's limit). */
  timeoutMs?: number;
  userAgent?: string;
  /** Keep the (decoded) body, for content comparison. */
  keepBody?: boolean;
  maxRedirects?: number;
  maxBodyBytes?: number;
}

export interface ProbeResult {
  url: string;
  finalUrl: string;
  family: 4 | 6;
  /** ISO time the probe started. */
  at: string;
  /** HTTP status of the last answer; 0 when none came. */
  status: number;
  /** Time from start to the last byte of the final answer (ms). */
  loadMs: number;
  /** The address connected to (last hop). */
  address?: string;
  error?: string;
  errorCode?: string;
  contentType?: string;
  body?: Buffer;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

export async function probeOnce(url: string, o: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  const at = new Date().toISOString();
  const started = performance.now();
  let address: string | undefined;
  const base = o.resolver.lookupFn(o.family);
  const lookup = ((host: string, opts: object, cb: (...a: unknown[]) => void) =>
    (base as unknown as (h: string, o: object, c: (...a: unknown[]) => void) => void)(host, opts, (err: unknown, addr: unknown, fam: unknown) => {
      if (!err) address = Array.isArray(addr) ? (addr[0] as { address: string }).address : (addr as string);
      cb(err, addr, fam);
    })) as unknown as LookupFunction;
  // A fresh agent: each probe opens its own connection, as a monitoring probe does.
  const agent = new Agent({ connections: 1, pipelining: 0, keepAliveTimeout: 1, connect: { lookup, timeout: timeoutMs } });
  const signal = AbortSignal.timeout(timeoutMs);
  let current = url;
  const out = (r: Omit<ProbeResult, 'url' | 'family' | 'at' | 'loadMs' | 'finalUrl'> & { finalUrl?: string }): ProbeResult => ({
    url,
    finalUrl: r.finalUrl ?? current,
    family: o.family,
    at,
    loadMs: Math.round(performance.now() - started),
    ...(address ? { address } : {}),
    ...r,
  });
  try {
    for (let hop = 0; ; hop++) {
      // An IP address in the URL is connected to as is (no lookup): it must be of the family.
      const literal = net.isIP(new URL(current).hostname.replace(/^\[|\]$/g, ''));
      const blocked = blockedUrlReason(current);
      if (blocked) return out({ status: 0, error: blocked, errorCode: BLOCKED_CODE });
      if (literal && literal !== o.family) return out({ status: 0, error: `${new URL(current).hostname} 是 IPv${literal} 地址，无法经 IPv${o.family} 连接`, errorCode: 'ENOTFOUND' });
      const res = await request(current, {
        method: 'GET',
        dispatcher: agent,
        signal,
        headers: { 'user-agent': o.userAgent ?? 'zhaocuo/0.1 (+government website audit)', accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-encoding': 'gzip, deflate', 'accept-language': 'zh-CN,zh;q=0.9' },
      });
      const location = res.headers.location;
      if (REDIRECT.has(res.statusCode) && typeof location === 'string') {
        await res.body.dump().catch(() => undefined);
        if (hop >= (o.maxRedirects ?? 5)) return out({ status: res.statusCode, error: `重定向超过 ${o.maxRedirects ?? 5} 次`, errorCode: 'REDIRECTS' });
        current = new URL(location, current).href;
        if (!/^https?:$/.test(new URL(current).protocol)) return out({ status: res.statusCode, error: `重定向到 ${new URL(current).protocol} 地址，不予跟随`, errorCode: 'EBADREDIRECT' });
        continue;
      }
      // Capped, decompressed with the cap, and always settling (readCapped): a bomb, an endless or
      // a stalled body is this probe's answer, not the process's end. Undecoded unless kept.
      const read = await readCapped(res.body, o.keepBody ? String(res.headers['content-encoding'] ?? '') : '', o.maxBodyBytes ?? 8 * 1024 * 1024, timeoutMs);
      if (read.error) return out({ status: res.statusCode, error: read.error, errorCode: read.errorCode });
      const ct = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
      const r = out({ status: res.statusCode, ...(ct ? { contentType: ct } : {}) });
      if (o.keepBody) r.body = read.body;
      return r;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = e.cause?.code ?? e.code ?? e.name;
    const timeout = code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError';
    const msg = timeout
      ? `在 ${timeoutMs / 1000} 秒内未加载完成`
      : code === BLOCKED_CODE
        ? (e.cause?.message ?? e.message)
      : code === 'ECONNREFUSED'
        ? '连接被拒绝'
        : code === 'ENOTFOUND'
          ? (e.cause?.message ?? e.message)
          : `请求出错（${code ?? '未知'}）：${e.cause?.message ?? e.message}`;
    return out({ status: 0, error: msg, errorCode: timeout ? 'ETIMEDOUT' : code });
  } finally {
    agent.destroy().catch(() => undefined);
  }
}
