/**
 * ipv6 — IPv6 support of the portal and its attached systems (seed task 28; standards §5).
 * Judged as the national IPv6 monitoring judges a site: an AAAA record; the homepage over
 * IPv6, repeatedly; the same content over IPv4 and IPv6; IPv6 along the DNS delegation; and
 * the share of 二级 and 三级 links reachable over IPv6 (counting in src/gather/link-levels.ts).
 * One finding per failing host (with the pages that link there and the links it costs each
 * level), and one per failing rule, so a webmaster sees which attached system holds the rate
 * down. The link-level thresholds are not confirmed against an official text: configurable.
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type Severity } from '../src/audit/types.ts';
import type { PageArtifact } from '../src/gather/artifacts.ts';
import type { Ipv6Artifact, V6Check } from '../src/gather/ipv6-types.ts';
import { hostOf as parseHost, linkLevels } from '../src/gather/link-levels.ts';
import { seedTask, standard } from './rules/refs.ts';

const options = z.strictObject({
  /** Share of 二级 links that must be reachable over IPv6 [u]. */
  level2Threshold: z.number().min(0).max(1).default(0.9),
  /** Share of 三级 links that must be reachable over IPv6 [u]. */
  level3Threshold: z.number().min(0).max(1).default(0.85),
  /** Homepage IPv6 probes that must succeed (1 = every probe). */
  homepageMinSuccessRate: z.number().min(0).max(1).default(1),
  /** Linking pages listed in a finding's evidence. */
  maxPages: z.number().int().positive().default(50),
});

const ACTION_PLAN = standard('推进互联网协议第六版（IPv6）规模部署行动计划（中共中央办公厅、国务院办公厅，2017年）', '政府网站IPv6改造');
const MONITORING = (item: string) => ({ ...standard('国家政府网站IPv6支持度监测', item), unconfirmed: true });

const S = {
  siteNoAaaa: (h: string) => `网站域名 ${h} 没有 AAAA 记录，首页无法通过 IPv6 访问`,
  hostNoAaaa: (kind: string, h: string, l: string, n: number) => `${kind} ${h} 没有 AAAA 记录，不支持 IPv6${l}；被 ${n} 个页面引用`,
  connectFailed: (kind: string, h: string, why: string, l: string, n: number) => `${kind} ${h} 有 AAAA 记录，但 IPv6 连接失败（${why}）${l}；被 ${n} 个页面引用`,
  requestFailed: (kind: string, h: string, bad: number, l: string) => `${kind} ${h} 的 ${bad} 个链接经 IPv6 访问出错而 IPv4 正常${l}`,
  contentDiffers: (what: string) => `首页经 IPv4 与 IPv6 访问内容不一致（${what}）`,
  unreliable: (ok: number, n: number) => `首页 IPv6 访问成功率 ${ok}/${n}，不稳定`,
  nsNone: (zone: string) => `域名 ${zone} 的权威域名服务器均无 AAAA 记录，DNS 解析链路不支持 IPv6`,
  nsSome: (zone: string, names: string) => `域名 ${zone} 的部分权威域名服务器无 AAAA 记录：${names}`,
  level: (zh: string, sup: number, total: number, rate: string, th: string, worst: string) => `${zh}链接 IPv6 支持率 ${rate}（${sup}/${total}），低于 ${th}${worst ? `；主要拖累：${worst}` : ''}`,
};

export interface LevelFigures {
  total: number;
  supported: number;
  threshold: number;
  pass: boolean;
  /** Unsupported links by host, worst first. */
  unsupportedByHost: { host: string; unsupported: number }[];
}

export interface Ipv6HostData {
  host: string;
  site: boolean;
  a: string[];
  aaaa: string[];
  v6ok: boolean;
  reason?: string;
  linkedFrom: string[];
  linkedFromCount: number;
  urls: string[];
  urlCount: number;
  level2: { total: number; supported: number };
  level3: { total: number; supported: number };
}

