/**
 * The audit interface (architecture: "gather once, audit purely").
 * An audit is a pure function of artifacts: no I/O, no clock (today comes in the context).
 * Shared by the runner, the server and the extension.
 */
import type { z } from 'zod';
import type { Artifacts } from '../gather/artifacts.ts';
import type { PagePart } from './page-parts.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for --fail-on and sorting. */
export const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/**
 * Where a rule comes from. Every finding names at least one, so a report can be read as
 * "which of our tasks are met".
 *  - guideline: 政府网站发展指引 (国办发〔2017〕47号)
 *  - inspection: 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号)
 *  - regulation: 政府信息公开条例 (2019) articles
 *  - seed: the department's 2018 task table (task number)
 *  - standard: GB/T 37668-2019, WCAG …
 */
export interface RuleRef {
  source: 'guideline' | 'inspection' | 'regulation' | 'seed' | 'standard';
  doc: string;
  item?: string;
  /** True where the value could not be confirmed against the official text ([u] in standards.md). */
  unconfirmed?: boolean;
}

export interface Evidence {
  /** The page on which the problem is seen (for link findings: pages that link to the target). */
  pages?: string[];
  pageCount?: number;
  target?: string;
  status?: number;
  error?: string;
  snippet?: string;
  selector?: string;
  anchorText?: string;
  /** Any value from the page is masked before it is stored here when it is personal data. */
  value?: string;
  [key: string]: unknown;
}

/** What an audit returns for each problem; the runner completes it into a Finding. */
export interface FindingDraft {
  rule: string;
  url: string;
  message: string;
  severity?: Severity;
  /** What distinguishes two findings of the same rule on the same URL (a target URL, a selector…). */
  locator?: string;
  evidence?: Evidence;
  refs?: RuleRef[];
  division?: string;
  /** The inspection deduction this finding carries (points), when it carries one. */
  deduction?: number;
}

export interface Finding {
  id: string;
  audit: string;
  rule: string;
  severity: Severity;
  url: string;
  message: string;
  fingerprint: string;
  refs: RuleRef[];
  division: string | null;
  evidence: Evidence;
  deduction?: number;
}

export interface AuditMeta<O extends z.ZodType = z.ZodType> {
  id: string;
  title: { zh: string; en: string };
  description: string;
  refs: RuleRef[];
  severity: Severity;
  /** Artifact keys the audit needs; when one is absent the audit is reported as skipped. */
  requires: (keyof Artifacts)[];
  /** Options schema with defaults; overridable per site under `audits.<id>` in the config. */
  options: O;
  /** Runs after the others and sees their findings (the verdict). */
  late?: boolean;
  /**
   * The per-page work that depends only on the page (src/audit/page-parts.ts), asked with
   * pagePart(): the runner keeps its results by page content, and a re-audit reuses them for
   * the pages that did not change.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parts of any result and options type
  pageParts?: PagePart<any, any>[];
}

export interface AuditContext<Opts = unknown> {
  artifacts: Artifacts;
  options: Opts;
  /** YYYY-MM-DD: "today" is a parameter so audits are reproducible. */
  today: string;
  /** Findings of the audits that ran before (only for `late` audits). */
  findings: Finding[];
  /** Data other audits returned, by audit id (only for `late` audits). */
  data: Record<string, unknown>;
}

export interface AuditResult {
  findings: FindingDraft[];
  /** Figures the report shows for this audit (e.g. counts, rates, per-column freshness). */
  data?: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds audits of any options type
export interface Audit<O extends z.ZodType = any> {
  meta: AuditMeta<O>;
  run(ctx: AuditContext<z.infer<O>>): AuditResult;
}

/** Helps TypeScript infer the options type from the schema. */
export function defineAudit<O extends z.ZodType>(audit: Audit<O>): Audit<O> {
  return audit;
}

/**
 * What an audit contributes to the inspection verdict, returned inside its `data`:
 * `data.veto` for an 单项否决 item it decides, `data.deductions` for the points it costs.
 * The verdict audit only collects these, so each rule's logic stays in its own audit.
 */
export interface VetoContribution {
  /** The veto item's name as the 检查指标 print it: 站点无法访问, 首页不更新, 栏目不更新, 互动回应差, 服务不实用, 严重问题. */
  item: string;
  hit: boolean;
  /** One line a person can check, e.g. "5 个栏目超期未更新：…". */
  evidence: string;
  /** False when the audit could not judge it (e.g. no probe history). */
  evaluated?: boolean;
}

export interface DeductionContribution {
  item: string;
  points: number;
  cap: number;
  unconfirmed?: boolean;
}

export interface VerdictInputs {
  veto?: VetoContribution | VetoContribution[];
  deductions?: DeductionContribution[];
}
