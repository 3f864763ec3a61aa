/**
 * The IPv6 gatherer (seed task 28), run after the crawl on its graph:
 *  - A/AAAA of the site's host and of every host its pages link to (own subdomains,
 *    attachment and CDN hosts, external sites), through the run's resolver;
 *  - the name servers of the site's zone and their AAAA (IPv6 along the delegation);
 *  - the homepage over IPv4 once and over IPv6 `probes` times (fresh connection each), with
 *    status, title and a hash of the visible text, so the audit can tell "same content";
 *  - one request over IPv6 per linked host (the host check) and, when judging per URL, one per
 *    二级/三级 link URL (see link-levels.ts for the counting).
 *
 * Requests: every URL is requested at most once over IPv6 (a memoising Fetcher restricted to
 * AAAA addresses) — except the homepage, which is the success-rate measurement and is fetched
 * `probes` times by design, plus once over IPv4 for the content reference. The IPv4 answer of
 * every other URL comes from the crawl; nothing else is fetched over IPv4 again. A host with no
 * AAAA costs no request; a host whose IPv6 connection fails costs one, and its other URLs are
 * not tried (they count as unsupported with the host's error).
 *
 * What counts as reachable over IPv6 (a link "supports IPv6"): its host has an AAAA record,
 * the request over IPv6 gets an HTTP answer, and that answer is not an error (≥ 400) where
 * the IPv4 answer to the same URL was not — a link broken over both families is a broken link
 * (the links audit's business), not an IPv6 fault. Redirects are followed over IPv6, so a link
 * that redirects to a host without AAAA does not support IPv6.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import pLimit from 'p-limit';
import type { Config } from '../config/schema.ts';
import { ipv6Schema } from '../config/schema.ts';
import type { Artifacts, LinkTarget, PageArtifact } from './artifacts.ts';
import { decodeBody } from './decode.ts';
import { DnsRecords, type HostAddresses } from './dns-records.ts';
import type { NameResolver } from './dns.ts';
import { Fetcher, type FollowResult } from './http.ts';
import type { HomepageFetch, Ipv6Artifact, Ipv6Host, V6Check } from './ipv6-types.ts';
import { HEAD_REFUSED } from './link-state.ts';
import { hostOf, linkLevels } from './link-levels.ts';
import { parseHtml } from './parse.ts';
import { probeOnce, type ProbeResult } from '../probe/fetch.ts';

export interface Ipv6GatherOptions {
  artifacts: Artifacts;
  config: Config;
  resolver: NameResolver;
}

export async function gatherIpv6(o: Ipv6GatherOptions): Promise<Ipv6Artifact> {
  const started = performance.now();
  const { artifacts: a, config, resolver } = o;
  const cfg = config.ipv6 ?? ipv6Schema.parse({});
  const timeoutMs = cfg.timeoutMs ?? config.crawl.timeoutMs;
  const records = new DnsRecords(resolver);
  const siteHosts = new Set([a.site.host.toLowerCase(), ...config.site.hosts.map((h) => h.toLowerCase())]);
  const startHost = hostOf(a.site.startUrl)!;
  const levels = linkLevels(a.pages, cfg.linkKinds);
  const v4ByUrl = new Map<string, LinkTarget>(a.targets.map((t) => [t.url, t]));

  // Every host the site's pages link to (all link kinds), with its URLs in crawl order. Sets,
  // not arrays: a 20,000-page site links one host 10⁵–10⁶ times (linear, not quadratic).
  const urlsByHost = new Map<string, Set<string>>();
  const hostCache = new Map<string, string | null>();
  const addUrl = (url: string) => {
    if (hostCache.has(url)) return; // seen: its host has it already
    const h = hostOf(url);
    hostCache.set(url, h);
    if (!h) return;
    let set = urlsByHost.get(h);
    if (!set) urlsByHost.set(h, (set = new Set()));
    set.add(url);
  };
  addUrl(a.site.startUrl);
  for (const p of a.pages) for (const l of p.links) addUrl(l.url);
  const levelUrls = [...new Set([...levels.level2.keys(), ...levels.level3.keys()])];

  const dnsLimit = pLimit(16);
  const hostnameOf = (host: string) => new URL(`http://${host}/`).hostname.replace(/^\[|\]$/g, '');
  const addrs = new Map<string, Promise<HostAddresses>>();
  for (const h of urlsByHost.keys()) {
    const name = hostnameOf(h);
    if (!addrs.has(name)) addrs.set(name, dnsLimit(() => records.addresses(name)));
  }
  const nsTask = records.zoneNameServers(hostnameOf(startHost));

  // The homepage: once over IPv4, `probes` times over IPv6, alongside the host and URL checks.
  const probeOpts = { resolver, timeoutMs, userAgent: config.crawl.userAgent, keepBody: true, maxRedirects: config.crawl.maxRedirects };
  const startAddrs = await addrs.get(hostnameOf(startHost))!;
  // The IPv4 reference is fetched only when there is an IPv6 side to compare it with; else the
  // crawl's own fetch of the homepage (over IPv4: the name has no AAAA) stands for it.
  const home = a.pages.find((p) => p.depth === 1);
  const v4Task = startAddrs.aaaa.length || !home ? probeOnce(a.site.startUrl, { ...probeOpts, family: 4 }).then(toHomepageFetch) : Promise.resolve(fromCrawl(home, a.site.startUrl));
  // One after the other, `probeIntervalMs` apart; the body is kept until one probe has loaded.
  // Without AAAA one probe records the failure; more would only repeat it.
  const v6Probe: Promise<HomepageFetchText>[] = [];
  for (let i = 0; i < (startAddrs.aaaa.length ? cfg.probes : 1); i++) {
    const before = v6Probe.slice();
    v6Probe.push(
      (async () => {
        const done = await Promise.all(before);
        if (i && cfg.probeIntervalMs) await sleep(cfg.probeIntervalMs);
        return toHomepageFetch(await probeOnce(a.site.startUrl, { ...probeOpts, family: 6, keepBody: !done.some(loaded) }));
      })(),
    );
  }
  const v6Task = Promise.all(v6Probe);

  const v6 = new Fetcher({ crawl: { ...config.crawl, timeoutMs }, resolver, family: 6, wantBody: () => false });
  const hosts: Ipv6Host[] = [];
  const urlChecks = new Map<string, V6Check>();
  try {
    // The host check: one request over IPv6 per host with AAAA (the homepage probe for the start host).
    const check = async (url: string): Promise<V6Check> => {
      let res: FollowResult = v6.peek(url, 'GET') ? await v6.follow(url, 'GET') : await v6.follow(url, 'HEAD');
      let method: 'GET' | 'HEAD' = v6.peek(url, 'GET') ? 'GET' : 'HEAD';
      // GET after HEAD only when the server answered HEAD badly; no answer at all is not retried.
      if (method === 'HEAD' && (HEAD_REFUSED.has(res.status) || (res.status === 0 && HEAD_RESETS.has(res.errorCode ?? '')))) {
        res = await v6.follow(url, 'GET');
        method = 'GET';
      }
      // An IPv4 address on the way is connected to as is (no lookup), so not over IPv6.
      const v4hop = [url, ...res.redirects, res.finalUrl].find((u) => net.isIP(new URL(u).hostname) === 4);
      if (v4hop) return judge(url, method, 0, `${new URL(v4hop).hostname} 是 IPv4 地址`, 'ENOTFOUND', v4hop, res.timingMs, v4ByUrl.get(url));
      return judge(url, method, res.status, res.error, res.errorCode, res.finalUrl, res.timingMs, v4ByUrl.get(url));
    };
    // URLs the crawl chose not to request (robots.txt, scope, limits) are not requested over IPv6 either.
    const skipped = (url: string) => Boolean(v4ByUrl.get(url)?.skipReason);
    // Per host, its first 二级/三级 URL the crawl requested: one pass over the levels, not one per host.
    const firstLevelUrl = new Map<string, string>();
    for (const u of levelUrls) {
      const h = hostCache.get(u) ?? hostOf(u);
      if (h && !firstLevelUrl.has(h) && !skipped(u)) firstLevelUrl.set(h, u);
    }
    const preferred = (host: string): string => {
      const urls = [...urlsByHost.get(host)!];
      return firstLevelUrl.get(host) ?? urls.find((u) => v4ByUrl.get(u)?.state === 'ok') ?? urls.find((u) => !skipped(u)) ?? urls[0];
    };

    const hostLimit = pLimit(Math.max(1, config.crawl.concurrency));
    await Promise.all(
      [...urlsByHost.keys()].map((host) =>
        hostLimit(async () => {
          const hostname = hostnameOf(host);
          const r = await addrs.get(hostname)!;
          const rec: Ipv6Host = { host, hostname, site: siteHosts.has(host) || siteHosts.has(hostname), a: r.a, aaaa: r.aaaa, ...(r.error ? { dnsError: r.error } : {}) };
          hosts.push(rec);
          if (!r.aaaa.length) return;
          if (host === startHost) {
            // The start host's check is the homepage over IPv6: the first probe that got an answer
            // (one failed probe is the success rate's business, not every link's).
            let answered: HomepageFetch | undefined;
            for (const p of v6Probe) {
              const f = (await p).fetch;
              if (f.status > 0 && !f.error) {
                answered = f;
                break;
              }
            }
            rec.v6 = fromProbe(answered ?? (await v6Probe[0]).fetch, v4ByUrl.get(a.site.startUrl));
            urlChecks.set(a.site.startUrl, rec.v6);
            return;
          }
          const url = preferred(host);
          if (skipped(url)) {
            // The crawl requested nothing on this host (e.g. external links not checked): neither do we.
            rec.unchecked = `有 AAAA 记录；未经 IPv6 请求（${v4ByUrl.get(url)!.skipReason}）`;
            return;
          }
          rec.v6 = await check(url);
          urlChecks.set(url, rec.v6);
        }),
      ),
    );

    // Per URL: each 二级/三级 link URL once over IPv6, where its host is reachable over IPv6 at all.
    const hostByName = new Map(hosts.map((h) => [h.host, h]));
    const urls: V6Check[] = [];
    if (cfg.judge === 'url') {
      await Promise.all(
        levelUrls.map(async (url) => {
          const h = hostByName.get(hostCache.get(url) ?? hostOf(url)!)!;
          let c = urlChecks.get(url);
          if (!c) {
            if (!h.aaaa.length) c = { url, method: 'HEAD', status: 0, timingMs: 0, ok: false, reason: `${h.hostname} 没有 AAAA 记录` };
            else if (!h.v6 && h.unchecked) c = { url, method: 'HEAD', status: 0, timingMs: 0, ok: true, reason: h.unchecked };
            else if (!h.v6 || h.v6.status === 0) c = { url, method: 'HEAD', status: 0, timingMs: 0, ok: false, reason: `经 IPv6 连接 ${h.host} 失败：${h.v6?.error ?? '未检查'}（此链接不再重试）` };
            else if (skipped(url)) c = { url, method: h.v6.method, status: h.v6.status, timingMs: 0, ok: h.v6.ok, reason: `未请求（${v4ByUrl.get(url)!.skipReason}），按主机 ${h.host} 的检查结果判定${h.v6.reason ? `：${h.v6.reason}` : ''}` };
            else c = await hostLimit(() => check(url));
            urlChecks.set(url, c);
          }
          urls.push(c);
        }),
      );
      const order = new Map(levelUrls.map((u, i) => [u, i]));
      urls.sort((x, y) => order.get(x.url)! - order.get(y.url)!);
    }

    const hostOrder = new Map([...urlsByHost.keys()].map((h, i) => [h, i]));
    hosts.sort((x, y) => hostOrder.get(x.host)! - hostOrder.get(y.host)!);
    const [v4Home, v6Probes] = await Promise.all([v4Task, v6Task]);
    const v6Loaded = v6Probes.find(loaded);
    return {
      judge: cfg.judge,
      linkKinds: [...cfg.linkKinds],
      resolver: resolver.server ?? 'system',
      homepage: {
        v4: v4Home.fetch,
        v6: v6Probes.map((x) => x.fetch),
        ...(loaded(v4Home) && v6Loaded?.text !== undefined ? { textSimilarity: similarity(v4Home.text!, v6Loaded.text) } : {}),
      },
      nameServers: await nsTask,
      hosts,
      urls,
      requests: v6.requests + (v4Home.fetch.source === 'probe' ? 1 : 0) + v6Probes.length,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await v6.close();
  }
}

/** Servers that drop the connection on HEAD but answer GET. */
const HEAD_RESETS = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

