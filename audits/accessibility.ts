/**
 * accessibility — 无障碍（GB/T 37668-2019，WCAG 2.1 A + AA）. axe-core's results on the pages
 * the browser opened (every frame, shadow DOM included). Each violation is a finding with its
 * axe rule, impact, WCAG success criteria, the GB/T 37668 principle/guideline (and clause
 * number where configured), selector, HTML snippet and help text.
 *
 * Site-wide aggregation: a portal's pages share templates, so the same element (same rule,
 * selector and HTML) failing on several pages is ONE finding listing its pages — fixed once in
 * the template, closed once. What is left per page is one finding per (rule, page) listing the
 * elements. axe's "incomplete" results (it could not decide) are needs-review items (info),
 * never violations. Pages the browser could not check (hang, crash) are listed (info).
 */
import { shortHash } from '../src/audit/short-hash.ts';
import { z } from 'zod';
import { defineAudit, type FindingDraft, type RuleRef, type Severity } from '../src/audit/types.ts';
import type { AxeImpact, AxeNode, AxeRuleResult, BrowserPage } from '../src/gather/browser/types.ts';
import GBT from './rules/gbt37668.json' with { type: 'json' };
import { guideline, standard } from './rules/refs.ts';

// --- user-facing strings ---------------------------------------------------------------------

const IMPACT_ZH: Record<AxeImpact, string> = { critical: '严重', serious: '较重', moderate: '中等', minor: '轻微' };
const FAILURE_ZH: Record<string, string> = { timeout: '超时（页面挂起）', crash: '页面崩溃', browser: '浏览器崩溃', error: '加载失败' };

const STR = {
  template: (help: string, impact: string, n: number, sel: string) => `全站模板问题：${help}（影响程度：${impact}），同一元素出现在 ${n} 个页面：${sel}`,
  page: (help: string, impact: string, n: number, sel: string) => `${help}（影响程度：${impact}），本页 ${n} 处${n > 1 ? '，如' : '：'}${sel}`,
  review: (help: string, pages: number, nodes: number) => `需人工复核：${help}（axe 无法自动判定），涉及 ${pages} 个页面 ${nodes} 处`,
  notAudited: (url: string, why: string, detail: string) => `页面未能完成无障碍检查：${why}（${detail}）：${url}；本页的无障碍问题未知，不能视为通过`,
  partlyAudited: (url: string, n: number, total: number) => `页面中有 ${n} 个内嵌框架未能检查（共 ${total} 个文档）：这些框架中的无障碍问题未计入：${url}`,
  gbtItem: (principle: string, guide: string, sc: string, name: string, clause?: string) =>
    clause ? `第 ${clause} 条（${principle} — ${guide}；对应 WCAG 2.1 ${sc} ${name}）` : `${principle} — ${guide}（对应 WCAG 2.1 ${sc} ${name}；条款号待核对）`,
};

// --- options ---------------------------------------------------------------------------------

const SEVERITY = z.enum(['critical', 'high', 'medium', 'low', 'info']);
/** Severity of a violation by axe impact, unless the config says otherwise (the extension uses it too). */
export const SEVERITY_BY_IMPACT = { critical: 'high', serious: 'medium', moderate: 'low', minor: 'low' } as const;
const options = z.strictObject({
  /** Severity of a violation by axe impact. */
  severityByImpact: z
    .strictObject({ critical: SEVERITY.default(SEVERITY_BY_IMPACT.critical), serious: SEVERITY.default(SEVERITY_BY_IMPACT.serious), moderate: SEVERITY.default(SEVERITY_BY_IMPACT.moderate), minor: SEVERITY.default(SEVERITY_BY_IMPACT.minor) })
    .default({ ...SEVERITY_BY_IMPACT }),
  /** An element failing on at least this many pages is a template finding. */
  templateMinPages: z.number().int().min(2).default(2),
  /** Pages listed in a needs-review item's evidence (pageCount has them all). Violations always list every page they are on. */
  maxPagesListed: z.number().int().positive().default(50),
  /** Elements listed in a per-page finding. */
  maxNodesListed: z.number().int().positive().default(10),
  /** axe rules not reported. */
  ignoreRules: z.array(z.string()).default([]),
  /** axe "incomplete" results as info findings (always kept in the data). */
  reviewFindings: z.boolean().default(true),
  /** WCAG success criterion → GB/T 37668-2019 clause number, where known (adds to rules/gbt37668.json). */
  clauses: z.record(z.string(), z.string()).default({}),
});
type Options = z.infer<typeof options>;

