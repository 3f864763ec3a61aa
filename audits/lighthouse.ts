/**
 * lighthouse — Lighthouse 12 on the homepage and the configured key pages: the performance,
 * accessibility, best-practices and SEO scores (a category below the bar is a finding) and the
 * Lighthouse audits that did not pass (one finding each, with Lighthouse's own title and
 * value). The full Lighthouse JSON lies beside the report (evidence.report).
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type Severity } from '../src/audit/types.ts';
import type { LighthouseCategory } from '../src/gather/browser/types.ts';
import { guideline, standard } from './rules/refs.ts';
import { lighthouseZh } from '../src/audit/labels.ts';

// --- user-facing strings ---------------------------------------------------------------------

const CATEGORY_ZH: Record<LighthouseCategory, string> = { performance: '性能', accessibility: '无障碍', 'best-practices': '最佳实践', seo: '搜索引擎优化（SEO）' };

const STR = {
  score: (cat: string, score: number, bar: number, ff: string) => `Lighthouse ${cat}得分 ${score} 分，低于 ${bar} 分（${ff === 'mobile' ? '移动端' : '桌面端'}模拟）`,
  audit: (title: string, cats: string, value?: string) => `Lighthouse 未通过：${title}${value ? `（${value}）` : ''}，影响${cats}`,
  failed: (url: string, why: string) => `Lighthouse 未能完成该页面的检查：${why}（${url}）`,
};

// --- options ---------------------------------------------------------------------------------

const options = z.strictObject({
  /** A category score (0–100) below this is a finding… */
  minScore: z.number().min(0).max(100).default(90),
  /** …and below this, a more serious one. */
  poorScore: z.number().min(0).max(100).default(50),
  /** Report each failing Lighthouse audit (with weight > 0 in its category) as a finding. */
  failingAudits: z.boolean().default(true),
  /** Also report failing audits with weight 0 (informative). */
  includeUnweighted: z.boolean().default(false),
  /** Lighthouse audit ids not reported. */
  ignoreAudits: z.array(z.string()).default([]),
});

export interface LighthouseData {
  /** One row per Lighthouse run; scores 0–1 as Lighthouse gives them (null: not scored). */
  runs: { url: string; formFactor: string; scores: Partial<Record<LighthouseCategory, number | null>>; failing: number; report?: string; error?: string; lighthouseVersion?: string }[];
  skipped?: string;
}

const pct = (s: number) => Math.round(s * 100);

export default defineAudit({
  meta: {
    id: 'lighthouse',
    title: { zh: 'Lighthouse 页面质量', en: 'Lighthouse' },
    description: '用 Lighthouse 检查首页和关键页面的性能、无障碍、最佳实践和 SEO 得分及未通过项。',
    refs: [standard('Lighthouse 12'), guideline('网站功能 — 保障网站访问速度和用户体验')],
    severity: 'low',
    requires: ['browser'],
    options,
  },
  run({ artifacts, options: o }) {
    const b = artifacts.browser!;
    const findings: FindingDraft[] = [];
    const ignore = new Set(o.ignoreAudits);
    for (const run of b.lighthouse) {
      const report = run.report ? { report: run.report, files: [{ label: 'Lighthouse JSON', path: run.report }] } : {};
      if (run.error || run.runtimeError) {
        findings.push({ rule: 'lighthouse-failed', url: run.url, severity: 'info', message: STR.failed(run.url, run.error ?? run.runtimeError ?? ''), evidence: { error: run.error ?? run.runtimeError, ...report } });
        if (run.error) continue;
      }
      for (const [cat, score] of Object.entries(run.scores) as [LighthouseCategory, number | null][]) {
        if (score === null || pct(score) >= o.minScore) continue;
        const severity: Severity = pct(score) < o.poorScore ? 'medium' : 'low';
        findings.push({
          rule: `score/${cat}`,
          url: run.url,
          severity,
          message: STR.score(CATEGORY_ZH[cat], pct(score), o.minScore, run.formFactor),
          evidence: { value: String(pct(score)), category: cat, formFactor: run.formFactor, ...report },
        });
      }
      if (!o.failingAudits) continue;
      for (const f of run.failing) {
        if (ignore.has(f.id) || (f.weight === 0 && !o.includeUnweighted)) continue;
        findings.push({
          rule: f.id,
          url: run.url,
          severity: f.weight >= 5 || (f.score ?? 1) === 0 ? 'low' : 'info',
          // Lighthouse runs with locale zh, which still leaves metric names in English: lighthouseZh.
          message: STR.audit(lighthouseZh(f.title), f.categories.map((c) => CATEGORY_ZH[c]).join('、'), f.displayValue && lighthouseZh(f.displayValue)),
          evidence: { value: f.displayValue && lighthouseZh(f.displayValue), score: f.score, categories: f.categories, weight: f.weight, ...report },
        });
      }
    }
    const data: LighthouseData = {
      runs: b.lighthouse.map((r) => ({ url: r.url, formFactor: r.formFactor, scores: { ...r.scores }, failing: r.failing.length, ...(r.report ? { report: r.report } : {}), ...(r.error ? { error: r.error } : {}), ...(r.lighthouseVersion ? { lighthouseVersion: r.lighthouseVersion } : {}) })),
      ...(b.lighthouseSkipped ? { skipped: b.lighthouseSkipped } : {}),
    };
    return { findings, data };
  },
});
