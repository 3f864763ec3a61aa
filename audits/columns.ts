/**
 * columns — required columns and their freshness (standards §1 and §4). Each column of the
 * catalog (rules/columns.json, extended by the site config) is found by link text (name and
 * synonyms; navigation and homepage links first) or by the URL the config gives; its page is
 * opened from the artifacts, its list pages followed, its list items and dates read. Columns
 * found on the site beyond the catalog (directory-index pages linked by name, and sub-columns of
 * hubs) are judged too, since the inspection counts every column that should be updated.
 *
 * Reports: missing column, blank column (page exists, no items, no content), stale column by
 * kind (动态/要闻 14 days; 通知公告/政策文件 6 months; 人事/规划计划 12 months [u]), and the
 * homepage freshness (newest dated item older than 14 days, or none → 首页不更新; a
 * navigation-only homepage is judged by its second-level pages). Returns `data.veto` for
 * 首页不更新 and 栏目不更新 and `data.deductions` (unconfirmed weights).
 *
 * Also exports the site index helpers the service-guides and interaction audits share
 * (page lookup, content lists, link search by name).
 */
import { z } from 'zod';
import {
  defineAudit,
  type DeductionContribution,
  type FindingDraft,
  type RuleRef,
  type VerdictInputs,
  type VetoContribution,
} from '../src/audit/types.ts';
import type { Artifacts, LinkTarget, ListBlock, ListItem, PageArtifact } from '../src/gather/artifacts.ts';
import { daysBetween } from '../src/gather/dates.ts';
import { memo } from '../src/audit/memo.ts';
import { GroupCounts, PairsByKey } from '../src/audit/compact.ts';
import { definePagePart, pagePart } from '../src/audit/page-parts.ts';
import { sitePages } from '../src/gather/frames.ts';
import RULES from './rules/columns.json' with { type: 'json' };
import { guideline, inspection, regulation, seedTask } from './rules/refs.ts';
import { dirOf } from '../src/gather/url.ts';

// =============================================================================================
// Site index: shared, pure helpers over the artifacts (memoised per artifacts object).
// =============================================================================================

const norm = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, '');

/** Link text as a column name: no spaces, no "更多", arrows or brackets around it. */
export function columnText(s: string): string {
  return norm(s)
    .replace(/^(?:更多|查看更多|more)+/i, '')
    .replace(/(?:更多|more)?(?:[>»›＞+＋…]|&gt;)+$/i, '')
    .replace(/(?:更多|more)$/i, '')
    .replace(/^[【\[〔]|[】\]〕]$/g, '');
}

const DIR_INDEX = /\/(?:index(?:_\d+)?\.(?:s?html?|jsp|php|aspx?))?$/i;
const PAGER_TEXT = /^(?:\d{1,4}|下一页|下页|尾页|末页|上一页|上页|>|>>|»|›)$/;
const CRUMB_LINE = /^(?:当前位置|您的位置|您当前的位置|您现在的位置|所在位置|位置)\s*[：:]/;
const EMPTY_LINE = /^(?:暂无(?:相关)?(?:信息|内容|数据|记录|文章)|没有(?:相关)?(?:信息|内容|数据|记录)|无(?:相关)?(?:信息|内容|数据))[。.!！]?$/;

export interface InboundLink {
  page: PageArtifact;
  text: string;
  inNav: boolean;
  inFooter: boolean;
}

/** A link that may name a column: the URL it points to, with the page it is on. */
export type NamedLink = InboundLink & { url: string };

/** Links that may name a column, by their text as a column name, in the order first seen. */
export interface NamedLinks {
  texts(): IterableIterator<string>;
  /** The links with that text (objects made on each call). */
  get(text: string): NamedLink[];
}

export interface SiteIndex {
  artifacts: Artifacts;
  home: PageArtifact | undefined;
  /** Crawled HTML pages that loaded (2xx, no error). */
  pages: PageArtifact[];
  get(url: string): PageArtifact | undefined;
  target(url: string): LinkTarget | undefined;
  /** Links (a, area) to a URL from the pages, page order (objects made on each call). */
  inbound(url: string): InboundLink[];
  /** How many links inbound(url) would give, without making them. */
  inboundCount(url: string): number;
  /** Lists outside navigation/footer that are not site chrome (sidebars, menus repeated on pages). */
  contentLists(page: PageArtifact): ListBlock[];
  /** Page text without chrome lines (lines repeated on 3+ pages), breadcrumbs and "暂无信息". */
  contentText(page: PageArtifact): string;
  /** Pages a text line is on (0 for lines over 160 characters: never chrome); 3 or more is chrome. */
  linePages(line: string): number;
  /** True for a URL that looks like a column (a directory index). */
  isDirIndex(url: string): boolean;
  /** Links that may name a column, by their text as a column name (no articles, no homepage links). */
  namedLinks(): NamedLinks;
}

/**
 * A dated list counts as content even when the parser put it in the navigation: menus carry no
 * dates, and class/id tokens such as "top-…" can mark a content box as navigation.
 */
export function mostlyDated(b: ListBlock): boolean {
  return b.items.length > 0 && b.items.filter((i) => i.date).length * 2 >= b.items.length;
}

