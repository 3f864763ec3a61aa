/**
 * IPv6 gatherer + audit with real parts: one DNS server (dns2 on 127.0.0.1) answering A/AAAA/NS
 * for test names, HTTP servers bound to 127.0.0.1 only, ::1 only, or both (same port), and the
 * sample portal served under DNS names with a v4-only CDN and external site.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ipv6Audit, { type Ipv6Data } from '../audits/ipv6.ts';
import { parseConfig } from '../src/config/load.ts';
import type { ConfigInput } from '../src/config/schema.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { runAudits } from '../src/audit/run.ts';
import { summaryText } from '../src/cli/summary.ts';
import { renderHtml } from '../src/report/html.ts';
import { NameResolver } from '../src/gather/dns.ts';
import { gatherIpv6 } from '../src/gather/ipv6.ts';
import { startExternalSite, startSamplePortal, type ExternalSite, type SamplePortal } from '../src/sample-portal/server.ts';
import { ORIGIN_PLACEHOLDER } from '../src/sample-portal/generate.ts';
import { startDnsServer, type TestDns } from './helpers/dns-server.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Served {
  port: number;
  /** "METHOD path" → count, per family. */
  v4: Map<string, number>;
  v6: Map<string, number>;
  close(): Promise<void>;
}

/** Serves on 127.0.0.1 and/or ::1 on one port; each family may have its own handler. */
async function serve(on: { v4?: Handler; v6?: Handler }): Promise<Served> {
  const counts = { v4: new Map<string, number>(), v6: new Map<string, number>() };
  const servers: http.Server[] = [];
  const make = (fam: 'v4' | 'v6', h: Handler) => {
    const s = http.createServer((req, res) => {
      const k = `${req.method} ${req.url}`;
      counts[fam].set(k, (counts[fam].get(k) ?? 0) + 1);
      h(req, res);
    });
    servers.push(s);
    return s;
  };
  const listen = (s: http.Server, host: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.listen({ host, port, ipv6Only: host === '::1' }, () => resolve((s.address() as AddressInfo).port));
    });
  for (let attempt = 0; ; attempt++) {
    let port = 0;
    try {
      if (on.v4) port = await listen(make('v4', on.v4), '127.0.0.1', 0);
      if (on.v6) port = await listen(make('v6', on.v6), '::1', port);
      return {
        port,
        ...counts,
        close: () => Promise.all(servers.map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))))).then(() => undefined),
      };
    } catch (e) {
      await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.listening ? s.close(() => r()) : r()))));
      if (attempt > 20) throw e;
    }
  }
}