export interface Ipv6Data {
  aaaa: boolean;
  homepageV6: { ok: boolean; successRate: number; probes: number; succeeded: number; status?: number; loadMs?: number; error?: string };
  homepageV4: { ok: boolean; status?: number; loadMs?: number; error?: string };
  /** null when the homepage did not load over one of the families. */
  sameContent: boolean | null;
  contentDiff?: { status?: [number, number]; title?: [string, string]; text?: { v4Hash: string; v6Hash: string; similarity?: number } };
  nameServers: { zone: string | null; servers: { name: string; a: string[]; aaaa: string[] }[]; withAaaa: number; ok: boolean; error?: string };
  /** Omitted when the level has no links. */
  level2Rate?: number;
  level3Rate?: number;
  level2: LevelFigures;
  level3: LevelFigures;
  judge: 'url' | 'host';
  linkKinds: string[];
  counting: string;
  thresholdsUnconfirmed: true;
  hosts: Ipv6HostData[];
  requests: number;
  durationMs: number;
}

const COUNTING = '二级链接：首页（深度1）上的全部超链接；三级链接：深度2页面上的全部超链接；每级按唯一URL计数（同一URL在同一级只计一次）；主机无AAAA、IPv6连接失败、或经IPv6出错而IPv4正常的链接计为不支持。';

const pct = (n: number) => `${(Math.round(n * 1000) / 10).toFixed(1)}%`;

function isProbeOk(f: { status: number; error?: string }): boolean {
  return !f.error && f.status >= 200 && f.status < 400;
}