function isOkHtml(p: PageArtifact): boolean {
  return !p.error && p.status >= 200 && p.status < 300;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/** A line of the page's text that is not a breadcrumb, a "暂无信息" or the footer's (whether it is chrome is the site's to say). */
export function pageOwnLine(page: PageArtifact, line: string): boolean {
  return !CRUMB_LINE.test(line) && !EMPTY_LINE.test(norm(line)) && !page.footerText.includes(line);
}

/** Lines longer than this are never chrome. */
const CHROME_LINE_MAX = 160;

/** A page's text lines for the site's chrome count, as hashes (kept by page content between runs). */
export const pageLines = definePagePart({
  id: 'columns.lines',
  version: 1,
  of: (p: PageArtifact) => GroupCounts.lineHashes(p.text, CHROME_LINE_MAX),
});

/** One per run's audits (src/audit/memo.ts): let go when the audits are done. */
export function siteIndex(artifacts: Artifacts): SiteIndex {
  return memo(artifacts, 'columns.siteIndex', () => buildSiteIndex(artifacts));
}

function buildSiteIndex(artifacts: Artifacts): SiteIndex {
  // Pages as a visitor sees them: navigation and lists in a framed header or menu count for the
  // page that frames them, and a framed-only document is not a column page of its own.
  const site = sitePages(artifacts);
  const pages = site.pages.filter(isOkHtml);
  const home = site.home ?? artifacts.pages.find((p) => p.url === artifacts.site.startUrl) ?? pages[0];
  const byUrl = new Map<string, PageArtifact>();
  for (const p of pages) byUrl.set(p.url, p);
  for (const p of pages) if (!byUrl.has(p.finalUrl)) byUrl.set(p.finalUrl, p);
  const targets = new Map(artifacts.targets.map((t) => [t.url, t]));

  // Links by the URL they point to, as (page index, link index) pairs: an object per link of
  // every page would be millions of them on a big site; inbound(url) makes the ones asked for.
  const inbound = new PairsByKey();
  pages.forEach((p, pi) => {
    p.links.forEach((l, li) => {
      if (l.kind === 'a' || l.kind === 'area') inbound.add(l.url, pi, li);
    });
  });
  inbound.done();
  const inboundLink = (pi: number, li: number): InboundLink => {
    const page = pages[pi];
    const l = page.links[li];
    return { page, text: l.text, inNav: Boolean(l.inNav), inFooter: Boolean(l.inFooter) };
  };

  // Chrome: text lines and lists repeated on three or more pages (counted by hash: a Map keyed
  // by every line of the site held the lines, and through them each page's whole text).
  const lineFreq = new GroupCounts(pages.length * 8);
  const listFreq = new GroupCounts(pages.length);
  const sig = (b: ListBlock) => `${b.selector}|${b.items.slice(0, 8).map((i) => i.href ?? i.text).join('|')}`;
  for (const p of pages) {
    lineFreq.nextGroup();
    lineFreq.addHashes(pagePart(artifacts, pageLines, p, undefined));
    listFreq.nextGroup();
    for (const b of p.lists) listFreq.add(sig(b));
  }
  lineFreq.done();
  listFreq.done();
  /** Pages a line is on (lines over 160 characters are never chrome). */
  const linePages = (line: string) => (line.length <= CHROME_LINE_MAX ? lineFreq.count(line) : 0);

  const get = (url: string): PageArtifact | undefined => {
    const direct = byUrl.get(url);
    if (direct) return direct;
    // /col/ ↔ /col/index.html ↔ /col/index.htm ↔ /col/index.shtml
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return undefined;
    }
    u.hash = '';
    const variants: string[] = [];
    if (u.pathname.endsWith('/')) for (const f of ['index.html', 'index.htm', 'index.shtml', 'default.html', 'index.jsp']) variants.push(u.origin + u.pathname + f + u.search);
    else if (/\/index\.s?html?$/i.test(u.pathname)) variants.push(u.origin + u.pathname.replace(/index\.s?html?$/i, '') + u.search);
    else if (!/\.[a-z0-9]{2,5}$/i.test(u.pathname)) variants.push(`${u.origin}${u.pathname}/${u.search}`, `${u.origin}${u.pathname}/index.html${u.search}`);
    for (const v of variants) {
      const p = byUrl.get(v);
      if (p) return p;
    }
    return undefined;
  };

  const isDirIndex = (url: string) => {
    const p = pathOf(url);
    return p !== '/' && !/^\/index\.[a-z]+$/i.test(p) && DIR_INDEX.test(p);
  };

  const navLike = (b: ListBlock): boolean => {
    if (b.items.some((i) => i.date)) return false;
    const hrefs = b.items.map((i) => i.href).filter((h): h is string => Boolean(h));
    if (!hrefs.length) return false;
    // A menu: every item links to a column (directory index) or the homepage.
    return hrefs.every((h) => isDirIndex(h) || pathOf(h) === '/');
  };

  const contentLists = (page: PageArtifact): ListBlock[] =>
    page.lists.filter((b) => !b.inFooter && (!b.inNav || mostlyDated(b)) && listFreq.count(sig(b)) < 3 && !navLike(b));

  const contentText = (page: PageArtifact): string =>
    page.text
      .split('\n')
      .filter((l) => linePages(l) < 3 && pageOwnLine(page, l))
      .join('\n');

  // Links by their text as a column name, kept as (page index, link index) pairs like inbound.
  let named: NamedLinks | undefined;
  const namedLinks = (): NamedLinks => {
    if (named) return named;
    const byText = new PairsByKey();
    const homeUrl = home?.url;
    // A template's links repeat on every page: each URL's path and each text's column name is worked out once.
    const rootPath = new Map<string, boolean>();
    const atRoot = (u: string) => {
      let r = rootPath.get(u);
      if (r === undefined) rootPath.set(u, (r = pathOf(u) === '/'));
      return r;
    };
    const names = new Map<string, string>();
    const nameFor = (t: string) => {
      let n = names.get(t);
      if (n === undefined) names.set(t, (n = columnText(t)));
      return n;
    };
    pages.forEach((p, pi) => {
      // Items of dated lists are articles, not columns.
      const articles = new Set(p.lists.filter(mostlyDated).flatMap((b) => b.items.map((i) => i.href)));
      p.links.forEach((l, li) => {
        if (l.kind !== 'a' && l.kind !== 'area') return;
        if (l.url === homeUrl || atRoot(l.url) || articles.has(l.url)) return;
        const text = nameFor(l.text);
        if (!text || text.length > 30) return;
        byText.add(text, pi, li);
      });
    });
    byText.done();
    // The closures below share this scope: the memos would live as long as the index.
    rootPath.clear();
    names.clear();
    named = {
      texts: () => byText.keys(),
      get: (text) => byText.map(text, (pi, li) => ({ url: pages[pi].links[li].url, ...inboundLink(pi, li) })),
    };
    return named;
  };

  const idx: SiteIndex = {
    namedLinks,
    artifacts,
    home,
    pages,
    get,
    target: (url) => targets.get(url),
    inbound: (url) => inbound.map(url, inboundLink),
    inboundCount: (url) => inbound.count(url),
    contentLists,
    contentText,
    linePages,
    isDirIndex,
  };
  return idx;
}

