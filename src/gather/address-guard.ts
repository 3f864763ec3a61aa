/**
 * Addresses a crawl never connects to, whatever a page, a redirect or the DNS says: link-local
 * networks, where every cloud keeps its instance metadata service (169.254.169.254 on AWS,
 * Azure, GCP, Huawei, Tencent; 100.100.100.200 on Alibaba Cloud; fd00:ec2::254 for AWS over
 * IPv6), plus "this host", multicast and reserved ranges no web server lives on. A hostile or
 * hacked site could otherwise have the auditing machine fetch its own cloud credentials.
 *
 * Loopback and private networks stay allowed: tests and the sample portal live on loopback,
 * and departments audit intranet portals on private addresses.
 *
 * Checked on the resolved address (NameResolver.lookupFn filters every socket's lookup) and on
 * address literals in URLs (which sockets connect to without a lookup).
 */
import net from 'node:net';

const blocked = new net.BlockList();
blocked.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"; 0.0.0.0 reaches the local host on Linux
blocked.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local: cloud metadata services
blocked.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata service
blocked.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
blocked.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
blocked.addAddress('::', 'ipv6'); // unspecified
blocked.addSubnet('fe80::', 10, 'ipv6'); // link-local
blocked.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata service over IPv6
blocked.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** The IPv4 address an IPv6 address carries (NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedV4(ip6: string): string | undefined {
  const h = expandV6(ip6);
  if (!h) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (h[0] === 0x64 && h[1] === 0xff9b && h[2] === 0 && h[3] === 0 && h[4] === 0 && h[5] === 0) return v4(h[6], h[7]);
  if (h[0] === 0x2002) return v4(h[1], h[2]);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function expandV6(ip: string): number[] | undefined {
  let s = ip.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    s = s.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const part = (x: string | undefined) => (x ? x.split(':').map((g) => parseInt(g, 16)) : []);
  const hi = part(head);
  const lo = part(tail);
  const groups = tail === undefined ? hi : [...hi, ...new Array(8 - hi.length - lo.length).fill(0), ...lo];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** True for an address a crawl must never connect to. */
export function isBlockedAddress(address: string): boolean {
  const fam = net.isIP(address.replace(/%.*$/, ''));
  if (fam === 4) return blocked.check(address, 'ipv4');
  if (fam !== 6) return false;
  const bare = address.replace(/%.*$/, '');
  if (blocked.check(bare, 'ipv6')) return true; // also matches IPv4-mapped ::ffff:a.b.c.d
  const v4 = embeddedV4(bare);
  return v4 !== undefined && blocked.check(v4, 'ipv4');
}

export const BLOCKED_CODE = 'EADDRBLOCKED';

/** The message of a refused connection, Chinese first. */
export function blockedMessage(address: string): string {
  return `地址 ${address} 属于链路本地或云元数据地址，不予访问`;
}

/** Why a URL's literal host must not be contacted, or undefined. Names are checked after lookup. */
export function blockedUrlReason(url: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return blockedHostReason(hostname);
}

/** The answers of blockedHostReason by hostname: a run asks for the same few hosts on every request. */
const byHostname = new Map<string, string | null>();

/** blockedUrlReason for a URL's hostname (as URL.hostname gives it, IPv6 in brackets). */
export function blockedHostReason(hostname: string): string | undefined {
  let why = byHostname.get(hostname);
  if (why === undefined) {
    const host = hostname.replace(/^\[|\]$/g, '');
    why = net.isIP(host) && isBlockedAddress(host) ? blockedMessage(host) : null;
    if (byHostname.size >= 10_000) byHostname.clear();
    byHostname.set(hostname, why);
  }
  return why ?? undefined;
}
