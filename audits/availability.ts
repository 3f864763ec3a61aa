/**
 * availability — 站点无法访问 (veto item). Judged from the homepage probes `zhaocuo probe`
 * stored over the last week (the audit run loads them into artifacts.availability): veto when
 * the probes not loaded within 15 s reach 5% of all probes, with at least 20 probes a day.
 * With fewer probes than that, the veto is reported as not evaluated, and the evidence says why.
 * The rule itself is src/probe/rule.ts (shared with the probe command).
 */
import { z } from 'zod';
import { defineAudit, type FindingDraft, type VerdictInputs } from '../src/audit/types.ts';
import { AVAILABILITY_DEFAULTS, availabilityRule, type AvailabilityResult } from '../src/probe/rule.ts';
import { inspection } from './rules/refs.ts';

export const availabilityOptions = z.strictObject({
  days: z.number().int().positive().default(AVAILABILITY_DEFAULTS.days),
  /** A probe not loaded within this counts as failed (15 s in the 检查指标). */
  loadLimitMs: z.number().int().positive().default(AVAILABILITY_DEFAULTS.loadLimitMs),
  /** Veto when the failed share reaches this. */
  vetoShare: z.number().min(0).max(1).default(AVAILABILITY_DEFAULTS.vetoShare),
  /** Probes a day the rule asks for; fewer in total than days × this: not evaluated. */
  minPerDay: z.number().int().positive().default(AVAILABILITY_DEFAULTS.minPerDay),
  /** Which family the rule is judged on (the inspection probes over IPv4). */
  family: z.union([z.literal(4), z.literal(6)]).default(AVAILABILITY_DEFAULTS.family),
});

export interface AvailabilityData extends VerdictInputs, Omit<AvailabilityResult, 'item' | 'evidence'> {
  veto: { item: '站点无法访问'; hit: boolean; evidence: string; evaluated: boolean };
}

export default defineAudit({
  meta: {
    id: 'availability',
    title: { zh: '站点可访问性', en: 'Site availability' },
    description: '近一周首页监测：未在 15 秒内打开的探测次数占比达到 5% 即单项否决（每天至少 20 次探测）。',
    refs: [inspection('单项否决 — 站点无法访问：一周内每天至少20次间隔探测，15秒内无法打开的次数累计超过（含）总次数5%')],
    severity: 'critical',
    requires: ['availability'],
    options: availabilityOptions,
  },
  run({ artifacts, options: o }) {
    const av = artifacts.availability!;
    const r = availabilityRule(av.probes, av.until, o);
    const findings: FindingDraft[] = [];
    const url = artifacts.site.startUrl;
    if (r.hit) {
      findings.push({
        rule: 'site-unreachable',
        url,
        locator: 'homepage',
        severity: 'critical',
        message: `站点无法访问（单项否决）：${r.evidence}`,
        evidence: { target: url, failures: r.failures, total: r.total, failed: r.failed, since: r.since, until: r.until },
      });
    } else if (r.evaluated && r.failed > 0) {
      findings.push({
        rule: 'site-unreachable-probes',
        url,
        locator: 'homepage',
        severity: 'low',
        message: `首页近${o.days}天有 ${r.failed} 次探测未在 ${o.loadLimitMs / 1000} 秒内打开（${(r.failedShare * 100).toFixed(1)}%，未达否决线）`,
        evidence: { target: url, failures: r.failures, total: r.total, failed: r.failed },
      });
    } else if (!r.evaluated) {
      findings.push({ rule: 'availability-not-evaluated', url, locator: 'homepage', severity: 'info', message: r.evidence, evidence: { target: url, total: r.total, required: r.required, sparseDays: r.sparseDays } });
    }
    const { item: _item, evidence, ...figures } = r;
    const data: AvailabilityData = { ...figures, veto: { item: '站点无法访问', hit: r.hit, evidence, evaluated: r.evaluated } };
    return { findings, data };
  },
});