export interface LinkMatch {
  url: string;
  text: string;
  score: number;
  /** The page the link is on. */
  from: string;
  exact: boolean;
}

/**
 * The best link whose text names one of `names` (exact text first, then text starting or
 * ending with a name, e.g. 本局要闻), never an item of a dated list (an article), preferring navigation and homepage links, then shallow pages. `exclude` filters texts
 * (e.g. 信访 for the interaction audit).
 */
export function findLinkByNames(idx: SiteIndex, names: readonly string[], opts: { exclude?: RegExp; sameSiteOnly?: boolean } = {}): LinkMatch | undefined {
  const wanted = names.map(norm).filter(Boolean);
  if (!wanted.length) return undefined;
  const origin = idx.artifacts.site.origin;
  const best = new Map<string, LinkMatch & { votes: number }>();
  const named = idx.namedLinks();
  for (const text of named.texts()) {
    if (opts.exclude && opts.exclude.test(text)) continue;
    let s0 = 0;
    let exact = false;
    for (let i = 0; i < wanted.length; i++) {
      const w = wanted[i];
      const bonus = i === 0 ? 10 : 0; // the entry's own name beats its synonyms
      if (text === w) {
        s0 = Math.max(s0, 90 + bonus);
        exact = true;
      } else if ((text.startsWith(w) || text.endsWith(w)) && text.length <= w.length + 4) s0 = Math.max(s0, 50 + bonus);
    }
    if (!s0) continue;
    for (const l of named.get(text)) {
      if (opts.sameSiteOnly && !l.url.startsWith(origin)) continue;
      let s = s0;
      if (l.inNav) s += 10;
      if (l.page === idx.home) s += 8;
      else if (l.page.depth === 2) s += 4;
      if (l.inFooter) s -= 2;
      if (idx.get(l.url)) s += 5;
      const prev = best.get(l.url);
      if (!prev || s > prev.score) best.set(l.url, { url: l.url, text: l.text, score: s, from: l.page.url, exact, votes: (prev?.votes ?? 0) + 1 });
      else prev.votes++;
    }
  }
  let top: (LinkMatch & { votes: number }) | undefined;
  for (const m of best.values()) if (!top || m.score > top.score || (m.score === top.score && (m.votes > top.votes || (m.votes === top.votes && m.url < top.url)))) top = m;
  if (!top) return undefined;
  const { votes: _v, ...match } = top;
  return match;
}

// =============================================================================================
// The audit
// =============================================================================================

export const KINDS = ['dynamic', 'notice', 'policy', 'personnel', 'plan', 'other'] as const;
export type ColumnKind = (typeof KINDS)[number];

const KIND_ZH: Record<ColumnKind, string> = {
  dynamic: '动态/要闻类',
  notice: '通知公告类',
  policy: '政策文件类',
  personnel: '人事类',
  plan: '规划计划类',
  other: '其他',
};

const STR = {
  missing: (n: string) => `缺少“${n}”栏目：首页、导航及已抓取页面中均未找到该栏目`,
  unreachable: (n: string, u: string, why: string) => `“${n}”栏目无法访问（${why}）：${u}`,
  blank: (n: string) => `“${n}”为空白栏目：栏目页面存在，但没有任何信息`,
  stale: (n: string, kind: ColumnKind, newest: string | null, age: number | null, period: number) =>
    newest
      ? `“${n}”栏目更新不及时：最新信息发布于 ${newest}（${age} 天前），超过${KIND_ZH[kind]}栏目的更新周期 ${period} 天`
      : `“${n}”栏目更新不及时：栏目信息均未标注发布日期（未注明发布时间的视为不更新），${KIND_ZH[kind]}栏目更新周期 ${period} 天`,
  homeStale: (newest: string | null, age: number | null, days: number) =>
    newest
      ? `首页不更新：首页最新信息发布于 ${newest}（${age} 天前），检查前 ${days} 天内没有更新`
      : `首页不更新：首页信息均未标注发布日期（未注明发布时间的视为不更新）`,
  homeNavStale: (newest: string | null, n: number, days: number) =>
    newest
      ? `首页不更新：首页仅为导航入口，${n} 个二级页面最新信息发布于 ${newest}，检查前 ${days} 天内没有更新`
      : `首页不更新：首页仅为导航入口，${n} 个二级页面均无标注日期的信息`,
};

