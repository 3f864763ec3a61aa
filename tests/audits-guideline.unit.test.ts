/**
 * Edge cases of the guideline audits on small hand-written pages: parseHtml → a minimal
 * Artifacts → the audit's pure run. Valid and invalid cases side by side.
 */
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../src/gather/parse.ts';
import type { Artifacts, PageArtifact } from '../src/gather/artifacts.ts';
import type { Audit, AuditResult } from '../src/audit/types.ts';
import identity, { checkSiteCode, classifyHost, readIcp, readPolice, readSiteCode, scriptVisibleText, type IdentityData } from '../audits/identity.ts';
import columns, { inferKind, type ColumnsData } from '../audits/columns.ts';
import serviceGuides, { type ServiceGuidesData } from '../audits/service-guides.ts';
import interaction, { readMessages, type InteractionData } from '../audits/interaction.ts';

const ORIGIN = 'https://hyj.fj.gov.cn';
const TODAY = '2026-11-20';

function page(path: string, html: string, depth: number | null = 2): PageArtifact {
  const url = new URL(path, ORIGIN).href;
  const p = parseHtml(html, url);
  return {
    url, finalUrl: url, status: 200, redirects: [], contentType: 'text/html; charset=utf-8', charset: 'utf-8', charsetSource: 'header',
    headers: {}, timingMs: 1, bytes: html.length, depth, fromSitemap: false, title: p.title, lang: p.lang, text: p.text,
    footerText: p.footerText, scriptText: p.scriptText, headings: p.headings, labels: p.labels, links: p.links, images: p.images,
    forms: p.forms, lists: p.lists, anchors: p.anchors, meta: p.meta, ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}),
  };
}

function site(pages: PageArtifact[], origin = ORIGIN, extra: Partial<Artifacts> = {}): Artifacts {
  const u = new URL(origin);
  return {
    site: { startUrl: `${origin}/`, origin: u.origin, host: u.host },
    pages, targets: [], robots: { url: `${origin}/robots.txt`, found: false, honoured: true, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false }, crawl: { pages: pages.length, targets: 0, requests: 0, bytes: 0, durationMs: 0, limited: 0 },
    ...extra,
  };
}

function run(audit: Audit, artifacts: Artifacts, options: unknown = {}, today = TODAY): AuditResult {
  return audit.run({ artifacts, options: audit.meta.options.parse(options), today, findings: [], data: {} });
}

const FOOTER = `<footer class="footer">
<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="https://dcs.conac.cn/image/red.png" alt="党政机关"></a>
<p>主办单位：示例省海洋与渔业局　地址：示例省榕城市海滨路18号　联系电话：0591-87654321</p>
<p>网站标识码：3500000025　<a href="https://beian.miit.gov.cn/">闽ICP备12345678号-1</a>　闽公网安备 35010202000123号</p>
<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3500000025"><img src="/jiucuo.png" alt="我为政府网站找错"></a>
</footer>`;
const doc = (main: string, footer = FOOTER, extra = '') =>
  `<!doctype html><html><head><title>示例</title></head><body><nav class="nav"><a href="/">首页</a></nav><main>${main}</main>${footer}${extra}</body></html>`;

// ---------------------------------------------------------------------------------------------

