/**
 * The compact site index (src/audit/compact.ts, audits/columns.ts siteIndex): lines counted by
 * hash, links kept as (page, link) index pairs. It must give what the plain build gave — a Map
 * of every line, an object per link — on a small hand-written site whose texts are spilled to a
 * file as a crawl's are.
 */
import { describe, expect, it } from 'vitest';
import { GroupCounts, PairsByKey } from '../src/audit/compact.ts';
import { parseHtml } from '../src/gather/parse.ts';
import { spillText, TextSpill } from '../src/gather/text-spill.ts';
import { sitePages } from '../src/gather/frames.ts';
import { releaseMemos } from '../src/audit/memo.ts';
import type { Artifacts, ListBlock, PageArtifact } from '../src/gather/artifacts.ts';
import { columnText, findLinkByNames, mostlyDated, siteIndex, type InboundLink } from '../audits/columns.ts';

describe('GroupCounts', () => {
  it('counts each string once per group, as a Map of Sets would', () => {
    const c = new GroupCounts(4); // small on purpose: it has to grow many times
    const naive = new Map<string, number>();
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let g = 0; g < 300; g++) {
      c.nextGroup();
      const words = Array.from({ length: 20 }, () => `词${rnd(2000)}`);
      for (const w of words) c.add(w);
      for (const w of new Set(words)) naive.set(w, (naive.get(w) ?? 0) + 1);
    }
    c.done();
    for (let i = 0; i < 2000; i++) expect(c.count(`词${i}`), `词${i}`).toBe(naive.get(`词${i}`) ?? 0);
    expect(c.count('never added')).toBe(0);
    expect(() => c.add('x')).toThrow(/done/);
  });

  it('splits lines as String.split("\\n") does (empty lines, a trailing newline, an empty text) and skips long ones', () => {
    const texts = ['a\nb\n\nb', '', 'a\n', '\n\n', `长行${'字'.repeat(200)}\na`, 'b'];
    const c = new GroupCounts();
    const naive = new Map<string, number>();
    for (const t of texts) {
      c.nextGroup();
      c.addLines(t, 160);
      for (const line of new Set(t.split('\n'))) if (line.length <= 160) naive.set(line, (naive.get(line) ?? 0) + 1);
    }
    c.done();
    for (const t of texts) for (const line of t.split('\n')) expect(c.count(line), JSON.stringify(line)).toBe(naive.get(line) ?? 0);
    expect(naive.get('')).toBe(4);
  });

  it('stops counting at 255', () => {
    const c = new GroupCounts();
    for (let g = 0; g < 300; g++) {
      c.nextGroup();
      c.add('页脚');
    }
    expect(c.done().count('页脚')).toBe(255);
  });
});

describe('PairsByKey', () => {
  it('gives each key its pairs in the order added, keys in the order first seen', () => {
    const p = new PairsByKey();
    const naive = new Map<string, [number, number][]>();
    let seed = 3;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let i = 0; i < 5000; i++) {
      const key = `https://a.test/${rnd(300)}`;
      const pair: [number, number] = [rnd(1000), i];
      p.add(key, ...pair);
      naive.set(key, [...(naive.get(key) ?? []), pair]);
    }
    p.done();
    expect([...p.keys()]).toEqual([...naive.keys()]);
    for (const [key, pairs] of naive) {
      expect(p.map(key, (a, b) => [a, b])).toEqual(pairs);
      expect(p.count(key)).toBe(pairs.length);
    }
    expect(p.map('https://a.test/none', (a) => a)).toEqual([]);
    expect(p.count('https://a.test/none')).toBe(0);
    expect(() => p.add('x', 1, 2)).toThrow(/done/);
  });
});

// ---------------------------------------------------------------------------------------------

const ORIGIN = 'https://hyj.example.gov.cn';
const NAV = '<nav class="nav"><a href="/">首页</a><a href="/xwdt/">新闻动态</a><a href="/tzgg/">通知公告</a><a href="/zwgk/">政务公开</a></nav>';
const FOOT = '<footer class="footer"><p>主办单位：示例省海洋与渔业局</p><a href="/wzdt.html">网站地图</a></footer>';
const SIDE = '<ul class="side"><li><a href="/xwdt/">新闻动态</a></li><li><a href="/tzgg/">更多通知公告&gt;&gt;</a></li></ul>';
const LONG = '海洋渔业资源保护和合理利用是本局的重要职责，'.repeat(20);