const PERIODS = RULES.periods as Record<ColumnKind, number | null>;
const period = (k: ColumnKind) => z.number().int().positive().nullable().default(PERIODS[k]);

const entrySchema = z.strictObject({
  /** The column's name (a catalog name or a new column). */
  name: z.string().min(1),
  /** The column's URL (absolute, or a path on the site); found by link text when absent. */
  url: z.string().optional(),
  kind: z.enum(KINDS).optional(),
  synonyms: z.array(z.string()).default([]),
  required: z.boolean().optional(),
  /** Responsible division (责任处室) for this column's findings. */
  division: z.string().optional(),
});

const options = z.strictObject({
  /** Columns to add or override (url, kind, synonyms, required, division). */
  columns: z.array(entrySchema).default([]),
  /** Replaces the required set (catalog names); default: the catalog's required columns. */
  required: z.array(z.string()).optional(),
  /** Catalog names that are not required on this site. */
  optional: z.array(z.string()).default([]),
  /** Extra synonyms by catalog name. */
  synonyms: z.record(z.string(), z.array(z.string())).default({}),
  /** Update periods in days by kind (null: no freshness rule); defaults from rules/columns.json. */
  periods: z.strictObject({
    dynamic: period('dynamic'),
    notice: period('notice'),
    policy: period('policy'),
    personnel: period('personnel'),
    plan: period('plan'),
    other: period('other'),
  }).default(PERIODS),
  /** 首页不更新: no new dated homepage item within this many days. */
  homepageDays: z.number().int().positive().default(14),
  /** 'auto': a homepage without dated items and with little text of its own is navigation-only. */
  homepageNavOnly: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  /** 栏目不更新 thresholds (standards §1). */
  veto: z.strictObject({
    /** stale 动态/要闻 + 通知公告/政策文件 columns */
    staleUrgent: z.number().int().positive().default(5),
    /** stale columns of any kind that should be updated */
    staleAny: z.number().int().positive().default(10),
    blank: z.number().int().positive().default(5),
  }).default({ staleUrgent: 5, staleAny: 10, blank: 5 }),
  /** Deductions [u]: points each and cap, by problem. */
  deductions: z.strictObject({
    missing: z.strictObject({ each: z.number().min(0).default(1), cap: z.number().min(0).default(5) }).default({ each: 1, cap: 5 }),
    stale: z.strictObject({ each: z.number().min(0).default(1), cap: z.number().min(0).default(10) }).default({ each: 1, cap: 10 }),
    blank: z.strictObject({ each: z.number().min(0).default(1), cap: z.number().min(0).default(5) }).default({ each: 1, cap: 5 }),
  }).default({ missing: { each: 1, cap: 5 }, stale: { each: 1, cap: 10 }, blank: { each: 1, cap: 5 } }),
  /** Column name → responsible division (责任处室). */
  divisions: z.record(z.string(), z.string()).default({}),
  /** Judge columns found on the site beyond the catalog (directory indexes, hub sub-columns). */
  discover: z.boolean().default(true),
  /** List pages followed per column (pagination). */
  maxListPages: z.number().int().positive().default(30),
  /** Below this many characters of own text (no items), a column page is blank. */
  minContentChars: z.number().int().min(0).default(40),
});
export type ColumnsOptions = z.infer<typeof options>;

interface CatalogEntry {
  name: string;
  synonyms: string[];
  kind: ColumnKind;
  required: boolean;
  seeds: number[];
  guideline?: string;
  regulation?: string;
  detect?: 'search';
  url?: string;
  division?: string;
}

/** The catalog with the site's overrides applied. */
export function catalog(o: ColumnsOptions): CatalogEntry[] {
  const entries: CatalogEntry[] = (RULES.columns as (Omit<CatalogEntry, 'kind' | 'detect'> & { kind: string; detect?: string })[]).map((c) => ({
    ...c,
    kind: c.kind as ColumnKind,
    detect: c.detect === 'search' ? 'search' : undefined,
    synonyms: [...c.synonyms, ...(o.synonyms[c.name] ?? [])],
  }));
  for (const c of o.columns) {
    const n = norm(c.name);
    const e = entries.find((x) => norm(x.name) === n || x.synonyms.some((s) => norm(s) === n));
    if (e) {
      if (c.url) e.url = c.url;
      if (c.kind) e.kind = c.kind;
      e.synonyms.push(...c.synonyms);
      if (norm(e.name) !== n) e.synonyms.unshift(c.name);
      if (c.required !== undefined) e.required = c.required;
      if (c.division) e.division = c.division;
    } else {
      entries.push({ name: c.name, synonyms: c.synonyms, kind: c.kind ?? inferKind(c.name), required: c.required ?? true, seeds: [], url: c.url, division: c.division });
    }
  }
  if (o.required) {
    const req = new Set(o.required.map(norm));
    for (const e of entries) e.required = req.has(norm(e.name));
  }
  const opt = new Set(o.optional.map(norm));
  for (const e of entries) if (opt.has(norm(e.name))) e.required = false;
  return entries;
}

