/**
 * 站点无法访问 (veto item, 检查指标 单项否决): over one week, with at least 20 spaced probes a
 * day, the site fails when the probes that did not load within 15 s reach 5% of all probes.
 * Pure: the probe command and the availability audit both judge with this function.
 *
 * A probe counts as "not loaded" when it got no HTTP answer (refused, reset, DNS, timeout),
 * when the answer was an HTTP error (≥ 400: the homepage did not open), or when loading took
 * longer than the limit. The rule is judged on one family (IPv4 by default: the inspection's
 * view); the other family's figures are reported beside it.
 */

/** One stored probe of a homepage. */
export interface StoredProbe {
  /** ISO time the probe started. */
  at: string;
  family: 4 | 6;
  url: string;
  /** HTTP status; null or 0 when no answer came. */
  status: number | null;
  /** Time to the last byte (ms); for failures, the time until the failure. */
  loadMs: number | null;
  error?: string | null;
}

/** What the audit run loads from the store (artifacts.availability). */
export interface AvailabilityArtifact {
  /** The origins whose probes were loaded. */
  origins: string[];
  /** The window: [since, until). */
  since: string;
  until: string;
  probes: StoredProbe[];
}

export interface AvailabilityOptions {
  days: number;
  loadLimitMs: number;
  /** Veto when the failing share reaches this (0.05 = 5%). */
  vetoShare: number;
  minPerDay: number;
  family: 4 | 6;
}

export const AVAILABILITY_DEFAULTS: AvailabilityOptions = { days: 7, loadLimitMs: 15_000, vetoShare: 0.05, minPerDay: 20, family: 4 };

export interface FamilyFigures {
  total: number;
  failed: number;
  /** failed / total (0 when there are no probes). */
  failedShare: number;
}

export interface AvailabilityResult {
  item: '站点无法访问';
  since: string;
  until: string;
  family: 4 | 6;
  total: number;
  failed: number;
  failedShare: number;
  /** Probes needed for a judgement: days × minPerDay. */
  required: number;
  evaluated: boolean;
  hit: boolean;
  /** Days (UTC+8 calendar days) in the window with fewer than minPerDay probes of the family. */
  sparseDays: { day: string; probes: number }[];
  /** Figures per family, for the report. */
  v4: FamilyFigures;
  v6: FamilyFigures;
  /** The worst failures (most recent first, at most 20), for evidence. */
  failures: { at: string; family: 4 | 6; status: number | null; loadMs: number | null; error?: string }[];
  evidence: string;
}

export function probeFailed(p: StoredProbe, loadLimitMs: number): boolean {
  return Boolean(p.error) || !p.status || p.status >= 400 || p.loadMs === null || p.loadMs > loadLimitMs;
}

/** China Standard Time calendar day of an instant (the inspection's days). */
function cstDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

export function availabilityRule(probes: readonly StoredProbe[], until: string, opts: Partial<AvailabilityOptions> = {}): AvailabilityResult {
  const o = { ...AVAILABILITY_DEFAULTS, ...opts };
  const end = Date.parse(until);
  const start = end - o.days * 86_400_000;
  const since = new Date(start).toISOString();
  const inWindow = probes.filter((p) => {
    const t = Date.parse(p.at);
    return t >= start && t < end;
  });
  const fig = (fam: 4 | 6): FamilyFigures => {
    const list = inWindow.filter((p) => p.family === fam);
    const failed = list.filter((p) => probeFailed(p, o.loadLimitMs)).length;
    return { total: list.length, failed, failedShare: list.length ? failed / list.length : 0 };
  };
  const v4 = fig(4);
  const v6 = fig(6);
  const main = o.family === 4 ? v4 : v6;
  const required = o.days * o.minPerDay;
  const evaluated = main.total >= required;
  // A share at or above the limit is a hit; compare in integers to avoid 0.05 float edges.
  const hit = evaluated && main.failed * 10_000 >= Math.round(o.vetoShare * 10_000) * main.total;

  // Whole China-time days inside the window that had fewer probes than the rule asks for.
  const perDay = new Map<string, number>();
  const DAY = 86_400_000;
  const CST = 8 * 3600_000;
  for (let d = Math.ceil((start + CST) / DAY) * DAY - CST; d + DAY <= end; d += DAY) perDay.set(cstDay(d), 0);
  for (const p of inWindow) {
    const day = cstDay(Date.parse(p.at));
    if (p.family === o.family && perDay.has(day)) perDay.set(day, perDay.get(day)! + 1);
  }
  const sparseDays = [...perDay].filter(([, n]) => n < o.minPerDay).map(([day, n]) => ({ day, probes: n }));

  const failures = inWindow
    .filter((p) => probeFailed(p, o.loadLimitMs))
    .sort((x, y) => Date.parse(y.at) - Date.parse(x.at))
    .slice(0, 20)
    .map((p) => ({ at: p.at, family: p.family, status: p.status, loadMs: p.loadMs, ...(p.error ? { error: p.error } : {}) }));

  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const fam = o.family === 4 ? 'IPv4' : 'IPv6';
  const limitS = o.loadLimitMs / 1000;
  const evidence = !evaluated
    ? `近${o.days}天仅有 ${main.total} 次${fam}探测（需至少 ${required} 次，每天 ${o.minPerDay} 次），无法判定；其中 ${main.failed} 次未在 ${limitS} 秒内打开（${pct(main.failedShare)}）。请用 zhaocuo probe 持续探测。`
    : `近${o.days}天 ${main.total} 次${fam}探测中 ${main.failed} 次未在 ${limitS} 秒内打开首页（${pct(main.failedShare)}，否决线 ${pct(o.vetoShare)}）${hit ? '，触发否决' : ''}。`;
  return { item: '站点无法访问', since, until, family: o.family, total: main.total, failed: main.failed, failedShare: main.failedShare, required, evaluated, hit, sparseDays, v4, v6, failures, evidence };
}
