/**
 * Where each site stands, and the order a provincial 政府网站检查 ranks sites in: shared by the
 * league table (`zhaocuo report --tag 福建省`) and the dashboard's sites view. Pure: it reads
 * the standings src/sites/standings.ts gathers from the store and judges nothing itself — score,
 * 合格/不合格 and the veto items are what the verdict audit (audits/verdict.ts) stored for the run.
 *
 * Ranking: sites with a 单项否决 item hit go last (flagged), the others first; within each, by
 * score from high to low; equal scores by fewer overdue 找错 tickets; a full tie shares its rank
 * (1, 2, 2, 4). Sites without a complete run (未检查) or whose run did not judge a verdict
 * (未评估) are listed after the ranked ones, without a rank.
 */
import type { Tags } from './schema.ts';
import { TAG_KEYS } from './schema.ts';

/** A complete run as the standings read it (src/report/trends.ts trendPoint). */
export interface RunStanding {
  runId: number;
  /** The date the run judged by. */
  today: string;
  /** When it finished (ISO). */
  at: string;
  score: number | null;
  /** As the verdict audit stored it: 合格 / 不合格; null when it did not run. */
  verdict: string | null;
  /** The 单项否决 items hit. */
  vetoes: string[];
  provisional: boolean;
  /** Broken link targets of the run. */
  broken: number;
  /** The run wrote a report folder (else the dashboard renders it from the store). */
  hasReportFile: boolean;
}

export interface SiteStanding {
  siteId: number;
  origin: string;
  url: string;
  name: string;
  sponsor: string | null;
  tags: Tags;
  /** In the sites registry (else: a site that only has runs). */
  registered: boolean;
  /** The newest complete run, and the complete run before it. */
  latest: RunStanding | null;
  previous: RunStanding | null;
  /** The newest run when it is newer than `latest` and not complete (failed, or running now). */
  pending: { runId: number; status: 'running' | 'failed'; at: string; error: string | null } | null;
  /** 找错 tickets of the site now: not closed; not closed and past the deadline. */
  openTickets: number;
  overdueTickets: number;
}

export const VERDICT_LABELS = ['合格', '不合格', '单项否决', '未评估', '未检查'] as const;
export type VerdictLabel = (typeof VERDICT_LABELS)[number];

/** 单项否决 when any veto item was hit, else the stored 合格/不合格; 未评估 / 未检查 when there is nothing to judge by. */
export function verdictLabel(s: Pick<SiteStanding, 'latest'>): VerdictLabel {
  const r = s.latest;
  if (!r) return '未检查';
  if (r.vetoes.length) return '单项否决';
  if (r.verdict === '合格' || r.verdict === '不合格') return r.score === null ? '未评估' : r.verdict;
  return '未评估';
}

export type Trend = 'up' | 'down' | 'same';
export const TREND_ARROW: Record<Trend, string> = { up: '↑', down: '↓', same: '→' };
export const TREND_ZH: Record<Trend, string> = { up: '较上次上升', down: '较上次下降', same: '与上次持平' };

/** The score against the previous complete run's; null when either has no score. */
export function trendOf(s: Pick<SiteStanding, 'latest' | 'previous'>): { trend: Trend; delta: number } | null {
  const a = s.latest?.score;
  const b = s.previous?.score;
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const delta = Math.round((a - b) * 100) / 100;
  return { trend: delta > 0 ? 'up' : delta < 0 ? 'down' : 'same', delta };
}

/** Ranked: it has a score from a judged verdict. */
export function isRanked(s: SiteStanding): boolean {
  const v = verdictLabel(s);
  return v !== '未检查' && v !== '未评估';
}

const zh = new Intl.Collator('zh-CN');
const byName = (a: SiteStanding, b: SiteStanding) => zh.compare(a.name, b.name) || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0);
const vetoed = (s: SiteStanding) => (s.latest?.vetoes.length ? 1 : 0);

