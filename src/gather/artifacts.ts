/**
 * Artifacts: everything the gatherers collected in one run. Audits read only these.
 * Plain data (JSON-serialisable), so they can be stored, replayed in tests and shared with
 * the extension's page check.
 */
import type { BrowserArtifacts } from './browser/types.ts';
import type { Ipv6Artifact } from './ipv6-types.ts';
import type { AvailabilityArtifact } from '../probe/rule.ts';

/**
 * Where a URL came from: a[href] ('attachment' when it names a document file), area[href],
 * img[src|srcset] and the painted background attribute, <source src|srcset> in picture/video/
 * audio, video[src], audio[src], video[poster], track[src], object[data], embed[src],
 * iframe/frame[src], input[type=image][src], link[href] of a stylesheet ('stylesheet', also
 * an @import) or of another rel that loads (icons, preload, manifest: 'link'), script[src],
 * form[action] and formaction (noted, never submitted), <meta http-equiv=refresh>, url() in
 * CSS (style attributes, <style>, same-site stylesheets: 'css').
 */
export type LinkKind =
  | 'a' | 'area' | 'attachment' | 'img' | 'source' | 'video' | 'audio' | 'poster' | 'track' | 'object' | 'embed'
  | 'iframe' | 'input-image' | 'stylesheet' | 'link' | 'script' | 'form' | 'refresh' | 'css';
export type LinkState = 'ok' | 'broken' | 'blocked' | 'skipped';

export interface OutLink {
  /** Absolute URL without fragment. */
  url: string;
  /** The fragment (without '#'), when the link has one that names an anchor. */
  fragment?: string;
  /** Anchor text (or alt/title for images), whitespace normalised, at most 200 chars. */
  text: string;
  kind: LinkKind;
  /** True when the link sits in the page's footer region. */
  inFooter?: boolean;
  /** True when the link sits in the page's navigation (nav, header menus). */
  inNav?: boolean;
  /**
   * How the link is kept out of sight, when it is: an inline style (off-screen, zero size,
   * visibility:hidden …), a class/id the page's <style> hides, display:none or `hidden`.
   */
  concealed?: string;
  /** The page sends every visitor here by itself: a <meta refresh>, or a script on a page without links. */
  via?: 'refresh' | 'script';
}

/**
 * An href that is not an http(s) URL to check: skipped (mailto:, tel:, data:, javascript: …)
 * or malformed (broken: the reason says why). Kept so the report lists it, never dropped.
 */
export interface UncheckedLink {
  /** The href as written (trimmed, at most 200 characters, personal data masked). */
  href: string;
  kind: LinkKind;
  text: string;
  state: 'skipped' | 'broken';
  reason: string;
}

/** A same-site stylesheet the crawl read: the URLs its url() and @import rules load. */
export interface StylesheetArtifact {
  url: string;
  links: OutLink[];
  unchecked?: UncheckedLink[];
}

export interface ListItem {
  text: string;
  href?: string;
  /** ISO YYYY-MM-DD when a date was found in the item. */
  date?: string;
}

/** A list of items on a page: ul/ol/table/dl or repeated div rows, with its items' dates. */
export interface ListBlock {
  /** A short CSS-like path of the container, for evidence. */
  selector: string;
  inNav: boolean;
  inFooter: boolean;
  items: ListItem[];
}

export interface ImageInfo {
  src: string;
  alt: string | null;
  inFooter: boolean;
  /** The href of the link around the image, when there is one. */
  href?: string;
}

export interface FormInfo {
  action: string;
  method: string;
  inputs: string[];
  /** Values of its hidden inputs (site or channel ids a search form sends along), at most 20. */
  hidden?: Record<string, string>;
}

export interface PageArtifact {
  url: string;
  finalUrl: string;
  status: number;
  /** Redirect hops before finalUrl (empty when none). */
  redirects: string[];
  contentType: string;
  /** Charset the body was decoded with and how it was decided. */
  charset: string;
  charsetSource: 'header' | 'meta' | 'bom' | 'sniff' | 'default';
  headers: Record<string, string>;
  timingMs: number;
  bytes: number;
  /** Link depth: homepage 1, 二级 2, 三级 3 …; null for pages reached only through the sitemap. */
  depth: number | null;
  fromSitemap: boolean;
  title: string;
  lang: string | null;
  /** Visible text, whitespace normalised; blocks separated by newlines; capped. */
  text: string;
  /** Visible text of the footer region (页面底部功能区). */
  footerText: string;
  /** Text inside inline <script>s (capped), to tell "written only by scripts" markers. */
  scriptText: string;
  headings: string[];
  /** Labels of table rows and definition lists (th, first cells, dt), for 办事指南 and forms. */
  labels: string[];
  links: OutLink[];
  /**
   * Links inside display:none / `hidden` subtrees (at most 300). They are not crawled (a
   * visitor cannot follow them); the integrity audit looks for injected hidden links there.
   */
  hiddenLinks?: OutLink[];
  /** Hrefs not checked over HTTP (skipped schemes, malformed URLs), each with its state and reason. */
  unchecked?: UncheckedLink[];
  images: ImageInfo[];
  forms: FormInfo[];
  lists: ListBlock[];
  /** Element ids and a[name] anchors, for fragment checks. */
  anchors: string[];
  /** <meta name|property> → content (lower-cased names). */
  meta: Record<string, string>;
  /** Publish date of the page itself (meta PubDate or 发布时间 text), ISO date. */
  publishedAt?: string;
  /** Set when the page could not be fetched or parsed. */
  error?: string;
}