/** A tiny site: path → [status, html]. */
function site(pages: Record<string, string | [number, string]>): Handler {
  return (req, res) => {
    const p = pages[(req.url ?? '/').split('?')[0]];
    const [status, body] = p === undefined ? [404, '<title>404</title>not found'] : typeof p === 'string' ? [200, p] : p;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

const doc = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;

let dns: TestDns;
const closers: (() => Promise<void>)[] = [];

function config(extra: ConfigInput = {}) {
  return parseConfig({ dnsServer: dns.server, crawl: { robots: false, sitemap: false, timeoutMs: 5000, retries: 0 }, ...extra, ipv6: { probeIntervalMs: 0, ...extra.ipv6 } });
}

async function runIpv6(url: string, extra: ConfigInput = {}) {
  const res = await auditSite({ startUrl: url, config: config(extra), db: null, outDir: null, audits: [ipv6Audit] });
  const outcome = res.result.audits.find((a) => a.id === 'ipv6')!;
  expect(outcome.status).toBe('ran');
  return { data: res.result.data.ipv6 as Ipv6Data, findings: res.result.findings, report: res.report, artifacts: res.artifacts };
}

// --- the scenario sites ------------------------------------------------------------------------

let good: Served; // www.good.test: dual stack, same content; /b1.html fails over IPv6 only
let sys: Served; // sys.good.test: AAAA, but listens on 127.0.0.1 only
let cdn: Served; // cdn.good.test: A only
let diff: Served; // www.diff.test: different content over v6; 2nd v6 probe fails
let v4only: Served;
let v6only: Served;

beforeAll(async () => {
  sys = await serve({ v4: site({ '/': doc('业务系统', '<p>系统</p>') }) });
  cdn = await serve({ v4: site({ '/logo.png': 'png', '/doc1.pdf': 'pdf', '/doc2.pdf': 'pdf' }) });
  const sysUrl = `http://sys.good.test:${sys.port}/`;
  const cdnUrl = `http://cdn.good.test:${cdn.port}`;
  const pages: Record<string, string | [number, string]> = {
    '/': doc('示例局', `<a href="/a.html">A</a><a href="/b.html">B</a><a href="${sysUrl}">办事系统</a><img src="${cdnUrl}/logo.png" alt="logo">`),
    '/a.html': doc('A', `<a href="/a1.html">a1</a><a href="/a2.html">a2</a><a href="${cdnUrl}/doc1.pdf">附件1</a><a href="${cdnUrl}/doc2.pdf">附件2</a>`),
    '/b.html': doc('B', `<a href="/a1.html">a1</a><a href="/b1.html">b1</a><a href="${cdnUrl}/doc1.pdf">附件1</a>`),
    '/a1.html': doc('a1', '<p>a1</p>'),
    '/a2.html': doc('a2', '<p>a2</p>'),
    '/b1.html': doc('b1', '<p>b1</p>'),
  };
  const v6pages = { ...pages, '/b1.html': [502, doc('502 Bad Gateway', 'IPv6 gateway error')] as [number, string] };
  good = await serve({ v4: site(pages), v6: site(v6pages) });

  let v6Home = 0;
  diff = await serve({
    v4: site({ '/': doc('差异局', '<p>IPv4 正文</p>') }),
    v6: (req, res) => {
      if (req.url === '/' && req.method === 'GET' && ++v6Home === 2) {
        res.writeHead(503, { 'content-type': 'text/html' });
        return void res.end('busy');
      }
      site({ '/': doc('差异局（IPv6 测试版）', '<p>IPv6 正文</p>') })(req, res);
    },
  });
  v4only = await serve({ v4: site({ '/': doc('仅IPv4', '<a href="/x.html">x</a>'), '/x.html': doc('x', 'x') }) });
  v6only = await serve({ v6: site({ '/': doc('仅IPv6', '<a href="/x.html">x</a>'), '/x.html': doc('x', 'x') }) });
  closers.push(...[sys, cdn, good, diff, v4only, v6only].map((s) => s.close));

  dns = await startDnsServer({
    'good.test': { NS: ['ns1.good.test', 'ns2.good.test'] },
    'ns1.good.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'ns2.good.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'www.good.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'sys.good.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'cdn.good.test': { A: ['127.0.0.1'] },
    'diff.test': { NS: ['ns1.diff.test', 'ns2.diff.test'] },
    'ns1.diff.test': { A: ['127.0.0.1'] },
    'ns2.diff.test': { A: ['127.0.0.1'] },
    'www.diff.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'v4only.test': { A: ['127.0.0.1'] },
    'v6only.test': { AAAA: ['::1'] },
    // the sample portal (ports are in the URLs; names only here)
    'portal.test': { A: ['127.0.0.1'], AAAA: ['::1'], NS: ['ns1.portal.test', 'ns2.portal.test'] },
    'ns1.portal.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
    'ns2.portal.test': { A: ['127.0.0.1'] },
    'cdn.test': { A: ['127.0.0.1'] },
    'ext.test': { A: ['127.0.0.1'] },
  });
  closers.push(dns.close);
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

// --- cases --------------------------------------------------------------------------------------

describe('ipv6: dual-stack site with a v4-only CDN, a v6-broken attached system and a v6 gateway error', () => {
  it('counts 二级/三级 links per URL and names the hosts that hold the rates down', async () => {
    const { data, findings, artifacts, report } = await runIpv6(`http://www.good.test:${good.port}/`);
    const g = `www.good.test:${good.port}`;

    // Homepage: AAAA, 3/3 probes, same content over both families; NS with AAAA.
    expect(data.aaaa).toBe(true);
    expect(data.homepageV6).toMatchObject({ ok: true, successRate: 1, probes: 3, succeeded: 3 });
    expect(data.homepageV4.ok).toBe(true);
    expect(data.sameContent).toBe(true);
    expect(data.nameServers).toMatchObject({ zone: 'good.test', withAaaa: 2, ok: true });

    // 二级: /a.html, /b.html, sys/ → 2 of 3 (sys: AAAA but nothing listens on ::1).
    expect(data.level2).toMatchObject({ total: 3, supported: 2 });
    expect(data.level2Rate).toBeCloseTo(2 / 3, 4);
    // 三级: /a1, /a2, /b1, cdn doc1, cdn doc2 (unique) → /a1, /a2 only (b1: 502 over v6, 200 over v4; cdn: no AAAA).
    expect(data.level3).toMatchObject({ total: 5, supported: 2 });
    expect(data.level3.unsupportedByHost).toEqual([
      { host: `cdn.good.test:${cdn.port}`, unsupported: 2 },
      { host: g, unsupported: 1 },
    ]);

    const byRule = (rule: string) => findings.filter((f) => f.rule === rule);
    const noAaaa = byRule('no-aaaa');
    expect(noAaaa.map((f) => f.evidence.target)).toEqual([`cdn.good.test:${cdn.port}`]);
    // Linked from the homepage (the logo) and from both level-2 pages (attachments).
    expect(noAaaa[0].evidence.pages).toEqual([`http://${g}/`, `http://${g}/a.html`, `http://${g}/b.html`]);
    expect(noAaaa[0].evidence.level3Unsupported).toBe(2);
    expect(noAaaa[0].severity).toBe('medium');

    const connect = byRule('v6-connect-failed');
    expect(connect.map((f) => f.evidence.target)).toEqual([`sys.good.test:${sys.port}`]);
    expect(connect[0].severity).toBe('high'); // it costs a 二级 link
    expect(connect[0].evidence.error).toBe('连接被拒绝');

    const request = byRule('v6-request-failed');
    expect(request).toHaveLength(1);
    expect((request[0].evidence.failures as { url: string; v6Status: number; v4Status: number }[])[0]).toMatchObject({ url: `http://${g}/b1.html`, v6Status: 502, v4Status: 200 });

    expect(byRule('level2-below-threshold')).toHaveLength(1);
    expect(byRule('level3-below-threshold')[0].message).toContain(`cdn.good.test:${cdn.port}（2 个）`);
    expect(byRule('content-differs')).toHaveLength(0);
    expect(byRule('ns-no-aaaa')).toHaveLength(0);
    expect(byRule('homepage-v6-unreliable')).toHaveLength(0);

    // Hosts table: every linked host once, with who links there.
    const hosts = new Map(data.hosts.map((h) => [h.host, h]));
    expect([...hosts.keys()].sort()).toEqual([g, `cdn.good.test:${cdn.port}`, `sys.good.test:${sys.port}`].sort());
    expect(hosts.get(`cdn.good.test:${cdn.port}`)).toMatchObject({ a: ['127.0.0.1'], aaaa: [], v6ok: false, urlCount: 3 });
    expect(hosts.get(`sys.good.test:${sys.port}`)).toMatchObject({ aaaa: ['::1'], v6ok: false, linkedFrom: [`http://${g}/`] });

    // Each URL at most once over IPv6 (the homepage: the 3 probes); cdn never (no AAAA); sys: one attempt.
    for (const [k, n] of good.v6) expect(n, k).toBe(k === 'GET /' ? 3 : 1);
    expect([...good.v6.keys()].filter((k) => k !== 'GET /').sort()).toEqual(['HEAD /a.html', 'HEAD /a1.html', 'HEAD /a2.html', 'HEAD /b.html', 'HEAD /b1.html']);
    expect(artifacts.ipv6!.urls.map((u) => u.url)).toHaveLength(8);

    // The HTML report's IPv6 section, the summary line.
    const page = renderHtml(report);
    expect(page).toContain('<section id="ipv6">');
    expect(page).toContain(`cdn.good.test:${cdn.port}`);
    expect(page).toMatch(/66\.7%<\/b><span>二级链接 IPv6 支持率（2\/3/);
    expect(summaryText(report)).toContain('IPv6：首页可访问 · 二级 66.7% · 三级 40.0%');
  });

  it('judging per host counts a link by its host’s check (the v6 gateway error on one path goes unseen)', async () => {
    const { data } = await runIpv6(`http://www.good.test:${good.port}/`, { ipv6: { judge: 'host', probes: 1 } });
    expect(data.judge).toBe('host');
    expect(data.level2).toMatchObject({ total: 3, supported: 2 });
    expect(data.level3).toMatchObject({ total: 5, supported: 3 });
  });

  it('with external links not checked, an external host is not contacted: its AAAA record decides', async () => {
    const before = [...sys.v4.values()].reduce((x, y) => x + y, 0);
    const { data } = await runIpv6(`http://www.good.test:${good.port}/`, { crawl: { robots: false, sitemap: false, checkExternal: false, retries: 0 }, ipv6: { probes: 1 } });
    expect([...sys.v4.values()].reduce((x, y) => x + y, 0)).toBe(before);
    expect(data.hosts.find((h) => h.host.startsWith('sys.'))).toMatchObject({ v6ok: true, reason: expect.stringContaining('未经 IPv6 请求') });
    expect(data.level2).toMatchObject({ total: 3, supported: 3 });
    expect(data.level3).toMatchObject({ total: 5, supported: 2 }); // cdn: no AAAA; b1: 502 over IPv6
  });

  it('counts resource links too when configured (img, script, link)', async () => {
    const { data } = await runIpv6(`http://www.good.test:${good.port}/`, { ipv6: { linkKinds: ['a', 'area', 'attachment', 'img'], probes: 1 } });
    expect(data.level2).toMatchObject({ total: 4, supported: 2 }); // + the CDN logo
  });
});

describe('ipv6: content and reliability of the homepage, name servers without AAAA', () => {
  it('reports different content over v4 and v6, an unreliable v6 homepage and NS without AAAA', async () => {
    const { data, findings } = await runIpv6(`http://www.diff.test:${diff.port}/`);
    expect(data.homepageV6).toMatchObject({ ok: false, probes: 3, succeeded: 2 });
    expect(data.homepageV6.successRate).toBeCloseTo(2 / 3, 3);
    expect(data.sameContent).toBe(false);
    expect(data.contentDiff?.title).toEqual(['差异局', '差异局（IPv6 测试版）']);
    expect(data.contentDiff?.text).toBeDefined();
    expect(data.nameServers).toMatchObject({ zone: 'diff.test', withAaaa: 0, ok: false });
    const rules = findings.map((f) => f.rule).sort();
    expect(rules).toEqual(['content-differs', 'homepage-v6-unreliable', 'ns-no-aaaa']);
    expect(findings.find((f) => f.rule === 'ns-no-aaaa')!.message).toContain('均无 AAAA');
    expect(findings.find((f) => f.rule === 'content-differs')!.severity).toBe('high');
  });
});

describe('ipv6: single-family sites', () => {
  it('v4 only: no AAAA, the homepage fails over IPv6, every link unsupported', async () => {
    const { data, findings, report } = await runIpv6(`http://v4only.test:${v4only.port}/`);
    expect(data.aaaa).toBe(false);
    expect(data.homepageV6).toMatchObject({ ok: false, probes: 1, succeeded: 0, successRate: 0 });
    expect(data.homepageV6.error).toContain('没有 AAAA 记录');
    expect(data.homepageV4.ok).toBe(true);
    expect(data.sameContent).toBeNull();
    expect(data.level2).toMatchObject({ total: 1, supported: 0 });
    expect(data.level2Rate).toBe(0);
    expect(findings.find((f) => f.rule === 'no-aaaa')).toMatchObject({ severity: 'high', url: `http://v4only.test:${v4only.port}/` });
    expect(v4only.v6.size).toBe(0);
    expect(v4only.v4.get('GET /')).toBe(1); // no AAAA: the crawl's fetch is the IPv4 reference
    expect(report.ipv6).toEqual(data);

    // An IPv4 address in the URL is connected to as is: never counted as IPv6.
    const literal = await runIpv6(`http://127.0.0.1:${v4only.port}/`);
    expect(literal.data).toMatchObject({ aaaa: false, homepageV6: { ok: false, succeeded: 0 }, level2: { total: 1, supported: 0 } });
    expect(literal.data.homepageV6.error).toContain('127.0.0.1 是 IPv4 地址');
    expect(v4only.v4.get('GET /')).toBe(2); // the two crawls, nothing more
  });

  it('v6 only: the homepage loads over IPv6 only; links are reachable over IPv6', async () => {
    const { data, findings } = await runIpv6(`http://v6only.test:${v6only.port}/`);
    expect(data.aaaa).toBe(true);
    expect(data.homepageV6).toMatchObject({ ok: true, succeeded: 3 });
    expect(data.homepageV4.ok).toBe(false);
    expect(data.homepageV4.error).toMatch(/没有 A 记录/);
    expect(data.sameContent).toBeNull();
    expect(data.level2).toMatchObject({ total: 1, supported: 1 });
    expect(findings.filter((f) => f.rule !== 'ns-no-aaaa')).toEqual([]);
  });

  it('--no-ipv6 (ipv6.enabled false) skips the gatherer and the audit', async () => {
    const before = good.v6.get('GET /') ?? 0;
    const res = await auditSite({ startUrl: `http://www.good.test:${good.port}/`, config: config({ ipv6: { enabled: false } }), db: null, outDir: null, audits: [ipv6Audit] });
    expect(res.artifacts.ipv6).toBeUndefined();
    expect(res.result.audits[0]).toMatchObject({ id: 'ipv6', status: 'skipped' });
    expect(res.report.ipv6).toBeUndefined();
    expect(good.v6.get('GET /') ?? 0).toBe(before);
  });
});

// --- the sample portal under DNS names ------------------------------------------------------------

describe('ipv6: the sample portal served with the test DNS', () => {
  let portal: SamplePortal;
  let external: ExternalSite;
  let port: number;
  const m = () => portal.manifest;

  beforeAll(async () => {
    external = await startExternalSite();
    // A port free on both families, for the portal and its CDN origin (the same server).
    const probe = await serve({ v4: site({}), v6: site({}) });
    port = probe.port;
    await probe.close();
    portal = await startSamplePortal({ pages: 300, seed: 1, host: 'both', port, external: `http://ext.test:${external.port}`, cdn: `http://cdn.test:${port}` });
  });
  afterAll(async () => {
    await portal?.close();
    await external?.close();
  });

  it('shows the exact 二级 and 三级 rates computed from the generated pages', async () => {
    const origin = `http://portal.test:${port}`;
    const cfg = config({ crawl: { robots: true, sitemap: true, timeoutMs: 5000, retries: 0 } });
    // The crawl as an audit run makes it (IPv6 off), then the gatherer alone, so the portal's
    // request counts show exactly what the IPv6 gatherer asked for.
    const crawled = await auditSite({ startUrl: origin + '/', config: { ...cfg, ipv6: { ...cfg.ipv6, enabled: false } }, db: null, outDir: null, audits: [ipv6Audit] });
    const artifacts = crawled.artifacts;
    portal.resetCounts();
    external.resetCounts();
    artifacts.ipv6 = await gatherIpv6({ artifacts, config: cfg, resolver: new NameResolver(dns.server) });
    const gatherRequests = new Map(portal.requests);
    const data = runAudits(artifacts, cfg, m().today, [ipv6Audit]).data.ipv6 as Ipv6Data;

    // Expected, independently of the crawler: <a>/<area> hrefs of the generated HTML of the
    // manifest's depth-1 and depth-2 pages, unique per level; a link is reachable over IPv6 iff its
    // host is the dual-stack portal (cdn.test, ext.test: no AAAA; 127.0.0.2: an IPv4 literal).
    const level = (depth: number) => {
      const urls = new Set<string>();
      for (const p of m().pages.filter((x) => x.depth === depth)) {
        const r = portal.portal.resources.get(p.path) ?? portal.portal.resources.get(p.path.replace(/\/$/, '/index.html')) ?? portal.portal.dynamic(p.path, 'GET');
        expect(r, p.path).toBeDefined();
        const html = r!.body.toString('latin1').split(ORIGIN_PLACEHOLDER).join(origin).replace(/<!--[\s\S]*?-->/g, '').replace(/<script\b[\s\S]*?<\/script>/gi, '');
        for (const [, href] of html.matchAll(/<(?:a|area)\b[^>]*?\shref\s*=\s*["']([^"']*)["']/gi)) {
          const raw = href.replace(/&amp;/g, '&').trim();
          if (!raw || /^(javascript|mailto|tel):/i.test(raw)) continue;
          const u = new URL(raw, origin + p.path);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
          u.hash = '';
          urls.add(u.href);
        }
      }
      const supported = [...urls].filter((u) => new URL(u).host === `portal.test:${port}`).length;
      return { total: urls.size, supported };
    };
    const exp2 = level(1);
    const exp3 = level(2);

    // The crawl saw the same depth-2 pages as the generator's graph.
    expect(artifacts.pages.filter((p) => p.depth === 2).length).toBe(m().depthCounts['2']);
    expect(data.level2).toMatchObject(exp2);
    expect(data.level3).toMatchObject(exp3);
    expect(exp2.supported).toBeLessThan(exp2.total);
    expect(exp3.supported).toBeLessThan(exp3.total);
    expect(data.level2Rate).toBeCloseTo(exp2.supported / exp2.total, 4);
    expect(data.level3Rate).toBeCloseTo(exp3.supported / exp3.total, 4);

    expect(data.homepageV6).toMatchObject({ ok: true, probes: 3, succeeded: 3 });
    expect(data.sameContent).toBe(true);
    expect(data.nameServers).toMatchObject({ zone: 'portal.test', withAaaa: 1, ok: false });
    const hosts = new Map(data.hosts.map((h) => [h.host.replace(/:\d+$/, ''), h]));
    expect(hosts.get('ext.test')).toMatchObject({ v6ok: false, aaaa: [] });
    expect(hosts.get('cdn.test')).toMatchObject({ v6ok: false, aaaa: [] });
    expect(hosts.get('portal.test')).toMatchObject({ v6ok: true, site: true });

    // What the gatherer requested: the homepage 3 × over IPv6 + once over IPv4; every other URL at
    // most once (HEAD, or GET after a refused HEAD); nothing of the v4-only hosts.
    expect(gatherRequests.get('GET /')).toBe(4);
    for (const [k, n] of gatherRequests) if (k !== 'GET /') expect(n, k).toBe(1);
    expect(external.requests.size).toBe(0);
    console.log(`sample portal (${artifacts.pages.length} pages): crawl ${artifacts.crawl.durationMs} ms (${artifacts.crawl.requests} requests), IPv6 gather ${artifacts.ipv6!.durationMs} ms (${artifacts.ipv6!.requests} requests, judged per URL); 二级 ${exp2.supported}/${exp2.total}, 三级 ${exp3.supported}/${exp3.total}`);

    // Cost of judging per host instead: one request per host.
    portal.resetCounts();
    const byHost = await gatherIpv6({ artifacts, config: { ...cfg, ipv6: { ...cfg.ipv6, judge: 'host' } }, resolver: new NameResolver(dns.server) });
    console.log(`  judged per host: IPv6 gather ${byHost.durationMs} ms (${byHost.requests} requests)`);
    expect(byHost.urls).toEqual([]);
  });
});