function judge(url: string, method: 'GET' | 'HEAD', status: number, error: string | undefined, errorCode: string | undefined, finalUrl: string, timingMs: number, v4: LinkTarget | undefined): V6Check {
  const c: V6Check = { url, method, status, timingMs, ok: false };
  if (finalUrl !== url) c.finalUrl = finalUrl;
  if (v4?.status) c.v4Status = v4.status;
  const v4Failed = v4 !== undefined && v4.state !== 'ok' && v4.state !== 'skipped';
  if (!status) {
    c.error = error ?? '无应答';
    const where = hostOf(finalUrl) ?? url;
    c.reason = errorCode === 'ENOTFOUND' ? `${where.replace(/:\d+$/, '')} 没有 AAAA 记录` : `经 IPv6 访问 ${where} 无应答：${c.error}`;
    return c;
  }
  if (error) {
    // An HTTP answer that still fails: a redirect loop, too many redirects, a bad Location.
    c.error = error;
    if (v4Failed) return { ...c, ok: true, reason: `经 IPv6 和 IPv4 均出错（${error}）：是链接本身不可用，不是 IPv6 问题` };
    c.reason = `经 IPv6 访问出错：${error}`;
    return c;
  }
  if (status < 400) return { ...c, ok: true };
  if (v4Failed) return { ...c, ok: true, reason: `经 IPv6 返回 HTTP ${status}，经 IPv4 ${v4.status ? `返回 HTTP ${v4.status}` : `出错（${v4.error ?? '未知错误'}）`}：是链接本身不可用，不是 IPv6 问题` };
  if (v4 === undefined || v4.state === 'skipped') return { ...c, ok: true, reason: `经 IPv6 返回 HTTP ${status}；IPv4 结果未知（抓取时未检查）` };
  return { ...c, reason: `经 IPv6 返回 HTTP ${status}，经 IPv4 返回 HTTP ${v4.status}` };
}

