/**
 * What the IPv6 gatherer records (artifacts.ipv6): plain data, JSON-serialisable. The ipv6
 * audit judges from it; the counting of 二级/三级 links is in link-levels.ts.
 */
import type { LinkKind } from './artifacts.ts';
import type { ZoneNameServers } from './dns-records.ts';

/** One request over IPv6 (a host check or a link URL check) and how it counts. */
export interface V6Check {
  url: string;
  /** Where the request ended after redirects (only when it differs from url). */
  finalUrl?: string;
  method: 'GET' | 'HEAD';
  /** HTTP status over IPv6; 0 when no HTTP answer came (no connection, reset, timeout). */
  status: number;
  error?: string;
  timingMs: number;
  /** The IPv4 answer to the same URL, from the crawl (when it was checked). */
  v4Status?: number;
  /** True when the URL counts as reachable over IPv6. */
  ok: boolean;
  /** Why it does not count (or why an error answer still counts). */
  reason?: string;
}

/** One fetch of the homepage over one family, with what the content comparison needs. */
export interface HomepageFetch {
  family: 4 | 6;
  /** A fetch of its own, or the crawl's fetch of the homepage (IPv4 when the name has no AAAA). */
  source: 'probe' | 'crawl';
  at: string;
  url: string;
  finalUrl: string;
  status: number;
  loadMs: number;
  address?: string;
  error?: string;
  /** <title>, whitespace normalised. */
  title?: string;
  /** sha256 (hex, first 16) of the visible text, whitespace normalised. */
  textHash?: string;
  textLength?: number;
}

export interface Ipv6Host {
  /** name[:port] as in the URLs. */
  host: string;
  hostname: string;
  /** One of the site's own hosts (the start host, or config site.hosts). */
  site: boolean;
  a: string[];
  aaaa: string[];
  dnsError?: string;
  /** The host check: one request over IPv6 (absent when the host has no AAAA, or is unchecked). */
  v6?: V6Check;
  /** Why the host was not requested over IPv6 though it has AAAA (the crawl requested none of its URLs); its links count by the AAAA record alone. */
  unchecked?: string;
}

export interface Ipv6Artifact {
  /** How 二级/三级 links were judged: each URL requested over IPv6, or by its host's check. */
  judge: 'url' | 'host';
  /** Link kinds counted as 二级/三级 links. */
  linkKinds: LinkKind[];
  /** 'system' or the configured DNS server. */
  resolver: string;
  homepage: {
    /** One IPv4 fetch (content reference). */
    v4: HomepageFetch;
    /** The IPv6 probes, each on a fresh connection (the success rate); the first that loaded gives the content. */
    v6: HomepageFetch[];
    /** Share of lines of visible text common to both fetches (0–1), when both loaded. */
    textSimilarity?: number;
  };
  nameServers: ZoneNameServers;
  hosts: Ipv6Host[];
  /** IPv6 checks of 二级/三级 link URLs (judge 'url'); URLs on hosts without AAAA or whose host check failed are not requested. */
  urls: V6Check[];
  requests: number;
  durationMs: number;
}
