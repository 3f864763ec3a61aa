/**
 * Framed documents count for the page that frames them (issue 12): a portal whose header,
 * navigation or footer sits in an <iframe>/<frame> keeps its identity markers and columns; the
 * framed documents are not judged alone as pages of the site, and their own links are still
 * checked. Also: one marker never gets two contradicting findings on one page, and the blue
 * 事业单位 badge is named as such. One loopback server and one crawl for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import { auditSite, type AuditSiteResult } from '../src/run/audit-site.ts';
import { sitePages } from '../src/gather/frames.ts';
import identity, { type IdentityData } from '../audits/identity.ts';
import columns, { type ColumnsData } from '../audits/columns.ts';
import links from '../audits/links.ts';
import type { Finding } from '../src/audit/types.ts';

const TODAY = '2026-11-20';
const FOOT = `<div class="copy">主办单位：示例省海洋与渔业局　联系电话：0591-87000000　地址：示例市示例路 1 号<br>
网站标识码：3500000025　闽ICP备12345678号　闽公网安备 35010202000123号<br>
<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/img/blue.png" alt="事业单位标识"></a>
<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3500000025"><img src="/img/jiucuo.png" alt="我为政府网站找错"></a>
<a href="/gone.html">旧版网站</a></div>`;
const TOP = `<div class="nav"><a href="/">首页</a><a href="/xwdt/">新闻动态</a><a href="/tzgg/">通知公告</a><a href="/zwgk/">政务公开</a></div>`;
const list = (dir: string, n: number) =>
  `<ul class="list">${Array.from({ length: n }, (_, i) => `<li><a href="/${dir}/a${i}.html">第 ${i + 1} 条信息标题内容</a><span>2026-11-${String(10 + i).padStart(2, '0')}</span></li>`).join('')}</ul>`;
const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body>
<iframe src="/inc/top.html" title="导航" width="100%" height="40"></iframe>
<div class="main">${body}</div>
<div class="footer"><iframe src="/inc/foot.html" title="页脚" width="100%" height="120"></iframe></div></body></html>`;

const routes: Record<string, string> = {
  '/': page('示例省海洋与渔业局', `<h1>要闻</h1>${list('xwdt', 5)}<a href="/old/">旧版框架页</a>`),
  '/inc/top.html': `<html><head><title>top</title></head><body>${TOP}</body></html>`,
  '/inc/foot.html': `<html><head><title>foot</title></head><body>${FOOT}</body></html>`,
  '/xwdt/': page('新闻动态', list('xwdt', 5)),
  '/tzgg/': page('通知公告', list('tzgg', 5)),
  '/zwgk/': page('政务公开', '<p>政务公开目录</p>'),
  // A frameset page of an older template: the bottom frame is its footer.
  '/old/': `<html><head><title>旧版</title></head><frameset rows="60,*,90"><frame src="/old/top.htm"><frame src="/old/main.htm"><frame src="/old/bottom.htm"></frameset></html>`,
  '/old/top.htm': `<html><body>${TOP}</body></html>`,
  '/old/main.htm': `<html><body><p>历史信息</p></body></html>`,
  '/old/bottom.htm': `<html><body>${FOOT}</body></html>`,
};
for (const d of ['xwdt', 'tzgg']) for (let i = 0; i < 5; i++) routes[`/${d}/a${i}.html`] = page(`信息 ${i}`, `<h1>信息 ${i}</h1><p>发布时间：2026-11-${10 + i}</p>`);

let srv: TestServer;
let res: AuditSiteResult;
const f = (audit: string): Finding[] => res.result.findings.filter((x) => x.audit === audit);

beforeAll(async () => {
  srv = await startServer(routes);
  res = await auditSite({
    startUrl: `${srv.url}/`,
    config: parseConfig({ today: TODAY, browser: { enabled: false }, crawl: { sitemap: false, checkExternal: false }, audits: { identity: { options: { samplePages: 30 } } } }),
    db: null,
    outDir: null,
    audits: [identity, columns, links],
  });
}, 30_000);

afterAll(async () => {
  await srv?.close();
});

describe('framed documents count for their page', () => {
  it('finds every identity marker of a footer iframe on the homepage, in its footer', () => {
    const d = res.result.data.identity as IdentityData;
    const home = d.pages.find((p) => p.homepage)!;
    expect(home.url).toBe(`${srv.url}/`);
    for (const id of ['siteCode', 'icp', 'police', 'sponsor', 'contact', 'conac', 'jiucuo'] as const) expect(home.markers[id].state, id).toBe('footer');
    expect(f('identity').filter((x) => x.rule.startsWith('marker-'))).toEqual([]);
  });

  it('reads the bottom frame of a frameset page as its footer', () => {
    const d = res.result.data.identity as IdentityData;
    const old = d.pages.find((p) => p.url === `${srv.url}/old/`)!;
    expect(old).toBeDefined();
    expect(old.markers.siteCode).toMatchObject({ state: 'footer', value: '3500000025' });
    expect(old.markers.jiucuo.state).toBe('footer');
  });

  it('never judges a framed-only document alone as a page of the site', () => {
    const d = res.result.data.identity as IdentityData;
    const framed = ['/inc/top.html', '/inc/foot.html', '/old/top.htm', '/old/main.htm', '/old/bottom.htm'].map((p) => srv.url + p);
    expect(d.pagesChecked.filter((u) => framed.includes(u))).toEqual([]);
    for (const x of [...f('identity'), ...f('columns')]) {
      expect(framed).not.toContain(x.url);
      expect((x.evidence.pages ?? []).filter((u) => framed.includes(u))).toEqual([]);
    }
    const site = sitePages(res.artifacts);
    expect([...site.framedIn.keys()].sort()).toEqual([...framed].sort());
    expect(site.framedIn.get(`${srv.url}/inc/foot.html`)).toContain(`${srv.url}/`);
  });

  it('finds columns linked only from the navigation frame', () => {
    const d = res.result.data.columns as ColumnsData;
    const byName = (n: string) => d.columns.find((c) => c.name === n || c.entries.includes(n) || c.linkText === n);
    expect(byName('通知公告')?.url).toBe(`${srv.url}/tzgg/`);
    expect(byName('通知公告')?.state).not.toBe('missing');
  });

  it('still checks the framed documents’ own links', () => {
    const gone = res.report.links.find((l) => l.url === `${srv.url}/gone.html`);
    expect(gone?.state).toBe('broken');
    expect(gone?.from).toContain(`${srv.url}/inc/foot.html`);
    expect(f('links').some((x) => x.evidence.target === `${srv.url}/gone.html` || x.url === `${srv.url}/gone.html`)).toBe(true);
  });
});

describe('identity findings do not contradict each other', () => {
  it('names the blue badge 事业单位网站标识, never the red 党政机关 badge', () => {
    const d = res.result.data.identity as IdentityData;
    const conac = d.markers.find((m) => m.marker === 'conac')!;
    expect(conac).toMatchObject({ variant: 'institution', label: '事业单位网站标识', state: 'ok' });
    expect(f('identity').find((x) => x.rule === 'conac-institution')).toBeDefined();
    for (const x of f('identity').filter((y) => y.evidence.marker === 'conac' && y.rule !== 'conac-institution')) expect(x.message).not.toContain('党政机关网站标识');
  });

  it('gives each marker at most one finding per page (no "present but not in the footer" beside "missing")', () => {
    const seen = new Map<string, string>();
    for (const x of f('identity').filter((y) => y.rule.startsWith('marker-'))) {
      for (const p of x.evidence.pages ?? [x.url]) {
        const key = `${String(x.evidence.marker)} ${p}`;
        expect(seen.get(key), key).toBeUndefined();
        seen.set(key, x.rule);
      }
    }
  });
});
