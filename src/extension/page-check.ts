/**
 * 本页体检 — the page check, with the runner's own rule code. The page the staff member is on
 * is turned into the runner's artifacts by the runner's parser (src/gather/parse.ts): the
 * static HTML as the crawl would fetch it, and the live DOM as the browser gatherer's rendered
 * view. Then the runner's audits run on them unchanged — identity (site markers and the 我为政府网站找错
 * entry, with the homepage when this page is not it), privacy (personal data), links (the
 * targets the background verified) and integrity (hidden and illegal links, cloaking scripts,
 * on the live DOM, where script-written links show) — and axe-core's results are worded as the accessibility
 * audit words them. Every result carries the national category the runner files it under
 * (src/tickets/audit-categories.ts) and a hint for finding its element on the page.
 *
 * Pure: no DOM, no I/O (the content script gathers, the background verifies links).
 */
import identityAudit from '../../audits/identity.ts';
import integrityAudit from '../../audits/integrity.ts';
import { SEVERITY_BY_IMPACT } from '../../audits/accessibility.ts';
import linksAudit from '../../audits/links.ts';
import privacyAudit from '../../audits/privacy.ts';
import type { Audit, FindingDraft, RuleRef, Severity } from '../audit/types.ts';
import type { Artifacts, LinkTarget, PageArtifact } from '../gather/artifacts.ts';
import { WCAG_TAGS, type AxeImpact, type AxeRawResult, type AxeRuleResult } from '../gather/browser/types.ts';
import { localToday } from '../gather/dates.ts';
import { parseHtml } from '../gather/parse.ts';
import { maskDeep, maskPii, type PiiKind } from '../pii/detect.ts';
import { DEFAULT_AUDIT_CATEGORIES } from '../tickets/audit-categories.ts';
import type { Category } from '../tickets/model.ts';
import type { LinkToCheck } from './link-check.ts';

/** What the content script gathered. */
export interface PageSnapshot {
  url: string;
  title: string;
  /** document.documentElement.outerHTML (the extension's own UI removed). */
  liveHtml: string;
  /** The page as served (fetched again without running scripts); null when it could not be fetched. */
  staticHtml?: string | null;
  /** The site's homepage as served, when this page is not the homepage. */
  homeHtml?: string | null;
}

/** How the content script finds a result's element. */
export type Locate =
  | { kind: 'selector'; selector: string }
  | { kind: 'link'; url: string }
  | { kind: 'pii'; piiKind: PiiKind }
  | { kind: 'footer' }
  | { kind: 'none' };

export interface CheckItem {
  id: string;
  /** identity | privacy | links | axe */
  audit: string;
  rule: string;
  severity: Severity;
  /** Already masked. */
  message: string;
  /** The page the finding is about (the homepage for a homepage marker). */
  url: string;
  category: Category;
  evidence: Record<string, unknown>;
  refs: RuleRef[];
  locate: Locate;
  /** A text snippet for the ticket (masked). */
  snippet?: string;
}

export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function homeUrlOf(url: string): string {
  return new URL('/', url).href;
}

export function isHomepage(url: string): boolean {
  const u = new URL(url);
  return u.pathname === '/' || /^\/(index|default|home)\.(s?html?|jsp|php|aspx?)$/i.test(u.pathname);
}

/** The runner's page artifact of an HTML text (what the crawl would store for it). */
export function pageArtifact(url: string, html: string, depth: number | null): PageArtifact {
  const p = parseHtml(html, url);
  return {
    url, finalUrl: url, status: 200, redirects: [], contentType: 'text/html', charset: 'utf-8', charsetSource: 'default', headers: {}, timingMs: 0,
    bytes: html.length, depth, fromSitemap: false, title: p.title, lang: p.lang, text: p.text, footerText: p.footerText, scriptText: p.scriptText,
    headings: p.headings, labels: p.labels, links: p.links, images: p.images, forms: p.forms, lists: p.lists, anchors: p.anchors, meta: p.meta,
    ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}),
    ...(p.hiddenLinks ? { hiddenLinks: p.hiddenLinks } : {}),
  };
}

/** The link targets of a page to verify (forms are not links), with the fragments linked to. */
export function linksToCheck(page: PageArtifact): LinkToCheck[] {
  const out = new Map<string, LinkToCheck>();
  for (const l of page.links) {
    if (l.kind === 'form') continue;
    const e = out.get(l.url) ?? { url: l.url, kind: l.kind, fragments: [] };
    if (l.fragment && !e.fragments!.includes(l.fragment)) e.fragments!.push(l.fragment);
    out.set(l.url, e);
  }
  return [...out.values()];
}