/** A unique link target (page of the site or not), verified once per run. */
export interface LinkTarget {
  url: string;
  state: LinkState;
  status?: number;
  error?: string;
  finalUrl?: string;
  redirects: string[];
  redirectLoop?: boolean;
  contentType?: string;
  /** True when the target is a page of the site (crawled), false for resources and externals. */
  internal: boolean;
  isPage: boolean;
  kinds: LinkKind[];
  /** Why the target was skipped (robots, scheme, out of scope, limits). */
  skipReason?: string;
  timingMs?: number;
  /** Fragments requested of this target that the target does not have. */
  missingFragments?: string[];
  /**
   * Set on a fragment link's own entry (url = `base#fragment`): the fragment, decoded. Its
   * state is broken when the target page has no element with that id (or a[name]).
   */
  fragment?: string;
  /** The target without the fragment, on a fragment entry. */
  base?: string;
  /** Something a reader should know about an ok or skipped entry (a fragment not checkable …). */
  note?: string;
}

export interface RobotsInfo {
  url: string;
  found: boolean;
  honoured: boolean;
  disallowedUrls: string[];
  sitemaps: string[];
}

/** A crawl limit that was reached: which, where (the URL pattern or path), and how many URLs it kept out. */
export interface CrawlLimit {
  limit: 'maxPagesPerPattern' | 'maxQueryVariants' | 'maxDepth' | 'maxPages';
  value: number;
  /** The URL pattern (maxPagesPerPattern) or path (maxQueryVariants) that hit it. */
  pattern?: string;
  /** URLs not crawled because of it. */
  skipped: number;
  /** The first URL it kept out. */
  example: string;
  /** In words, Chinese first: what stopped and what to change. */
  message: string;
}

export interface CrawlStats {
  pages: number;
  targets: number;
  requests: number;
  bytes: number;
  durationMs: number;
  /** URLs dropped by limits (maxPages, maxDepth, query variants, pages per pattern). */
  limited: number;
  /** Each limit that stopped part of the crawl, with what it stopped (report.json crawlLimits, a warning each). */
  limits?: CrawlLimit[];
  /** How the pages stored by earlier runs were reused (runs with a store: src/gather/page-cache.ts). */
  incremental?: IncrementalStats;
}

export interface Artifacts {
  site: { startUrl: string; origin: string; host: string; name?: string };
  pages: PageArtifact[];
  targets: LinkTarget[];
  robots: RobotsInfo;
  sitemap: { urls: string[]; found: boolean };
  /** Same-site stylesheets read for their url() and @import links (their links' referrer is the stylesheet). */
  stylesheets?: StylesheetArtifact[];
  crawl: CrawlStats;
  /** Filled by the IPv6 gatherer (issue 4). */
  ipv6?: Ipv6Artifact;
  /** The stored homepage probes of the last days (zhaocuo probe), loaded from the store (issue 4). */
  availability?: AvailabilityArtifact;
  /**
   * Filled by the browser gatherer (issue 5, src/gather/browser/): the sampled pages opened in
   * headless Chromium. `browser.pages[]`: axe results (violations, incomplete), 适老化 facts
   * (viewport, font sizes, fixed/floating layers, JS dialogs), load errors, screenshot paths.
   * `browser.rendered[]` ({url, finalUrl, title, text, footerText}): the DOM text after scripts
   * ran — markers written only by JavaScript (网站标识码 …) are found here, not in `pages[].text`.
   * `browser.lighthouse[]`: scores and failing audits. Absent when the browser did not run.
   */
  browser?: BrowserArtifacts;
  /**
   * The homepage and a few column pages fetched as Baiduspider and as a visitor coming from a
   * Baidu search (src/gather/spider-view.ts), for the integrity audit. Absent when not gathered.
   */
  spiderViews?: SpiderView[];
  /** How the site answered a made-up URL (a 200 there means soft 404s: src/gather/soft404.ts). */
  soft404?: Soft404Probe;
  /** The site's own hosts whose HTTPS certificate failed verification (the crawl went on regardless). */
  tls?: TlsProblem[];
  /** The homepage as the site's previous stored run saw it (from the store; absent without one). */
  previousHomepage?: { runId: number; today: string; url: string; title: string };
  /** The homepage's site search tried with titles the site published (src/gather/search-probe.ts). */
  search?: SearchProbe;
}

export type { BrowserArtifacts, BrowserPage, RenderedPage } from './browser/types.ts';
import type { SpiderView } from './spider-view.ts';
import type { SearchProbe } from './search-probe.ts';
import type { TlsProblem } from './http.ts';
import type { Soft404Probe } from './soft404.ts';
import type { IncrementalStats } from './page-cache.ts';