describe('identity: readers', () => {
  it('网站标识码: 10 digits with an area code, or bm + 8 digits; wrong length and area code are malformed', () => {
    expect(readSiteCode('网站标识码：3500000025')).toEqual({ value: '3500000025', valid: true });
    expect(readSiteCode('网站标识码 bm01000001')).toEqual({ value: 'bm01000001', valid: true });
    expect(readSiteCode('网站标识码：350000002')).toMatchObject({ valid: false, problem: '应为 10 位数字，实际 9 位' });
    expect(readSiteCode('网站标识码：9900000025')?.problem).toContain('99');
    expect(checkSiteCode('bm0100001').valid).toBe(false);
    expect(readSiteCode('网站标识码：')).toMatchObject({ valid: false });
    expect(readSiteCode('没有标识')).toBeUndefined();
  });

  it('ICP备案编号 and 公安机关备案号', () => {
    expect(readIcp('京ICP备05070218号-1')).toEqual({ value: '京ICP备05070218号-1', valid: true });
    expect(readIcp('闽ICP备12345号')).toMatchObject({ valid: false });
    expect(readIcp('无 ICP 字样')).toBeUndefined();
    expect(readPolice('闽公网安备 35010202000123号')).toEqual({ value: '闽公网安备 35010202000123号', valid: true });
    expect(readPolice('闽公网安备 3501020200012号')?.problem).toContain('14');
    expect(readPolice('京公网安备 35010202000123号')?.problem).toContain('不一致');
  });

  it('script text reads as the page would show it', () => {
    expect(readSiteCode(scriptVisibleText(`el.textContent = '网站标识码：' + '35000' + '00025';`))?.value).toBe('3500000025');
    expect(scriptVisibleText('document.write(unescape("%3Cspan%3E%u7F51%u7AD9%3C/span%3E"))')).toContain('网站');
  });

  it('classifies hosts: IP, not .gov.cn, portal, department, bare', () => {
    expect(classifyHost('127.0.0.1').kind).toBe('ip');
    expect(classifyHost('[::1]').kind).toBe('ip');
    expect(classifyHost('www.example.com').kind).toBe('not-gov');
    expect(classifyHost('www.fj.gov.cn').kind).toBe('gov-portal');
    expect(classifyHost('hyj.fj.gov.cn').kind).toBe('gov-department');
    expect(classifyHost('fj.gov.cn').kind).toBe('gov-bare');
  });
});

