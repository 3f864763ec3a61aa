/**
 * Name resolution for everything a run fetches. With a configured DNS server (`--dns-server
 * HOST:PORT`), every name goes to it — the crawl, the link checks and the IPv6 probes resolve
 * alike; without one, the system resolver (dns.lookup) is used.
 */
import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { BLOCKED_CODE, blockedMessage, isBlockedAddress } from './address-guard.ts';

export interface Address {
  address: string;
  family: 4 | 6;
}

export type Family = 4 | 6 | 0;

/** Parses HOST:PORT, [v6]:PORT or HOST (port 53). */
export function parseServer(server: string): string {
  const m = server.match(/^\[([0-9a-fA-F:]+)\](?::(\d+))?$/);
  if (m) return m[2] ? `[${m[1]}]:${m[2]}` : m[1];
  return server;
}

export class NameResolver {
  private readonly resolver?: dns.promises.Resolver;
  private readonly cache = new Map<string, Promise<Address[]>>();

  constructor(readonly server?: string, timeoutMs = 2000) {
    if (server) {
      this.resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 2 });
      this.resolver.setServers([parseServer(server)]);
    }
  }

  /** All addresses of a name (A and AAAA), cached per run. */
  resolveAll(host: string): Promise<Address[]> {
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    let p = this.cache.get(h);
    if (!p) {
      p = this.lookupUncached(h);
      this.cache.set(h, p);
    }
    return p;
  }

  private async lookupUncached(host: string): Promise<Address[]> {
    const fam = net.isIP(host);
    if (fam) return [{ address: host, family: fam as 4 | 6 }];
    if (!this.resolver || host === 'localhost') {
      const all = await dns.promises.lookup(host, { all: true });
      return all.map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    }
    const [v4, v6] = await Promise.all([
      this.resolver.resolve4(host).catch(swallowNoData),
      this.resolver.resolve6(host).catch(swallowNoData),
    ]);
    const out = [...v4.map((a) => ({ address: a, family: 4 as const })), ...v6.map((a) => ({ address: a, family: 6 as const }))];
    if (!out.length) {
      const err = new Error(`getaddrinfo ENOTFOUND ${host}`) as NodeJS.ErrnoException;
      err.code = 'ENOTFOUND';
      throw err;
    }
    return out;
  }

  /**
   * A `lookup` for sockets (undici connect.lookup, http.request) restricted to a family. Link-local
   * and cloud metadata addresses are never handed to a socket, whatever the DNS answered
   * (address-guard.ts); resolveAll still reports them, for the DNS records the audits show.
   */
  lookupFn(family: Family = 0): LookupFunction {
    return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
      this.resolveAll(hostname).then(
        (addrs) => {
          const want = family || (options?.family as Family) || 0;
          const wanted = want ? addrs.filter((a) => a.family === want) : addrs;
          const list = wanted.filter((a) => !isBlockedAddress(a.address));
          if (wanted.length && !list.length) {
            const err = new Error(blockedMessage(wanted[0].address)) as NodeJS.ErrnoException;
            err.code = BLOCKED_CODE;
            return callback(err);
          }
          if (!list.length) {
            const err = new Error(`${hostname} 没有 ${want === 6 ? 'AAAA' : 'A'} 记录`) as NodeJS.ErrnoException;
            err.code = 'ENOTFOUND';
            return callback(err);
          }
          if (options?.all) callback(null, list);
          else callback(null, list[0].address, list[0].family);
        },
        (err) => callback(err),
      );
    }) as LookupFunction;
  }
}

function swallowNoData(err: NodeJS.ErrnoException): string[] {
  if (err.code === 'ENODATA' || err.code === 'ENOTFOUND' || err.code === 'ENOTIMP' || err.code === 'ESERVFAIL') return [];
  throw err;
}
