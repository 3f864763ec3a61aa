/** Runs the audits over one run's artifacts: pure, deterministic for the same artifacts + today. */
import seedTasks from '../../audits/rules/seed-tasks.json' with { type: 'json' };
import type { Config } from '../config/schema.ts';
import { UsageError, describeZodError } from '../config/errors.ts';
import { divisionFor } from '../config/divisions.ts';
import type { Artifacts } from '../gather/artifacts.ts';
import { fingerprint, siteRelative } from './fingerprint.ts';
import { maskDeep, maskPii } from '../pii/detect.ts';
import type { Audit, AuditResult, Finding } from './types.ts';
import { severityRank } from './types.ts';
import { collectIfGrown, memMark } from '../gather/gc.ts';
import { releaseMemos } from './memo.ts';
import { installPageParts, releasePageParts, type PagePartStore } from './page-parts.ts';

/** What an audit may need that a run did not gather, as the report names it. */
const ARTIFACT_ZH: Partial<Record<keyof Artifacts, string>> = {
  ipv6: 'IPv6 检测（--no-ipv6 时不做）',
  availability: '可访问性探测记录（zhaocuo probe）',
  browser: '浏览器检查（--no-browser 时不做）',
  spiderViews: '以搜索引擎身份访问的页面',
  search: '站内搜索探测',
  tls: 'HTTPS 证书检查',
  previousHomepage: '上次检查的首页',
  stylesheets: '样式表',
};

export interface AuditOutcome {
  id: string;
  title: { zh: string; en: string };
  status: 'ran' | 'skipped' | 'failed';
  reason?: string;
  findings: number;
  data?: unknown;
  /** Time the audit took (it is pure, so this is CPU time on the artifacts). */
  ms?: number;
}

export interface AuditRun {
  findings: Finding[];
  audits: AuditOutcome[];
  data: Record<string, unknown>;
  /** Per page part: results reused from the last run and computed in this one (runs with a store). */
  pageParts?: Record<string, { reused: number; computed: number }>;
}

/** Validates `audits.<id>.options` of the config against each audit's schema (exit 2 on error). */
export function auditOptions(config: Config, audits: Audit[], registry: Audit[] = audits): Map<string, unknown> {
  const out = new Map<string, unknown>();
  // Known = every registered audit, so `--only links` does not reject a config that tunes others.
  const known = new Set(registry.map((a) => a.meta.id));
  for (const id of Object.keys(config.audits)) {
    if (!known.has(id)) throw new UsageError(`config: audits.${id}: unknown audit (known: ${[...known].join(', ')})`);
  }
  for (const a of audits) {
    const res = a.meta.options.safeParse(config.audits[a.meta.id]?.options ?? {});
    if (!res.success) throw new UsageError(describeZodError(res.error, `config audits.${a.meta.id}.options`));
    out.set(a.meta.id, res.data);
  }
  return out;
}

function seedLead(refs: Finding['refs']): string | undefined {
  const tasks = (seedTasks as { tasks: Record<string, { lead: string[] }> }).tasks;
  for (const r of refs) if (r.source === 'seed' && r.item && tasks[r.item]) return tasks[r.item].lead[0];
  return undefined;
}

/** `parts`: where page parts' results are kept between runs (runs with a store); without it every part runs on every page. */
export function runAudits(artifacts: Artifacts, config: Config, today: string, audits: Audit[], registry: Audit[] = audits, parts?: PagePartStore): AuditRun {
  const options = auditOptions(config, audits, registry);
  if (parts) installPageParts(artifacts, parts, audits.filter((a) => config.audits[a.meta.id]?.enabled !== false).flatMap((a) => (a.meta.pageParts ?? []).map((p) => p.id)));
  const hosts = new Set([artifacts.site.host.toLowerCase(), ...config.site.hosts.map((h) => h.toLowerCase())]);
  const findings: Finding[] = [];
  const outcomes: AuditOutcome[] = [];
  const data: Record<string, unknown> = {};
  const ordered = [...audits.filter((a) => !a.meta.late), ...audits.filter((a) => a.meta.late)];
  // Each part is kept, and its results let go, once the last audit that names it is done.
  const lastUser = new Map<string, number>();
  ordered.forEach((a, i) => a.meta.pageParts?.forEach((p) => lastUser.set(p.id, i)));
  const releaseAfter = new Map<number, string[]>();
  for (const [id, i] of lastUser) releaseAfter.set(i, [...(releaseAfter.get(i) ?? []), id]);

  for (const [i, audit] of ordered.entries()) {
    try {
      const { meta } = audit;
      const setting = config.audits[meta.id];
      const outcome: AuditOutcome = { id: meta.id, title: meta.title, status: 'ran', findings: 0 };
      outcomes.push(outcome);
      if (setting && setting.enabled === false) {
        Object.assign(outcome, { status: 'skipped', reason: '已在配置中关闭' });
        continue;
      }
      const missing = meta.requires.filter((k) => artifacts[k] === undefined);
      if (missing.length) {
        Object.assign(outcome, { status: 'skipped', reason: `需要本次运行未采集的数据：${missing.map((k) => ARTIFACT_ZH[k] ?? k).join('、')}` });
        continue;
      }
      let result: AuditResult;
      const t0 = performance.now();
      try {
        result = audit.run({ artifacts, options: options.get(meta.id), today, findings: meta.late ? [...findings] : [], data: meta.late ? { ...data } : {} });
      } catch (err) {
        Object.assign(outcome, { status: 'failed', reason: (err as Error).message });
        continue;
      }
      outcome.ms = Math.round(performance.now() - t0);
      memMark(`audit ${meta.id}`);
      collectIfGrown(); // an audit's working garbage goes before the next one adds its own
      if (result.data !== undefined) {
        data[meta.id] = result.data;
        outcome.data = result.data;
      }
      let n = 0;
      for (const d of result.findings) {
        const refs = d.refs ?? meta.refs;
        const rel = siteRelative(d.url, hosts);
        const f: Finding = {
          id: `${meta.id}-${++n}`,
          audit: meta.id,
          rule: d.rule,
          severity: setting?.severity ?? d.severity ?? meta.severity,
          url: d.url,
          // Personal data never leaves an audit unmasked, whichever audit quoted it.
          message: maskPii(d.message),
          fingerprint: fingerprint(meta.id, d.rule, rel, d.locator ? siteRelative(d.locator, hosts) : ''),
          refs,
          division: d.division ?? divisionFor(config, d.url, typeof d.evidence?.column === 'string' ? d.evidence.column : undefined) ?? seedLead(refs) ?? config.divisions.default,
          evidence: maskDeep(d.evidence ?? {}),
        };
        if (d.deduction !== undefined) f.deduction = d.deduction;
        findings.push(f);
      }
      outcome.findings = n;
    } finally {
      const done = parts && releaseAfter.get(i);
      if (done) {
        releasePageParts(artifacts, done);
        collectIfGrown();
      }
    }
  }
  findings.sort((a, b) => severityRank[b.severity] - severityRank[a.severity]);
  releaseMemos(artifacts);
  const partStats = releasePageParts(artifacts);
  return { findings, audits: outcomes, data, ...(partStats?.size ? { pageParts: Object.fromEntries(partStats) } : {}) };
}