/** A column's kind from its name (rule data kindWords); 'other' when no word matches. */
export function inferKind(name: string): ColumnKind {
  const n = norm(name);
  for (const [kind, words] of Object.entries(RULES.kindWords) as [ColumnKind, string[]][]) {
    if (words.some((w) => n.includes(w))) return kind;
  }
  return 'other';
}

export type ColumnState = 'fresh' | 'stale' | 'blank' | 'missing' | 'present';

export interface ColumnRecord {
  name: string;
  /** Catalog names this column satisfies (empty for a column found on the site only). */
  entries: string[];
  url: string | null;
  kind: ColumnKind;
  periodDays: number | null;
  newest: string | null;
  ageDays: number | null;
  /** List items over all list pages (dated or not). */
  items: number;
  datedItems: number;
  listPages: number;
  /** fresh/stale: judged by period; present: exists, no freshness rule; blank; missing. */
  state: ColumnState;
  required: boolean;
  /** How the column was found. */
  source: 'config' | 'link' | 'search-form' | 'discovered' | 'sub-column' | 'none';
  /** The link text it was found by. */
  linkText?: string;
  hub?: boolean;
  /** Why a found column could not be read (broken link, external site). */
  note?: string;
  seedTasks: number[];
  division?: string;
}

export interface ColumnsData extends VerdictInputs {
  today: string;
  homepage: {
    url: string | null;
    newest: string | null;
    ageDays: number | null;
    datedItems: number;
    navOnly: boolean;
    /** Second-level pages judged when the homepage is navigation-only. */
    judgedPages: number;
    updated: boolean;
  };
  columns: ColumnRecord[];
  counts: { columns: number; missing: number; blank: number; stale: number; staleUrgent: number; fresh: number; present: number };
  veto: VetoContribution[];
  deductions: DeductionContribution[];
}

interface Reading {
  items: ListItem[];
  listPages: string[];
  newest: string | null;
  contentChars: number;
  hub: boolean;
}

/** Reads a column page: its list pages, its items (largest dated list), hub blocks, sub-columns. */
export function readColumn(idx: SiteIndex, page: PageArtifact, today: string, o: Pick<ColumnsOptions, 'maxListPages'>, depth = 0): Reading {
  const dir = dirOf(page.url);
  const listPages: PageArtifact[] = [page];
  const seen = new Set([page.url]);
  for (let i = 0; i < listPages.length && listPages.length < o.maxListPages; i++) {
    for (const l of listPages[i].links) {
      if (l.kind !== 'a' || !PAGER_TEXT.test(norm(l.text)) || !l.url.startsWith(dir)) continue;
      const p = idx.get(l.url);
      if (!p || seen.has(p.url)) continue;
      seen.add(p.url);
      listPages.push(p);
    }
  }
  const uniq = [...new Map(listPages.map((p) => [p.url, p])).values()];
  const items: ListItem[] = [];
  const keys = new Set<string>();
  let hub = false;
  const add = (its: ListItem[]) => {
    for (const it of its) {
      const k = `${it.href ?? ''}|${it.text}|${it.date ?? ''}`;
      if (keys.has(k)) continue;
      keys.add(k);
      items.push(it);
    }
  };
  for (const p of uniq) {
    const lists = idx.contentLists(p);
    const dated = lists.filter((b) => b.items.some((i) => i.date));
    if (dated.length >= 2 && p === page) {
      // A hub: blocks of several columns, each with its own dated list.
      hub = true;
      for (const b of dated) add(b.items);
    } else if (dated.length) {
      add(dated.reduce((a, b) => (b.items.filter((i) => i.date).length > a.items.filter((i) => i.date).length ? b : a)).items);
    } else if (lists.length) {
      add(lists.reduce((a, b) => (b.items.length > a.items.length ? b : a)).items);
    }
  }
  let newest = newestOf(items, today);
  // A hub without its own dated list: the newest of its sub-columns (one level).
  if (!items.some((i) => i.date) && depth === 0) {
    const subs = subColumnLinks(idx, page);
    for (const s of subs) {
      const sp = idx.get(s.url);
      if (!sp) continue;
      const r = readColumn(idx, sp, today, o, depth + 1);
      if (r.items.length) hub = true;
      add(r.items);
      if (r.newest && (!newest || r.newest > newest)) newest = r.newest;
    }
  }
  if (!newest && page.publishedAt && page.publishedAt <= today) newest = page.publishedAt;
  const contentChars = norm(idx.contentText(page)).length;
  return { items, listPages: uniq.map((p) => p.url), newest, contentChars, hub };
}

function newestOf(items: ListItem[], today: string): string | null {
  let newest: string | null = null;
  for (const i of items) if (i.date && i.date <= today && (!newest || i.date > newest)) newest = i.date;
  return newest;
}

/** Links from a page to directory indexes below its own directory: its sub-columns. */
export function subColumnLinks(idx: SiteIndex, page: PageArtifact): { url: string; text: string }[] {
  const dir = dirOf(page.url);
  const out = new Map<string, string>();
  if (pathOf(dir) === '/') return []; // pages at the root (site map, homepage) have no sub-columns
  for (const l of page.links) {
    if (l.kind !== 'a' || l.inNav || l.inFooter) continue;
    if (!l.url.startsWith(dir) || dirOf(l.url) === dir || !idx.isDirIndex(l.url)) continue;
    const sub = idx.get(l.url);
    if (!sub || sub.url === page.url) continue;
    const text = columnText(l.text);
    if (!text || PAGER_TEXT.test(text)) continue;
    if (!out.has(sub.url) || text.length < (out.get(sub.url) ?? '').length) out.set(sub.url, text);
  }
  return [...out].map(([url, text]) => ({ url, text }));
}