function artifactsOf(site: string, pages: PageArtifact[], targets: LinkTarget[], browser?: unknown): Artifacts {
  const u = new URL(site);
  return {
    site: { startUrl: homeUrlOf(site), origin: u.origin, host: u.host },
    pages,
    targets,
    robots: { url: `${u.origin}/robots.txt`, found: false, honoured: false, disallowedUrls: [], sitemaps: [] },
    sitemap: { urls: [], found: false },
    crawl: { pages: pages.length, targets: targets.length, requests: 0, bytes: 0, durationMs: 0, limited: 0 },
    ...(browser ? { browser: browser as Artifacts['browser'] } : {}),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runAudit(audit: Audit<any>, artifacts: Artifacts, today: string): { drafts: FindingDraft[]; audit: Audit } {
  const options = audit.meta.options.parse({});
  const { findings } = audit.run({ artifacts, options, today, findings: [], data: {} });
  return { drafts: findings, audit };
}

function locateOf(audit: string, f: FindingDraft): Locate {
  const ev = (f.evidence ?? {}) as Record<string, unknown>;
  if ((audit === 'links' || audit === 'integrity') && typeof ev.target === 'string') return { kind: 'link', url: ev.target.split('#')[0] };
  if (audit === 'privacy' && typeof ev.kind === 'string') return { kind: 'pii', piiKind: ev.kind as PiiKind };
  if (audit === 'identity' && typeof ev.marker === 'string') return { kind: 'footer' };
  if (typeof ev.selector === 'string') return { kind: 'selector', selector: ev.selector };
  return { kind: 'none' };
}

function toItem(audit: Audit, f: FindingDraft): CheckItem {
  const id = audit.meta.id;
  const evidence = maskDeep({ ...(f.evidence ?? {}) }) as Record<string, unknown>;
  const snippet = typeof evidence.snippet === 'string' ? evidence.snippet : typeof evidence.anchorText === 'string' ? evidence.anchorText : undefined;
  return {
    id: `${id}:${f.rule}:${f.locator ?? f.url}`,
    audit: id,
    rule: f.rule,
    severity: f.severity ?? audit.meta.severity,
    message: maskPii(f.message),
    url: f.url,
    category: DEFAULT_AUDIT_CATEGORIES[id] ?? '其他',
    evidence,
    refs: f.refs ?? audit.meta.refs,
    locate: locateOf(id, f),
    ...(snippet ? { snippet } : {}),
  };
}

/**
 * identity, privacy, links and integrity on the snapshot. `targets` are the background's answers for
 * linksToCheck(live page); `today` for reproducible tests.
 */
export function auditItems(snap: PageSnapshot, targets: LinkTarget[], today = localToday()): CheckItem[] {
  const home = isHomepage(snap.url);
  const depth = home ? 1 : 2;
  const live = pageArtifact(snap.url, snap.liveHtml, depth);
  const items: CheckItem[] = [];

  // identity: the page as served + its rendered DOM; and the homepage as served when this is not it.
  const served = snap.staticHtml ? pageArtifact(snap.url, snap.staticHtml, depth) : live;
  const idPages = [served];
  if (!home && snap.homeHtml) idPages.unshift(pageArtifact(homeUrlOf(snap.url), snap.homeHtml, 1));
  const rendered = snap.staticHtml
    ? { rendered: [{ url: snap.url, finalUrl: snap.url, title: live.title, text: live.text, footerText: live.footerText, footerLinks: live.links.filter((l) => l.inFooter).map((l) => ({ url: l.url, text: l.text })) }] }
    : undefined;
  const idRun = runAudit(identityAudit, artifactsOf(snap.url, idPages, [], rendered), today);
  for (const f of idRun.drafts) {
    // The domain rule judges the site, not this page: kept only when it is more than a note.
    if (f.rule.startsWith('domain-') && (f.severity ?? 'info') === 'info') continue;
    items.push(toItem(idRun.audit, f));
  }

  // privacy and links: the page as the user sees it.
  const pv = runAudit(privacyAudit, artifactsOf(snap.url, [live], []), today);
  for (const f of pv.drafts) items.push(toItem(pv.audit, f));
  const ln = runAudit(linksAudit, artifactsOf(snap.url, [live], targets), today);
  for (const f of ln.drafts) items.push(toItem(ln.audit, f));
  // integrity: the live DOM holds what scripts wrote (hidden links with their inline styles), and
  // the inline scripts themselves (cloaking).
  const ig = runAudit(integrityAudit, artifactsOf(snap.url, [live], []), today);
  for (const f of ig.drafts) items.push(toItem(ig.audit, f));
  return items;
}

// --- axe -------------------------------------------------------------------------------------

/** The WCAG 2.1 A + AA tags the browser gatherer runs axe with. */
export const AXE_TAGS = WCAG_TAGS;
const IMPACT_ZH: Record<AxeImpact, string> = { critical: '严重', serious: '较重', moderate: '中等', minor: '轻微' };


const cap = (s: string | undefined, n: number) => (s && s.length > n ? s.slice(0, n) + '…' : s ?? '');

function targetText(target: unknown[]): string {
  return target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' → ');
}

/** axe.run's violations in the artifacts' shape (as the browser gatherer stores them). */
export function fromAxe(violations: AxeRawResult[], maxNodes = 30): AxeRuleResult[] {
  return violations.map((r) => ({
    id: r.id,
    impact: r.impact ?? null,
    tags: r.tags,
    help: r.help,
    description: r.description,
    helpUrl: r.helpUrl,
    nodes: r.nodes.slice(0, maxNodes).map((n) => ({
      target: n.target as (string | string[])[],
      selector: targetText(n.target),
      html: cap(n.html, 300),
      impact: n.impact ?? null,
      ...(n.failureSummary ? { failureSummary: cap(n.failureSummary, 400) } : {}),
    })),
    nodeCount: r.nodes.length,
  }));
}

/**
 * axe's rule texts in a locale file's language (axe-core/locales/zh_CN.json). axe.configure({
 * locale }) would compile the locale's message templates with `new Function`, which a content
 * script's CSP forbids; the rule names and descriptions are plain strings, so they are swapped
 * in afterwards.
 */
export function localiseAxe(rules: AxeRuleResult[], locale: { rules?: Record<string, { description?: string; help?: string }> } | undefined): AxeRuleResult[] {
  if (!locale?.rules) return rules;
  return rules.map((r) => {
    const l = locale.rules![r.id];
    return l ? { ...r, help: l.help ?? r.help, description: l.description ?? r.description } : r;
  });
}

/** One result per failing axe rule on this page, worded as the accessibility audit's per-page finding. */
export function axeItems(rules: AxeRuleResult[], url: string): CheckItem[] {
  return rules.map((r) => {
    const impact = r.impact ?? 'moderate';
    const first = r.nodes[0];
    const n = r.nodeCount;
    const wcag = r.tags.map((t) => /^wcag(\d)(\d)(\d{1,2})$/.exec(t)).filter(Boolean).map((m) => `${m![1]}.${m![2]}.${m![3]}`);
    return {
      id: `axe:${r.id}`,
      audit: 'accessibility',
      rule: r.id,
      severity: SEVERITY_BY_IMPACT[impact],
      message: maskPii(`${r.help}（影响程度：${IMPACT_ZH[impact]}），本页 ${n} 处${n > 1 ? '，如' : '：'}${first?.selector ?? ''}`),
      url,
      category: DEFAULT_AUDIT_CATEGORIES.accessibility ?? '其他',
      evidence: maskDeep({
        axeRule: r.id, impact: r.impact, wcag, help: r.help, helpUrl: r.helpUrl, nodeCount: n,
        selector: first?.selector, html: first?.html, selectors: r.nodes.slice(0, 10).map((x) => x.selector), failureSummary: first?.failureSummary,
      }) as Record<string, unknown>,
      refs: [{ source: 'standard', doc: 'GB/T 37668-2019 信息技术 互联网内容无障碍可访问性技术要求与测试方法' }, ...wcag.map((sc) => ({ source: 'standard' as const, doc: 'WCAG 2.1', item: sc }))],
      locate: first && first.target.length === 1 && typeof first.target[0] === 'string' ? { kind: 'selector', selector: first.target[0] } : { kind: 'none' },
      ...(first?.html ? { snippet: maskPii(first.html) } : {}),
    };
  });
}

export function sortItems(items: CheckItem[]): CheckItem[] {
  return [...items].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.audit.localeCompare(b.audit) || a.id.localeCompare(b.id));
}