type HomepageFetchText = { fetch: HomepageFetch; text?: string };

/** A probe that loaded the page (2xx/3xx, no error) with its text: the content to compare. */
const loaded = (x: HomepageFetchText) => x.text !== undefined && !x.fetch.error && x.fetch.status >= 200 && x.fetch.status < 400;

function fromProbe(f: HomepageFetch, v4: LinkTarget | undefined): V6Check {
  return judge(f.url, 'GET', f.status, f.error, /没有 AAAA 记录/.test(f.error ?? '') ? 'ENOTFOUND' : undefined, f.finalUrl, f.loadMs, v4);
}

function fromCrawl(page: PageArtifact, url: string): { fetch: HomepageFetch; text?: string } {
  const text = normaliseText(page.text);
  const fetch: HomepageFetch = { family: 4, source: 'crawl', at: new Date().toISOString(), url, finalUrl: page.finalUrl, status: page.status, loadMs: page.timingMs, title: page.title.replace(/\s+/g, ' ').trim(), textHash: hashText(text), textLength: text.length };
  if (page.error) fetch.error = page.error;
  return { fetch, text };
}

const hashText = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

function toHomepageFetch(p: ProbeResult): { fetch: HomepageFetch; text?: string } {
  const fetch: HomepageFetch = { family: p.family, source: 'probe', at: p.at, url: p.url, finalUrl: p.finalUrl, status: p.status, loadMs: p.loadMs };
  if (p.address) fetch.address = p.address;
  if (p.error) fetch.error = p.error;
  let text: string | undefined;
  if (p.body && !p.error) {
    const parsed = parseHtml(decodeBody(p.body, p.contentType).text, p.finalUrl);
    text = normaliseText(parsed.text);
    fetch.title = parsed.title.replace(/\s+/g, ' ').trim();
    fetch.textHash = hashText(text);
    fetch.textLength = text.length;
  }
  return { fetch, ...(text !== undefined ? { text } : {}) };
}

/** Visible text with whitespace collapsed per line, empty lines dropped. */
export function normaliseText(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[\s\u00a0\u3000]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Share of text lines the two versions have in common (multiset Jaccard), 2 decimals. */
export function similarity(x: string, y: string): number {
  if (x === y) return 1;
  const count = (s: string) => {
    const m = new Map<string, number>();
    for (const l of s.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const cx = count(x);
  const cy = count(y);
  let inter = 0;
  let union = 0;
  for (const k of new Set([...cx.keys(), ...cy.keys()])) {
    inter += Math.min(cx.get(k) ?? 0, cy.get(k) ?? 0);
    union += Math.max(cx.get(k) ?? 0, cy.get(k) ?? 0);
  }
  return union ? Math.round((inter / union) * 100) / 100 : 1;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
