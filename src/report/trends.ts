/**
 * Trends over a site's last N complete runs, from the store: broken links, stale and blank
 * columns, accessibility problems, IPv6 二级/三级 rates, the inspection score and the 找错
 * on-time rate; and what changed since the run before (by finding fingerprint): new findings,
 * and fixed ones — a finding counts as fixed only when the later run ran its audit and fetched
 * its page again, so a partial crawl never shows a fix (the rule ticket verification uses).
 */
import type { Severity } from '../audit/types.ts';
import { maskPii } from '../pii/detect.ts';
import { findingTickets } from './finding-tickets.ts';
import type { FindingTicket } from './sections/priority.ts';
import type { Store } from '../store/store.ts';
import { pageFetched, type RunRow } from '../store/runs.ts';
import { sql } from 'kysely';
import { completeRunOrThrow } from './from-store.ts';
import type { TicketFigures } from './tasks.ts';

export interface TrendPoint {
  runId: number;
  /** The date the run judged by (config today). */
  today: string;
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  /** Link targets found broken (the links table). */
  broken: number;
  findings: number;
  /** null when the audit did not run. */
  stale: number | null;
  blank: number | null;
  missingColumns: number | null;
  /** Accessibility findings (not counting "needs review"). */
  a11y: number | null;
  ipv6Level2: number | null;
  ipv6Level3: number | null;
  score: number | null;
  verdict: string | null;
  /** The 单项否决 items the verdict audit found hit (empty when none, or when it did not run). */
  vetoes: string[];
  /** Some veto items were not evaluated in this run (the verdict holds only for those that were). */
  provisional: boolean;
  /** 找错 tickets of the site as of the run's end. */
  tickets: TicketFigures;
}

export interface DeltaItem {
  fingerprint: string;
  audit: string;
  rule: string;
  severity: Severity;
  url: string;
  message: string;
  division: string | null;
}

export interface Trends {
  origin: string;
  siteId: number;
  /** Oldest first; the last one is the report's run. */
  points: TrendPoint[];
  runId: number;
  previousRunId: number | null;
  /** Findings of this run whose fingerprint the previous run (which ran that audit) did not have. */
  newSince: DeltaItem[];
  /** Findings of the previous run not found again by this run (audit ran, page fetched again). */
  fixedSince: DeltaItem[];
  /** Findings of the previous run gone from this run but not re-checked (audit not run, page not fetched). */
  notRechecked: number;
  /** Findings in both runs. */
  persisting: number;
}

type Json = Record<string, unknown>;

