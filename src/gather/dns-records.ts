/**
 * DNS records the IPv6 audit needs beyond "an address to connect to": the A and AAAA records
 * of a name, and the name servers of its zone (walking up the name to the zone apex) with
 * their own A/AAAA — IPv6 along the delegation.
 *
 * With a configured DNS server (`--dns-server`), every query goes to it (through the run's
 * NameResolver for A/AAAA, so the crawl and these records agree). Without one, A/AAAA and NS
 * are asked of the system's name servers (/etc/resolv.conf) as DNS queries — records, not what
 * getaddrinfo happens to return on a host without IPv6 — falling back to the system lookup
 * for names that only the hosts file knows.
 */
import dns from 'node:dns';
import net from 'node:net';
import { NameResolver, parseServer } from './dns.ts';

export interface HostAddresses {
  a: string[];
  aaaa: string[];
  /** Set when the name could not be resolved at all (NXDOMAIN, timeout, no records). */
  error?: string;
}

export interface NameServer {
  name: string;
  a: string[];
  aaaa: string[];
  error?: string;
}

export interface ZoneNameServers {
  /** The zone apex whose NS records were found (null: none found, or an IP address). */
  zone: string | null;
  /** The names asked, most specific first, until NS records answered. */
  asked: string[];
  servers: NameServer[];
  error?: string;
}

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENOTIMP', 'EBADRESP', 'ENONAME']);

export class DnsRecords {
  private readonly dns: dns.promises.Resolver;
  private readonly addrCache = new Map<string, Promise<HostAddresses>>();
  private readonly nsCache = new Map<string, Promise<ZoneNameServers>>();

  constructor(
    private readonly names: NameResolver,
    timeoutMs = 2000,
  ) {
    this.dns = new dns.promises.Resolver({ timeout: timeoutMs, tries: 2 });
    if (names.server) this.dns.setServers([parseServer(names.server)]);
  }

  /** A and AAAA records of a host name (cached per run). An IP literal is its own record. */
  addresses(hostname: string): Promise<HostAddresses> {
    const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    let p = this.addrCache.get(h);
    if (!p) this.addrCache.set(h, (p = this.addressesUncached(h)));
    return p;
  }

  private async addressesUncached(h: string): Promise<HostAddresses> {
    const fam = net.isIP(h);
    if (fam === 4) return { a: [h], aaaa: [] };
    if (fam === 6) return { a: [], aaaa: [h] };
    if (!this.names.server && h !== 'localhost') {
      // System name servers, as DNS queries.
      const [a, aaaa] = await Promise.all([this.dns.resolve4(h).catch(noData), this.dns.resolve6(h).catch(noData)]);
      if (Array.isArray(a) && Array.isArray(aaaa) && (a.length || aaaa.length)) return { a, aaaa };
    }
    try {
      const all = await this.names.resolveAll(h);
      return { a: all.filter((x) => x.family === 4).map((x) => x.address), aaaa: all.filter((x) => x.family === 6).map((x) => x.address) };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { a: [], aaaa: [], error: e.code === 'ENOTFOUND' ? '没有 A 或 AAAA 记录（域名不存在）' : `${e.code ?? 'error'}: ${e.message}` };
    }
  }

  /**
   * The name servers of the zone a host belongs to: NS of the host itself, else of its parent,
   * and so on up to (not including) the root. Each name server's A/AAAA comes with it.
   */
  zoneNameServers(hostname: string): Promise<ZoneNameServers> {
    const h = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
    let p = this.nsCache.get(h);
    if (!p) this.nsCache.set(h, (p = this.zoneUncached(h)));
    return p;
  }

  private async zoneUncached(h: string): Promise<ZoneNameServers> {
    if (net.isIP(h) || h === 'localhost' || !h.includes('.')) return { zone: null, asked: [], servers: [], error: `${h} 不是带域名区的 DNS 名称` };
    const labels = h.split('.');
    const asked: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      const name = labels.slice(i).join('.');
      asked.push(name);
      let ns: string[];
      try {
        ns = await this.dns.resolveNs(name);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (NO_DATA.has(e.code ?? '')) continue;
        return { zone: null, asked, servers: [], error: `查询 ${name} 的 NS 记录失败：${e.code ?? e.message}` };
      }
      if (!ns.length) continue;
      const servers = await Promise.all(
        [...new Set(ns.map((n) => n.toLowerCase().replace(/\.$/, '')))].sort().map(async (n): Promise<NameServer> => {
          const r = await this.addresses(n);
          return { name: n, a: r.a, aaaa: r.aaaa, ...(r.error ? { error: r.error } : {}) };
        }),
      );
      return { zone: name, asked, servers };
    }
    return { zone: null, asked, servers: [], error: `${h} 及其上级域名都没有 NS 记录` };
  }
}

function noData(err: NodeJS.ErrnoException): string[] | null {
  return NO_DATA.has(err.code ?? '') ? [] : null;
}