/** The name most links use for a URL (without "更多"). */
function nameOf(idx: SiteIndex, url: string, page?: PageArtifact): string | undefined {
  const votes = new Map<string, number>();
  for (const l of [...idx.inbound(url), ...(page && page.url !== url ? idx.inbound(page.url) : [])]) {
    const t = columnText(l.text);
    if (!t || t.length > 20 || PAGER_TEXT.test(t) || /^(首页|返回|more)$/i.test(t)) continue;
    votes.set(t, (votes.get(t) ?? 0) + 1);
  }
  let best: string | undefined;
  let n = 0;
  for (const [t, c] of votes) if (c > n || (c === n && best && t.length < best.length)) [best, n] = [t, c];
  return best;
}

function hasSearch(idx: SiteIndex): { url: string; text: string } | undefined {
  for (const p of [idx.home, ...idx.pages].filter((x): x is PageArtifact => Boolean(x))) {
    const f = p.forms.find((f) => /search|sousuo|jsearch|query|s\.(?:jsp|php|aspx?)/i.test(f.action) || f.inputs.some((i) => /^(q|query|keyword|keywords|searchword|wd|kw|key|sw|search)$/i.test(i)));
    if (f) return { url: f.action, text: '站内搜索（表单）' };
    if (p === idx.home && p.labels.some((l) => /站内搜索|全站搜索|搜索/.test(l)) && p.forms.length) return { url: p.forms[0].action, text: '站内搜索（表单）' };
  }
  return undefined;
}

function resolveUrl(u: string, base: string): string | undefined {
  try {
    return new URL(u, base).href;
  } catch {
    return undefined;
  }
}

const COLUMN_GUIDE = guideline('信息发布：栏目设置科学合理，内容及时更新');
const VETO_COLUMNS = inspection('单项否决：栏目不更新');
const VETO_HOME = inspection('单项否决：首页不更新');

/** 条例第二十六条: 主动公开的政府信息自形成或变更之日起 20 个工作日内及时公开. */
const TIMELY = regulation('第二十六条');

function refsOf(rec: ColumnRecord, entry: CatalogEntry | undefined, extra: RuleRef[]): RuleRef[] {
  const refs: RuleRef[] = [entry?.guideline ? guideline(entry.guideline) : COLUMN_GUIDE, ...extra];
  if (entry?.regulation) refs.push(regulation(entry.regulation));
  else if (!entry) refs.push(regulation('第二十条'));
  for (const s of rec.seedTasks) refs.push(seedTask(s));
  return refs;
}

const round = (n: number) => Math.round(n * 100) / 100;

