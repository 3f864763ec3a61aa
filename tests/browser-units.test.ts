/**
 * Browser audits without a browser: the pure parts (finder, resolver rules, sampling, the
 * accessibility / age-friendly / lighthouse audits on hand-made artifacts) and a whole run on
 * a machine where no Chromium is found — a clear message naming `npm run setup`, and a report
 * in which the non-browser audits ran and the browser audits are skipped with that reason.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import accessibility from '../audits/accessibility.ts';
import ageFriendly, { classifyLayer, zoomBlocked } from '../audits/age-friendly.ts';
import lighthouseAudit from '../audits/lighthouse.ts';
import { lighthouseZh, ruleLabel } from '../src/audit/labels.ts';
import links from '../audits/links.ts';
import { wcagCriteria, gbtRefs } from '../audits/accessibility.ts';
import { runAudits } from '../src/audit/run.ts';
import type { Audit } from '../src/audit/types.ts';
import { applyFlags } from '../src/cli/audit.ts';
import { parseConfig } from '../src/config/load.ts';
import type { Artifacts, PageArtifact } from '../src/gather/artifacts.ts';
import { BrowserNotFoundError, findBrowser, findFullBrowser, isHeadlessShell } from '../src/gather/browser/find.ts';
import { hostResolverRules } from '../src/gather/browser/flags.ts';
import { summarise } from '../src/gather/browser/lighthouse.ts';
import { samplePages } from '../src/gather/browser/sample.ts';
import type { AxeRuleResult, BrowserArtifacts, BrowserPage, LayerInfo } from '../src/gather/browser/types.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { startServer, type TestServer } from './helpers/http-server.ts';

const O = 'http://site.test';

function page(path: string, extra: Partial<PageArtifact> = {}): PageArtifact {
  return {
    url: O + path, finalUrl: O + path, status: 200, redirects: [], contentType: 'text/html', charset: 'utf-8', charsetSource: 'header', headers: {}, timingMs: 1, bytes: 1,
    depth: 2, fromSitemap: false, title: path, lang: 'zh-CN', text: '', footerText: '', scriptText: '', headings: [], labels: [], links: [], images: [], forms: [], lists: [], anchors: [], meta: {},
    ...extra,
  };
}

function artifacts(pages: PageArtifact[], browser?: BrowserArtifacts): Artifacts {
  return {
    site: { startUrl: O + '/', origin: O, host: 'site.test' },
    pages, targets: [], robots: { url: O + '/robots.txt', found: false, honoured: true, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false }, crawl: { pages: pages.length, targets: 0, requests: 0, bytes: 0, durationMs: 0, limited: 0 },
    ...(browser ? { browser } : {}),
  };
}

function browser(pages: BrowserPage[], extra: Partial<BrowserArtifacts> = {}): BrowserArtifacts {
  return { product: 'Chrome/test', mode: 'sample', poolSize: 2, hostRules: '', pages, rendered: [], lighthouse: [], limited: 0, stats: { pages: pages.length, failed: 0, timeouts: 0, pageCrashes: 0, browserRestarts: 0, durationMs: 1, pagesPerMinute: 1 }, ...extra };
}

const rule = (id: string, nodes: [string, string][], impact: AxeRuleResult['impact'] = 'critical', tags = ['wcag2a', 'wcag111']): AxeRuleResult => ({
  id, impact, tags, help: `help ${id}`, description: `desc ${id}`, helpUrl: `https://dequeuniversity.com/rules/axe/4.14/${id}`,
  nodes: nodes.map(([selector, html]) => ({ target: [selector], selector, html, impact })), nodeCount: nodes.length,
});

const axe = (violations: AxeRuleResult[], incomplete: AxeRuleResult[] = []) => ({ version: '4.14.1', tags: ['wcag2a'], violations, incomplete, passes: 10, inapplicable: 20, framesAudited: 1, framesFailed: 0 });

const config = (raw: object = {}) => parseConfig(raw);
const run = (a: Artifacts, audit: Audit, raw: object = {}) => runAudits(a, config(raw), '2026-11-20', [audit]);

describe('finding the browser', () => {
  it('takes CHROME_PATH first, then the usual paths', () => {
    expect(findBrowser({ env: { CHROME_PATH: '/opt/chrome' }, candidates: ['/usr/bin/chromium'], exists: () => true })).toBe('/opt/chrome');
    expect(findBrowser({ env: { CHROME_PATH: '/missing' }, candidates: ['/a', '/b'], exists: (p) => p === '/b' })).toBe('/b');
  });

  it('prefers the headless shell (the real binary, not the wrapper script that does not exec) to the full browser', () => {
    const has = new Set(['/usr/bin/chromium', '/usr/bin/chromium-headless-shell', '/usr/lib/chromium/chromium-headless-shell']);
    expect(findBrowser({ env: {}, exists: (p) => has.has(p) })).toBe('/usr/lib/chromium/chromium-headless-shell');
    expect(findBrowser({ env: {}, exists: (p) => p === '/usr/bin/chromium' })).toBe('/usr/bin/chromium');
  });

  it('finds a full browser for the extension, passing over a CHROME_PATH that is a headless shell', () => {
    const all = () => true;
    expect(findFullBrowser({ env: { CHROME_PATH: '/usr/lib/chromium/chromium-headless-shell' }, exists: all })).toBe('/usr/bin/chromium');
    expect(findFullBrowser({ env: { CHROME_PATH: '/opt/google/chrome/chrome' }, exists: all })).toBe('/opt/google/chrome/chrome');
    expect(() => findFullBrowser({ env: {}, exists: (p) => isHeadlessShell(p) })).toThrow(BrowserNotFoundError);
  });

  it('names `npm run setup` when none is found', () => {
    let err: unknown;
    try {
      findBrowser({ env: { CHROME_PATH: '/nonexistent/chrome' }, candidates: [] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrowserNotFoundError);
    expect((err as Error).message).toMatch(/npm run setup/);
    expect((err as Error).message).toMatch(/\/nonexistent\/chrome/);
  });
});

describe('options', () => {
  it('CLI flags set the browser config', () => {
    const c = applyFlags(config(), { a11yPages: 'all', browserPool: 2, itemsPerColumn: 0, lighthouse: false });
    expect(c.browser).toMatchObject({ enabled: true, pages: 'all', pool: 2, itemsPerColumn: 0, lighthouse: { enabled: false } });
    expect(config().browser).toMatchObject({ enabled: true, pages: 'sample', pool: 3, itemsPerColumn: 2, screenshots: true, lighthouse: { enabled: true, urls: [] } });
  });
});

describe('resolver rules', () => {
  it('maps crawled hosts to the addresses the crawl used, IPv6 in brackets', () => {
    const r = hostResolverRules([{ host: 'www.x.gov.cn', address: '127.0.0.9' }, { host: 'v6.x.gov.cn', address: '::1' }], true);
    expect(r).toBe('MAP www.x.gov.cn 127.0.0.9 , MAP v6.x.gov.cn [::1] , MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1');
  });
  it('without a private DNS only Chromium’s own hosts are blocked', () => {
    const r = hostResolverRules([], false);
    expect(r).not.toMatch(/MAP \* ~NOTFOUND/);
    expect(r).toMatch(/MAP update\.googleapis\.com ~NOTFOUND/);
  });
});

describe('sampling', () => {
  const home = page('/', {
    depth: 1,
    links: [
      { url: O + '/xwdt/', text: '新闻', kind: 'a', inNav: true },
      { url: O + '/bsfw/', text: '办事', kind: 'a', inNav: true },
    ],
  });
  const items = (dir: string, n: number) => Array.from({ length: n }, (_, i) => ({ text: `item ${i}`, href: `${O}${dir}t${i}.html`, date: '2026-11-01' }));
  const xwdt = page('/xwdt/', { lists: [{ selector: 'ul', inNav: false, inFooter: false, items: items('/xwdt/', 6) }] });
  const xwdt2 = page('/xwdt/index_1.html', { depth: 3, lists: [{ selector: 'ul', inNav: false, inFooter: false, items: items('/xwdt/', 6) }] });
  const bsfw = page('/bsfw/');
  const articles = Array.from({ length: 6 }, (_, i) => page(`/xwdt/t${i}.html`, { depth: 3 }));
  const guide = page('/bsfw/g1.html', { depth: 3, labels: ['事项名称', '设定依据', '申请条件', '办理材料'] });
  const underService = page('/bsfw/zn/g2.html', { depth: 4 });
  const form = page('/hdjl/zxzx.html', { depth: 3, forms: [{ action: O + '/hdjl/submit', method: 'post', inputs: ['title', 'content', 'yzm'] }] });
  const search = page('/s.html', { depth: 3, forms: [{ action: O + '/search', method: 'get', inputs: ['q'] }] });
  const a = artifacts([home, xwdt, xwdt2, bsfw, ...articles, guide, underService, form, search]);

  it('takes the homepage, columns, N items per column, guides, forms and config URLs', () => {
    const { pages } = samplePages(a, { mode: 'sample', itemsPerColumn: 2, maxPages: 100, urls: ['/extra.html'] });
    const by = new Map(pages.map((p) => [p.url.slice(O.length), p.reasons]));
    expect(by.get('/')).toEqual(['home']);
    expect(by.get('/xwdt/')).toEqual(['column']);
    expect(by.get('/bsfw/')).toEqual(['column']);
    expect(by.has('/xwdt/index_1.html')).toBe(false); // pagination of a column already taken
    expect(by.get('/xwdt/t0.html')).toEqual(['item']);
    expect(by.get('/xwdt/t1.html')).toEqual(['item']);
    expect(by.has('/xwdt/t2.html')).toBe(false);
    expect(by.get('/bsfw/g1.html')).toEqual(['guide']);
    expect(by.get('/bsfw/zn/g2.html')).toEqual(['guide']); // under the 办事 section of the navigation
    expect(by.get('/hdjl/zxzx.html')).toEqual(['form']);
    expect(by.has('/s.html')).toBe(false);
    expect(by.get('/extra.html')).toEqual(['config']);
  });

  it('cuts at maxPages but never the homepage or config URLs; `all` takes every page', () => {
    const cut = samplePages(a, { mode: 'sample', itemsPerColumn: 2, maxPages: 2, urls: ['/extra.html'] });
    expect(cut.pages.map((p) => p.url.slice(O.length))).toEqual(['/', '/extra.html']);
    expect(cut.limited).toBeGreaterThan(0);
    const all = samplePages(a, { mode: 'all', itemsPerColumn: 0, maxPages: 1, urls: [] });
    expect(all.pages.length).toBe(a.pages.length);
  });
});

describe('accessibility audit (pure)', () => {
  const template = rule('image-alt', [['header > img.logo', '<img class="logo" src="/logo.png">']]);
  const pages: BrowserPage[] = [
    { url: O + '/', reasons: ['home'], axe: axe([rule('image-alt', [['header > img.logo', '<img class="logo" src="/logo.png">'], ['main img', '<img src="/a.png">']]), rule('color-contrast', [['p.note', '<p class="note">']], 'serious', ['wcag2aa', 'wcag143'])]), screenshot: 'screenshots/home.png' },
    { url: O + '/a.html', reasons: ['item'], axe: axe([template], [rule('color-contrast', [['p.x', '<p class="x">']], 'serious', ['wcag2aa', 'wcag143'])]) },
    { url: O + '/b.html', reasons: ['item'], axe: axe([template]) },
    { url: O + '/clean.html', reasons: ['item'], axe: axe([]) },
    { url: O + '/hang.html', reasons: ['config'], error: 'no result within 3000 ms (the page hangs)', errorKind: 'timeout' },
  ];
  const res = run(artifacts([], browser(pages)), accessibility);
  const f = res.findings;

  it('reports a template element failing on many pages once, with its pages', () => {
    const t = f.filter((x) => x.rule === 'image-alt' && x.evidence.template);
    expect(t).toHaveLength(1);
    expect(t[0].evidence.pageCount).toBe(3);
    expect(t[0].evidence.pages).toEqual([O + '/', O + '/a.html', O + '/b.html']);
    expect(t[0].evidence.selector).toBe('header > img.logo');
    expect(t[0].evidence.screenshots).toEqual([{ page: O + '/', file: 'screenshots/home.png' }]);
    expect(t[0].severity).toBe('high');
  });

  it('reports what is left per (rule, page), with impact, WCAG and GB/T references', () => {
    const own = f.filter((x) => x.rule === 'image-alt' && !x.evidence.template);
    expect(own).toHaveLength(1);
    expect(own[0].url).toBe(O + '/');
    expect(own[0].evidence.snippet).toBe('<img src="/a.png">');
    const cc = f.find((x) => x.rule === 'color-contrast')!;
    expect(cc.severity).toBe('medium');
    expect(cc.evidence.wcag).toEqual(['1.4.3']);
    expect(cc.refs.map((r) => r.doc)).toContain('WCAG 2.1');
    expect(cc.refs.some((r) => r.doc.startsWith('GB/T 37668-2019') && /可感知性 — 可辨别/.test(r.item ?? ''))).toBe(true);
  });

  it('lists axe "incomplete" as needs-review (info), never as a violation; no finding for a clean page', () => {
    const review = f.filter((x) => x.rule.startsWith('needs-review/'));
    expect(review).toHaveLength(1);
    expect(review[0].severity).toBe('info');
    expect(f.some((x) => x.url === O + '/clean.html')).toBe(false);
  });

  it('lists pages the browser could not check', () => {
    const na = f.find((x) => x.rule === 'page-not-audited')!;
    expect(na.url).toBe(O + '/hang.html');
    expect(na.message).toMatch(/超时/);
    const data = res.data.accessibility as { pagesAudited: number; pagesFailed: unknown[]; templateFindings: number };
    expect(data.pagesAudited).toBe(4);
    expect(data.pagesFailed).toHaveLength(1);
    expect(data.templateFindings).toBe(1);
  });

  it('loses nothing axe reported on a page: every (rule, page) is under that page, past any list cap', () => {
    const many: BrowserPage[] = Array.from({ length: 70 }, (_, i) => ({ url: `${O}/p${i}.html`, reasons: ['item'], axe: axe(i === 69 ? [template, rule('label', [['input#q', '<input id="q">']])] : [template]) }));
    many.push({ url: O + '/partial.html', reasons: ['item'], axe: { ...axe([rule('button-name', [['button', '<button>']])]), framesAudited: 2, framesFailed: 1 } });
    many.push({ url: O + '/gone.html', reasons: ['item'], error: 'net::ERR_CONNECTION_RESET', errorKind: 'error' });
    const r = run(artifacts([], browser(many)), accessibility);
    const d = r.data.accessibility as { pages: { url: string; status: string; rules: string[] }[] };
    for (const p of many.filter((x) => x.axe)) {
      const under = new Set(r.findings.filter((x) => x.url === p.url || (x.evidence.pages as string[] | undefined)?.includes(p.url)).map((x) => x.rule));
      for (const v of p.axe!.violations) expect(under.has(v.id), `${v.id} on ${p.url}`).toBe(true);
      expect(d.pages.find((x) => x.url === p.url)!.rules).toEqual([...new Set(p.axe!.violations.map((v) => v.id))].sort());
    }
    expect(d.pages.find((x) => x.url === O + '/p0.html')!.status).toBe('audited');
    expect(d.pages.find((x) => x.url === O + '/partial.html')!.status).toBe('partial');
    expect(r.findings.find((x) => x.rule === 'page-partly-audited')).toMatchObject({ url: O + '/partial.html' });
    // A page that could not be audited is said so, and is never a clean page.
    expect(d.pages.find((x) => x.url === O + '/gone.html')).toMatchObject({ status: 'failed', rules: [] });
    expect(r.findings.find((x) => x.rule === 'page-not-audited')).toMatchObject({ url: O + '/gone.html', severity: 'low' });
  });

  it('turns axe tags into WCAG criteria and takes configured GB/T clause numbers', () => {
    expect(wcagCriteria(['wcag2a', 'wcag111', 'wcag1410', 'cat.x'])).toEqual(['1.1.1', '1.4.10']);
    expect(gbtRefs(['1.1.1'], { '1.1.1': '5.2.1.1' })[0].item).toMatch(/^第 5\.2\.1\.1 条/);
    expect(gbtRefs(['1.1.1'], {})[0].item).toMatch(/条款号待核对/);
  });
});

describe('age-friendly audit (pure)', () => {
  const layer = (x: Partial<LayerInfo>): LayerInfo => ({ selector: '#x', html: '<div id="x">', tag: 'div', idClass: 'x', position: 'fixed', zIndex: 10, rect: { x: 0, y: 0, width: 120, height: 120 }, coverage: 0.01, text: '', hasImage: true, links: 1, closeControl: true, role: null, modal: false, bar: false, chrome: false, ...x });
  const o = ageFriendly.meta.options.parse({});

  it('tells pop-ups, floating layers and page chrome apart', () => {
    expect(classifyLayer(layer({ coverage: 1, rect: { x: 0, y: 0, width: 1366, height: 768 } }), o)).toBe('popup');
    expect(classifyLayer(layer({ modal: true, coverage: 0.1, rect: { x: 400, y: 200, width: 400, height: 200 } }), o)).toBe('popup');
    expect(classifyLayer(layer({}), o)).toBe('floating');
    expect(classifyLayer(layer({ bar: true, rect: { x: 0, y: 0, width: 1366, height: 60 }, coverage: 0.08 }), o)).toBe(null);
    expect(classifyLayer(layer({ rect: { x: 0, y: 0, width: 40, height: 40 } }), o)).toBe(null); // back-to-top button
    expect(classifyLayer(layer({ position: 'absolute', idClass: 'menu' }), o)).toBe(null);
    expect(classifyLayer(layer({ position: 'absolute', idClass: 'float-ad' }), o)).toBe('floating');
  });

  it('knows a viewport that forbids zooming', () => {
    expect(zoomBlocked('width=device-width, initial-scale=1', 2)).toBe(null);
    expect(zoomBlocked('width=device-width, user-scalable=no', 2)).toMatch(/user-scalable=no/);
    expect(zoomBlocked('width=device-width, maximum-scale=1.0', 2)).toMatch(/maximum-scale=1\.0/);
    expect(zoomBlocked('width=device-width, maximum-scale=5', 2)).toBe(null);
    expect(zoomBlocked(null, 2)).toBe(null);
  });

  it('reports pop-ups, alerts, floating layers, small text and blocked zoom, template layers once', () => {
    const age = (layers: LayerInfo[], viewport: string | null, textFontPx = 16) => ({ viewport, viewportSize: { width: 1366, height: 768 }, bodyFontPx: 16, textFontPx, fontHistogram: { [textFontPx]: 100 }, layers });
    const ad = layer({ selector: '#float-ad', idClass: 'float-ad' });
    const pages: BrowserPage[] = [
      { url: O + '/', reasons: ['home'], age: age([ad], 'width=device-width, user-scalable=no'), dialogs: [{ type: 'alert', message: '欢迎访问' }] },
      { url: O + '/a.html', reasons: ['item'], age: age([ad, layer({ selector: '#mask', coverage: 0.9, rect: { x: 0, y: 0, width: 1366, height: 700 } })], 'width=device-width, user-scalable=no', 12) },
    ];
    const f = run(artifacts([], browser(pages)), ageFriendly).findings;
    const byRule = (r: string) => f.filter((x) => x.rule === r);
    expect(byRule('floating-layer')).toHaveLength(1);
    expect(byRule('floating-layer')[0].evidence.pageCount).toBe(2);
    expect(byRule('popup-on-load')).toHaveLength(2); // the mask and the alert
    expect(byRule('zoom-disabled')).toHaveLength(1);
    expect(byRule('small-font').map((x) => x.url)).toEqual([O + '/a.html']);
  });
});

describe('lighthouse (pure)', () => {
  const lhr = {
    lighthouseVersion: '12.8.2', fetchTime: '2026-11-20T00:00:00Z', finalDisplayedUrl: O + '/',
    categories: {
      performance: { score: 0.42, auditRefs: [{ id: 'largest-contentful-paint', weight: 25 }, { id: 'diagnostics', weight: 0 }] },
      accessibility: { score: 0.95, auditRefs: [{ id: 'image-alt', weight: 10 }] },
      'best-practices': { score: 1, auditRefs: [] },
      seo: { score: 0.8, auditRefs: [{ id: 'meta-description', weight: 1 }] },
    },
    audits: {
      'largest-contentful-paint': { id: 'largest-contentful-paint', title: 'Largest Contentful Paint', score: 0.2, scoreDisplayMode: 'numeric', displayValue: '5.1 s' },
      diagnostics: { id: 'diagnostics', title: 'Diagnostics', score: null, scoreDisplayMode: 'informative' },
      'image-alt': { id: 'image-alt', title: 'Image elements have [alt] attributes', score: 1, scoreDisplayMode: 'binary' },
      'meta-description': { id: 'meta-description', title: 'Document does not have a meta description', score: 0, scoreDisplayMode: 'binary' },
    },
  };
  it('keeps the scores and the audits that did not pass', () => {
    const s = summarise(lhr, O + '/', 'mobile');
    expect(s.scores).toEqual({ performance: 0.42, accessibility: 0.95, 'best-practices': 1, seo: 0.8 });
    expect(s.failing.map((x) => x.id)).toEqual(['largest-contentful-paint', 'meta-description']);
  });
  it('turns low scores and failing audits into findings', () => {
    const s = { ...summarise(lhr, O + '/', 'mobile'), report: 'lighthouse/home.json' };
    const f = run(artifacts([], browser([], { lighthouse: [s] })), lighthouseAudit).findings;
    expect(f.find((x) => x.rule === 'score/performance')?.severity).toBe('medium');
    expect(f.find((x) => x.rule === 'score/seo')?.severity).toBe('low');
    expect(f.some((x) => x.rule === 'score/accessibility')).toBe(false);
    expect(f.map((x) => x.rule)).toContain('meta-description');
    // Lighthouse's zh locale leaves metric names English: the finding names the metric in Chinese.
    const lcp = f.find((x) => x.rule === 'largest-contentful-paint')!;
    expect(lcp.message).toBe('Lighthouse 未通过：最大内容绘制（LCP）（5.1 秒），影响性能');
    expect(lcp.message).not.toMatch(/Largest|Contentful|Paint/);
    expect(lcp.evidence.value).toBe('5.1 秒');
    expect(ruleLabel('lighthouse', 'largest-contentful-paint')).toBe('Lighthouse 指标未达标：最大内容绘制（LCP）');
    expect(lighthouseZh('Largest Contentful Paint 所对应的图片被延迟加载了')).toBe('最大内容绘制（LCP）所对应的图片被延迟加载了');
    expect(lighthouseZh('Max Potential First Input Delay')).toBe('首次输入延迟最大潜在值（Max Potential FID）');
    expect(lighthouseZh('发现 8 条不安全的请求')).toBe('发现 8 条不安全的请求');
    expect(lighthouseZh('详细了解 Speed Index 指标')).toBe('详细了解速度指数（Speed Index）指标');
    expect(lighthouseZh('FCP 1.2 s, TTI 3 s, Speed Index 40 ms')).toBe('FCP 1.2 秒, TTI 3 秒, 速度指数（Speed Index） 40 毫秒');
    expect(f[0].evidence.report).toBe('lighthouse/home.json');
    const data = runAudits(artifacts([], browser([], { lighthouse: [s] })), config(), '2026-11-20', [lighthouseAudit]).data.lighthouse as { runs: { scores: object }[] };
    expect(data.runs[0].scores).toEqual({ performance: 0.42, accessibility: 0.95, 'best-practices': 1, seo: 0.8 });
  });
});

describe('a machine without a browser', () => {
  let site: TestServer;
  let out: string;
  beforeAll(async () => {
    site = await startServer({
      '/': '<!doctype html><html lang="zh-CN"><head><title>首页</title></head><body><a href="/a.html">A</a><a href="/gone.html">gone</a></body></html>',
      '/a.html': '<!doctype html><html lang="zh-CN"><head><title>A</title></head><body><p>A</p></body></html>',
    });
    out = mkdtempSync(join(tmpdir(), 'zc-nobrowser-'));
  });
  afterAll(async () => {
    await site.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('says so, naming `npm run setup`, and reports without the browser audits', async () => {
    const warnings: string[] = [];
    const cfg = config({ crawl: { robots: false, sitemap: false }, ipv6: { enabled: false } });
    const res = await auditSite({
      startUrl: site.url + '/',
      config: cfg,
      db: null,
      outDir: out,
      audits: [links, accessibility, ageFriendly, lighthouseAudit],
      findBrowser: () => findBrowser({ env: { CHROME_PATH: '/nonexistent/chrome' }, candidates: [] }),
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/npm run setup/);
    const status = Object.fromEntries(res.report.audits.map((a) => [a.id, a]));
    expect(status.links.status).toBe('ran');
    expect(res.report.findings.some((f) => f.rule === 'broken-link')).toBe(true);
    for (const id of ['accessibility', 'age-friendly', 'lighthouse']) {
      expect(status[id].status).toBe('skipped');
      expect(status[id].reason).toMatch(/npm run setup/);
    }
    expect(res.artifacts.browser).toBeUndefined();
    const html = readFileSync(res.files!.html, 'utf8');
    expect(html).toMatch(/npm run setup/);
    expect(existsSync(join(out, 'screenshots'))).toBe(false);
  });

  it('--no-browser skips them without looking for a browser', async () => {
    let looked = false;
    const cfg = applyFlags(config({ crawl: { robots: false, sitemap: false }, ipv6: { enabled: false } }), { browser: false });
    const res = await auditSite({ startUrl: site.url + '/', config: cfg, db: null, outDir: null, audits: [links, accessibility], findBrowser: () => ((looked = true), '/usr/bin/chromium') });
    expect(looked).toBe(false);
    const a11y = res.report.audits.find((a) => a.id === 'accessibility')!;
    expect(a11y.status).toBe('skipped');
    expect(a11y.reason).toMatch(/--no-browser/);
  });
});
