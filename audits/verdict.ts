/**
 * verdict — 检查结论 (late audit). Simulates the national inspection (国办秘函〔2019〕19号):
 * every 单项否决 item (standards §1) hit or not with its evidence, the deductions with their
 * caps, the score and 合格/不合格. It judges nothing itself: each rule's logic stays in its own
 * audit, which returns `data.veto` / `data.deductions` (VerdictInputs); this audit collects them.
 *
 *  - An item no audit evaluated is shown as 未评估, never as passed.
 *  - 严重问题: veto contributions for it (the wording audit's 严重表述错误), plus any finding an
 *    audit marks with `evidence.serious = true` (defacement, leaked secrets, illegal links …).
 *  - Score = 100 − Σ min(deduction, cap); below the pass mark (60) fails; any veto hit fails.
 *    A department without external services is scored out of 75 and × 4/3.
 */
import { z } from 'zod';
import { defineAudit, type DeductionContribution, type Finding, type FindingDraft, type VetoContribution } from '../src/audit/types.ts';
import { guideline, inspection, INSPECTION, seedTask } from './rules/refs.ts';

/** The veto items as the 检查指标 print them, in their order. */
export const VETO_ITEMS = ['站点无法访问', '首页不更新', '栏目不更新', '互动回应差', '服务不实用', '严重问题'] as const;

const options = z.strictObject({
  /** Below this score the site fails. */
  passMark: z.number().min(0).max(100).default(60),
  /** The department offers no external services: 服务 items do not apply; scored out of 75 × 4/3. */
  noExternalServices: z.boolean().default(false),
  /** Deduction items that belong to 办事服务 (dropped when noExternalServices). */
  serviceItems: z.array(z.string()).default(['办事服务', '办事指南', '办事指南要素缺失', '在线办事', '服务实用']),
});
export type VerdictOptions = z.infer<typeof options>;

export interface VetoView {
  item: string;
  hit: boolean;
  /** False: no audit could judge this item in this run (shown as 未评估). */
  evaluated: boolean;
  evidence: string;
  /** True when the item does not apply to this site (服务不实用 without external services). */
  notApplicable?: boolean;
  /** Audits whose contributions make up this line. */
  sources: string[];
}

export interface DeductionView {
  item: string;
  /** Points counted towards the score: min(raw, cap). */
  points: number;
  /** Points before the cap. */
  raw: number;
  cap: number;
  unconfirmed: boolean;
  /** Not counted (a 服务 item for a department without external services). */
  excluded?: boolean;
  sources: string[];
}

export interface VerdictData {
  verdict: '合格' | '不合格';
  score: number;
  passMark: number;
  /** 100, or 75 (× 4/3) for a department without external services. */
  base: number;
  /** Some veto items were not evaluated: the verdict holds only for those that were. */
  provisional: boolean;
  vetoes: VetoView[];
  deductions: DeductionView[];
  /** Why some weights are only defaults; null when every weight is confirmed. */
  unconfirmedNote: string | null;
  /** Reasons for 不合格, one a line. */
  reasons: string[];
}

const round = (n: number) => Math.round(n * 100) / 100;

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function isVeto(v: unknown): v is VetoContribution {
  return !!v && typeof v === 'object' && typeof (v as VetoContribution).item === 'string' && typeof (v as VetoContribution).hit === 'boolean';
}

function isDeduction(d: unknown): d is DeductionContribution {
  const x = d as DeductionContribution;
  return !!x && typeof x === 'object' && typeof x.item === 'string' && Number.isFinite(x.points) && Number.isFinite(x.cap);
}

/** The veto lines: one per item of standards §1 (plus any other item an audit reports). */
export function collectVetoes(data: Record<string, unknown>, findings: Finding[], o: Pick<VerdictOptions, 'noExternalServices'>): VetoView[] {
  const contributions = new Map<string, { audit: string; v: VetoContribution }[]>();
  for (const [audit, d] of Object.entries(data)) {
    if (!d || typeof d !== 'object') continue;
    for (const v of asArray((d as { veto?: unknown }).veto)) {
      if (!isVeto(v)) continue;
      const list = contributions.get(v.item) ?? [];
      list.push({ audit, v });
      contributions.set(v.item, list);
    }
  }
  // Findings marked serious by audits that do not already report 严重问题 themselves.
  const seriousAudits = new Set((contributions.get('严重问题') ?? []).map((c) => c.audit));
  const marked = findings.filter((f) => f.evidence?.serious === true && !seriousAudits.has(f.audit) && f.audit !== 'verdict');

  const items = [...VETO_ITEMS, ...[...contributions.keys()].filter((k) => !(VETO_ITEMS as readonly string[]).includes(k))];
  return items.map((item): VetoView => {
    if (item === '服务不实用' && o.noExternalServices) {
      return { item, hit: false, evaluated: false, notApplicable: true, evidence: '本部门无对外办事服务事项，不适用（按配置 noExternalServices）', sources: [] };
    }
    const list = contributions.get(item) ?? [];
    const evaluatedList = list.filter((c) => c.v.evaluated !== false);
    const hits = list.filter((c) => c.v.hit);
    const extra = item === '严重问题' ? marked : [];
    const hit = hits.length > 0 || extra.length > 0;
    const evaluated = hit || evaluatedList.length > 0;
    const lines = hit ? hits.map((c) => c.v.evidence) : (evaluated ? evaluatedList : list).map((c) => c.v.evidence);
    if (extra.length) lines.push(`${extra.length} 个被标记为严重问题的发现：${extra.slice(0, 3).map((f) => f.message).join('；')}`);
    const sources = [...new Set([...list.map((c) => c.audit), ...extra.map((f) => f.audit)])];
    const evidence = lines.filter(Boolean).join('；') || (evaluated ? '' : '本次检查没有审计项评估此指标');
    return { item, hit, evaluated, evidence, sources };
  });
}

