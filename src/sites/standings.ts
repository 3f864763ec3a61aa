/**
 * The standings of every site from the store: the registered sites (name, 主办单位, tags) and
 * every other site that has runs, each with its newest complete run and the one before (their
 * figures as the report's trends read them: score, verdict, veto items, broken links), a newer
 * run that failed or is still running, and its open and overdue 找错 tickets now. What they mean
 * and how they rank is src/sites/league.ts.
 */
import { sql } from 'kysely';
import { bytewise, type Store } from '../store/store.ts';
import type { RunRow } from '../store/runs.ts';
import { siteRuns, trendPoint } from '../report/trends.ts';
import type { RunStanding, SiteStanding } from './league.ts';
import { hasTag, listRegistered } from './registry.ts';

function runStanding(db: Store, run: RunRow): RunStanding {
  const p = trendPoint(db, run);
  return {
    runId: run.id, today: run.today, at: run.finishedAt ?? run.startedAt, score: p.score, verdict: p.verdict, vetoes: p.vetoes,
    provisional: p.provisional, broken: p.broken, hasReportFile: !!run.reportDir,
  };
}

export interface StandingsOptions {
  /** Only registered sites with this tag value (福建省, 福州市 …). */
  tag?: string;
  /** The instant tickets are counted at (overdue = open and past the deadline then). */
  now?: Date;
}

export function siteStandings(db: Store, o: StandingsOptions = {}): SiteStanding[] {
  const now = (o.now ?? new Date()).toISOString();
  const registered = listRegistered(db);
  const bySite = new Map(registered.map((r) => [r.siteId, r]));
  const others = o.tag
    ? []
    : db
        .all(
          db.q
            .selectFrom('sites as s')
            .select((eb) => ['s.id', 's.origin', 's.name', eb.selectFrom('runs').select('start_url').whereRef('site_id', '=', 's.id').orderBy('id', 'desc').limit(1).as('url')])
            .where((eb) => eb.exists(eb.selectFrom('runs').select('id').whereRef('site_id', '=', 's.id')))
            .orderBy(bytewise(db, 's.origin')),
        )
        .map((r) => ({ ...r, url: String(r.url) }))
        .filter((s) => !bySite.has(s.id));
  const tickets = new Map(
    db
      .all(
        db.q
          .selectFrom('tickets')
          .select([
            'site_id as siteId',
            sql<number>`sum(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END)`.as('open'),
            sql<number>`sum(CASE WHEN closed_at IS NULL AND due_at IS NOT NULL AND due_at < ${now} THEN 1 ELSE 0 END)`.as('overdue'),
          ])
          .where('site_id', 'is not', null)
          .groupBy('site_id'),
      )
      .map((t) => [Number(t.siteId), { siteId: Number(t.siteId), open: Number(t.open), overdue: Number(t.overdue) }]),
  );
  const newest = (siteId: number) => db.get(db.q.selectFrom('runs').select(['id', 'status', 'started_at as startedAt', 'error']).where('site_id', '=', siteId).orderBy('id', 'desc').limit(1));

  const standing = (siteId: number, base: Pick<SiteStanding, 'origin' | 'url' | 'name' | 'sponsor' | 'tags' | 'registered'>): SiteStanding => {
    const runs = siteRuns(db, siteId, Number.MAX_SAFE_INTEGER, 2);
    const latest = runs.length ? runStanding(db, runs[runs.length - 1]) : null;
    const previous = runs.length > 1 ? runStanding(db, runs[0]) : null;
    const n = newest(siteId);
    const pending = n && n.status !== 'complete' && (!latest || n.id > latest.runId) ? { runId: n.id, status: n.status, at: n.startedAt, error: n.error } : null;
    const t = tickets.get(siteId);
    return { siteId, ...base, latest, previous, pending, openTickets: t?.open ?? 0, overdueTickets: t?.overdue ?? 0 };
  };

  return [
    ...registered.filter((r) => !o.tag || hasTag(r.tags, o.tag)).map((r) => standing(r.siteId, { origin: r.origin, url: r.url, name: r.name, sponsor: r.sponsor, tags: r.tags, registered: true })),
    ...others.map((s) => standing(s.id, { origin: s.origin, url: s.url, name: s.name ?? new URL(s.origin).host, sponsor: null, tags: {}, registered: false })),
  ];
}