// --- WCAG / GB/T references --------------------------------------------------------------------

const CRITERIA = GBT.criteria as Record<string, { name: string; level: string }>;
const PRINCIPLES = GBT.principles as Record<string, string>;
const GUIDELINES = GBT.guidelines as Record<string, string>;
const GBT_DOC = `${GBT.standard} ${GBT.title}`;

/** axe's SC tags (wcag111, wcag1410) → "1.1.1", "1.4.10". */
export function wcagCriteria(tags: string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = /^wcag(\d)(\d)(\d{1,2})$/.exec(t);
    if (m) out.push(`${m[1]}.${m[2]}.${m[3]}`);
  }
  return out;
}

export function gbtRefs(criteria: string[], clauses: Record<string, string>): RuleRef[] {
  const refs: RuleRef[] = [];
  for (const sc of criteria) {
    const c = CRITERIA[sc];
    const [p, g] = sc.split('.');
    const principle = PRINCIPLES[p];
    const guide = GUIDELINES[`${p}.${g}`];
    if (!principle || !guide) continue;
    refs.push(standard(GBT_DOC, STR.gbtItem(principle, guide, sc, c?.name ?? '', clauses[sc] ?? (GBT.clauses as Record<string, string>)[sc])));
  }
  for (const sc of criteria) refs.push(standard('WCAG 2.1', `${sc} ${CRITERIA[sc]?.name ?? ''}${CRITERIA[sc] ? `（${CRITERIA[sc].level} 级）` : ''}`));
  return refs;
}

// --- aggregation (pure, exported for tests) ------------------------------------------------------

const normHtml = (h: string) => h.replace(/\s+/g, ' ').trim();

interface Occurrence {
  rule: AxeRuleResult;
  node: AxeNode;
  pages: string[];
  screenshots: { page: string; file: string }[];
}

export interface AccessibilityData {
  axeVersion: string | null;
  tags: string[];
  pagesSampled: number;
  pagesAudited: number;
  pagesFailed: { url: string; error: string; kind?: string }[];
  /** Distinct failing rules, template findings, per-page findings, failing elements (all pages). */
  rules: number;
  templateFindings: number;
  pageFindings: number;
  nodes: number;
  byRule: { id: string; impact: AxeImpact | null; help: string; wcag: string[]; pages: number; nodes: number }[];
  needsReview: { id: string; help: string; wcag: string[]; pages: number; nodes: number; helpUrl: string }[];
  /**
   * Every sampled page: `rules` are all the axe rules it violates (template findings included),
   * so nothing axe reported on a page is missing under it; `status` says whether it was
   * audited whole, in part (frames that could not be entered), or not at all (never clean).
   */
  pages: {
    url: string;
    reasons: string[];
    status: 'audited' | 'partial' | 'failed';
    violations: number;
    nodes: number;
    incomplete: number;
    rules: string[];
    error?: string;
    screenshot?: string;
    framesAudited?: number;
    framesFailed?: number;
  }[];
}

function severityOf(impact: AxeImpact | null, o: Options): Severity {
  return o.severityByImpact[impact ?? 'moderate'] as Severity;
}