export default defineAudit({
  meta: {
    id: 'ipv6',
    title: { zh: 'IPv6 支持', en: 'IPv6 support' },
    description: '网站及其附属系统、链接主机的 AAAA 记录；首页 IPv6 访问与成功率；IPv4/IPv6 内容一致；DNS 解析链路 IPv6；二级、三级链接 IPv6 支持率。',
    refs: [seedTask(28), ACTION_PLAN, MONITORING('二级链接支持率 ≥90%，三级链接支持率 ≥85%')],
    severity: 'high',
    requires: ['ipv6', 'pages'],
    options,
  },
  run({ artifacts, options: o }) {
    const v6 = artifacts.ipv6 as Ipv6Artifact;
    const pages = artifacts.pages;
    const homeUrl = artifacts.site.startUrl;
    const home = pages.find((p) => p.depth === 1);
    const levels = linkLevels(pages, v6.linkKinds);
    // A template's links repeat on every page: each URL's host is parsed once.
    const hosts = new Map<string, string | null>();
    const hostOf = (u: string): string | null => {
      let h = hosts.get(u);
      if (h === undefined) hosts.set(u, (h = parseHost(u)));
      return h;
    };
    const findings: FindingDraft[] = [];
    const hostByKey = new Map(v6.hosts.map((h) => [h.host, h]));
    const urlCheck = new Map(v6.urls.map((c) => [c.url, c]));

    /** Is a 二级/三级 link URL reachable over IPv6, and why not. */
    const support = (url: string): { ok: boolean; reason?: string } => {
      const h = hostByKey.get(hostOf(url) ?? '');
      if (!h) return { ok: false, reason: '未检查该主机' };
      if (!h.aaaa.length) return { ok: false, reason: `${h.hostname} 没有 AAAA 记录` };
      if (v6.judge === 'url') {
        const c = urlCheck.get(url);
        return c ? { ok: c.ok, reason: c.reason } : { ok: false, reason: '未经 IPv6 检查' };
      }
      if (!h.v6 && h.unchecked) return { ok: true, reason: h.unchecked };
      return h.v6?.ok ? { ok: true } : { ok: false, reason: h.v6?.reason ?? '未经 IPv6 检查' };
    };

    // Pages that link to each host (any link kind), homepage first, then by depth and URL.
    const linkers = new Map<string, PageArtifact[]>();
    const hostUrls = new Map<string, Set<string>>();
    for (const p of pages) {
      for (const l of p.links) {
        const h = hostOf(l.url);
        if (!h) continue;
        let s = hostUrls.get(h);
        if (!s) hostUrls.set(h, (s = new Set()));
        s.add(l.url);
        let list = linkers.get(h);
        if (!list) linkers.set(h, (list = []));
        if (list[list.length - 1] !== p && !list.includes(p)) list.push(p);
      }
    }
    const order = (x: PageArtifact, y: PageArtifact) => (x.depth ?? 99) - (y.depth ?? 99) || (x.url < y.url ? -1 : x.url > y.url ? 1 : 0);
    for (const list of linkers.values()) list.sort(order);

    // Level figures, in total and per host.
    const perHost = new Map<string, { level2: { total: number; supported: number }; level3: { total: number; supported: number } }>();
    const level = (links: Map<string, string[]>, key: 'level2' | 'level3', threshold: number): LevelFigures => {
      let supported = 0;
      const bad = new Map<string, number>();
      for (const url of links.keys()) {
        const h = hostOf(url) ?? url;
        let ph = perHost.get(h);
        if (!ph) perHost.set(h, (ph = { level2: { total: 0, supported: 0 }, level3: { total: 0, supported: 0 } }));
        ph[key].total++;
        if (support(url).ok) {
          supported++;
          ph[key].supported++;
        } else bad.set(h, (bad.get(h) ?? 0) + 1);
      }
      const total = links.size;
      return {
        total,
        supported,
        threshold,
        pass: total === 0 || supported / total >= threshold,
        unsupportedByHost: [...bad].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([host, unsupported]) => ({ host, unsupported })),
      };
    };
    const level2 = level(levels.level2, 'level2', o.level2Threshold);
    const level3 = level(levels.level3, 'level3', o.level3Threshold);

    // The homepage.
    const siteHost = v6.hosts.find((h) => h.host === hostOf(homeUrl));
    const probes = v6.homepage.v6;
    const succeeded = probes.filter(isProbeOk).length;
    const successRate = probes.length ? succeeded / probes.length : 0;
    const v6Loaded = probes.find(isProbeOk);
    const v4 = v6.homepage.v4;
    const v4ok = isProbeOk(v4);
    const homepageV6 = {
      ok: succeeded > 0 && successRate >= o.homepageMinSuccessRate,
      successRate: Math.round(successRate * 1000) / 1000,
      probes: probes.length,
      succeeded,
      ...(v6Loaded ? { status: v6Loaded.status, loadMs: v6Loaded.loadMs } : probes[0] ? { status: probes[0].status || undefined, error: probes[0].error } : {}),
    };
    const homepageV4 = { ok: v4ok, status: v4.status || undefined, loadMs: v4.loadMs, ...(v4.error ? { error: v4.error } : {}) };

    let sameContent: boolean | null = null;
    let contentDiff: Ipv6Data['contentDiff'];
    if (v4ok && v6Loaded) {
      const diff: NonNullable<Ipv6Data['contentDiff']> = {};
      if (v4.status !== v6Loaded.status) diff.status = [v4.status, v6Loaded.status];
      if ((v4.title ?? '') !== (v6Loaded.title ?? '')) diff.title = [v4.title ?? '', v6Loaded.title ?? ''];
      if (v4.textHash !== v6Loaded.textHash) diff.text = { v4Hash: v4.textHash ?? '', v6Hash: v6Loaded.textHash ?? '', ...(v6.homepage.textSimilarity !== undefined ? { similarity: v6.homepage.textSimilarity } : {}) };
      sameContent = !diff.status && !diff.title && !diff.text;
      if (!sameContent) contentDiff = diff;
    }

    // Findings per host.
    const maxPages = o.maxPages;
    const hostsData: Ipv6HostData[] = [];
    for (const h of v6.hosts) {
      const from = linkers.get(h.host) ?? [];
      const urls = [...(hostUrls.get(h.host) ?? [])];
      const ph = perHost.get(h.host) ?? { level2: { total: 0, supported: 0 }, level3: { total: 0, supported: 0 } };
      const v6ok = Boolean(h.aaaa.length && (h.v6 ? h.v6.ok : h.unchecked));
      const reason = !h.aaaa.length ? `没有 AAAA 记录${h.dnsError ? `（${h.dnsError}）` : ''}` : (h.v6?.reason ?? h.unchecked);
      hostsData.push({
        host: h.host,
        site: h.site,
        a: h.a,
        aaaa: h.aaaa,
        v6ok,
        ...(reason && (!v6ok || h.unchecked) ? { reason } : {}),
        linkedFrom: from.slice(0, 20).map((p) => p.url),
        linkedFromCount: from.length,
        urls: urls.slice(0, 20),
        urlCount: urls.length,
        level2: ph.level2,
        level3: ph.level3,
      });
      const l2bad = ph.level2.total - ph.level2.supported;
      const l3bad = ph.level3.total - ph.level3.supported;
      const cost = l2bad || l3bad ? `，影响二级链接 ${l2bad} 个、三级链接 ${l3bad} 个` : '';
      const kind = h.site ? '网站' : isSibling(h.hostname, siteHost?.hostname) ? '附属系统' : from.length && from.every((p) => p.links.every((l) => hostOf(l.url) !== h.host || l.kind !== 'a')) ? '资源/附件主机' : '外部站点';
      const onHome = Boolean(home && from.includes(home));
      const pageUrl = onHome || !from.length ? homeUrl : from[0].url;
      const severity: Severity = h.site || l2bad ? 'high' : l3bad ? 'medium' : 'low';
      const evidence = {
        target: h.host,
        pages: from.slice(0, maxPages).map((p) => p.url),
        pageCount: from.length,
        a: h.a,
        aaaa: h.aaaa,
        level2Unsupported: l2bad,
        level3Unsupported: l3bad,
        urls: urls.slice(0, 20),
        urlCount: urls.length,
      };
      if (h.host === siteHost?.host && !h.aaaa.length) {
        findings.push({ rule: 'no-aaaa', url: homeUrl, locator: h.host, severity: 'high', message: S.siteNoAaaa(h.hostname) + cost, evidence });
        continue;
      }
      if (!h.aaaa.length) {
        findings.push({ rule: 'no-aaaa', url: pageUrl, locator: h.host, severity, message: S.hostNoAaaa(kind, h.hostname, cost, from.length), evidence });
        continue;
      }
      if (h.v6 && h.v6.status === 0) {
        findings.push({ rule: 'v6-connect-failed', url: h.host === siteHost?.host ? homeUrl : pageUrl, locator: h.host, severity: h.host === siteHost?.host ? 'high' : severity, message: S.connectFailed(kind, h.host, h.v6.error ?? h.v6.reason ?? '无应答', cost, from.length), evidence: { ...evidence, status: undefined, error: h.v6.error, checkedUrl: h.v6.url } });
        continue;
      }
      // The host answers over IPv6; some URLs may still fail there (judged per URL), or the host check itself.
      const failing: V6Check[] = v6.judge === 'url' ? v6.urls.filter((c) => !c.ok && c.status > 0 && hostOf(c.url) === h.host) : h.v6 && !h.v6.ok ? [h.v6] : [];
      if (h.v6 && !h.v6.ok && h.v6.status > 0 && !failing.includes(h.v6)) failing.unshift(h.v6);
      if (failing.length) {
        findings.push({
          rule: 'v6-request-failed',
          url: h.host === siteHost?.host ? homeUrl : pageUrl,
          locator: h.host,
          severity,
          message: S.requestFailed(kind, h.host, failing.length, cost),
          evidence: { ...evidence, failures: failing.slice(0, 20).map((c) => ({ url: c.url, v6Status: c.status, v4Status: c.v4Status, reason: c.reason })) },
        });
      }
    }

    // The homepage over both families.
    if (contentDiff) {
      const what = [contentDiff.status ? `状态码 ${contentDiff.status[0]} / ${contentDiff.status[1]}` : '', contentDiff.title ? `标题“${contentDiff.title[0]}” / “${contentDiff.title[1]}”` : '', contentDiff.text ? `正文不同${contentDiff.text.similarity !== undefined ? `，相同比例 ${pct(contentDiff.text.similarity)}` : ''}` : ''].filter(Boolean).join('；');
      findings.push({ rule: 'content-differs', url: homeUrl, locator: 'homepage', severity: contentDiff.status || contentDiff.title ? 'high' : 'medium', message: S.contentDiffers(what), evidence: { target: homeUrl, v4: { status: v4.status, title: v4.title, textHash: v4.textHash }, v6: { status: v6Loaded!.status, title: v6Loaded!.title, textHash: v6Loaded!.textHash }, differs: contentDiff } });
    }
    if (succeeded > 0 && successRate < o.homepageMinSuccessRate) {
      findings.push({
        rule: 'homepage-v6-unreliable',
        url: homeUrl,
        locator: 'homepage',
        severity: 'medium',
        message: S.unreliable(succeeded, probes.length),
        evidence: { target: homeUrl, probes: probes.map((p) => ({ at: p.at, status: p.status, loadMs: p.loadMs, error: p.error })) },
      });
    }

    // DNS delegation.
    const ns = v6.nameServers;
    const withAaaa = ns.servers.filter((s) => s.aaaa.length).length;
    if (ns.zone && ns.servers.length && withAaaa < ns.servers.length) {
      const lacking = ns.servers.filter((s) => !s.aaaa.length).map((s) => s.name);
      findings.push({
        rule: 'ns-no-aaaa',
        url: homeUrl,
        locator: ns.zone,
        severity: withAaaa === 0 ? 'medium' : 'low',
        message: withAaaa === 0 ? S.nsNone(ns.zone) : S.nsSome(ns.zone, lacking.join('、')),
        evidence: { target: ns.zone, nameServers: ns.servers.map((s) => ({ name: s.name, a: s.a, aaaa: s.aaaa })) },
      });
    }

    // The link levels.
    const levelFinding = (rule: string, zh: string, f: LevelFigures, links: Map<string, string[]>) => {
      if (f.pass) return;
      const worst = f.unsupportedByHost.slice(0, 3).map((x) => `${x.host}（${x.unsupported} 个）`).join('、');
      const unsupported = [...links].filter(([u]) => !support(u).ok);
      const pagesOf = [...new Set(unsupported.flatMap(([, from]) => from))];
      findings.push({
        rule,
        url: homeUrl,
        locator: rule,
        severity: 'high',
        message: S.level(zh, f.supported, f.total, pct(f.supported / f.total), pct(f.threshold), worst),
        evidence: {
          target: homeUrl,
          pages: pagesOf.slice(0, maxPages),
          pageCount: pagesOf.length,
          byHost: f.unsupportedByHost,
          links: unsupported.slice(0, 50).map(([url, from]) => ({ url, reason: support(url).reason, from: from.slice(0, 5) })),
        },
        refs: [seedTask(28), MONITORING(`${zh}链接支持率 ≥${pct(f.threshold)}`)],
      });
    };
    levelFinding('level2-below-threshold', '二级', level2, levels.level2);
    levelFinding('level3-below-threshold', '三级', level3, levels.level3);

    const data: Ipv6Data = {
      aaaa: Boolean(siteHost?.aaaa.length),
      homepageV6,
      homepageV4,
      sameContent,
      ...(contentDiff ? { contentDiff } : {}),
      nameServers: { zone: ns.zone, servers: ns.servers.map((s) => ({ name: s.name, a: s.a, aaaa: s.aaaa })), withAaaa, ok: Boolean(ns.zone && ns.servers.length && withAaaa === ns.servers.length), ...(ns.error ? { error: ns.error } : {}) },
      ...(level2.total ? { level2Rate: Math.round((level2.supported / level2.total) * 10000) / 10000 } : {}),
      ...(level3.total ? { level3Rate: Math.round((level3.supported / level3.total) * 10000) / 10000 } : {}),
      level2,
      level3,
      judge: v6.judge,
      linkKinds: v6.linkKinds,
      counting: COUNTING,
      thresholdsUnconfirmed: true,
      hosts: hostsData,
      requests: v6.requests,
      durationMs: v6.durationMs,
    };
    return { findings, data };
  },
});

/** A host under the same parent domain as the site's (www.x.gov.cn → zwfw.x.gov.cn): an attached system. */
function isSibling(hostname: string, site: string | undefined): boolean {
  if (!site || !site.includes('.') || /^[\d.]+$|:/.test(site)) return false;
  const parent = site.split('.').slice(1).join('.');
  return parent.includes('.') && (hostname === parent || hostname.endsWith('.' + parent));
}
