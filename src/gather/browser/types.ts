/**
 * What the browser gatherer leaves in `artifacts.browser`: plain JSON, like every artifact.
 * Raw facts only (axe's results, layer geometry, font sizes, Lighthouse scores); the audits
 * decide what is a finding.
 */

/** Why a page is in the browser sample. */
export type SampleReason = 'home' | 'column' | 'item' | 'guide' | 'form' | 'config' | 'all';

export type AxeImpact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeNode {
  /**
   * axe's target: one entry per frame, outermost first; an entry is an array when the element
   * sits inside shadow roots (host selector first).
   */
  target: (string | string[])[];
  /** The same as one line: frames joined with " → ", shadow boundaries with " >>> ". */
  selector: string;
  /** Opening HTML of the element (capped). */
  html: string;
  impact: AxeImpact | null;
  /** axe's "Fix any of the following…" text (capped). */
  failureSummary?: string;
}

export interface AxeRuleResult {
  /** axe rule id, e.g. image-alt, color-contrast. */
  id: string;
  impact: AxeImpact | null;
  /** axe tags: wcag2a, wcag111, cat.text-alternatives, … */
  tags: string[];
  help: string;
  description: string;
  helpUrl: string;
  /** The first nodes (capped); nodeCount has the full count. */
  nodes: AxeNode[];
  nodeCount: number;
}

export interface AxeSummary {
  version: string;
  /** The tags axe ran with (wcag2a, wcag2aa, wcag21a, wcag21aa). */
  tags: string[];
  violations: AxeRuleResult[];
  /** axe could not decide: to be reviewed by a person, not violations. */
  incomplete: AxeRuleResult[];
  /** Rules that passed / did not apply (counts only). */
  passes: number;
  inapplicable: number;
  /** Frames whose content was audited (the page itself counts as one). */
  framesAudited: number;
  /** Frames axe found but could not enter (not loaded, gone, …). */
  framesFailed: number;
}

/** A positioned element visible after load (fixed, or absolute above the page). */
export interface LayerInfo {
  selector: string;
  html: string;
  tag: string;
  /** id and class attribute values, for ad-like names (float, piao, adv …). */
  idClass: string;
  position: 'fixed' | 'absolute';
  zIndex: number | null;
  rect: { x: number; y: number; width: number; height: number };
  /** Share of the viewport the element covers (0–1). */
  coverage: number;
  text: string;
  hasImage: boolean;
  links: number;
  /** Has a control that closes it (关闭, ×, close). */
  closeControl: boolean;
  role: string | null;
  modal: boolean;
  /** A full-width strip along the top or bottom edge (a sticky header, a toolbar). */
  bar: boolean;
  /** header/nav/banner: part of the page's own chrome. */
  chrome: boolean;
}

/** Facts for the 适老化 (age-friendly) checks. */
export interface AgeFacts {
  /** content of <meta name="viewport">, null when there is none. */
  viewport: string | null;
  viewportSize: { width: number; height: number };
  /** Computed font size of <body>, px. */
  bodyFontPx: number;
  /** The font size that carries the most visible characters, px; null when the page has no text. */
  textFontPx: number | null;
  /** Visible characters by computed font size (px, one decimal) → count. */
  fontHistogram: Record<string, number>;
  layers: LayerInfo[];
}

export interface JsDialog {
  type: string;
  message: string;
}

export interface BrowserPage {
  /** The page as the crawl knows it (PageArtifact.url), or the configured URL. */
  url: string;
  finalUrl?: string;
  status?: number;
  reasons: SampleReason[];
  /** Navigation to load event, ms. */
  loadMs?: number;
  /** Set when the page could not be audited (timeout, crash, browser lost, navigation error). */
  error?: string;
  errorKind?: 'timeout' | 'crash' | 'browser' | 'error';
  axe?: AxeSummary;
  /** Set when the page loaded but axe failed on it. */
  axeError?: string;
  age?: AgeFacts;
  /** alert/confirm/prompt dialogs the page opened while loading (dismissed). */
  dialogs?: JsDialog[];
  /** PNG of the page with its violations outlined, relative to the report folder. */
  screenshot?: string;
}

/** A link or linked image of the rendered footer (image alt as text). */
export interface RenderedLink {
  url: string;
  text: string;
  inFooter?: boolean;
}

/**
 * The DOM text after scripts ran, for audits that look for markers pages write with
 * JavaScript (the identity audit's 网站标识码, 备案号 …). `text` is document.body.innerText
 * (plus same-page frames), `footerText` the 页面底部功能区 (footer regions, with image alts).
 */
export interface RenderedPage {
  url: string;
  finalUrl: string;
  title: string;
  text: string;
  footerText: string;
  /** Links and images in the footer region (image alt/title as text), at most 200. */
  footerLinks: RenderedLink[];
  /** Links to other hosts a visitor cannot see (how: invisible, off-screen, zero-size, font-size:0), at most 200. */
  concealedLinks?: ConcealedLink[];
}

export interface ConcealedLink {
  url: string;
  text: string;
  how: string;
}

export type LighthouseCategory = 'performance' | 'accessibility' | 'best-practices' | 'seo';

export interface LighthouseFailure {
  id: string;
  title: string;
  categories: LighthouseCategory[];
  score: number | null;
  scoreDisplayMode: string;
  displayValue?: string;
  /** Weight of the audit in its category (0 = informative). */
  weight: number;
}

export interface LighthouseRun {
  url: string;
  finalUrl?: string;
  lighthouseVersion?: string;
  fetchTime?: string;
  formFactor: 'mobile' | 'desktop';
  /** Category scores 0–1 (null when Lighthouse could not score it). */
  scores: Partial<Record<LighthouseCategory, number | null>>;
  /** Audits that did not pass (score < 0.9), worst first. */
  failing: LighthouseFailure[];
  /** Lighthouse ran but the page failed to load in it. */
  runtimeError?: string;
  /** Lighthouse did not run to the end. */
  error?: string;
  /** The full Lighthouse JSON, relative to the report folder (when a report folder was given). */
  report?: string;
  durationMs?: number;
}

export interface BrowserStats {
  pages: number;
  failed: number;
  timeouts: number;
  pageCrashes: number;
  browserRestarts: number;
  durationMs: number;
  pagesPerMinute: number;
}

export interface BrowserArtifacts {
  /** Browser product and version, e.g. "Chrome/156.0.8078.108". */
  product: string;
  mode: 'sample' | 'all';
  poolSize: number;
  /** The --host-resolver-rules the browser ran with (names resolved as the crawl did). */
  hostRules: string;
  pages: BrowserPage[];
  rendered: RenderedPage[];
  lighthouse: LighthouseRun[];
  /** Why Lighthouse did not run (disabled, no homepage), when it did not. */
  lighthouseSkipped?: string;
  /** Pages the sample wanted but maxPages cut. */
  limited: number;
  stats: BrowserStats;
}

/** The WCAG 2.1 A + AA tags axe runs with, in the runner and in the extension's page check. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** axe's own result shapes, as far as we read them (before normalising into AxeRuleResult). */
export interface AxeRawNode {
  target: (string | string[])[];
  html: string;
  impact?: AxeImpact | null;
  failureSummary?: string;
}
export interface AxeRawResult {
  id: string;
  impact?: AxeImpact | null;
  tags: string[];
  help: string;
  description: string;
  helpUrl: string;
  nodes: AxeRawNode[];
}