/** The deduction lines, merged by item, each capped at its weight. */
export function collectDeductions(data: Record<string, unknown>, o: Pick<VerdictOptions, 'noExternalServices' | 'serviceItems'>): DeductionView[] {
  const byItem = new Map<string, DeductionView>();
  for (const [audit, d] of Object.entries(data)) {
    if (!d || typeof d !== 'object') continue;
    for (const x of asArray((d as { deductions?: unknown }).deductions)) {
      if (!isDeduction(x)) continue;
      const cur = byItem.get(x.item);
      if (cur) {
        cur.raw += Math.max(0, x.points);
        cur.cap = Math.max(cur.cap, x.cap);
        cur.unconfirmed ||= !!x.unconfirmed;
        if (!cur.sources.includes(audit)) cur.sources.push(audit);
      } else {
        byItem.set(x.item, { item: x.item, points: 0, raw: Math.max(0, x.points), cap: Math.max(0, x.cap), unconfirmed: !!x.unconfirmed, sources: [audit] });
      }
    }
  }
  return [...byItem.values()].map((v) => {
    const excluded = o.noExternalServices && o.serviceItems.includes(v.item);
    return { ...v, raw: round(v.raw), points: excluded ? 0 : round(Math.min(v.raw, v.cap)), ...(excluded ? { excluded: true } : {}) };
  });
}

/** The verdict over what the other audits returned. Pure; the audit's run is this plus findings. */
export function judge(data: Record<string, unknown>, findings: Finding[], o: VerdictOptions): VerdictData {
  const vetoes = collectVetoes(data, findings, o);
  const deductions = collectDeductions(data, o);
  const lost = deductions.reduce((s, d) => s + d.points, 0);
  const base = o.noExternalServices ? 75 : 100;
  const score = round(Math.max(0, o.noExternalServices ? ((base - lost) * 4) / 3 : base - lost));
  const hits = vetoes.filter((v) => v.hit);
  const reasons = [...hits.map((v) => `单项否决：${v.item}`), ...(score < o.passMark ? [`得分 ${score} 低于 ${o.passMark} 分`] : [])];
  const unconfirmed = deductions.filter((d) => d.unconfirmed);
  return {
    verdict: reasons.length ? '不合格' : '合格',
    score,
    passMark: o.passMark,
    base,
    provisional: vetoes.some((v) => !v.evaluated && !v.notApplicable),
    vetoes,
    deductions,
    unconfirmedNote: unconfirmed.length
      ? `${unconfirmed.map((d) => d.item).join('、')}的扣分标准和上限未能与《${INSPECTION}》正式文本核对，按默认值计算，可在配置中调整。`
      : null,
    reasons,
  };
}

export default defineAudit({
  meta: {
    id: 'verdict',
    title: { zh: '检查结论', en: 'Inspection verdict' },
    description: '模拟政府网站检查：逐项列出单项否决指标（触发/未触发/未评估）及依据，汇总各审计项的扣分（每项以权重为上限），计算得分并给出合格/不合格结论。',
    refs: [inspection('单项否决指标与扣分指标；得分低于60分为不合格'), guideline('监督管理 — 政府网站检查'), seedTask(27)],
    severity: 'critical',
    requires: ['pages'],
    options,
    late: true,
  },
  run({ artifacts, options: o, data, findings }) {
    const verdict = judge(data, findings, o);
    const home = artifacts.pages.find((p) => p.depth === 1);
    const url = home?.url ?? artifacts.site.startUrl;
    // No probe history in a single run: say what this run saw, still 未评估.
    const access = verdict.vetoes.find((v) => v.item === '站点无法访问');
    if (access && !access.evaluated) {
      const down = !home || home.error || home.status >= 400;
      const seen = down ? `本次检查首页无法正常访问（${home ? home.error ?? `HTTP ${home.status}` : '未取得首页'}）` : '本次检查首页可以访问';
      // The availability audit's own reason (e.g. too few probes) stays; this run's view is added.
      access.evidence = access.sources.length
        ? `${access.evidence}；${seen}`
        : `${seen}；是否否决需连续一周、每天不少于20次的监测，本次未评估`;
    }

    const out: FindingDraft[] = verdict.vetoes
      .filter((v) => v.hit)
      .map((v) => ({
        rule: `veto-${v.item}`,
        url,
        locator: v.item,
        severity: 'critical' as const,
        message: `单项否决指标“${v.item}”触发，网站检查将判定为不合格：${v.evidence}`,
        refs: [inspection(`单项否决 — ${v.item}`), seedTask(27)],
        evidence: { item: v.item, snippet: v.evidence, sources: v.sources },
      }));
    if (verdict.score < o.passMark) {
      out.push({
        rule: 'score-below-pass',
        url,
        locator: 'score',
        severity: 'critical',
        message: `检查得分 ${verdict.score} 分，低于合格线 ${o.passMark} 分：${verdict.deductions.filter((d) => d.points > 0).map((d) => `${d.item} −${d.points}`).join('，')}`,
        refs: [inspection('扣分指标 — 得分低于60分为不合格'), seedTask(27)],
        evidence: { score: verdict.score, passMark: o.passMark, deductions: verdict.deductions.map((d) => ({ item: d.item, points: d.points, cap: d.cap })) },
      });
    }
    return { findings: out, data: verdict };
  },
});