function page(path: string, main: string, depth: number, spill: TextSpill): PageArtifact {
  const url = new URL(path, ORIGIN).href;
  const html = `<!doctype html><html><head><title>${path}</title></head><body>${NAV}<div class="crumb">当前位置：首页 &gt; 栏目</div>${SIDE}<main>${main}</main>${FOOT}</body></html>`;
  const p = parseHtml(html, url);
  const out: PageArtifact = {
    url, finalUrl: url, status: 200, redirects: [], contentType: 'text/html; charset=utf-8', charset: 'utf-8', charsetSource: 'header',
    headers: {}, timingMs: 1, bytes: html.length, depth, fromSitemap: false, title: p.title, lang: p.lang, text: p.text,
    footerText: p.footerText, scriptText: p.scriptText, headings: p.headings, labels: p.labels, links: p.links, images: p.images,
    forms: p.forms, lists: p.lists, anchors: p.anchors, meta: p.meta,
  };
  return spillText(out, spill);
}

function fixture(): Artifacts {
  const spill = new TextSpill();
  const dated = (col: string, n: number) => `<ul class="list">${Array.from({ length: n }, (_, i) => `<li><a href="/${col}/20261${i}.html">第${i}条${col}消息</a><span>2026-11-${String(10 + i).padStart(2, '0')}</span></li>`).join('')}</ul>`;
  const pages = [
    page('/', `<p>欢迎访问</p>${dated('xwdt', 3)}<a href="/hdjl/">互动交流</a><a href="/xwdt/">更多新闻</a>`, 1, spill),
    page('/xwdt/', `<p>${LONG}</p>${dated('xwdt', 5)}<p>本栏目介绍</p><a href="/xwdt/index_1.html">2</a>`, 2, spill),
    page('/xwdt/index_1.html', `${dated('xwdt', 2)}<p>暂无信息</p>`, 3, spill),
    page('/tzgg/', `<p>${LONG}</p>${dated('tzgg', 4)}<p>本栏目介绍</p><a href="/tzgg/sub/">子栏目</a>`, 2, spill),
    page('/tzgg/sub/', `<p>子栏目正文</p><p>本栏目介绍</p>`, 3, spill),
    page('/zwgk/', `<p>政务公开正文 ${LONG}</p><a href="/hdjl/">互动交流</a><a href="/gone.html">失效链接</a>`, 2, spill),
    page('/hdjl/', '<form action="/liuyan.jsp"><input name="title"><input name="content"><input name="phone"></form>', 2, spill),
    page('/wzdt.html', '<a href="/xwdt/">新闻动态</a><a href="/tzgg/">通知公告</a><a href="/hdjl/">互动交流</a>', 2, spill),
  ];
  const u = new URL(ORIGIN);
  return {
    site: { startUrl: `${ORIGIN}/`, origin: u.origin, host: u.host },
    pages, targets: [], robots: { url: `${ORIGIN}/robots.txt`, found: false, honoured: true, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false }, crawl: { pages: pages.length, targets: 0, requests: 0, bytes: 0, durationMs: 0, limited: 0 },
  };
}

/** The site index as it was built before (an object per link, a Map of every line). */
function naiveIndex(artifacts: Artifacts) {
  const pages = sitePages(artifacts).pages.filter((p) => !p.error && p.status >= 200 && p.status < 300);
  const inbound = new Map<string, InboundLink[]>();
  for (const p of pages) {
    for (const l of p.links) {
      if (l.kind !== 'a' && l.kind !== 'area') continue;
      inbound.set(l.url, [...(inbound.get(l.url) ?? []), { page: p, text: l.text, inNav: Boolean(l.inNav), inFooter: Boolean(l.inFooter) }]);
    }
  }
  const lineFreq = new Map<string, number>();
  const listFreq = new Map<string, number>();
  const sig = (b: ListBlock) => `${b.selector}|${b.items.slice(0, 8).map((i) => i.href ?? i.text).join('|')}`;
  for (const p of pages) {
    for (const line of new Set(p.text.split('\n'))) if (line.length <= 160) lineFreq.set(line, (lineFreq.get(line) ?? 0) + 1);
    for (const s of new Set(p.lists.map(sig))) listFreq.set(s, (listFreq.get(s) ?? 0) + 1);
  }
  const named = new Map<string, (InboundLink & { url: string })[]>();
  for (const p of pages) {
    const articles = new Set(p.lists.filter(mostlyDated).flatMap((b) => b.items.map((i) => i.href)));
    for (const l of p.links) {
      if (l.kind !== 'a' && l.kind !== 'area') continue;
      if (l.url === pages[0].url || new URL(l.url).pathname === '/' || articles.has(l.url)) continue;
      const text = columnText(l.text);
      if (!text || text.length > 30) continue;
      named.set(text, [...(named.get(text) ?? []), { url: l.url, page: p, text: l.text, inNav: Boolean(l.inNav), inFooter: Boolean(l.inFooter) }]);
    }
  }
  return { pages, inbound, lineFreq, listFreq, sig, named };
}

