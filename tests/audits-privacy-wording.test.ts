/**
 * privacy and wording against the sample portal (crawled once for the file), then the finer
 * rules on hand-written pages: exceptions, template text, config entries and options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import privacy from '../audits/privacy.ts';
import wording, { BUILTIN_ENTRIES, type WordingData } from '../audits/wording.ts';
import verdict, { type VerdictData } from '../audits/verdict.ts';
import { auditOptions, runAudits } from '../src/audit/run.ts';
import { UsageError } from '../src/config/errors.ts';
import { parseConfig } from '../src/config/load.ts';
import type { Artifacts, PageArtifact } from '../src/gather/artifacts.ts';
import { parseHtml } from '../src/gather/parse.ts';
import { maskValue } from '../src/pii/detect.ts';
import { renderHtml } from '../src/report/html.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { plantById, plantsOf } from '../src/sample-portal/manifest.ts';
import { startSamplePortal, type SamplePortal } from '../src/sample-portal/server.ts';

const CONFIG_ENTRY = { wrong: '省水产技术推广总站', correct: '省水产技术推广中心', kind: 'outdated' as const, note: '站点配置增补的词条' };

let sp: SamplePortal;
let res: AuditSiteResult;
let json: string;
let htmlReport: string;

beforeAll(async () => {
  sp = await startSamplePortal({ host: '127.0.0.1' });
  res = await auditSite({
    startUrl: sp.url + '/',
    // The browser and IPv6 passes feed other audits; these tests need only the crawl.
    config: parseConfig({ today: sp.manifest.today, ipv6: { enabled: false }, browser: { enabled: false }, audits: { wording: { options: { entries: [CONFIG_ENTRY] } } } }),
    db: null,
    outDir: null,
  });
  json = JSON.stringify(res.report);
  htmlReport = renderHtml(res.report);
}, 120_000);

afterAll(async () => {
  await sp?.close();
});

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const findingsOf = (audit: string) => res.report.findings.filter((f) => f.audit === audit);

describe('privacy on the sample portal', () => {
  const truePlants = () => plantsOf(sp.manifest, { area: 'privacy', nearMiss: false });
  const RULES: Record<string, string> = { 'personal-id': 'unmasked-id-number', 'personal-mobile': 'unmasked-mobile', 'personal-bankcard': 'unmasked-bank-card' };

  it('finds each planted unmasked ID number, mobile and bank card, masked', () => {
    expect(truePlants().map((p) => p.kind).sort()).toEqual(['personal-bankcard', 'personal-id', 'personal-mobile']);
    for (const p of truePlants()) {
      const f = findingsOf('privacy').find((x) => x.rule === RULES[p.kind] && pathOf(x.url) === p.path);
      expect(f, p.id).toBeDefined();
      expect(f!.evidence.values).toEqual([p.masked]);
      expect(f!.evidence.value).toBe(p.masked);
      expect(f!.evidence.snippet).toContain(p.masked);
      expect(f!.message).toContain(p.masked);
      expect(f!.severity).toBe(p.kind === 'personal-mobile' ? 'medium' : 'high');
      expect(f!.refs).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'seed', item: '35' }), expect.objectContaining({ source: 'regulation' })]));
      expect(f!.refs.some((r) => r.source === 'guideline')).toBe(true);
    }
  });

  it('never shows a planted value in clear: not in report.json, not in index.html', () => {
    for (const p of truePlants()) {
      expect(json.includes(p.value!), p.id).toBe(false);
      expect(htmlReport.includes(p.value!), p.id).toBe(false);
      expect(htmlReport, p.id).toContain(p.masked);
      // not even the hidden middle of an ID or card number
      if (p.value!.length >= 16) expect(json.includes(p.value!.slice(4, -4)), p.id).toBe(false);
    }
    expect(JSON.stringify(res.report.audits.find((a) => a.id === 'privacy')!.data)).not.toMatch(/\d{11}/);
  });

  it('reports nothing for the near misses, and nothing anywhere else on the site', () => {
    const nearMisses = plantsOf(sp.manifest, { area: 'privacy', nearMiss: true });
    expect(nearMisses.map((p) => p.kind).sort()).toEqual(['credit-code', 'digits-in-filename', 'id-bad-checksum', 'masked-id', 'office-phone']);
    const values = findingsOf('privacy').flatMap((f) => f.evidence.values as string[]);
    for (const p of nearMisses) {
      expect(values.includes(p.value!), p.id).toBe(false);
      expect(values.includes(maskValue(p.value!)), p.id).toBe(false);
      expect(values.includes(maskValue(p.value!, 3, 4)), p.id).toBe(false);
    }
    const filename = plantById(sp.manifest, 'digits-in-filename');
    expect(findingsOf('privacy').filter((f) => pathOf(f.url) === filename.path)).toEqual([]);
    const planted = new Set(truePlants().map((p) => p.path));
    expect(findingsOf('privacy').filter((f) => !planted.has(pathOf(f.url)))).toEqual([]);
    expect(findingsOf('privacy')).toHaveLength(3);
  });
});

describe('wording on the sample portal', () => {
  it('finds the outdated institution name with its context', () => {
    const p = plantById(sp.manifest, 'outdated-name');
    const f = findingsOf('wording').find((x) => x.rule === 'outdated-name' && pathOf(x.url) === p.path && x.evidence.value === '海洋与渔业厅');
    expect(f).toBeDefined();
    expect(f!.evidence.snippet).toContain(p.evidence);
    expect(f!.evidence.correction).toBe('海洋与渔业局');
    expect(p.extra!.correct).toContain(f!.evidence.correction as string);
    expect(f!.severity).toBe('medium');
    expect(f!.refs.length).toBeGreaterThan(0);
  });

  it('does not report 原示例省海洋与渔业厅 (the former name, named as such)', () => {
    const former = res.artifacts.pages.filter((pg) => pg.text.includes('原示例省海洋与渔业厅'));
    expect(former.length).toBeGreaterThan(0);
    const formerUrls = new Set(former.map((pg) => pg.url));
    expect(findingsOf('wording').filter((f) => f.evidence.value === '海洋与渔业厅' && formerUrls.has(f.url))).toEqual([]);
    for (const f of findingsOf('wording')) for (const c of f.evidence.contexts as string[]) expect(c).not.toContain('原示例省海洋与渔业厅');
  });

  it('finds the planted typos with their corrections', () => {
    for (const id of ['typo-jishi', 'typo-anzhuang']) {
      const p = plantById(sp.manifest, id);
      const f = findingsOf('wording').find((x) => x.rule === 'typo' && pathOf(x.url) === p.path && x.evidence.value === p.value);
      expect(f, id).toBeDefined();
      expect(f!.evidence.correction).toBe(p.extra!.correct);
      expect(f!.message).toContain(`应为“${p.extra!.correct}”`);
      expect((f!.evidence.snippet as string).length).toBeLessThanOrEqual(2 + 20 * 2 + 4);
    }
  });

  it('reports built-in entries only where they were planted, and no serious wording', () => {
    const planted = new Set(plantsOf(sp.manifest, { area: 'wording' }).map((p) => p.path));
    const builtin = findingsOf('wording').filter((f) => f.evidence.value !== CONFIG_ENTRY.wrong);
    expect(builtin.filter((f) => !planted.has(pathOf(f.url)))).toEqual([]);
    expect(builtin.map((f) => f.rule).sort()).toEqual(['outdated-name', 'typo', 'typo']);
    const data = res.report.audits.find((a) => a.id === 'wording')!.data as WordingData;
    expect(data.veto).toMatchObject({ item: '严重问题', hit: false, evaluated: true });
  });

  it('finds an entry the site config adds', () => {
    const f = findingsOf('wording').filter((x) => x.evidence.value === CONFIG_ENTRY.wrong);
    expect(f.length).toBeGreaterThan(0);
    expect(f[0]).toMatchObject({ rule: 'outdated-name', severity: 'medium' });
    expect(f[0].evidence.correction).toBe(CONFIG_ENTRY.correct);
    expect(f[0].message).toContain('站点配置增补的词条');
  });
});

describe('the verdict in report.json and index.html', () => {
  it('shows the verdict first, with every veto item, 未评估 where nothing judged it', () => {
    const v = res.report.audits.find((a) => a.id === 'verdict')!.data as VerdictData;
    expect(v.vetoes.map((x) => x.item)).toEqual(['站点无法访问', '首页不更新', '栏目不更新', '互动回应差', '服务不实用', '严重问题']);
    // 严重问题 is hit by the portal's tampering plants (integrity), not by wording, which has none.
    const serious = v.vetoes.find((x) => x.item === '严重问题')!;
    expect(serious).toMatchObject({ hit: true, evaluated: true });
    expect(serious.sources).toEqual(['wording', 'integrity']);
    expect(v.vetoes.find((x) => x.item === '站点无法访问')).toMatchObject({ evaluated: false });
    expect(v.deductions.find((d) => d.item === '链接不可用')).toMatchObject({ unconfirmed: true, cap: 5 });
    expect(v.unconfirmedNote).toContain('链接不可用');
    expect(htmlReport.indexOf('检查结论')).toBeLessThan(htmlReport.indexOf('概况'));
    for (const x of v.vetoes) expect(htmlReport).toContain(x.evidence);
    if (v.vetoes.some((x) => !x.evaluated)) expect(htmlReport).toContain('未评估');
    expect(htmlReport).toContain('[权重待确认]');
    expect(htmlReport).toContain(`${v.score} 分`);
  });
});

// --- hand-written pages ------------------------------------------------------------------------

const ORIGIN = 'https://hyj.example.gov.cn';
function page(path: string, body: string, o: { depth?: number; title?: string; footer?: string; date?: string } = {}): PageArtifact {
  const html = `<html><head><title>${o.title ?? '页面'}</title>${o.date ? `<meta name="PubDate" content="${o.date}">` : ''}</head><body><div class="main">${body}</div>${o.footer ? `<div class="footer">${o.footer}</div>` : ''}</body></html>`;
  const url = ORIGIN + path;
  const p = parseHtml(html, url);
  return {
    url, finalUrl: url, status: 200, redirects: [], contentType: 'text/html', charset: 'utf-8', charsetSource: 'header', headers: {},
    timingMs: 1, bytes: html.length, depth: o.depth ?? 2, fromSitemap: false, title: p.title, lang: p.lang, text: p.text, footerText: p.footerText,
    scriptText: p.scriptText, headings: p.headings, labels: p.labels, links: p.links, images: p.images, forms: p.forms, lists: p.lists,
    anchors: p.anchors, meta: p.meta, publishedAt: p.publishedAt,
  };
}
function site(pages: PageArtifact[], origin = ORIGIN): Artifacts {
  return {
    site: { startUrl: origin + '/', origin, host: new URL(origin).host },
    pages, targets: [], robots: { url: origin + '/robots.txt', found: false, honoured: true, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false }, crawl: { pages: pages.length, targets: 0, requests: 0, bytes: 0, durationMs: 0, limited: 0 },
  };
}
const runWith = (pages: PageArtifact[], audits: Record<string, unknown> = {}, origin = ORIGIN) =>
  runAudits(site(pages, origin), parseConfig({ today: '2026-11-20', audits }), '2026-11-20', [privacy, wording, verdict]);

const ID17 = '35010219900101123';
const ID = ID17 + '10X98765432'[[...ID17].reduce((s, d, i) => s + Number(d) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i], 0) % 11];

describe('privacy rules on hand-written pages', () => {
  it('scans the title, lists masked values once per page and kind, and keeps fingerprints stable across hosts', () => {
    const pages = (o: string) => [page('/a.html', `<p>张三 ${ID}，李四 13812345678，王五 13912345678。</p>`, { title: `公示 ${ID}` })].map((p) => ({ ...p, url: p.url.replace(ORIGIN, o), finalUrl: p.url.replace(ORIGIN, o) }));
    const a = runWith(pages(ORIGIN)).findings.filter((f) => f.audit === 'privacy');
    expect(a.map((f) => f.rule).sort()).toEqual(['unmasked-id-number', 'unmasked-mobile']);
    const mobile = a.find((f) => f.rule === 'unmasked-mobile')!;
    expect(mobile.evidence.values).toEqual(['138****5678', '139****5678']);
    expect(mobile.evidence.count).toBe(2);
    expect(a.find((f) => f.rule === 'unmasked-id-number')!.evidence.count).toBe(1); // title and text: one value
    const b = runWith(pages('http://127.0.0.1:8080'), {}, 'http://127.0.0.1:8080').findings.filter((f) => f.audit === 'privacy');
    expect(b.map((f) => f.fingerprint).sort()).toEqual(a.map((f) => f.fingerprint).sort());
    expect(JSON.stringify(a)).not.toContain(ID);
  });

  it('reports a value in the shared footer once for the site, not once per page', () => {
    const footer = '值班手机：13812345678';
    const r = runWith([page('/', '首页', { depth: 1, footer }), page('/b.html', '<p>内容</p>', { footer }), page('/c.html', '<p>内容</p>', { footer })]);
    const f = r.findings.filter((x) => x.audit === 'privacy');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ url: ORIGIN + '/', rule: 'unmasked-mobile' });
    expect(f[0].evidence.pageCount).toBe(3);
  });

  it('reports old 15-digit ID numbers under their own rule (task 35), masked, and not the 15-digit near misses', () => {
    const ID15 = '330102850312123';
    const ID15B = '110105960229001';
    const REG15 = '330100000112345'; // a 工商注册号 with a valid check digit; digits 7–12 read as 1900-01-12
    const body =
      `<table><tr><th>姓名</th><th>性别</th><th>身份证号</th><th>联系电话</th><th>拟聘岗位</th></tr>` +
      `<tr><td>张三</td><td>男</td><td>${ID}</td><td>0591-87654321</td><td>渔业技术岗</td></tr>` +
      `<tr><td>李四</td><td>女</td><td>${ID15}</td><td>0591-87654322</td><td>水产养殖岗</td></tr>` +
      `<tr><td>王五</td><td>男</td><td>${ID15B}</td><td>0591-87654323</td><td>执法岗</td></tr></table>` +
      `<p>受理企业注册号：${REG15}</p><p>索引号：${ID15.slice(0, 14)}4</p><p>附件：<a href="/f/${ID15}.pdf">${ID15}.pdf</a></p><p>编号 330102851312123</p>`;
    const r = runWith([page('/a.html', body)]);
    const f = r.findings.filter((x) => x.audit === 'privacy');
    expect(f.map((x) => x.rule).sort()).toEqual(['unmasked-id-number', 'unmasked-id-number-15']);
    const old = f.find((x) => x.rule === 'unmasked-id-number-15')!;
    expect(old.evidence.values).toEqual(['3301*******2123', '1101*******9001']); // not the 注册号, 索引号, file name or month-13 number
    expect(old.evidence).toMatchObject({ kind: 'id-number-15', kindZh: '15 位（一代）身份证号码', count: 2 });
    expect(old.message).toContain('15 位（一代）身份证号');
    expect(old.message).toContain('3301*******2123');
    expect(old.severity).toBe('high');
    const id18 = f.find((x) => x.rule === 'unmasked-id-number')!;
    expect(old.refs).toEqual(id18.refs); // task 35 / 个人信息保护, like the 18-digit rule
    expect(old.refs).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'seed', item: '35' }), expect.objectContaining({ source: 'regulation', doc: '中华人民共和国个人信息保护法' })]));
    expect(privacy.meta.title.zh).toBe('个人信息保护');
    expect((r.data.privacy as { values: Record<string, number> }).values).toMatchObject({ 'id-number': 1, 'id-number-15': 2, mobile: 0, 'bank-card': 0 });
    const out = JSON.stringify(r);
    for (const v of [ID15, ID15B, ID15.slice(4, 11), ID15B.slice(4, 11)]) expect(out).not.toContain(v);
  });

  it('advises the masking that fits each kind: a mobile as a mobile, a card by its last 4', () => {
    const CARD = '6228480012345678903'; // Luhn-valid 19 digits
    const ID15 = '330102850312123';
    const r = runWith([page('/a.html', `<p>身份证号 ${ID}</p><p>身份证号：${ID15}</p><p>手机 13812345678</p><p>退费账户：${CARD}</p>`)]);
    const advice = (rule: string) => /脱敏（如 ([^）]+(?:）[^）]*)?)）后/.exec(r.findings.find((f) => f.rule === rule)!.message)?.[1];
    expect(advice('unmasked-mobile')).toBe('138****1234');
    expect(advice('unmasked-id-number')).toBe('3501**********1234');
    expect(advice('unmasked-id-number-15')).toBe('3301*******2123');
    expect(r.findings.find((f) => f.rule === 'unmasked-bank-card')!.message).toContain('**** **** **** 1234（只保留末 4 位）');
  });

  it('can be limited to some kinds', () => {
    const r = runWith([page('/a.html', `<p>${ID} 13812345678</p>`)], { privacy: { options: { kinds: ['id-number'] } } });
    expect(r.findings.filter((f) => f.audit === 'privacy').map((f) => f.rule)).toEqual(['unmasked-id-number']);
  });
});

describe('wording rules on hand-written pages', () => {
  const rules = (r: ReturnType<typeof runWith>) => r.findings.filter((f) => f.audit === 'wording').map((f) => `${f.rule}:${f.evidence.value}`).sort();

  it('applies "unless preceded by" across a place name, and "unless followed by"', () => {
    const r = runWith([
      page('/a.html', '<p>原示例省海洋与渔业厅、原省海洋与渔业厅、原海洋与渔业厅的职责划入新组建的局。</p>'),
      page('/b.html', '<p>示例省海洋与渔业厅（现示例省海洋与渔业局）。既使用无人机巡查，又按装修标准改造。</p>'),
      page('/c.html', '<p>由示例省海洋与渔业厅负责。既使下雨也不停工。</p>'),
    ]);
    expect(rules(r)).toEqual(['outdated-name:海洋与渔业厅', 'typo:既使']);
    expect(r.findings.filter((f) => f.audit === 'wording').every((f) => f.url === ORIGIN + '/c.html')).toBe(true);
  });

  it('skips pages published before the reform the entry names', () => {
    const r = runWith([page('/old.html', '<p>示例省海洋与渔业厅召开会议。</p>', { date: '2017-05-02' }), page('/new.html', '<p>示例省海洋与渔业厅召开会议。</p>', { date: '2025-05-02' })]);
    expect(r.findings.filter((f) => f.audit === 'wording').map((f) => f.url)).toEqual([ORIGIN + '/new.html']);
  });

  it('prefers the longest entry and does not treat 制定/制订 as typos', () => {
    const r = runWith([page('/a.html', '<p>国家卫生和计划生育委员会制定了办法，各地制订了计划。</p>')]);
    expect(rules(r)).toEqual(['outdated-name:国家卫生和计划生育委员会']);
    expect(BUILTIN_ENTRIES.some((e) => /制[定订]/.test(e.wrong))).toBe(false);
    expect(BUILTIN_ENTRIES.filter((e) => e.kind === 'typo').length).toBeGreaterThanOrEqual(30);
    expect(BUILTIN_ENTRIES.filter((e) => e.kind === 'typo').length).toBeLessThanOrEqual(60);
  });

  it('reports template text once with all its pages, and counts repeated hits on one page', () => {
    const footer = '主办：示例省海洋与渔业厅';
    const r = runWith([
      page('/', '<p>首页</p>', { depth: 1, footer }),
      page('/b.html', '<p>要坚苦奋斗，坚苦创业。</p>', { footer }),
      page('/c.html', '<p>内容</p>', { footer }),
    ]);
    const w = r.findings.filter((f) => f.audit === 'wording');
    const tpl = w.find((f) => f.rule === 'outdated-name')!;
    expect(tpl.url).toBe(ORIGIN + '/');
    expect(tpl.evidence.pageCount).toBe(3);
    const typo = w.find((f) => f.rule === 'typo')!;
    expect(typo).toMatchObject({ url: ORIGIN + '/b.html' });
    expect(typo.evidence.count).toBe(2);
    expect(w).toHaveLength(2);
  });

  it('masks personal data inside a context, even one cut in half', () => {
    const r = runWith([page('/a.html', `<p>申请人${ID}按装了设备</p>`)], { privacy: { enabled: false } });
    const f = r.findings.find((x) => x.audit === 'wording')!;
    expect(f.evidence.snippet).not.toMatch(/\d{6}/);
    expect(JSON.stringify(f)).not.toContain(ID.slice(0, 10));
  });

  it('serious wording is critical and honours its exceptions', () => {
    const r = runWith([page('/a.html', '<p>所谓“台湾政府”的说法是错误的。东北朝鲜族群众。香港政府发布通告。</p>')]);
    expect(rules(r)).toEqual(['serious-wording:香港政府']);
    expect(r.findings.find((f) => f.audit === 'wording')!.severity).toBe('critical');
  });

  it('options switch built-ins off, by kind or entry, and config entries replace built-ins', () => {
    const body = '<p>按装设备。示例省海洋与渔业厅。香港政府。</p>';
    expect(rules(runWith([page('/a.html', body)], { wording: { options: { disableKinds: ['typo'] } } }))).toEqual(['outdated-name:海洋与渔业厅', 'serious-wording:香港政府']);
    expect(rules(runWith([page('/a.html', body)], { wording: { options: { disable: ['香港政府'] } } }))).toEqual(['outdated-name:海洋与渔业厅', 'typo:按装']);
    expect(rules(runWith([page('/a.html', body)], { wording: { options: { builtin: false, entries: [{ wrong: '设备', correct: '装备', kind: 'typo' }] } } }))).toEqual(['typo:设备']);
    const replaced = runWith([page('/a.html', body)], { wording: { options: { entries: [{ wrong: '按装', correct: '安装', kind: 'typo', severity: 'medium' }] } } });
    expect(replaced.findings.find((f) => f.evidence.value === '按装')!.severity).toBe('medium');
  });

  it('rejects a malformed config entry, naming the key', () => {
    const config = parseConfig({ audits: { wording: { options: { entries: [{ wrong: '按装', correct: '安装', kind: 'misspelling' }] } } } });
    expect(() => auditOptions(config, [wording])).toThrow(UsageError);
    expect(() => auditOptions(config, [wording])).toThrow(/audits\.wording\.options[\s\S]*entries\.0\.kind/);
  });
});
