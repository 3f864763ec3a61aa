// The manifest: what the sample portal contains and what an auditor must report about it.
// Tests read it instead of hard-coding paths, so paths may move when `today`, `seed` or `pages`
// change while the meaning of each plant stays the same.

import type { DateFormat } from './random.ts';

export type ColumnKind = 'dynamic' | 'notice' | 'policy' | 'personnel' | 'plan' | 'other';

/** Which audit (or part of the pipeline) a plant is meant for. */
export type PlantArea =
  | 'links'
  | 'crawl'
  | 'columns'
  | 'identity'
  | 'encoding'
  | 'privacy'
  | 'wording'
  | 'integrity'
  | 'accessibility'
  | 'age-friendly'
  | 'service-guides'
  | 'interaction'
  | 'report';

export type ExpectedState = 'broken' | 'blocked' | 'ok';

export interface Plant {
  /** stable id, e.g. 'broken-internal-link' */
  id: string;
  /** what sort of defect (or near miss), e.g. 'broken-link', 'personal-id', 'stale-column' */
  kind: string;
  area: PlantArea;
  /** the page where the defect is (path + query) */
  path: string;
  /** for link plants: the link target as written in the page (absolute URL or path) */
  target?: string;
  /** what an auditor must report, in words */
  detail: string;
  /** true: looks like a defect but is not one; an auditor must NOT report it */
  nearMiss?: boolean;
  /** for link plants: the state a link checker must arrive at */
  expectedState?: ExpectedState;
  /** an exact substring of the page's (decoded) HTML that shows the plant is there */
  evidence?: string;
  /** for accessibility plants: the axe-core rule id that must fire */
  axeRule?: string;
  /** for privacy plants: the value as published, and as a report must show it */
  value?: string;
  masked?: string;
  /** for redirect plants */
  hops?: number;
  finalTarget?: string;
  /** for column plants */
  column?: string;
  ageDays?: number;
  periodDays?: number;
  /** for the GBK plants: how the charset is declared */
  charsetDeclared?: 'header' | 'meta' | 'none';
  /** anything else a test may want */
  extra?: Record<string, unknown>;
}

export type PageKind =
  | 'home'
  | 'hub'
  | 'column'
  | 'list'
  | 'article'
  | 'guide'
  | 'content'
  | 'legacy'
  | 'calendar'
  | 'special'
  | 'orphan';

export interface PageEntry {
  /** path + query, as linked (e.g. '/zwgk/zcwj/index_1.html') */
  path: string;
  /** BFS link depth over <a> links from the homepage (homepage = 1); null when unreachable */
  depth: number | null;
  kind: PageKind;
  title: string;
  encoding: 'utf-8' | 'gbk';
  /** the column key for column/list/article pages */
  column?: string;
}

export interface ColumnEntry {
  key: string;
  name: string;
  /** the column's first page */
  path: string;
  /** the section (nav column) it belongs to, e.g. 'zwgk' */
  section: string;
  parent?: string;
  kind: ColumnKind;
  /** list: dated items on paginated pages; table: dated items in a <table>; page: one content page; hub: links to sub-columns */
  layout: 'list' | 'table' | 'page' | 'hub';
  dateFormat?: DateFormat;
  itemCount: number;
  listPages: number;
  newestDate: string | null;
  newestAgeDays: number | null;
  /** update period by the inspection rules (14 days, 6 months = 183, 12 months = 365); null: none */
  periodDays: number | null;
  stale: boolean;
  blank: boolean;
}

export interface GuideEntry {
  path: string;
  title: string;
  present: string[];
  missing: string[];
  /** complete | minor (missing 1–3) | severe (missing ≥4) */
  grade: 'complete' | 'minor' | 'severe';
}

export interface MessageEntry {
  /** element id on the message list page */
  id: string;
  title: string;
  askedDate: string;
  repliedDate: string | null;
  replyDays: number | null;
}

export interface InteractionSummary {
  path: string;
  total: number;
  answered: number;
  unanswered: number;
  /** mean of replyDays over answered messages, 2 decimals */
  meanReplyDays: number;
  maxReplyDays: number;
  /** unanswered messages older than 90 days (veto territory when within the past year) */
  unansweredOver90: number;
}

export interface RedirectEntry {
  from: string;
  status: number;
  to: string;
}

export interface Manifest {
  version: 1;
  seed: number;
  today: string;
  requestedPages: number;
  site: {
    name: string;
    oldName: string;
    host: string;
    siteCode: string;
    icp: string;
    police: string;
    sponsor: string;
    phone: string;
    address: string;
  };
  external: string;
  brokenExternal: string;
  cdn: string | null;
  /** number of HTML pages (all entries of `pages`) */
  htmlPageCount: number;
  pages: PageEntry[];
  /** pages per depth; key 'null' counts unreachable (orphan) pages */
  depthCounts: Record<string, number>;
  maxDepth: number;
  columns: ColumnEntry[];
  guides: GuideEntry[];
  badGuides: number;
  messages: MessageEntry[];
  interaction: InteractionSummary;
  plants: Plant[];
  redirects: RedirectEntry[];
  robots: { disallow: string[] };
  /** URL spaces without end (each page links a new URL) */
  traps: { path: string; pattern: string; detail: string }[];
  identity: {
    /** pages whose footer shows every marker as plain text */
    plainPages: string[];
    /** pages whose markers are split across tags */
    splitPages: string[];
    /** pages whose 网站标识码 is only written by JavaScript */
    jsOnlyPages: string[];
  };
  /** counts of non-HTML resources by type */
  assets: { images: number; attachments: number };
}

// --- helpers ---------------------------------------------------------------------------------

export function plantsOf(m: Manifest, filter: { kind?: string; area?: PlantArea; nearMiss?: boolean }): Plant[] {
  return m.plants.filter(
    (p) =>
      (filter.kind === undefined || p.kind === filter.kind) &&
      (filter.area === undefined || p.area === filter.area) &&
      (filter.nearMiss === undefined || !!p.nearMiss === filter.nearMiss),
  );
}

export function plantById(m: Manifest, id: string): Plant {
  const p = m.plants.find((x) => x.id === id);
  if (!p) throw new Error(`no plant ${id}`);
  return p;
}

export function pageByPath(m: Manifest, path: string): PageEntry | undefined {
  return m.pages.find((p) => p.path === path);
}

export function columnByKey(m: Manifest, key: string): ColumnEntry {
  const c = m.columns.find((x) => x.key === key);
  if (!c) throw new Error(`no column ${key}`);
  return c;
}

/** Pages a robots-respecting crawler starting at the homepage can reach. */
export function reachablePages(m: Manifest): PageEntry[] {
  return m.pages.filter((p) => p.depth !== null);
}

export function depthCounts(pages: readonly PageEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pages) {
    const k = p.depth === null ? 'null' : String(p.depth);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Mask a digit string the way reports must show it: first 4 and last 4 kept. */
export function maskDigits(value: string, keepHead = 4, keepTail = 4): string {
  if (value.length <= keepHead + keepTail) return '*'.repeat(value.length);
  return value.slice(0, keepHead) + '*'.repeat(value.length - keepHead - keepTail) + value.slice(-keepTail);
}