function auditRows(db: Store, runId: number): Map<string, { status: string; data: Json | null }> {
  const rows = db.all(db.q.selectFrom('audit_data').select(['audit', 'status', 'data_json']).where('run_id', '=', runId).orderBy('seq'));
  return new Map(rows.map((r) => [r.audit, { status: r.status, data: r.data_json ? (JSON.parse(r.data_json) as Json) : null }]));
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The site's 找错 tickets as the on-time rule counts them at an instant (src/tickets/stats.ts):
 * closed by then — on time when closed by the deadline; still open past the deadline — late;
 * otherwise pending. Tickets received after the instant do not exist yet.
 */
export function ticketFigures(db: Store, siteId: number, at: Date = new Date()): TicketFigures {
  const t = at.toISOString();
  const rows = db.all(db.q.selectFrom('tickets').select(['due_at', 'closed_at']).where('site_id', '=', siteId).where('received_at', '<=', t));
  const f: TicketFigures = { total: rows.length, counted: 0, onTime: 0, late: 0, overdueOpen: 0, pending: 0, rate: null };
  for (const r of rows) {
    if (!r.due_at) continue;
    if (r.closed_at && r.closed_at <= t) {
      f.counted++;
      if (r.closed_at <= r.due_at) f.onTime++;
      else f.late++;
    } else if (r.due_at < t) {
      f.counted++;
      f.late++;
      f.overdueOpen++;
    } else f.pending++;
  }
  f.rate = f.counted ? f.onTime / f.counted : null;
  return f;
}

/** One complete run's figures (the trends' point; the sites view and league table read a site's last two). */
export function trendPoint(db: Store, run: RunRow): TrendPoint {
  const audits = auditRows(db, run.id);
  const ranData = (id: string) => {
    const a = audits.get(id);
    return a && a.status === 'ran' ? (a.data ?? {}) : null;
  };
  const columns = ranData('columns') as { counts?: Json } | null;
  const ipv6 = ranData('ipv6');
  const verdict = ranData('verdict');
  const count = (table: 'pages' | 'links' | 'findings', where: Record<string, string> = {}, not: Record<string, string> = {}) => {
    let q = db.q.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', run.id);
    for (const [k, v] of Object.entries(where)) q = q.where(sql.ref(k), '=', v);
    for (const [k, v] of Object.entries(not)) q = q.where(sql.ref(k), '!=', v);
    return Number(db.get(q)?.n ?? 0);
  };
  const end = new Date(run.finishedAt ?? run.startedAt);
  return {
    runId: run.id,
    today: run.today,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    pages: count('pages'),
    // The figure the report's cards show (src/report/figures.ts): the links audit's count when it ran.
    broken: num(ranData('links')?.brokenTargets) ?? count('links', { state: 'broken' }),
    findings: count('findings'),
    stale: columns ? num(columns.counts?.stale) : null,
    blank: columns ? num(columns.counts?.blank) : null,
    missingColumns: columns ? num(columns.counts?.missing) : null,
    a11y: ranData('accessibility') ? count('findings', { audit: 'accessibility' }, { severity: 'info' }) : null,
    ipv6Level2: ipv6 ? num(ipv6.level2Rate) : null,
    ipv6Level3: ipv6 ? num(ipv6.level3Rate) : null,
    score: verdict ? num(verdict.score) : null,
    verdict: verdict && typeof verdict.verdict === 'string' ? verdict.verdict : null,
    vetoes: verdict && Array.isArray(verdict.vetoes) ? (verdict.vetoes as { item?: unknown; hit?: unknown }[]).filter((v) => v?.hit === true && typeof v.item === 'string').map((v) => String(v.item)) : [],
    provisional: verdict?.provisional === true,
    tickets: ticketFigures(db, run.siteId, end),
  };
}

function deltaItem(r: Record<string, unknown>): DeltaItem {
  return {
    fingerprint: String(r.fingerprint), audit: String(r.audit), rule: String(r.rule), severity: r.severity as Severity,
    url: String(r.url), message: maskPii(String(r.message)), division: (r.division as string | null) ?? null,
  };
}

/** The complete runs of a site up to (and including) `runId`, newest last, at most `last`. */
export function siteRuns(db: Store, siteId: number, upTo: number, last: number): RunRow[] {
  const ids = db.all(db.q.selectFrom('runs').select('id').where('site_id', '=', siteId).where('status', '=', 'complete').where('id', '<=', upTo).orderBy('id', 'desc').limit(Math.max(1, last))).map((r) => r.id);
  return ids.reverse().map((id) => completeRunOrThrow(db, id));
}

export function trendsFromStore(db: Store, o: { runId: number; last?: number }): Trends {
  const run = completeRunOrThrow(db, o.runId);
  const runs = siteRuns(db, run.siteId, run.id, o.last ?? 10);
  const prevRow = db.get(db.q.selectFrom('runs').select('id').where('site_id', '=', run.siteId).where('status', '=', 'complete').where('id', '<', run.id).orderBy('id', 'desc').limit(1));
  const out: Trends = {
    origin: run.origin, siteId: run.siteId, points: runs.map((r) => trendPoint(db, r)), runId: run.id, previousRunId: prevRow?.id ?? null,
    newSince: [], fixedSince: [], notRechecked: 0, persisting: 0,
  };
  if (!prevRow) return out;
  const prev = prevRow.id;
  const findings = (id: number) => db.all(db.q.selectFrom('findings').select(['fingerprint', 'audit', 'rule', 'severity', 'url', 'message', 'division']).where('run_id', '=', id).orderBy('seq'));
  const cur = findings(run.id);
  const before = findings(prev);
  const curFp = new Set(cur.map((f) => String(f.fingerprint)));
  const prevFp = new Set(before.map((f) => String(f.fingerprint)));
  const ranIn = (id: number) => new Set([...auditRows(db, id)].filter(([, a]) => a.status === 'ran').map(([k]) => k));
  const ranNow = ranIn(run.id);
  const ranBefore = ranIn(prev);
  const seen = new Set<string>();
  for (const f of cur) {
    const fp = String(f.fingerprint);
    if (seen.has(fp)) continue;
    seen.add(fp);
    if (prevFp.has(fp)) out.persisting++;
    else if (ranBefore.has(String(f.audit))) out.newSince.push(deltaItem(f));
  }
  seen.clear();
  for (const f of before) {
    const fp = String(f.fingerprint);
    if (curFp.has(fp) || seen.has(fp)) continue;
    seen.add(fp);
    const rechecked = ranNow.has(String(f.audit)) && pageFetched(db, run.id, f.url);
    if (rechecked) out.fixedSince.push(deltaItem(f));
    else out.notRechecked++;
  }
  return out;
}

/**
 * The store's part of a run's report (trends over the last runs, the site's 找错 figures), for
 * the report an audit run writes once its run and tickets are stored:
 * `writeReport(outDir, report, reportExtras(db, runId))`.
 */
export function reportExtras(db: Store, runId: number, last = 10, now = new Date()): { trends: Trends; tickets: TicketFigures; findingTickets: Record<string, FindingTicket>; generatedAt: string } {
  const trends = trendsFromStore(db, { runId, last });
  return { trends, tickets: ticketFigures(db, trends.siteId, now), findingTickets: findingTickets(db, runId), generatedAt: now.toISOString() };
}
