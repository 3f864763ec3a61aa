/**
 * Chromium command line for the audits: headless, no sandbox (containers), none of Chromium's
 * own network chatter, and names resolved the way the crawl resolved them
 * (--host-resolver-rules). See shared/stack.md.
 */
import net from 'node:net';
import { isHeadlessShell } from './find.ts';
import { statfsSync } from 'node:fs';
import type { NameResolver } from '../dns.ts';

/** The headless mode itself is puppeteer's `headless` option (new headless, or the shell's own). */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--metrics-recording-only',
  '--mute-audio',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--hide-scrollbars',
  ...smallShm(),
];

/**
 * Shared memory through /tmp files only where /dev/shm is too small (containers give 64 MB):
 * elsewhere the flag costs ~10% of the pool's throughput in system time.
 */
function smallShm(): string[] {
  try {
    const fs = statfsSync('/dev/shm');
    return fs.bavail * fs.bsize < 512 * 1024 * 1024 ? ['--disable-dev-shm-usage'] : [];
  } catch {
    return ['--disable-dev-shm-usage'];
  }
}

/** Google hosts Chromium still contacts with the flags above; never needed by an audited page. */
const CHATTER = ['*.gvt1.com', 'clients*.google.com', 'update.googleapis.com', 'optimizationguide-pa.googleapis.com', 'content-autofill.googleapis.com', 'safebrowsing.googleapis.com', 'accounts.google.com'];

export interface HostMapping {
  host: string;
  address: string;
}

/**
 * --host-resolver-rules value. Every mapped host resolves to the address the crawl used; with
 * `blockOthers` (a run with its own DNS server) every other name fails, as it would have for
 * the crawl, and Chromium's own lookups stop; loopback is always left alone.
 */
export function hostResolverRules(mappings: HostMapping[], blockOthers: boolean): string {
  const rules: string[] = [];
  for (const m of mappings) {
    if (!/^[a-z0-9.*-]+$/i.test(m.host)) continue; // a rule list cannot quote; such names never resolve anyway
    rules.push(`MAP ${m.host} ${net.isIPv6(m.address) ? `[${m.address}]` : m.address}`);
  }
  if (blockOthers) rules.push('MAP * ~NOTFOUND');
  else for (const h of CHATTER) rules.push(`MAP ${h} ~NOTFOUND`);
  // Write ::1 without brackets in EXCLUDE (Chromium's parser wants it so).
  rules.push('EXCLUDE localhost', 'EXCLUDE 127.0.0.1', 'EXCLUDE ::1');
  return rules.join(' , ');
}

/**
 * The address the crawl connected to for each host (the first of its answers, A before AAAA,
 * as the crawl's lookup picks it). Names that did not resolve are left out: the browser then
 * fails on them as the crawl did (with blockOthers) or asks the system resolver.
 */
export async function resolveHosts(hosts: Iterable<string>, resolver: NameResolver): Promise<HostMapping[]> {
  const out: HostMapping[] = [];
  const unique = [...new Set([...hosts].map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')))];
  await Promise.all(
    unique.map(async (host) => {
      if (!host || net.isIP(host) || host === 'localhost') return;
      try {
        const addrs = await resolver.resolveAll(host);
        if (addrs.length) out.push({ host, address: addrs[0].address });
      } catch {
        /* unresolvable: not mapped */
      }
    }),
  );
  return out.sort((a, b) => a.host.localeCompare(b.host));
}

/** Host names (without port) of every page and link target the crawl saw. */
export function crawlHosts(urls: Iterable<string>): Set<string> {
  const hosts = new Set<string>();
  for (const u of urls) {
    try {
      const url = new URL(u);
      if (url.protocol === 'http:' || url.protocol === 'https:') hosts.add(url.hostname);
    } catch {
      /* not a URL */
    }
  }
  return hosts;
}

/** puppeteer's `headless` for a binary: the headless shell is always headless ("shell" mode). */
export const headlessMode = (executablePath: string): true | 'shell' => (isHeadlessShell(executablePath) ? 'shell' : true);