describe('siteIndex (compact) gives what the plain build gave', () => {
  const artifacts = fixture();
  const idx = siteIndex(artifacts);
  const naive = naiveIndex(artifacts);

  it('has chrome to find: lines and lists repeated on three or more pages', () => {
    expect([...naive.lineFreq.values()].some((n) => n >= 3)).toBe(true);
    expect([...naive.listFreq.values()].some((n) => n >= 3)).toBe(true);
    expect(naive.pages.some((p) => p.text.length > 256)).toBe(true); // spilled texts are read back
  });

  it('inbound links of every URL, and their count', () => {
    const urls = new Set([...naive.inbound.keys(), ...naive.pages.map((p) => p.url), `${ORIGIN}/never-linked.html`]);
    for (const url of urls) {
      expect(idx.inbound(url), url).toEqual(naive.inbound.get(url) ?? []);
      expect(idx.inboundCount(url), url).toBe((naive.inbound.get(url) ?? []).length);
    }
    expect(idx.inbound(`${ORIGIN}/xwdt/`)[0].page).toBe(naive.pages[0]); // the pages themselves, not copies
  });

  it('named links: the same texts in the same order, the same links for each', () => {
    const named = idx.namedLinks();
    expect([...named.texts()]).toEqual([...naive.named.keys()]);
    for (const [text, links] of naive.named) expect(named.get(text), text).toEqual(links);
    expect(findLinkByNames(idx, ['通知公告'])).toMatchObject({ url: `${ORIGIN}/tzgg/`, exact: true });
  });

  it('content text and content lists of every page', () => {
    const CRUMB = /^(?:当前位置|您的位置|您当前的位置|您现在的位置|所在位置|位置)\s*[：:]/;
    const EMPTY = /^(?:暂无(?:相关)?(?:信息|内容|数据|记录|文章)|没有(?:相关)?(?:信息|内容|数据|记录)|无(?:相关)?(?:信息|内容|数据))[。.!！]?$/;
    const norm = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, '');
    const pathOf = (u: string) => new URL(u).pathname;
    const isDirIndex = (u: string) => pathOf(u) !== '/' && !/^\/index\.[a-z]+$/i.test(pathOf(u)) && /\/(?:index(?:_\d+)?\.(?:s?html?|jsp|php|aspx?))?$/i.test(pathOf(u));
    const navLike = (b: ListBlock) => {
      if (b.items.some((i) => i.date)) return false;
      const hrefs = b.items.map((i) => i.href).filter((h): h is string => Boolean(h));
      return hrefs.length > 0 && hrefs.every((h) => isDirIndex(h) || pathOf(h) === '/');
    };
    let kept = 0;
    for (const p of naive.pages) {
      const text = p.text.split('\n').filter((l) => (naive.lineFreq.get(l) ?? 0) < 3 && !CRUMB.test(l) && !EMPTY.test(norm(l)) && !p.footerText.includes(l)).join('\n');
      expect(idx.contentText(p), p.url).toBe(text);
      const lists = p.lists.filter((b) => !b.inFooter && (!b.inNav || mostlyDated(b)) && (naive.listFreq.get(naive.sig(b)) ?? 0) < 3 && !navLike(b));
      expect(idx.contentLists(p), p.url).toEqual(lists);
      kept += lists.length;
    }
    expect(kept).toBeGreaterThan(0); // some lists are content
    expect(idx.contentText(naive.pages[1])).toContain('海洋渔业资源');
    expect(idx.contentText(naive.pages[1])).not.toContain('本栏目介绍'); // on three pages: chrome
    releaseMemos(artifacts);
  });
});
