/**
 * search — the site search finds what the site published (seed task 27: 强化信息搜索; the
 * guideline's 搜索功能, "搜索即服务"). The gatherer (src/gather/search-probe.ts) submits the
 * homepage's search form with the exact titles of recent homepage items; this audit judges the
 * answers. A site without a search form is the columns audit's finding (站内搜索 missing).
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type RuleRef } from '../src/audit/types.ts';
import { guideline, inspection, seedTask } from './rules/refs.ts';

const options = z.strictObject({
  /** Titles searched for (read by the gatherer). */
  queries: z.number().int().min(1).max(10).default(2),
});

const REFS: RuleRef[] = [seedTask(27), guideline('功能设计 — 搜索功能：准确搜索到站内信息，搜索即服务'), inspection('功能设计 — 站内搜索可用且结果准确', true)];

export interface SearchData {
  evaluated: boolean;
  skipped?: string;
  form?: { action: string; param: string } | null;
  queries: number;
  found: number;
  failed: number;
}

export default defineAudit({
  meta: {
    id: 'search',
    title: { zh: '站内搜索', en: 'Site search' },
    description: '用首页最近发布的信息标题提交首页的站内搜索表单，检查能否搜到本站已发布的信息；搜索出错或搜不到都会报告。',
    refs: REFS,
    severity: 'high',
    requires: ['pages'],
    options,
  },
  run({ artifacts }) {
    const s = artifacts.search;
    const findings: FindingDraft[] = [];
    const home = artifacts.pages.find((p) => p.depth === 1)?.url ?? artifacts.site.startUrl;
    if (!s) return { findings, data: { evaluated: false, skipped: '本次运行没有检查站内搜索', queries: 0, found: 0, failed: 0 } satisfies SearchData };
    if (s.skipped) {
      if (s.form) findings.push({ rule: 'search-not-checked', url: home, locator: 'search', severity: 'info', message: `站内搜索未自动检查：${s.skipped}。请人工用一条已发布信息的标题试搜。`, refs: REFS, evidence: { target: s.form.action } });
      return { findings, data: { evaluated: false, skipped: s.skipped, form: s.form, queries: 0, found: 0, failed: 0 } satisfies SearchData };
    }
    const failed = s.queries.filter((q) => q.error || q.status !== 200);
    const answered = s.queries.filter((q) => !q.error && q.status === 200);
    const missed = answered.filter((q) => !q.found);
    const line = (q: (typeof s.queries)[number]) => `「${q.query}」${q.error ? `（${q.error}）` : q.status !== 200 ? `（HTTP ${q.status}）` : q.found ? '（搜到）' : `（没有搜到，结果页有 ${q.resultLinks} 个站内链接）`}`;
    const evidence = { target: s.form!.action, queries: s.queries.map((q) => ({ query: q.query, url: q.url, status: q.status, found: q.found, expected: q.expect, ...(q.error ? { error: q.error } : {}) })) };
    if (failed.length === s.queries.length) {
      findings.push({ rule: 'search-broken', url: home, locator: 'search', severity: 'high', message: `站内搜索无法使用：${s.queries.map(line).join('；')}。`, refs: REFS, evidence });
    } else if (missed.length) {
      const all = missed.length === answered.length && !failed.length;
      findings.push({
        rule: 'search-not-found',
        url: home,
        locator: 'search',
        severity: all ? 'high' : 'medium',
        message: `站内搜索搜不到本站已发布的信息：${s.queries.map(line).join('；')}。请检查搜索索引是否及时更新、是否覆盖全部栏目。`,
        refs: REFS,
        evidence,
      });
    }
    const data: SearchData = { evaluated: true, form: s.form, queries: s.queries.length, found: s.queries.filter((q) => q.found).length, failed: failed.length };
    return { findings, data };
  },
});