export default defineAudit({
  meta: {
    id: 'columns',
    title: { zh: '栏目设置与更新', en: 'Required columns and their freshness' },
    description: '按发展指引和政府信息公开条例第二十条检查应设栏目是否存在；逐个栏目读取列表与发布日期，判断空白栏目、栏目不更新和首页不更新（单项否决）。',
    refs: [COLUMN_GUIDE, VETO_HOME, VETO_COLUMNS, regulation('第二十条'), seedTask(36)],
    severity: 'high',
    requires: ['pages'],
    options,
    pageParts: [pageLines],
  },
  run({ artifacts, options: o, today }) {
    const idx = siteIndex(artifacts);
    const entries = catalog(o);
    const findings: FindingDraft[] = [];
    const records: ColumnRecord[] = [];
    const byUrl = new Map<string, ColumnRecord>();
    const entryOf = new Map<ColumnRecord, CatalogEntry>();
    const start = artifacts.site.startUrl;

    const judge = (rec: ColumnRecord, page: PageArtifact | undefined) => {
      if (!page) return;
      const r = readColumn(idx, page, today, o);
      rec.items = r.items.length;
      rec.datedItems = r.items.filter((i) => i.date).length;
      rec.listPages = r.listPages.length;
      rec.newest = r.newest;
      rec.ageDays = r.newest ? daysBetween(r.newest, today) : null;
      if (r.hub) rec.hub = true;
      if (!r.items.length && r.contentChars < o.minContentChars && !r.newest) rec.state = 'blank';
      else if (rec.periodDays === null) rec.state = 'present';
      else rec.state = rec.ageDays !== null && rec.ageDays <= rec.periodDays ? 'fresh' : 'stale';
    };

    const makeRecord = (name: string, kind: ColumnKind, url: string | null, source: ColumnRecord['source'], entry?: CatalogEntry): ColumnRecord => ({
      name,
      entries: entry ? [entry.name] : [],
      url,
      kind,
      periodDays: o.periods[kind],
      newest: null,
      ageDays: null,
      items: 0,
      datedItems: 0,
      listPages: 0,
      state: 'missing',
      required: Boolean(entry?.required),
      source,
      seedTasks: entry ? [...entry.seeds] : [],
      ...((entry?.division ?? o.divisions[name]) ? { division: entry?.division ?? o.divisions[name] } : {}),
    });

    // 1. Catalog entries: config URL, search form, or link text.
    for (const e of entries) {
      let url: string | undefined;
      let source: ColumnRecord['source'] = 'none';
      let linkText: string | undefined;
      if (e.url) {
        url = resolveUrl(e.url, start);
        source = 'config';
      } else if (e.detect === 'search') {
        const s = hasSearch(idx) ?? (() => {
          const m = findLinkByNames(idx, [e.name, ...e.synonyms]);
          return m ? { url: m.url, text: m.text } : undefined;
        })();
        if (s) [url, linkText, source] = [s.url, s.text, 'search-form'];
      } else {
        const m = findLinkByNames(idx, [e.name, ...e.synonyms]);
        if (m) [url, linkText, source] = [m.url, m.text, 'link'];
      }
      const page = url ? idx.get(url) : undefined;
      const key = page?.url ?? url;
      const existing = key ? byUrl.get(key) : undefined;
      if (existing && e.detect !== 'search') {
        // Two catalog names for one column (e.g. 办事服务 / 办事指南): one record.
        existing.entries.push(e.name);
        existing.required ||= e.required;
        for (const s of e.seeds) if (!existing.seedTasks.includes(s)) existing.seedTasks.push(s);
        continue;
      }
      const rec = makeRecord(e.name, e.kind, key ?? null, source, e);
      if (linkText) rec.linkText = linkText;
      entryOf.set(rec, e);
      records.push(rec);
      if (!key) continue;
      if (e.detect !== 'search') byUrl.set(key, rec);
      if (e.detect === 'search') {
        rec.state = 'present';
        continue;
      }
      if (page) {
        judge(rec, page);
      } else {
        const t = idx.target(key);
        const internal = key.startsWith(artifacts.site.origin);
        if (t && t.state === 'broken') {
          rec.state = 'missing';
          rec.note = t.status ? `HTTP ${t.status}` : (t.error ?? '无法访问');
        } else if (!internal) {
          rec.state = 'present';
          rec.note = '栏目在外部站点，未抓取';
        } else {
          rec.state = 'present';
          rec.note = '栏目页面未抓取（超出抓取范围或限制）';
        }
      }
    }

    // 2. Columns on the site beyond the catalog: hub sub-columns and directory indexes linked by name.
    if (o.discover) {
      const candidates = new Map<string, { name: string; source: ColumnRecord['source'] }>();
      for (const rec of [...records]) {
        const page = rec.url ? idx.get(rec.url) : undefined;
        if (!page) continue;
        for (const s of subColumnLinks(idx, page)) if (!byUrl.has(s.url)) candidates.set(s.url, { name: s.text, source: 'sub-column' });
      }
      for (const p of idx.pages) {
        if (p === idx.home || byUrl.has(p.url) || candidates.has(p.url) || !idx.isDirIndex(p.url) || /index_\d+\./.test(p.url)) continue;
        if (!idx.inboundCount(p.url) && !(p.finalUrl !== p.url && idx.inboundCount(p.finalUrl))) continue;
        const name = nameOf(idx, p.url, p);
        if (name) candidates.set(p.url, { name, source: 'discovered' });
      }
      for (const [url, c] of [...candidates].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const page = idx.get(url);
        if (!page || byUrl.has(page.url)) continue;
        const rec = makeRecord(c.name, inferKind(c.name), page.url, c.source);
        byUrl.set(page.url, rec);
        records.push(rec);
        judge(rec, page);
      }
    }

    // 3. Findings per column.
    for (const rec of records) {
      const entry = entryOf.get(rec);
      const base = { locator: rec.name, ...(rec.division ? { division: rec.division } : {}) };
      const homeUrl = idx.home?.url ?? start;
      if (rec.state === 'missing' && rec.required) {
        findings.push({
          ...base,
          rule: 'column-missing',
          url: rec.url ?? homeUrl,
          severity: 'medium',
          message: rec.url ? STR.unreachable(rec.name, rec.url, rec.note ?? '无法访问') : STR.missing(rec.name),
          evidence: { column: rec.name, synonyms: entry?.synonyms.slice(0, 8), ...(rec.url ? { target: rec.url } : {}) },
          refs: refsOf(rec, entry, []),
          deduction: o.deductions.missing.each,
        });
      } else if (rec.state === 'blank') {
        findings.push({
          ...base,
          rule: 'column-blank',
          url: rec.url!,
          severity: 'high',
          message: STR.blank(rec.name),
          evidence: { column: rec.name, linkText: rec.linkText, pages: [rec.url!] },
          refs: refsOf(rec, entry, [VETO_COLUMNS, TIMELY]),
          deduction: o.deductions.blank.each,
        });
      } else if (rec.state === 'stale') {
        const urgent = rec.kind === 'dynamic' || rec.kind === 'notice' || rec.kind === 'policy';
        findings.push({
          ...base,
          rule: 'column-stale',
          url: rec.url!,
          severity: urgent ? 'high' : 'medium',
          message: STR.stale(rec.name, rec.kind, rec.newest, rec.ageDays, rec.periodDays!),
          evidence: { column: rec.name, kind: rec.kind, newest: rec.newest, ageDays: rec.ageDays, periodDays: rec.periodDays, items: rec.items, pages: [rec.url!] },
          refs: refsOf(rec, entry, [VETO_COLUMNS, TIMELY, ...(RULES.unconfirmedPeriods.includes(rec.kind) ? [inspection(`${KIND_ZH[rec.kind]}栏目更新周期 ${rec.periodDays} 天`, true)] : [])]),
          deduction: o.deductions.stale.each,
        });
      }
    }

    // 4. The homepage.
    const home = idx.home && !idx.home.error && idx.home.status < 400 ? idx.home : undefined;
    const homeLists = home ? home.lists.filter((b) => !b.inFooter && (!b.inNav || mostlyDated(b))) : [];
    const homeItems = homeLists.flatMap((b) => b.items);
    let homeNewest = newestOf(homeItems, today);
    const homeDated = homeItems.filter((i) => i.date).length;
    let navOnly = false;
    let judgedPages = 0;
    if (home && o.homepageNavOnly !== false && !homeDated) {
      if (o.homepageNavOnly === true) navOnly = true;
      else {
        let own = home.text.replace(home.footerText, '');
        for (const l of home.links) if (l.text) own = own.split(l.text).join('');
        navOnly = norm(own).replace(/[^\p{L}\p{N}]/gu, '').length < 200;
      }
    }
    if (navOnly) {
      homeNewest = null;
      for (const p of idx.pages.filter((x) => x.depth === 2)) {
        judgedPages++;
        const items = idx.contentLists(p).flatMap((b) => b.items);
        let n = newestOf(items, today);
        if (!n && p.publishedAt && p.publishedAt <= today) n = p.publishedAt;
        if (n && (!homeNewest || n > homeNewest)) homeNewest = n;
      }
    }
    const homeAge = homeNewest ? daysBetween(homeNewest, today) : null;
    const homeUpdated = homeAge !== null && homeAge <= o.homepageDays;
    const homeUrl = home?.url ?? start;
    if (home && !homeUpdated) {
      findings.push({
        rule: 'homepage-not-updated',
        url: homeUrl,
        locator: 'homepage',
        severity: 'critical',
        message: navOnly ? STR.homeNavStale(homeNewest, judgedPages, o.homepageDays) : STR.homeStale(homeNewest, homeAge, o.homepageDays),
        evidence: { newest: homeNewest, ageDays: homeAge, navOnly, datedItems: homeDated, judgedPages },
        refs: [guideline('信息发布：首页信息及时更新'), VETO_HOME, seedTask(27)],
      });
    }

    // 5. Veto and deductions.
    const present = records.filter((r) => r.state !== 'missing');
    const stale = present.filter((r) => r.state === 'stale');
    const staleUrgent = stale.filter((r) => r.kind === 'dynamic' || r.kind === 'notice' || r.kind === 'policy');
    const blank = present.filter((r) => r.state === 'blank');
    const missing = records.filter((r) => r.state === 'missing' && r.required);
    const names = (rs: ColumnRecord[]) => rs.map((r) => `“${r.name}”`).join('、');
    const reasons: string[] = [];
    if (staleUrgent.length >= o.veto.staleUrgent) reasons.push(`${staleUrgent.length} 个动态/要闻、通知公告/政策文件类栏目超期未更新（≥${o.veto.staleUrgent}）：${names(staleUrgent)}`);
    if (stale.length >= o.veto.staleAny) reasons.push(`${stale.length} 个应更新栏目长期未更新（≥${o.veto.staleAny}）：${names(stale)}`);
    if (blank.length >= o.veto.blank) reasons.push(`${blank.length} 个空白栏目（≥${o.veto.blank}）：${names(blank)}`);
    const columnsEvidence = reasons.length
      ? reasons.join('；')
      : `未达否决线：超期未更新 ${stale.length} 个（其中动态/通知/政策类 ${staleUrgent.length} 个，否决线 ${o.veto.staleUrgent}），空白栏目 ${blank.length} 个（否决线 ${o.veto.blank}）${stale.length ? `；超期栏目：${names(stale)}` : ''}${blank.length ? `；空白栏目：${names(blank)}` : ''}`;
    const veto: VetoContribution[] = [
      {
        item: '首页不更新',
        hit: Boolean(home) && !homeUpdated,
        evaluated: Boolean(home),
        evidence: !home ? '首页未能加载，无法判断（见站点可访问性）' : homeUpdated ? `首页最新信息发布于 ${homeNewest}（${homeAge} 天前）${navOnly ? '（首页为导航页，按二级页面判断）' : ''}` : navOnly ? STR.homeNavStale(homeNewest, judgedPages, o.homepageDays) : STR.homeStale(homeNewest, homeAge, o.homepageDays),
      },
      { item: '栏目不更新', hit: reasons.length > 0, evaluated: true, evidence: columnsEvidence },
    ];
    const ded = (item: string, n: number, d: { each: number; cap: number }): DeductionContribution => ({ item, points: round(Math.min(d.cap, n * d.each)), cap: d.cap, unconfirmed: true });
    const deductions = [ded('应设栏目缺失', missing.length, o.deductions.missing), ded('栏目更新不及时', stale.length, o.deductions.stale), ded('空白栏目', blank.length, o.deductions.blank)];

    const data: ColumnsData = {
      today,
      homepage: { url: home?.url ?? null, newest: homeNewest, ageDays: homeAge, datedItems: homeDated, navOnly, judgedPages, updated: homeUpdated },
      columns: records,
      counts: {
        columns: present.length,
        missing: missing.length,
        blank: blank.length,
        stale: stale.length,
        staleUrgent: staleUrgent.length,
        fresh: present.filter((r) => r.state === 'fresh').length,
        present: present.filter((r) => r.state === 'present').length,
      },
      veto,
      deductions,
    };
    return { findings, data };
  },
});
