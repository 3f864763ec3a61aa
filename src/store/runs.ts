/** Runs and their results in the store (on the query layer: SQLite or PostgreSQL). */
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { withBusyRetry } from './db-errors.ts';
import { batches, excludedAll, lastPerKey, type Store } from './store.ts';
import type { Artifacts } from '../gather/artifacts.ts';
import type { AuditRun } from '../audit/run.ts';
import type { Finding } from '../audit/types.ts';
import { maskPii } from '../pii/detect.ts';
import { forEachLinkRef, type LinkRef } from '../gather/link-refs.ts';
import { collectIfGrown } from '../gather/gc.ts';

export interface RunRow {
  id: number;
  siteId: number;
  origin: string;
  startUrl: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'complete' | 'failed';
  error: string | null;
  today: string;
  summary: Record<string, unknown> | null;
  reportDir: string | null;
}

export function ensureSite(db: Store, origin: string, name?: string): number {
  const row = db.get(
    db.q
      .insertInto('sites')
      .values({ origin, name: name ?? null, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('origin').doUpdateSet({ name: (eb) => eb.fn.coalesce(eb.ref('excluded.name'), eb.ref('sites.name')) }))
      .returning('id'),
  );
  return Number(row!.id);
}

/** A new 'running' run, with the process that runs it (pid, host) and its first heartbeat (src/store/stale-runs.ts). */
export function beginRun(db: Store, siteOrigin: string, startUrl: string, today: string, name?: string): number {
  return db.tx(() => {
    const siteId = ensureSite(db, siteOrigin, name);
    const at = new Date().toISOString();
    const row = db.get(
      db.q.insertInto('runs').values({ site_id: siteId, start_url: startUrl, started_at: at, status: 'running', today, pid: process.pid, host: hostname(), heartbeat_at: at }).returning('id'),
    );
    return Number(row!.id);
  });
}

/**
 * Marks a run failed if it is still running; true when it did. A run that completed stays
 * complete (a report or ticket step failing after it was stored does not undo it), and one
 * already marked failed keeps its first error.
 */
export function failRun(db: Store, runId: number, error: string): boolean {
  return withBusyRetry(db, () => db.run(db.q.updateTable('runs').set({ status: 'failed', error, finished_at: new Date().toISOString() }).where('id', '=', runId).where('status', '=', 'running')) > 0);
}

/** completeRun of a run no longer running: another process took the site over (lock takeover, a job handed back). */
export class RunTakenOverError extends Error {
  override name = 'RunTakenOverError';
}

/**
 * Stores a finished run's pages, links (with their redirect hops), edges, findings and audit
 * outcomes (status, why one was skipped or failed, its data) in one transaction, in batches of
 * rows (one statement per few hundred rows, not per row).
 */
/** `ticketsPending`: its tickets are to be filed next (ticketsAfterRun), marked in the same transaction so a store lost in between is finished later. */
export function completeRun(db: Store, runId: number, artifacts: Artifacts, result: AuditRun, summary: object, reportDir: string | null, ticketsPending = false): void {
  const refCount = new Map<string, number>();
  forEachLinkRef(artifacts, (r) => refCount.set(r.key, (refCount.get(r.key) ?? 0) + 1));
  // Edges are kept only towards targets that did not work: every night's full link graph
  // (300,000 rows for a 10,000-page portal) would grow the database without telling anyone more.
  const notOk = new Set(artifacts.targets.filter((t) => t.state !== 'ok' || t.missingFragments?.length).map((t) => t.url));
  const edges: LinkRef[] = [];
  forEachLinkRef(artifacts, (r) => notOk.has(r.key) && edges.push(r));
  // A page or target URL stored twice keeps its last row (as INSERT OR REPLACE did). Rows are
  // made a batch at a time (not a whole-site array of them): a 50,000-page run's rows and their
  // JSON texts would otherwise all be in memory at once.
  const pageRow = (p: Artifacts['pages'][number]) => ({
    run_id: runId, url: p.url, final_url: p.finalUrl, status: p.status, depth: p.depth, title: maskPii(p.title), charset: p.charset,
    timing_ms: p.timingMs, bytes: p.bytes, published_at: p.publishedAt ?? null,
  });
  const linkRow = (t: Artifacts['targets'][number]) => ({
    // A page's redirect hops are its target's (the same request): stored once, here.
    run_id: runId, url: t.url, state: t.state, status: t.status ?? null, error: t.error ?? t.skipReason ?? null, final_url: t.finalUrl ?? null,
    internal: t.internal ? 1 : 0, is_page: t.isPage ? 1 : 0, kinds: t.kinds.join(','), referrers: refCount.get(t.url) ?? 0,
    redirects_json: t.redirects.length ? JSON.stringify(t.redirects) : null,
  });
  const findingRow = (f: AuditRun['findings'][number], seq: number) => ({
    run_id: runId, id: f.id, audit: f.audit, rule: f.rule, severity: f.severity, url: f.url, message: f.message, fingerprint: f.fingerprint,
    division: f.division, refs_json: JSON.stringify(f.refs), evidence_json: JSON.stringify(f.evidence), deduction: f.deduction ?? null, seq,
  });
  const dataRow = (a: AuditRun['audits'][number], seq: number) => ({
    run_id: runId, audit: a.id, status: a.status, reason: a.reason ?? null, data_json: a.data === undefined ? null : JSON.stringify(a.data), seq,
  });
  db.tx(() => {
    for (const b of batches(lastPerKey(artifacts.pages, (p) => p.url), 10)) {
      db.run(db.q.insertInto('pages').values(b.map(pageRow)).onConflict((oc) => oc.columns(['run_id', 'url']).doUpdateSet(excludedAll(['final_url', 'status', 'depth', 'title', 'charset', 'timing_ms', 'bytes', 'published_at']))));
      collectIfGrown();
    }
    let seq = 0;
    for (const b of batches(edges, 6)) db.run(db.q.insertInto('edges').values(b.map((e) => ({ run_id: runId, from_url: e.from, to_url: e.key, kind: e.kind, text: e.text ? maskPii(e.text) : null, seq: seq++ }))));
    for (const b of batches(lastPerKey(artifacts.targets, (t) => t.url), 11)) {
      db.run(db.q.insertInto('links').values(b.map(linkRow)).onConflict((oc) => oc.columns(['run_id', 'url']).doUpdateSet(excludedAll(['state', 'status', 'error', 'final_url', 'internal', 'is_page', 'kinds', 'referrers', 'redirects_json']))));
      collectIfGrown();
    }
    seq = 0;
    for (const b of batches(result.findings, 13)) db.run(db.q.insertInto('findings').values(b.map((f) => findingRow(f, seq++))));
    seq = 0;
    for (const b of batches(lastPerKey(result.audits, (a) => a.id), 6)) {
      db.run(db.q.insertInto('audit_data').values(b.map((a) => dataRow(a, seq++))).onConflict((oc) => oc.columns(['run_id', 'audit']).doUpdateSet(excludedAll(['status', 'reason', 'data_json', 'seq']))));
    }
    // Only a run still running completes: one marked interrupted (its lock was taken over, its
    // job handed back) stays so, and its rows are rolled back — one complete run per audit.
    const done = db.run(
      db.q.updateTable('runs').set({ status: 'complete', error: null, finished_at: new Date().toISOString(), summary_json: JSON.stringify(summary), report_dir: reportDir, tickets_pending: ticketsPending ? 1 : 0 })
        .where('id', '=', runId).where('status', '=', 'running'),
    );
    if (done === 0) throw new RunTakenOverError(`运行 #${runId} 已被标记为中断，检查已由其他进程接管，本次结果不再保存（run ${runId} was taken over; results not stored）`);
  });
}

function runsQuery(db: Store) {
  return db.q
    .selectFrom('runs as r')
    .innerJoin('sites as s', 's.id', 'r.site_id')
    .select(['r.id', 'r.site_id as siteId', 's.origin', 'r.start_url as startUrl', 'r.started_at as startedAt', 'r.finished_at as finishedAt', 'r.status', 'r.error', 'r.today', 'r.summary_json as summaryJson', 'r.report_dir as reportDir']);
}

function toRun(row: Record<string, unknown>): RunRow {
  const { summaryJson, ...rest } = row;
  return { ...(rest as unknown as RunRow), summary: summaryJson ? JSON.parse(String(summaryJson)) : null };
}

export function listRuns(db: Store, opts: { site?: string; limit?: number } = {}): RunRow[] {
  let q = runsQuery(db);
  if (opts.site) {
    const site = opts.site;
    q = q.where((eb) => eb.or([eb('s.origin', '=', site), eb('s.origin', 'like', `%${site}%`)]));
  }
  return db.all(q.orderBy('r.id', 'desc').limit(opts.limit ?? 50)).map(toRun);
}

export function getRun(db: Store, id: number): RunRow | undefined {
  const row = db.get(runsQuery(db).where('r.id', '=', id));
  return row ? toRun(row) : undefined;
}

export function runFindings(db: Store, runId: number): Finding[] {
  const rows = db.all(db.q.selectFrom('findings').selectAll().where('run_id', '=', runId).orderBy('seq'));
  return rows.map((r) => ({
    id: String(r.id), audit: String(r.audit), rule: String(r.rule), severity: r.severity as Finding['severity'], url: String(r.url),
    message: String(r.message), fingerprint: String(r.fingerprint), division: r.division ?? null,
    refs: JSON.parse(String(r.refs_json)), evidence: JSON.parse(String(r.evidence_json)),
    ...(r.deduction !== null ? { deduction: Number(r.deduction) } : {}),
  }));
}

/** The homepage (depth 1) of the site's last complete run before `runId`: for telling a defaced homepage. */
export function previousHomepage(db: Store, runId: number): { runId: number; today: string; url: string; title: string } | undefined {
  return db.get(
    db.q
      .selectFrom('runs as r')
      .innerJoin('pages as p', 'p.run_id', 'r.id')
      .select((eb) => ['r.id as runId', 'r.today as today', 'p.url as url', eb.fn.coalesce('p.title', sql.lit('')).as('title')])
      .where('r.site_id', '=', (eb) => eb.selectFrom('runs').select('site_id').where('id', '=', runId))
      .where('r.id', '<', runId)
      .where('r.status', '=', 'complete')
      .where('p.depth', '=', 1)
      .orderBy('r.id', 'desc')
      .limit(1),
  ) as { runId: number; today: string; url: string; title: string } | undefined;
}

/** Whether the run fetched and parsed `url` (as linked or as its final URL) with a 2xx: a page it re-checked. */
export function pageFetched(db: Store, runId: number, url: string): boolean {
  return (
    db.get(
      db.q.selectFrom('pages').select('url').where('run_id', '=', runId).where((eb) => eb.or([eb('url', '=', url), eb('final_url', '=', url)]))
        .where('status', '>=', 200).where('status', '<=', 299).limit(1),
    ) !== undefined
  );
}