describe('identity: audit', () => {
  it('complete footer on a .gov.cn department host: no findings (near miss)', () => {
    const r = run(identity, site([page('/', doc('<p>内容</p>'), 1)]));
    expect(r.findings).toEqual([]);
    const d = r.data as IdentityData;
    expect(d.markers.every((m) => m.state === 'ok' && m.inFooter)).toBe(true);
  });

  it('markers split across tags are read', () => {
    const footer = `<div class="bottom"><p>网站标识码：<span>3500</span><span>000025</span>　<b>闽</b>ICP备<span>12345678</span>号</p>
<p>主办单位：<span>示例省海洋与渔业</span><span>局</span>　电话：<span>0591-</span><span>87654321</span></p></div>`;
    const d = run(identity, site([page('/', doc('', footer), 1)])).data as IdentityData;
    const m = d.pages[0].markers;
    expect(m.siteCode).toMatchObject({ state: 'footer', value: '3500000025', valid: true });
    expect(m.icp).toMatchObject({ state: 'footer', value: '闽ICP备12345678号', valid: true });
    expect(m.sponsor.value).toBe('示例省海洋与渔业局');
    expect(m.contact.value).toContain('0591-87654321');
  });

  it('a marker written only by script: marker-script-only (low); with a rendered DOM: read and info', () => {
    const footer = FOOTER.replace('网站标识码：3500000025', '<span id="sc"></span>');
    const html = doc('', footer, `<script>document.getElementById('sc').textContent='网站标识码：'+'35000'+'00025';</script>`);
    const r = run(identity, site([page('/', html, 1)]));
    const f = r.findings.filter((x) => x.rule === 'marker-script-only');
    expect(f.map((x) => [x.evidence?.marker, x.severity, x.evidence?.value])).toEqual([['siteCode', 'low', '3500000025']]);
    expect(r.findings.some((x) => x.rule === 'marker-missing')).toBe(false);

    const browser = { rendered: [{ url: `${ORIGIN}/`, finalUrl: `${ORIGIN}/`, title: '', text: '主办单位：示例省海洋与渔业局\n网站标识码：3500000025', footerText: '', footerLinks: [] }], pages: [] };
    const r2 = run(identity, site([page('/', html, 1)], ORIGIN, { browser: browser as unknown as Artifacts['browser'] }));
    const f2 = r2.findings.filter((x) => x.rule === 'marker-script-only');
    expect(f2.map((x) => x.severity)).toEqual(['info']);
    expect((r2.data as IdentityData).pages[0].markers.siteCode).toMatchObject({ state: 'script', rendered: true, value: '3500000025' });
    // a rendered footer is read as the footer
    const rendered = { rendered: [{ url: `${ORIGIN}/`, finalUrl: `${ORIGIN}/`, title: '', text: '正文', footerText: '网站标识码：3500000025', footerLinks: [] }], pages: [] };
    const r3 = run(identity, site([page('/', html, 1)], ORIGIN, { browser: rendered as unknown as Artifacts['browser'] }));
    expect((r3.data as IdentityData).renderedAvailable).toBe(true);
    expect(r3.findings.filter((x) => x.rule === 'marker-script-only').map((x) => x.severity)).toEqual(['info']);
  });

  it('missing, malformed, not in the footer, blue badge', () => {
    const footer = `<footer><a href="https://bszs.conac.cn/sitename?method=show&id=2"><img src="https://dcs.conac.cn/image/blue.png" alt="事业单位"></a>
<p>网站标识码：35000000251</p></footer>`;
    const html = doc('<p>主办单位：示例省海洋与渔业局</p>', footer);
    const r = run(identity, site([page('/', html, 1)]));
    const by = (rule: string) => r.findings.filter((f) => f.rule === rule).map((f) => f.evidence?.marker).sort();
    expect(by('marker-missing')).toEqual(['contact', 'icp', 'jiucuo', 'police']);
    expect(by('marker-malformed')).toEqual(['siteCode']);
    expect(by('marker-not-in-footer')).toEqual(['sponsor']);
    expect(by('conac-institution')).toEqual(['conac']);
    expect(r.findings.find((f) => f.rule === 'marker-missing')?.severity).toBe('medium');
    expect(r.findings.find((f) => f.rule === 'marker-malformed')?.message).toContain('实际 11 位');
  });

  it('a template defect on sampled pages is one finding listing the pages', () => {
    const bad = doc('<p>正文</p>', '<footer><p>联系电话：0591-87654321</p></footer>');
    const pages = [page('/', doc('<p>首页</p>'), 1), page('/a/index.html', bad), page('/b/index.html', bad)];
    const r = run(identity, site(pages), { samplePages: 5 });
    const missIcp = r.findings.filter((f) => f.rule === 'marker-missing' && f.evidence?.marker === 'icp');
    expect(missIcp).toHaveLength(1);
    expect(missIcp[0].severity).toBe('low');
    expect(missIcp[0].evidence?.pages).toEqual([`${ORIGIN}/a/index.html`, `${ORIGIN}/b/index.html`]);
  });

  it('the domain rule', () => {
    const html = doc('<p>x</p>');
    expect(run(identity, site([page('/', html, 1)], 'http://www.example.com')).findings.map((f) => f.rule)).toEqual(['domain-not-gov-cn']);
    expect(run(identity, site([page('/', html, 1)], 'http://127.0.0.1:8080')).findings.map((f) => [f.rule, f.severity])).toEqual([['domain-ip-host', 'info']]);
    expect(run(identity, site([page('/', html, 1)]), { siteType: 'portal' }).findings.map((f) => f.rule)).toEqual(['domain-form']);
    expect(run(identity, site([page('/', html, 1)], 'https://www.fj.gov.cn'), { siteType: 'portal' }).findings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

const list = (items: [string, string, string][]) => `<div class="content-box"><ul class="list">${items.map(([href, t, d]) => `<li><a href="${href}">${t}</a><span>${d}</span></li>`).join('')}</ul></div>`;
const homeWith = (links: [string, string][], body = '') =>
  doc(`<div class="blocks">${body}</div><ul class="quick">${links.map(([t, h]) => `<li><a href="${h}">${t}</a></li>`).join('')}</ul>`);

describe('columns', () => {
  it('dates with brackets and 年月日 are read; the newest decides freshness', () => {
    const col = list([['/gzdt/1.html', '我局召开工作会议', '[2026-11-18]'], ['/gzdt/2.html', '我局开展调研', '2026年11月5日'], ['/gzdt/3.html', '培训', '（2026.10.01）']]);
    const pages = [page('/', homeWith([['工作动态', '/gzdt/']], list([['/gzdt/1.html', '我局召开工作会议', '2026-11-18']])), 1), page('/gzdt/', doc(col))];
    const d = run(columns, site(pages)).data as ColumnsData;
    expect(d.columns.find((c) => c.name === '工作动态')).toMatchObject({ url: `${ORIGIN}/gzdt/`, newest: '2026-11-18', ageDays: 2, items: 3, state: 'fresh', kind: 'dynamic' });
    const stale = run(columns, site(pages), {}, '2026-12-10').data as ColumnsData;
    expect(stale.columns.find((c) => c.name === '工作动态')).toMatchObject({ state: 'stale', ageDays: 22 });
  });

  it('a homepage with only undated items is not updated (veto); a dated one within 14 days is', () => {
    const undated = page('/', doc('<ul class="list"><li><a href="/a.html">要闻一</a></li><li><a href="/b.html">要闻二</a></li></ul>' + '<p>' + '本局简介内容。'.repeat(60) + '</p>'), 1);
    const r = run(columns, site([undated]));
    expect(r.findings.find((f) => f.rule === 'homepage-not-updated')?.severity).toBe('critical');
    expect((r.data as ColumnsData).veto[0]).toMatchObject({ item: '首页不更新', hit: true });
    const dated = page('/', doc(list([['/a.html', '要闻一', '2026-11-10']])), 1);
    expect((run(columns, site([dated])).data as ColumnsData).veto[0].hit).toBe(false);
  });

  it('a navigation-only homepage is judged by its second-level pages', () => {
    const home = page('/', doc('<ul><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li></ul>'), 1);
    const fresh = page('/xwzx/', doc(list([['/xwzx/1.html', '新闻', '2026-11-12']])), 2);
    const old = page('/zwgk/', doc(list([['/zwgk/1.html', '文件', '2026-01-12']])), 2);
    const d = run(columns, site([home, fresh, old])).data as ColumnsData;
    expect(d.homepage).toMatchObject({ navOnly: true, judgedPages: 2, newest: '2026-11-12', updated: true });
    const d2 = run(columns, site([home, old])).data as ColumnsData;
    expect(d2.homepage).toMatchObject({ navOnly: true, updated: false });
    expect(d2.veto[0].hit).toBe(true);
    // forced off: the homepage itself has no dated item → not updated
    expect((run(columns, site([home, fresh]), { homepageNavOnly: false }).data as ColumnsData).homepage.updated).toBe(false);
  });

  it('config overrides: column URL and kind, synonyms, periods, thresholds', () => {
    const home = page('/', homeWith([['本局信息', '/bjxx/']], list([['/x.html', 'x', '2026-11-19']])), 1);
    const hyyw = page('/hyyw/', doc(list([['/hyyw/1.html', '海洋要闻一', '2026-10-21']])));
    const bjxx = page('/bjxx/', doc(list([['/bjxx/1.html', '信息', '2026-10-21']])));
    const art = site([home, hyyw, bjxx]);
    const base = run(columns, art).data as ColumnsData;
    expect(base.columns.find((c) => c.name === '工作动态')?.state).toBe('missing');
    const o = { columns: [{ name: '海洋要闻', url: '/hyyw/', kind: 'dynamic' }], synonyms: { 工作动态: ['本局信息'] } };
    const d = run(columns, art, o).data as ColumnsData;
    expect(d.columns.find((c) => c.name === '海洋要闻')).toMatchObject({ url: `${ORIGIN}/hyyw/`, kind: 'dynamic', source: 'config', state: 'stale', ageDays: 30 });
    expect(d.columns.find((c) => c.name === '工作动态')).toMatchObject({ url: `${ORIGIN}/bjxx/`, state: 'stale' });
    const d2 = run(columns, art, { ...o, periods: { dynamic: 40 } }).data as ColumnsData;
    expect(d2.columns.find((c) => c.name === '海洋要闻')?.state).toBe('fresh');
    expect(d2.counts.stale).toBe(0);
    // the same 30-day-old column, judged on an earlier "today", is fresh
    expect((run(columns, art, o, '2026-10-30').data as ColumnsData).columns.find((c) => c.name === '海洋要闻')?.state).toBe('fresh');
    // required set: only what the config names (everything else missing is not reported)
    const d3 = run(columns, art, { required: ['工作动态', '海洋要闻'], columns: [{ name: '海洋要闻', url: '/hyyw/' }] });
    expect(d3.findings.filter((f) => f.rule === 'column-missing').map((f) => f.evidence?.column)).toEqual(['工作动态']);
    expect(run(columns, art).findings.filter((f) => f.rule === 'column-missing').length).toBeGreaterThan(10);
  });

  it('栏目不更新: 5 stale 动态/通知/政策 columns hit the veto; the threshold is configurable; blank columns counted', () => {
    const names = ['工作动态', '部门动态', '通知公告', '政策文件', '政策解读'];
    const dirs = names.map((_, i) => `/c${i}/`);
    const home = page('/', homeWith(names.map((n, i) => [n, dirs[i]]), list([['/x.html', 'x', '2026-11-19']])), 1);
    const cols = dirs.map((d, i) => page(d, doc(list([[`${d}1.html`, `条目${i}`, '2025-01-01']]))));
    const r = run(columns, site([home, ...cols]));
    const d = r.data as ColumnsData;
    expect(d.counts.staleUrgent).toBe(5);
    expect(d.veto[1]).toMatchObject({ item: '栏目不更新', hit: true });
    expect(d.veto[1].evidence).toContain('5 个动态/要闻、通知公告/政策文件类栏目');
    expect((run(columns, site([home, ...cols]), { veto: { staleUrgent: 6 } }).data as ColumnsData).veto[1].hit).toBe(false);

    const blanks = dirs.map((d) => page(d, doc('<div class="content-box"><h2>栏目</h2><ul class="list"></ul><p>暂无信息</p></div>')));
    const rb = run(columns, site([home, ...blanks]));
    expect(rb.findings.filter((f) => f.rule === 'column-blank')).toHaveLength(5);
    expect((rb.data as ColumnsData).veto[1]).toMatchObject({ hit: true });
    expect((rb.data as ColumnsData).veto[1].evidence).toContain('5 个空白栏目');
  });

  it('a content page is not blank; a hub takes the newest of its sub-columns; division from options', () => {
    const home = page('/', homeWith([['机构职能', '/jgzn/'], ['双随机一公开', '/ssj/']], list([['/x.html', 'x', '2026-11-19']])), 1);
    const jgzn = page('/jgzn/', doc(`<div class="article"><h1>机构职能</h1><p>${'贯彻执行国家有关海洋与渔业工作的方针政策。'.repeat(4)}</p></div>`));
    const hub = page('/ssj/', doc('<div class="content-box"><ul class="sub"><li><a href="/ssj/jh/">抽查计划</a></li><li><a href="/ssj/jg/">抽查结果</a></li></ul></div>'));
    const jh = page('/ssj/jh/', doc(list([['/ssj/jh/1.html', '计划', '2026-09-01']])));
    const jg = page('/ssj/jg/', doc('<div class="content-box"><ul class="list"></ul></div>'));
    const r = run(columns, site([home, jgzn, hub, jh, jg]), { divisions: { 抽查结果: '法规处' } });
    const d = r.data as ColumnsData;
    expect(d.columns.find((c) => c.name === '机构职能')?.state).toBe('present');
    expect(d.columns.find((c) => c.name === '双随机一公开')).toMatchObject({ newest: '2026-09-01', hub: true, seedTasks: [5, 36] });
    const blank = r.findings.filter((f) => f.rule === 'column-blank');
    expect(blank.map((f) => [f.url, f.division])).toEqual([[`${ORIGIN}/ssj/jg/`, '法规处']]);
  });

  it('kinds inferred from names', () => {
    expect([inferKind('新闻动态'), inferKind('公示公告'), inferKind('规范性文件'), inferKind('人事任免'), inferKind('发展规划'), inferKind('抽查计划'), inferKind('机构职能')])
      .toEqual(['dynamic', 'notice', 'policy', 'personnel', 'plan', 'other', 'other']);
  });

  it('rejects unknown option keys (config errors name the key)', () => {
    expect(columns.meta.options.safeParse({ colums: [] }).success).toBe(false);
    expect(columns.meta.options.safeParse({ columns: [{ name: '政策文件', kind: 'weekly' }] }).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

const guide = (rows: [string, string][]) =>
  doc(`<div class="article"><h1>某事项办事指南</h1><table class="info"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table></div>`);
const ALL_ROWS: [string, string][] = [['事项名称', '渔业捕捞许可'], ['设定依据', '渔业法'], ['受理条件', '持证'], ['申请材料', '申请书'], ['办理地点', '窗口'], ['实施机构', '渔政处'], ['收费标准', '不收费'], ['办理时间', '工作日'], ['咨询电话', '0591-1'], ['办理流程', '申请→受理']];

describe('service-guides', () => {
  const guideSite = (guides: string[]) => {
    const hrefs = guides.map((_, i) => `/bszn/${i}.html`);
    const home = page('/', homeWith([['办事指南', '/bszn/']], list([['/x.html', 'x', '2026-11-19']])), 1);
    const col = page('/bszn/', doc(list(hrefs.map((h, i) => [h, `指南${i}`, '2026-10-01']))));
    return site([home, col, ...guides.map((g, i) => page(hrefs[i], g, 3))]);
  };

  it('synonyms count (受理条件 → 申请条件, 申请材料 → 办理材料); the footer phone does not', () => {
    const withoutPhone = ALL_ROWS.filter(([k]) => k !== '咨询电话');
    const r = run(serviceGuides, guideSite([guide(ALL_ROWS), guide(withoutPhone)]));
    const d = r.data as ServiceGuidesData;
    expect(d.guides.map((g) => g.missing)).toEqual([[], ['联系电话']]);
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['guide-incomplete', 'low']]);
  });

  it('fewer than 5 guides, each missing ≥4 categories: 服务不实用; one complete guide: not', () => {
    const poor = guide(ALL_ROWS.slice(0, 5));
    const r = run(serviceGuides, guideSite([poor, poor]));
    expect((r.data as ServiceGuidesData).veto).toMatchObject({ item: '服务不实用', hit: true });
    expect(r.findings.every((f) => f.severity === 'high')).toBe(true);
    expect(r.findings[0].message).toContain('缺少 5 类要素');
    expect((run(serviceGuides, guideSite([poor, guide(ALL_ROWS)])).data as ServiceGuidesData).veto.hit).toBe(false);
    // threshold configurable
    expect((run(serviceGuides, guideSite([poor, poor]), { vetoMissing: 6 }).data as ServiceGuidesData).veto.hit).toBe(false);
  });

  it('a page of 受理机构/办公地址/办公时间/联系电话 lines (信息公开指南) is not taken for a guide', () => {
    const zn = page('/xxgkzn/', doc('<div class="article"><h1>政府信息公开指南</h1><p>受理机构：办公室</p><p>办公地址：海滨路18号</p><p>办公时间：工作日</p><p>联系电话：0591-1</p></div>'));
    const withGuide = guideSite([guide(ALL_ROWS)]);
    withGuide.pages.push(zn);
    const d = run(serviceGuides, withGuide).data as ServiceGuidesData;
    expect(d.guides.map((g) => g.url)).toEqual([`${ORIGIN}/bszn/0.html`]);
    // a real guide table outside the column is found by its labels (artifacts are immutable: a new object)
    const more = { ...withGuide, pages: [...withGuide.pages, page('/other/guide.html', guide(ALL_ROWS.slice(0, 6)), 3)] };
    const d2 = run(serviceGuides, more).data as ServiceGuidesData;
    expect(d2.guides.find((g) => g.url.endsWith('/other/guide.html'))).toMatchObject({ source: 'labels', missing: ['收费标准', '办理时间', '联系电话', '办理流程'], severe: true });
  });

  it('no online services at all: veto and finding; not evaluated for a department without external services', () => {
    const bare = site([page('/', doc(list([['/x.html', 'x', '2026-11-19']])), 1)]);
    const r = run(serviceGuides, bare);
    expect(r.findings.map((f) => f.rule)).toEqual(['no-online-services']);
    expect((r.data as ServiceGuidesData).veto.hit).toBe(true);
    const r2 = run(serviceGuides, bare, { externalServices: false });
    expect(r2.findings).toEqual([]);
    expect((r2.data as ServiceGuidesData).veto).toMatchObject({ hit: false, evaluated: false });
  });
});

// ---------------------------------------------------------------------------------------------

describe('interaction', () => {
  it('reads messages from dl blocks and from 年月日 detail text', () => {
    const text = [
      '咨询休渔期间渔船维修', '留言人：陈**', '留言时间：2026-11-14 09:12', '留言内容：请问？', '答复单位：办公室', '答复时间：2026-11-15 10:00', '答复内容：可以。',
      '关于换证的咨询', '留言时间：2026-11-07', '答复：未答复',
      '标题：海域使用金', '来信时间：2026年10月3日', '回复时间：2026年10月10日',
    ].join('\n');
    expect(readMessages(text, 'p').map((m) => [m.title, m.asked, m.replied, m.replyDays, m.pending])).toEqual([
      ['咨询休渔期间渔船维修', '2026-11-14', '2026-11-15', 1, false],
      ['关于换证的咨询', '2026-11-07', null, null, true],
      ['海域使用金', '2026-10-03', '2026-10-10', 7, false],
    ]);
  });

  const box = (msgs: [string, string, string | null][]) =>
    msgs.map(([t, a, r]) => `<dl class="msg"><dt>${t}</dt><dd>留言时间：${a}</dd>${r ? `<dd>答复时间：${r}</dd>` : '<dd>答复：未答复</dd>'}</dl>`).join('');

  it('unanswered > 3 months within the past year hits 互动回应差; older than a year or recent does not; mean days', () => {
    const home = page('/', homeWith([['领导信箱', '/ldxx/']], list([['/x.html', 'x', '2026-11-19']])), 1);
    const mk = (msgs: [string, string, string | null][]) => site([home, page('/ldxx/', doc(`<div class="content-box">${box(msgs)}</div>`))]);
    const ok = run(interaction, mk([['甲', '2026-11-01', '2026-11-03'], ['乙', '2026-10-01', '2026-10-05'], ['丙', '2026-11-10', null], ['丁', '2025-06-01', null]]));
    const d = ok.data as InteractionData;
    expect(d.veto.hit).toBe(false);
    expect([d.total, d.answered, d.meanReplyDays, d.maxReplyDays]).toEqual([4, 2, 3, 4]);
    expect(ok.findings).toEqual([]);
    const bad = run(interaction, mk([['甲', '2026-07-01', null], ['乙', '2026-03-01', '2026-07-01']]));
    expect(bad.findings.map((f) => [f.rule, f.severity])).toEqual([['message-unanswered', 'critical'], ['message-late-reply', 'high']]);
    expect((bad.data as InteractionData).veto.hit).toBe(true);
    expect((run(interaction, mk([['乙', '2026-03-01', '2026-07-01']]), { countLateReplies: false }).data as InteractionData).veto.hit).toBe(false);
  });

  it('信访 and 纪检 channels do not count; a consultation form does', () => {
    const home = (links: [string, string][]) => page('/', homeWith(links, list([['/x.html', 'x', '2026-11-19']])), 1);
    const form = '<form action="/submit" method="post"><input name="title"><textarea name="content"></textarea><input name="phone"></form>';
    const xf = page('/xf/', doc(`<h1>网上信访</h1>${form}`));
    const jj = page('/jj/', doc(`<h1>纪检举报</h1>${form}`));
    const r = run(interaction, site([home([['网上信访', '/xf/'], ['纪检监察举报', '/jj/']]), xf, jj]));
    expect(r.findings.map((f) => f.rule)).toEqual(['no-consultation-channel']);
    expect((r.data as InteractionData).veto).toMatchObject({ item: '互动回应差', hit: true });
    const zx = page('/zxzx/', doc(`<h1>在线咨询</h1>${form}`));
    const r2 = run(interaction, site([home([['网上信访', '/xf/'], ['在线咨询', '/zxzx/']]), xf, zx]));
    expect(r2.findings).toEqual([]);
    expect((r2.data as InteractionData).channels.map((c) => [c.name, c.working, c.reason])).toEqual([['在线咨询', true, 'form']]);
  });
});