export default defineAudit({
  meta: {
    id: 'accessibility',
    title: { zh: '无障碍（GB/T 37668）', en: 'Accessibility (WCAG 2.1 AA)' },
    description: '用 axe-core 在浏览器中检查抽样页面（含内嵌框架与 Shadow DOM），按 WCAG 2.1 A/AA（GB/T 37668-2019 引用）报告问题；全站模板问题合并为一条。',
    refs: [standard(GBT_DOC), standard('WCAG 2.1', 'A + AA'), guideline('网站功能 — 无障碍浏览')],
    severity: 'medium',
    requires: ['browser'],
    options,
  },
  run({ artifacts, options: o }) {
    const b = artifacts.browser!;
    const findings: FindingDraft[] = [];
    const ignore = new Set(o.ignoreRules);
    const audited = b.pages.filter((p) => p.axe);
    const home = b.pages.find((p) => p.reasons.includes('home'))?.url;
    const shotOf = new Map(b.pages.filter((p) => p.screenshot).map((p) => [p.url, p.screenshot!]));

    // 1. Occurrences of (rule, selector, html) over all pages.
    const occ = new Map<string, Occurrence>();
    for (const p of audited) {
      for (const v of p.axe!.violations) {
        if (ignore.has(v.id)) continue;
        for (const n of v.nodes) {
          const key = `${v.id}\u0000${n.selector}\u0000${normHtml(n.html)}`;
          let x = occ.get(key);
          if (!x) occ.set(key, (x = { rule: v, node: n, pages: [], screenshots: [] }));
          if (!x.pages.includes(p.url)) {
            x.pages.push(p.url);
            const shot = shotOf.get(p.url);
            if (shot && x.screenshots.length < 3) x.screenshots.push({ page: p.url, file: shot });
          }
        }
      }
    }
    const template = new Set([...occ].filter(([, x]) => x.pages.length >= o.templateMinPages).map(([k]) => k));

    // 2. Template findings: one per shared element.
    let templateFindings = 0;
    for (const key of template) {
      const x = occ.get(key)!;
      const pages = [...x.pages].sort((a, c) => (a === home ? -1 : c === home ? 1 : a.localeCompare(c)));
      const wcag = wcagCriteria(x.rule.tags);
      templateFindings++;
      findings.push({
        rule: x.rule.id,
        url: pages[0],
        locator: `${x.node.selector} #${shortHash(normHtml(x.node.html))}`,
        severity: severityOf(x.node.impact ?? x.rule.impact, o),
        message: STR.template(x.rule.help, IMPACT_ZH[x.node.impact ?? x.rule.impact ?? 'moderate'], pages.length, x.node.selector),
        evidence: {
          selector: x.node.selector,
          snippet: x.node.html,
          // Every page: a page past any cap would lose the violation under its name.
          pages,
          pageCount: pages.length,
          template: true,
          impact: x.node.impact ?? x.rule.impact,
          wcag,
          help: x.rule.help,
          helpUrl: x.rule.helpUrl,
          description: x.rule.description,
          ...(x.node.failureSummary ? { failureSummary: x.node.failureSummary } : {}),
          ...(x.screenshots.length ? { screenshots: x.screenshots } : {}),
        },
        refs: gbtRefs(wcag, o.clauses),
      });
    }

    // 3. What is left: one finding per (rule, page).
    let pageFindings = 0;
    for (const p of audited) {
      for (const v of p.axe!.violations) {
        if (ignore.has(v.id)) continue;
        const own = v.nodes.filter((n) => !template.has(`${v.id}\u0000${n.selector}\u0000${normHtml(n.html)}`));
        // Nodes beyond axe's cap (nodeCount > nodes.length) are counted with the page.
        const hidden = v.nodeCount - v.nodes.length;
        if (!own.length && hidden <= 0) continue;
        const count = own.length + Math.max(0, hidden);
        const first = own[0] ?? v.nodes[0];
        const wcag = wcagCriteria(v.tags);
        const impact = v.impact ?? first.impact;
        pageFindings++;
        findings.push({
          rule: v.id,
          url: p.url,
          severity: severityOf(impact, o),
          message: STR.page(v.help, IMPACT_ZH[impact ?? 'moderate'], count, first.selector),
          evidence: {
            selector: first.selector,
            snippet: first.html,
            nodes: own.slice(0, o.maxNodesListed).map((n) => ({ selector: n.selector, html: n.html, ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}) })),
            nodeCount: count,
            impact,
            wcag,
            help: v.help,
            helpUrl: v.helpUrl,
            description: v.description,
            ...(first.failureSummary ? { failureSummary: first.failureSummary } : {}),
            ...(p.screenshot ? { screenshot: p.screenshot, screenshots: [{ page: p.url, file: p.screenshot }] } : {}),
          },
          refs: gbtRefs(wcag, o.clauses),
        });
      }
    }

    // 4. Needs review (axe "incomplete"): one entry per rule over the site.
    const review = new Map<string, { r: AxeRuleResult; pages: string[]; nodes: number }>();
    for (const p of audited) {
      for (const r of p.axe!.incomplete) {
        if (ignore.has(r.id)) continue;
        let x = review.get(r.id);
        if (!x) review.set(r.id, (x = { r, pages: [], nodes: 0 }));
        x.pages.push(p.url);
        x.nodes += r.nodeCount;
      }
    }
    if (o.reviewFindings) {
      for (const { r, pages, nodes } of review.values()) {
        const wcag = wcagCriteria(r.tags);
        findings.push({
          rule: `needs-review/${r.id}`,
          url: pages.includes(home ?? '') ? home! : pages[0],
          severity: 'info',
          message: STR.review(r.help, pages.length, nodes),
          evidence: { pages: pages.slice(0, o.maxPagesListed), pageCount: pages.length, selector: r.nodes[0]?.selector, snippet: r.nodes[0]?.html, help: r.help, helpUrl: r.helpUrl, wcag, needsReview: true },
          refs: gbtRefs(wcag, o.clauses),
        });
      }
    }

    // 5. Pages the browser could not check (never counted as clean), and frames it could not enter.
    const failed = b.pages.filter((p) => p.error || p.axeError || !p.axe);
    for (const p of failed) {
      const why = p.error ? FAILURE_ZH[p.errorKind ?? 'error'] ?? '加载失败' : 'axe 运行失败';
      const detail = p.error ?? p.axeError ?? '无检查结果';
      findings.push({ rule: 'page-not-audited', url: p.url, severity: 'low', message: STR.notAudited(p.url, why, detail), evidence: { error: detail, ...(p.errorKind ? { kind: p.errorKind } : {}) } });
    }
    for (const p of audited) {
      const { framesFailed, framesAudited } = p.axe!;
      if (framesFailed > 0) findings.push({ rule: 'page-partly-audited', url: p.url, severity: 'info', message: STR.partlyAudited(p.url, framesFailed, framesAudited + framesFailed), evidence: { framesFailed, framesAudited } });
    }

    // Data for the report.
    const byRule = new Map<string, { id: string; impact: AxeImpact | null; help: string; wcag: string[]; pages: number; nodes: number }>();
    let nodes = 0;
    for (const p of audited) {
      for (const v of p.axe!.violations) {
        if (ignore.has(v.id)) continue;
        let x = byRule.get(v.id);
        if (!x) byRule.set(v.id, (x = { id: v.id, impact: v.impact, help: v.help, wcag: wcagCriteria(v.tags), pages: 0, nodes: 0 }));
        x.pages++;
        x.nodes += v.nodeCount;
        nodes += v.nodeCount;
      }
    }
    const pageRow = (p: BrowserPage): AccessibilityData['pages'][number] => ({
      url: p.url,
      reasons: p.reasons,
      status: !p.axe || p.error || p.axeError ? 'failed' : p.axe.framesFailed > 0 ? 'partial' : 'audited',
      ...(p.error || p.axeError ? { error: p.error ?? p.axeError } : {}),
      rules: [...new Set(p.axe?.violations.filter((v) => !ignore.has(v.id)).map((v) => v.id) ?? [])].sort(),
      violations: p.axe?.violations.filter((v) => !ignore.has(v.id)).length ?? 0,
      nodes: p.axe?.violations.filter((v) => !ignore.has(v.id)).reduce((s, v) => s + v.nodeCount, 0) ?? 0,
      incomplete: p.axe?.incomplete.length ?? 0,
      ...(p.screenshot ? { screenshot: p.screenshot } : {}),
      ...(p.axe ? { framesAudited: p.axe.framesAudited, framesFailed: p.axe.framesFailed } : {}),
    });
    const data: AccessibilityData = {
      axeVersion: audited[0]?.axe?.version ?? null,
      tags: audited[0]?.axe?.tags ?? [],
      pagesSampled: b.pages.length,
      pagesAudited: audited.length,
      pagesFailed: failed.map((p) => ({ url: p.url, error: p.error ?? p.axeError ?? '无检查结果', ...(p.errorKind ? { kind: p.errorKind } : {}) })),
      rules: byRule.size,
      templateFindings,
      pageFindings,
      nodes,
      byRule: [...byRule.values()].sort((a, c) => c.pages - a.pages || c.nodes - a.nodes),
      needsReview: [...review.values()].map(({ r, pages, nodes: n }) => ({ id: r.id, help: r.help, wcag: wcagCriteria(r.tags), pages: pages.length, nodes: n, helpUrl: r.helpUrl })),
      pages: b.pages.map(pageRow),
    };
    return { findings, data };
  },
});
