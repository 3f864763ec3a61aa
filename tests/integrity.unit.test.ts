/**
 * The integrity audit (暗链, illegal links, title hijack, cloaking scripts, future dates) on
 * small hand-written pages: parseHtml → a minimal Artifacts → the audit's pure run. Each rule
 * beside the near miss it must not report.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseHtml } from '../src/gather/parse.ts';
import type { Artifacts, PageArtifact } from '../src/gather/artifacts.ts';
import type { RenderedPage } from '../src/gather/browser/types.ts';
import integrity, { type IntegrityData } from '../audits/integrity.ts';
import { crawlSchema } from '../src/config/schema.ts';
import { NameResolver } from '../src/gather/dns.ts';
import { Fetcher } from '../src/gather/http.ts';
import { gatherSpiderViews, SPIDER_UA, type SpiderView } from '../src/gather/spider-view.ts';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { auditSite } from '../src/run/audit-site.ts';

const ORIGIN = 'https://hyj.fj.gov.cn';
const TODAY = '2026-11-20';

function page(path: string, html: string): PageArtifact {
  const url = new URL(path, ORIGIN).href;
  const { baseUrl: _base, ...p } = parseHtml(html, url);
  return { url, finalUrl: url, status: 200, redirects: [], contentType: 'text/html', charset: 'utf-8', charsetSource: 'header', headers: {}, timingMs: 1, bytes: html.length, depth: 2, fromSitemap: false, ...p };
}

function site(pages: PageArtifact[], rendered: RenderedPage[] = [], spiderViews?: SpiderView[]): Artifacts {
  const u = new URL(ORIGIN);
  return {
    site: { startUrl: `${ORIGIN}/`, origin: u.origin, host: u.host },
    pages,
    targets: [],
    robots: { url: `${ORIGIN}/robots.txt`, found: false, honoured: true, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false },
    crawl: { pages: pages.length, targets: 0, requests: 0, bytes: 0, durationMs: 0, limited: 0 },
    ...(rendered.length ? { browser: { rendered } as unknown as Artifacts['browser'] } : {}),
    ...(spiderViews ? { spiderViews } : {}),
  };
}

const run = (pages: PageArtifact[], options: object = {}, rendered: RenderedPage[] = [], spiderViews?: SpiderView[]) => {
  const r = integrity.run({ artifacts: site(pages, rendered, spiderViews), options: integrity.meta.options.parse(options), today: TODAY, findings: [], data: {} });
  return { findings: r.findings, data: r.data as IntegrityData, rules: r.findings.map((f) => f.rule).sort() };
};

const doc = (body: string, head = '<title>示例省海洋与渔业局</title>') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const links = (hosts: string[], texts: string[] = []) => hosts.map((h, i) => `<a href="http://${h}/">${texts[i] ?? `链接${i}`}</a>`).join('');

describe('parsing: what is hidden, and how', () => {
  it('keeps display:none subtrees out of the crawl but lists their links as hidden', () => {
    const p = page('/a.html', doc(`<div style="display:none"><a href="http://x.example/">百家乐</a></div><div hidden><a href="/in.html">站内</a></div><a href="/ok.html">正常</a>`));
    expect(p.links.map((l) => l.url)).toEqual([`${ORIGIN}/ok.html`]);
    expect(p.hiddenLinks?.map((l) => [l.url, l.concealed])).toEqual([
      ['http://x.example/', 'display:none'],
      [`${ORIGIN}/in.html`, 'hidden'],
    ]);
    expect(p.text).not.toContain('百家乐');
  });

  it('flags links moved off screen, shrunk, made invisible or hidden by a class in the page CSS, and leaves plain links alone', () => {
    const p = page(
      '/b.html',
      doc(
        `<div style="position:absolute; left:-9999px"><a href="http://a.example/">a</a></div>` +
          `<div style="height:0;overflow:hidden"><a href="http://b.example/">b</a></div>` +
          `<span style="font-size:0px"><a href="http://c.example/">c</a></span>` +
          `<div class="yc"><a href="http://d.example/">d</a></div>` +
          `<marquee height="1"><a href="http://e.example/">e</a></marquee>` +
          `<ul class="menu"><li><a href="/m.html">菜单</a></li></ul>` +
          `<div style="margin-left:-10px;font-size:14px"><a href="/n.html">普通</a></div>`,
        '<title>t</title><style>.yc{position:absolute;top:-3000px} .menu li ul{display:none}</style>',
      ),
    );
    const how = Object.fromEntries(p.links.map((l) => [l.url.replace(ORIGIN, ''), l.concealed ?? null]));
    expect(how).toEqual({
      'http://a.example/': 'off-screen',
      'http://b.example/': 'zero-size',
      'http://c.example/': 'font-size:0',
      'http://d.example/': '.yc{off-screen}',
      'http://e.example/': 'marquee',
      '/m.html': null,
      '/n.html': null,
    });
  });
});

describe('illegal links', () => {
  it('reports links to gambling content, visible or hidden, as a serious problem (严重问题)', () => {
    const { findings, data } = run([page('/x.html', doc(`<p>正文</p><div style="display:none">${links(['a.example', 'b.example'], ['澳门新葡京', '真人娱乐'])}</div>`))]);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f.rule).toBe('illegal-link');
    expect(f.severity).toBe('critical');
    expect(f.evidence?.serious).toBe(true);
    expect(f.message).toContain('2 个对访客隐藏');
    expect(f.refs?.some((r) => r.source === 'seed' && r.item === '27')).toBe(true);
    expect(f.refs?.some((r) => r.source === 'inspection' && /严重问题/.test(r.item ?? ''))).toBe(true);
    expect(data.veto).toMatchObject({ item: '严重问题', hit: true });
  });

  it('does not report crackdown news that names the same words, nor a site with none', () => {
    const { findings, data } = run([
      page('/y.html', doc(`<a href="/tzgg/1.html">关于开展打击“百家乐”等网络赌博违法犯罪专项行动的通知</a><p>警惕六合彩骗局</p>`)),
      page('/z.html', doc(`<a href="https://www.fj.gov.cn/">示例省人民政府</a>`)),
    ]);
    expect(findings).toEqual([]);
    expect(data.veto).toMatchObject({ item: '严重问题', hit: false });
  });

  it('finds an ASCII term in a foreign URL, and extra terms from the config', () => {
    expect(run([page('/u.html', doc(`<a href="http://bet365-vip.example/">点击进入</a>`))]).rules).toEqual(['illegal-link']);
    expect(run([page('/v.html', doc(`<a href="http://q.example/">海鲜代购返利</a>`))], { extraTerms: ['代购返利'] }).rules).toEqual(['illegal-link']);
  });

  it('the same injected links on many pages (a template) are one finding listing the pages', () => {
    const spam = `<div style="display:none">${links(['a.example'], ['百家乐'])}</div>`;
    const { findings } = run([page('/1.html', doc(spam)), page('/2.html', doc(spam)), page('/3.html', doc(spam))]);
    expect(findings).toHaveLength(1);
    expect(findings[0].evidence?.pageCount).toBe(3);
  });
});

describe('hidden links to unrelated hosts (疑似暗链)', () => {
  const five = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example'];

  it('five hidden links to five hosts: high, for a person to check, not a veto', () => {
    const { findings, data } = run([page('/h.html', doc(`<div style="position:absolute;top:-999px">${links(five)}</div>`))]);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['hidden-links', 'high']]);
    expect(findings[0].evidence?.serious).toBeUndefined();
    expect(data.veto.hit).toBe(false);
  });

  it('four links, links to government sites, links to the site itself, allowed hosts and visible links are not reported', () => {
    const gov = ['www.fj.gov.cn', 'www.gov.cn', 'hyj.fj.gov.cn', 'a.hyj.fj.gov.cn', 'www.mnr.gov.cn'];
    const media = ['www.news.cn', 'www.people.com.cn', 'www.gmw.cn', 'www.xmu.edu.cn', 'www.12377.cn'];
    expect(run([page('/m.html', doc(`<div style="display:none">${links(media)}</div>`))]).findings).toEqual([]);
    expect(run([page('/1.html', doc(`<div style="display:none">${links(five.slice(0, 4))}</div>`))]).findings).toEqual([]);
    expect(run([page('/2.html', doc(`<div style="display:none">${links(gov)}</div>`))]).findings).toEqual([]);
    expect(run([page('/3.html', doc(`<div style="display:none">${links(five)}</div>`))], { allowHosts: ['example'] }).findings).toEqual([]);
    expect(run([page('/4.html', doc(`<div>${links(five)}</div>`))]).findings).toEqual([]);
  });

  it('links written by a script into an off-screen box are found in the script text', () => {
    const script = `<script>document.write('<div style="position:absolute;left:-9999px">${links(five).replace(/'/g, "\\'")}</div>');</script>`;
    expect(run([page('/s.html', doc(`<p>正文</p>${script}`))]).rules).toEqual(['hidden-links']);
  });

  it('links the browser saw invisible count as hidden', () => {
    const p = page('/r.html', doc('<p>正文</p><script src="/x.js"></script>'));
    const rendered: RenderedPage = { url: p.url, finalUrl: p.url, title: 't', text: '正文', footerText: '', footerLinks: [], concealedLinks: five.map((h) => ({ url: `http://${h}/`, text: h, how: 'invisible' })) };
    const { findings } = run([p], {}, [rendered]);
    expect(findings.map((f) => f.rule)).toEqual(['hidden-links']);
    expect(String((findings[0].evidence?.links as { hidden: string }[])[0].hidden)).toBe('rendered: invisible');
  });
});

describe('title hijack and cloaking scripts', () => {
  it('gambling words in meta keywords or the title are a serious problem; a crackdown headline is not', () => {
    expect(run([page('/k.html', doc('<p>x</p>', '<title>工作会议</title><meta name="keywords" content="澳门新葡京,百家乐">'))]).rules).toEqual(['title-hijack']);
    expect(run([page('/t.html', doc('<p>x</p>', '<title>皇冠体育官网_百家乐</title>'))]).rules).toEqual(['title-hijack']);
    expect(run([page('/n.html', doc('<p>x</p>', '<title>我省破获一起“百家乐”网络赌博案</title>'))]).findings).toEqual([]);
  });

  it('a script that redirects visitors from search engines is a serious problem; a back button is not', () => {
    const cloak = `<script>var r=document.referrer;if(r.indexOf("baidu")>-1||r.indexOf("sogou")>-1){window.location.href="http://a.example/";}</script>`;
    const back = `<script>function goBack(){ if (document.referrer) { location.href = document.referrer; } else { history.back(); } }</script>`;
    const stats = `<script>var _hmt=[];(function(){var hm=document.createElement("script");hm.src="https://hm.baidu.com/hm.js?1";})();</script>`;
    const { findings, data } = run([page('/c.html', doc(`<p>x</p>${cloak}`))]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence?.serious])).toEqual([['cloaking-script', 'critical', true]]);
    expect(data.veto.hit).toBe(true);
    expect(run([page('/b.html', doc(`<p>x</p>${back}${stats}`))]).findings).toEqual([]);
    const regex = `<script>if (/baidu|sm\\.cn/i.test(document.referrer)) { location.replace("http://a.example/"); }</script>`;
    expect(run([page('/d.html', doc(`<p>x</p>${regex}`))]).rules).toEqual(['cloaking-script']);
  });
});

describe('dates after the day of the check', () => {
  const list = (dates: string[]) => `<ul class="list">${dates.map((d, i) => `<li><a href="/n${i}.html">通知${i}</a><span>${d}</span></li>`).join('')}</ul>`;

  it('reports list items and a publish date more than a day ahead, not tomorrow, not navigation', () => {
    const { findings } = run([page('/f.html', doc(list(['2026-12-25', '2026-11-21', '2026-11-19'])))]);
    expect(findings.map((f) => f.rule)).toEqual(['future-date']);
    expect(findings[0].severity).toBe('medium');
    expect(findings[0].evidence?.count).toBe(1);
    expect(findings[0].message).toContain('2026-12-25');
    expect(run([page('/g.html', doc(`<nav class="nav">${list(['2027-01-01', '2027-01-02'])}</nav>`))]).findings).toEqual([]);
    expect(run([page('/h.html', doc('<p>x</p>', '<title>t</title><meta name="PubDate" content="2027-03-01 10:00">'))]).rules).toEqual(['future-date']);
    expect(run([page('/i.html', doc(list(['2026-12-25'])))], { futureDates: false }).findings).toEqual([]);
  });
});

describe('the site as search engines see it (spider views)', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const real = doc('<a href="/a.html">新闻</a>', '<title>示例省海洋与渔业局</title>');
  const hacked = doc('<a href="/a.html">新闻</a><div style="display:none"><a href="http://x.example/">百家乐</a></div>', '<title>澳门新葡京_百家乐</title>');

  it('fetches the homepage and column pages as Baiduspider and as a Baidu search visitor; an offsite redirect is not followed', async () => {
    const elsewhere = await startServer({ '/': '<title>赌博网站</title>' });
    servers.push(elsewhere);
    const home = await startServer({
      '/': (req, res) => {
        if (/Baiduspider/.test(String(req.headers['user-agent']))) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hacked);
        if (/baidu\.com/.test(String(req.headers.referer))) return void res.writeHead(302, { location: elsewhere.url + '/' }).end();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(real);
      },
      '/a.html': { status: 302, headers: { location: '/b.html' } },
      '/b.html': doc('<p>栏目</p>'),
    });
    servers.push(home);
    const homeUrl = home.url + '/';
    const pages = [page(homeUrl, real), page(home.url + '/a.html', doc('<p>栏目</p>'))];
    pages[0].depth = 1;
    const fetcher = new Fetcher({ crawl: crawlSchema.parse({}), resolver: new NameResolver() });
    try {
      const views = await gatherSpiderViews({ artifacts: site(pages), fetcher, pages: 5 });
      expect(views.map((v) => [v.url.replace(home.url, ''), v.as])).toEqual([['/', 'spider'], ['/', 'search-visitor'], ['/a.html', 'spider'], ['/a.html', 'search-visitor']]);
      expect(views[0].title).toBe('澳门新葡京_百家乐');
      expect(views[0].headers['user-agent']).toBe(SPIDER_UA);
      expect(views[1].offsiteLocation).toBe(elsewhere.url + '/');
      expect(elsewhere.requests.size).toBe(0); // the other site was never contacted
      expect(views[2].finalUrl).toBe(home.url + '/b.html'); // a same-host redirect is followed

      const { findings, data } = run(pages, {}, [], views);
      expect(findings.map((f) => [f.rule, f.url.replace(home.url, ''), f.locator, f.evidence?.serious])).toEqual([
        ['spider-cloaking', '/', 'spider', true],
        ['spider-cloaking', '/', 'search-visitor', true],
      ]);
      expect(findings[0].message).toContain('澳门新葡京_百家乐');
      expect(findings[1].message).toContain(elsewhere.url);
      expect(data).toMatchObject({ spiderViews: 4, spiderCloaked: 2 });
      expect(data.veto.hit).toBe(true);
    } finally {
      await fetcher.close();
    }
  });

  it('the same page for everyone, a crackdown headline, or a redirect to a government site is not cloaking', () => {
    const p = page('/', real);
    const view = (o: Partial<SpiderView>): SpiderView => ({ url: p.url, as: 'spider', headers: {}, status: 200, finalUrl: p.url, title: p.title, meta: {}, links: p.links, scriptText: '', ...o });
    expect(run([p], {}, [], [view({}), view({ as: 'search-visitor' })]).findings).toEqual([]);
    expect(run([p], {}, [], [view({ title: '警惕网络百家乐赌博陷阱' })]).findings).toEqual([]);
    expect(run([p], {}, [], [view({ as: 'search-visitor', status: 302, offsiteLocation: 'https://www.fj.gov.cn/' })]).findings).toEqual([]);
  });
});

describe('defacement', () => {
  it("a defacer's signature on a page is a serious problem; the word hacker in a news title is not", () => {
    const { findings, data } = run([page('/d.html', doc('<h1>Hacked by Sh3ll_Team</h1><p>Your security is low</p>'))]);
    expect(findings.map((f) => [f.rule, f.severity, f.evidence?.serious])).toEqual([['defacement', 'critical', true]]);
    expect(data.veto.hit).toBe(true);
    expect(run([page('/n.html', doc('<p>我省开展防范黑客攻击专项检查，hacker 攻击防护演练</p>'))]).findings).toEqual([]);
  });

  it("a homepage title with nothing in common with the last stored run's is reported for a person to check; a renamed column is not", async () => {
    let title = '示例省海洋与渔业局';
    const srv = await startServer({ '/': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<title>${title}</title><p>首页</p>`) });
    try {
      const db = join(mkdtempSync(join(tmpdir(), 'zc-deface-')), 'z.db');
      const config = parseConfig({ today: '2026-11-20', ipv6: { enabled: false }, browser: { enabled: false }, audits: { integrity: { options: { spiderCheck: false } } } });
      const audit = async () => (await auditSite({ startUrl: srv.url + '/', config, db, outDir: null, audits: [integrity] })).result.findings.map((f) => f.rule);
      expect(await audit()).toEqual([]); // the first run has nothing to compare with
      title = '示例省海洋与渔业局门户网站';
      expect(await audit()).toEqual([]);
      title = 'Welcome to nginx!';
      expect(await audit()).toEqual(['homepage-changed']);
    } finally {
      await srv.close();
    }
  });
});