/** The league order of two ranked sites, 0 on a full tie (veto, score, overdue tickets). */
function leagueKey(a: SiteStanding, b: SiteStanding): number {
  return vetoed(a) - vetoed(b) || (b.latest!.score ?? 0) - (a.latest!.score ?? 0) || a.overdueTickets - b.overdueTickets;
}

export interface LeagueEntry {
  /** 1-based; null for a site not ranked (未检查, 未评估). */
  rank: number | null;
  standing: SiteStanding;
  verdict: VerdictLabel;
}

/** The league table: ranked sites in order with their rank (ties share it), then the unranked ones by name. */
export function rankLeague(list: readonly SiteStanding[]): LeagueEntry[] {
  const ranked = list.filter(isRanked).sort((a, b) => leagueKey(a, b) || byName(a, b));
  const out: LeagueEntry[] = [];
  ranked.forEach((s, i) => {
    const prev = out[i - 1];
    const rank = prev && leagueKey(prev.standing, s) === 0 ? prev.rank : i + 1;
    out.push({ rank, standing: s, verdict: verdictLabel(s) });
  });
  const later = (s: SiteStanding) => (verdictLabel(s) === '未评估' ? 0 : 1);
  const rest = list.filter((s) => !isRanked(s)).sort((a, b) => later(a) - later(b) || byName(a, b));
  for (const s of rest) out.push({ rank: null, standing: s, verdict: verdictLabel(s) });
  return out;
}

/** The columns the sites view sorts by. `rank` is the league order. */
export const SORT_KEYS = ['rank', 'name', 'sponsor', 'tags', 'lastRun', 'verdict', 'score', 'open', 'overdue', 'trend'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export function isSortKey(v: unknown): v is SortKey {
  return typeof v === 'string' && (SORT_KEYS as readonly string[]).includes(v);
}

/** The direction a column sorts in when first clicked: best / newest / most first for figures. */
export const DEFAULT_DIR: Record<SortKey, SortDir> = { rank: 'asc', name: 'asc', sponsor: 'asc', tags: 'asc', lastRun: 'desc', verdict: 'asc', score: 'desc', open: 'desc', overdue: 'desc', trend: 'desc' };

export const tagsText = (t: Tags) => TAG_KEYS.map((k) => t[k]).filter(Boolean).join(' ');

/** A column's value; null sorts last whatever the direction (a site without a run has no score). */
function sortValue(e: LeagueEntry, key: SortKey, index: number): string | number | null {
  const s = e.standing;
  switch (key) {
    case 'rank': return index;
    case 'name': return s.name;
    case 'sponsor': return s.sponsor;
    case 'tags': return tagsText(s.tags) || null;
    case 'lastRun': return s.latest?.at ?? null;
    case 'verdict': return VERDICT_LABELS.indexOf(e.verdict);
    case 'score': return s.latest?.score ?? null;
    case 'open': return s.openTickets;
    case 'overdue': return s.overdueTickets;
    case 'trend': return trendOf(s)?.delta ?? null;
  }
}

/** The sites view's rows: the league entries sorted by a column (ties keep the league order). */
export function sortStandings(list: readonly SiteStanding[], key: SortKey = 'rank', dir: SortDir = DEFAULT_DIR[key]): LeagueEntry[] {
  const league = rankLeague(list);
  const keyed = league.map((e, i) => ({ e, i, v: sortValue(e, key, i) }));
  const sign = dir === 'asc' ? 1 : -1;
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
    const c = typeof a.v === 'string' && typeof b.v === 'string' ? zh.compare(a.v, b.v) : Number(a.v) - Number(b.v);
    return sign * c || a.i - b.i;
  });
  return keyed.map((k) => k.e);
}

/** Every tag value of the sites, grouped by kind (省份, 地市, 区县, 部门), for the filter and for errors. */
export function knownTags(list: readonly Pick<SiteStanding, 'tags'>[]): string[] {
  const out: string[] = [];
  for (const k of TAG_KEYS) {
    const values = [...new Set(list.map((s) => s.tags[k]).filter((v): v is string => !!v))].sort(zh.compare);
    for (const v of values) if (!out.includes(v)) out.push(v);
  }
  return out;
}
