/**
 * Which crawled pages the browser audits look at. A portal's pages share a few templates, so
 * a sample covers them: the homepage, every column page (the 二级 pages the navigation links
 * to, and list pages), the first N item pages of each column, every 办事指南 page, pages with a
 * form other than the site search (咨询, 信箱: labels matter most there), and any URL the
 * config names. `all` takes every crawled page instead.
 */
import type { Artifacts, PageArtifact } from '../artifacts.ts';
import type { SampleReason } from './types.ts';
import { sitePages } from '../frames.ts';

export interface SampleOptions {
  mode: 'sample' | 'all';
  itemsPerColumn: number;
  /** Cap of the sample (not applied in `all` mode). */
  maxPages: number;
  /** Extra URLs, absolute or relative to the start URL. */
  urls: string[];
}

export interface SampledPage {
  /** PageArtifact.url (or the configured URL). */
  url: string;
  /** Where the browser goes (the crawl's final URL, which skips redirect hops). */
  navigateTo: string;
  reasons: SampleReason[];
}

/** 办事指南 element labels (standards.md §2); a page with several is a guide. */
const GUIDE_LABELS = ['事项名称', '设定依据', '申请条件', '办理材料', '申请材料', '办理地点', '办理机构', '收费标准', '办理时间', '联系电话', '办理流程', '承诺期限', '法定期限'];
const PAGINATION = /[_-]\d+\.s?html?$|[?&](page|pageno|p)=\d+/i;
const MIN_LIST_ITEMS = 5;

const usable = (p: PageArtifact) => p.status < 400 && !(p.error && !p.error.startsWith('body larger'));

function isGuide(p: PageArtifact): boolean {
  if (/办事指南|服务指南/.test(p.title) || p.headings.some((h) => /办事指南|服务指南/.test(h))) return true;
  const labels = new Set(p.labels.map((l) => l.replace(/[：:\s]/g, '')));
  return GUIDE_LABELS.filter((l) => labels.has(l)).length >= 3;
}

/** A form that is not the site search (咨询, 信箱, 征集): one page per form action. */
function hasForm(p: PageArtifact): boolean {
  return p.forms.some((f) => !/search|sousuo|query|jiansuo/i.test(f.action) && (f.inputs.length >= 2 || f.method.toLowerCase() === 'post'));
}

/** Lists of linked, mostly dated items outside nav and footer: the page lists a column's items. */
function itemLinks(p: PageArtifact): string[] {
  const out: string[] = [];
  for (const l of p.lists) {
    if (l.inNav || l.inFooter) continue;
    const linked = l.items.filter((i) => i.href);
    if (linked.length < MIN_LIST_ITEMS || l.items.filter((i) => i.date).length < linked.length / 2) continue;
    for (const i of linked) out.push(i.href!);
  }
  return out;
}

function dirOf(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname.replace(/[^/]*$/, '');
}

export function samplePages(a: Artifacts, o: SampleOptions): { pages: SampledPage[]; limited: number } {
  // Pages as a visitor sees them: a framed header or footer is audited inside its page (axe
  // enters every frame), never opened alone; a framed menu's links count for its page.
  const site = sitePages(a);
  const byUrl = site.byUrl;
  const out = new Map<string, SampledPage>();
  const add = (p: PageArtifact | string, reason: SampleReason) => {
    const url = typeof p === 'string' ? p : p.url;
    let s = out.get(url);
    if (!s) out.set(url, (s = { url, navigateTo: typeof p === 'string' ? p : p.finalUrl || p.url, reasons: [] }));
    if (!s.reasons.includes(reason)) s.reasons.push(reason);
  };
  const pages = site.pages.filter(usable);
  const home = pages.find((p) => p.depth === 1) ?? byUrl.get(a.site.startUrl);

  // The configured pages first: they are never cut.
  const configured: string[] = [];
  for (const raw of o.urls) {
    let url: string;
    try {
      url = new URL(raw, a.site.startUrl).href;
    } catch {
      continue;
    }
    configured.push(url);
  }

  if (o.mode === 'all') {
    if (home) add(home, 'home');
    for (const u of configured) add(byUrl.get(u) ?? u, 'config');
    for (const p of pages) add(p, 'all');
    return { pages: [...out.values()], limited: 0 };
  }

  const wanted: [PageArtifact | string, SampleReason][] = [];
  if (home) wanted.push([home, 'home']);
  for (const u of configured) wanted.push([byUrl.get(u) ?? u, 'config']);

  // Columns: 二级 pages the homepage's navigation links to, and list pages (one per folder).
  const navTargets = new Set(home ? home.links.filter((l) => l.inNav && l.kind === 'a').map((l) => l.url) : []);
  const columns: PageArtifact[] = [];
  const seenDirs = new Set<string>();
  const sorted = [...pages].sort((x, y) => (x.depth ?? 99) - (y.depth ?? 99));
  for (const p of sorted) {
    if (p === home) continue;
    const nav = p.depth === 2 && navTargets.has(p.url);
    const items = itemLinks(p);
    const list = items.length > 0 && !PAGINATION.test(new URL(p.url).pathname + new URL(p.url).search);
    if (!nav && !list) continue;
    const dir = dirOf(p.url);
    if (!nav && seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    columns.push(p);
  }
  for (const c of columns) wanted.push([c, 'column']);

  // 办事指南: pages that look like one, and the item pages under the 办事 section of the navigation.
  const serviceDirs = home ? home.links.filter((l) => l.inNav && l.kind === 'a' && /办事|服务/.test(l.text)).map((l) => dirOf(l.url)).filter((d) => new URL(d).pathname !== '/') : [];
  const underService = (p: PageArtifact) => serviceDirs.some((d) => p.url.startsWith(d)) && (p.depth ?? 0) >= 3 && itemLinks(p).length === 0 && !PAGINATION.test(p.url);
  for (const p of pages) if (p !== home && (isGuide(p) || underService(p))) wanted.push([p, 'guide']);
  for (const p of pages) if (p !== home && hasForm(p)) wanted.push([p, 'form']);

  if (o.itemsPerColumn > 0) {
    for (const c of columns) {
      let n = 0;
      for (const href of itemLinks(c)) {
        const item = byUrl.get(href);
        if (!item || !usable(item) || item === c) continue;
        wanted.push([item, 'item']);
        if (++n >= o.itemsPerColumn) break;
      }
    }
  }

  const limited = new Set<string>();
  for (const [p, reason] of wanted) {
    const url = typeof p === 'string' ? p : p.url;
    if (!out.has(url) && out.size >= o.maxPages && reason !== 'home' && reason !== 'config') {
      limited.add(url);
      continue;
    }
    add(p, reason);
  }
  return { pages: [...out.values()], limited: limited.size };
}
