/**
 * The site as search engines see it. A hacked server often leads a double life: crawlers
 * (Baiduspider …) get a gambling title and hidden links, visitors arriving from a search
 * result are redirected to a gambling site, and whoever types the address — the webmaster —
 * sees the real page. So the homepage and a few column pages are fetched twice more: once as
 * Baiduspider, once as a visitor coming from a Baidu search. The integrity audit compares
 * those views with what the crawl saw.
 */
import type { Artifacts, OutLink, PageArtifact } from './artifacts.ts';
import { decodeBody } from './decode.ts';
import type { Fetcher } from './http.ts';
import { parseHtml } from './parse.ts';
import { collectIfGrown } from './gc.ts';

export type SpiderViewKind = 'spider' | 'search-visitor';

export interface SpiderView {
  /** The crawled page (PageArtifact.url) this view is of. */
  url: string;
  as: SpiderViewKind;
  /** The request headers that made the difference. */
  headers: Record<string, string>;
  status: number;
  finalUrl: string;
  /** Where the page sent this visitor on another host (the redirect is not followed). */
  offsiteLocation?: string;
  title: string;
  meta: Record<string, string>;
  /** Links (a, area), shown and hidden, at most 300. */
  links: OutLink[];
  scriptText: string;
  error?: string;
}

export const SPIDER_UA = 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)';

export interface SpiderViewOptions {
  artifacts: Artifacts;
  fetcher: Fetcher;
  /** Column pages looked at besides the homepage. */
  pages: number;
}

/** The homepage and the first `pages` 二级 pages that are HTML and answered 200. */
function pick(artifacts: Artifacts, n: number): PageArtifact[] {
  const ok = artifacts.pages.filter((p) => p.status === 200 && !p.error && /html/i.test(p.contentType || 'text/html'));
  const home = ok.find((p) => p.depth === 1);
  const level2 = ok.filter((p) => p.depth === 2).slice(0, n);
  return [...(home ? [home] : []), ...level2];
}

export async function gatherSpiderViews(o: SpiderViewOptions): Promise<SpiderView[]> {
  const pages = pick(o.artifacts, o.pages);
  const views: SpiderView[] = [];
  // One page at a time (its two views at once): each view is a full parse of a page that may
  // be large (a 50,000-link column), and a dozen at once made 200 MB of garbage in one go.
  for (const p of pages) {
    const search = `https://www.baidu.com/s?wd=${encodeURIComponent(p.title || new URL(p.url).hostname)}`;
    views.push(...(await Promise.all([view(o.fetcher, p, 'spider', { 'user-agent': SPIDER_UA }), view(o.fetcher, p, 'search-visitor', { referer: search })])));
    collectIfGrown();
  }
  return views;
}

async function view(fetcher: Fetcher, p: PageArtifact, as: SpiderViewKind, headers: Record<string, string>): Promise<SpiderView> {
  const r = await fetcher.fetchAs(p.finalUrl || p.url, headers);
  const out: SpiderView = { url: p.url, as, headers, status: r.status, finalUrl: r.finalUrl, title: '', meta: {}, links: [], scriptText: '' };
  if (r.offsiteLocation) out.offsiteLocation = r.offsiteLocation;
  if (r.error) out.error = r.error;
  if (r.body && r.status === 200) {
    const decoded = decodeBody(r.body, r.headers['content-type'] ?? '');
    const parsed = parseHtml(decoded.text, r.finalUrl);
    out.title = parsed.title;
    out.meta = parsed.meta;
    out.scriptText = parsed.scriptText;
    out.links = [...parsed.links, ...(parsed.hiddenLinks ?? [])].filter((l) => l.kind === 'a' || l.kind === 'area').slice(0, 300);
  }
  return out;
}
