/** Runs and their results in the store. */
import { hostname } from 'node:os';
import { withBusyRetry, type DB } from './db.ts';
import type { Artifacts } from '../gather/artifacts.ts';
import type { AuditRun } from '../audit/run.ts';
import type { Finding } from '../audit/types.ts';
import { maskPii } from '../pii/detect.ts';
import { forEachLinkRef, type LinkRef } from '../gather/link-refs.ts';

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

export function ensureSite(db: DB, origin: string, name?: string): number {
  db.prepare('INSERT INTO sites (origin, name, created_at) VALUES (?, ?, ?) ON CONFLICT(origin) DO UPDATE SET name = coalesce(excluded.name, sites.name)').run(origin, name ?? null, new Date().toISOString());
  return (db.prepare('SELECT id FROM sites WHERE origin = ?').get(origin) as { id: number }).id;
}

/** A new 'running' run, with the process that runs it (pid, host) and its first heartbeat (src/store/stale-runs.ts). */
export function beginRun(db: DB, siteOrigin: string, startUrl: string, today: string, name?: string): number {
  return withBusyRetry(db, () =>
    db
      .transaction(() => {
        const siteId = ensureSite(db, siteOrigin, name);
        const at = new Date().toISOString();
        const info = db.prepare("INSERT INTO runs (site_id, start_url, started_at, status, today, pid, host, heartbeat_at) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)").run(siteId, startUrl, at, today, process.pid, hostname(), at);
        return Number(info.lastInsertRowid);
      })
      .immediate(),
  );
}

/**
 * Marks a run failed if it is still running; true when it did. A run that completed stays
 * complete (a report or ticket step failing after it was stored does not undo it), and one
 * already marked failed keeps its first error.
 */
export function failRun(db: DB, runId: number, error: string): boolean {
  return withBusyRetry(db, () => db.prepare("UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'").run(error, new Date().toISOString(), runId).changes > 0);
}

/** completeRun of a run no longer running: another process took the site over (lock takeover, a job handed back). */
export class RunTakenOverError extends Error {
  override name = 'RunTakenOverError';
}

/**
 * Stores a finished run's pages, links (with their redirect hops), edges, findings and audit
 * outcomes (status, why one was skipped or failed, its data) in one transaction.
 */
export function completeRun(db: DB, runId: number, artifacts: Artifacts, result: AuditRun, summary: object, reportDir: string | null): void {
  const refCount = new Map<string, number>();
  forEachLinkRef(artifacts, (r) => refCount.set(r.key, (refCount.get(r.key) ?? 0) + 1));
  const insPage = db.prepare('INSERT OR REPLACE INTO pages (run_id, url, final_url, status, depth, title, charset, timing_ms, bytes, published_at) VALUES (?,?,?,?,?,?,?,?,?,?)');
  const insLink = db.prepare('INSERT OR REPLACE INTO links (run_id, url, state, status, error, final_url, internal, is_page, kinds, referrers, redirects_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)');
  const insEdge = db.prepare('INSERT INTO edges (run_id, from_url, to_url, kind, text) VALUES (?,?,?,?,?)');
  const insFinding = db.prepare('INSERT INTO findings (run_id, id, audit, rule, severity, url, message, fingerprint, division, refs_json, evidence_json, deduction) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)');
  const insData = db.prepare('INSERT OR REPLACE INTO audit_data (run_id, audit, status, reason, data_json) VALUES (?,?,?,?,?)');
  // Edges are kept only towards targets that did not work: every night's full link graph
  // (300,000 rows for a 10,000-page portal) would grow the database without telling anyone more.
  const notOk = new Set(artifacts.targets.filter((t) => t.state !== 'ok' || t.missingFragments?.length).map((t) => t.url));
  const edges: LinkRef[] = [];
  forEachLinkRef(artifacts, (r) => notOk.has(r.key) && edges.push(r));
  const store = db.transaction(() => {
    for (const p of artifacts.pages) {
      insPage.run(runId, p.url, p.finalUrl, p.status, p.depth, maskPii(p.title), p.charset, p.timingMs, p.bytes, p.publishedAt ?? null);
    }
    for (const e of edges) insEdge.run(runId, e.from, e.key, e.kind, e.text ? maskPii(e.text) : null);
    for (const t of artifacts.targets) {
      // A page's redirect hops are its target's (the same request): stored once, here.
      insLink.run(runId, t.url, t.state, t.status ?? null, t.error ?? t.skipReason ?? null, t.finalUrl ?? null, t.internal ? 1 : 0, t.isPage ? 1 : 0, t.kinds.join(','), refCount.get(t.url) ?? 0, t.redirects.length ? JSON.stringify(t.redirects) : null);
    }
    for (const f of result.findings) {
      insFinding.run(runId, f.id, f.audit, f.rule, f.severity, f.url, f.message, f.fingerprint, f.division, JSON.stringify(f.refs), JSON.stringify(f.evidence), f.deduction ?? null);
    }
    for (const a of result.audits) insData.run(runId, a.id, a.status, a.reason ?? null, a.data === undefined ? null : JSON.stringify(a.data));
    // Only a run still running completes: one marked interrupted (its lock was taken over, its
    // job handed back) stays so, and its rows are rolled back — one complete run per audit.
    const done = db.prepare("UPDATE runs SET status = 'complete', error = NULL, finished_at = ?, summary_json = ?, report_dir = ? WHERE id = ? AND status = 'running'").run(new Date().toISOString(), JSON.stringify(summary), reportDir, runId);
    if (done.changes === 0) throw new RunTakenOverError(`运行 #${runId} 已被标记为中断，检查已由其他进程接管，本次结果不再保存（run ${runId} was taken over; results not stored）`);
  });
  // IMMEDIATE: the write lock is taken (or waited for) up front, never upgraded half-way.
  withBusyRetry(db, () => store.immediate());
}

const RUN_COLS = `r.id, r.site_id AS siteId, s.origin, r.start_url AS startUrl, r.started_at AS startedAt, r.finished_at AS finishedAt,
  r.status, r.error, r.today, r.summary_json AS summaryJson, r.report_dir AS reportDir`;

function toRun(row: Record<string, unknown>): RunRow {
  const { summaryJson, ...rest } = row;
  return { ...(rest as unknown as RunRow), summary: summaryJson ? JSON.parse(String(summaryJson)) : null };
}

export function listRuns(db: DB, opts: { site?: string; limit?: number } = {}): RunRow[] {
  const rows = opts.site
    ? db.prepare(`SELECT ${RUN_COLS} FROM runs r JOIN sites s ON s.id = r.site_id WHERE s.origin = ? OR s.origin LIKE ? ORDER BY r.id DESC LIMIT ?`).all(opts.site, `%${opts.site}%`, opts.limit ?? 50)
    : db.prepare(`SELECT ${RUN_COLS} FROM runs r JOIN sites s ON s.id = r.site_id ORDER BY r.id DESC LIMIT ?`).all(opts.limit ?? 50);
  return (rows as Record<string, unknown>[]).map(toRun);
}

export function getRun(db: DB, id: number): RunRow | undefined {
  const row = db.prepare(`SELECT ${RUN_COLS} FROM runs r JOIN sites s ON s.id = r.site_id WHERE r.id = ?`).get(id) as Record<string, unknown> | undefined;
  return row ? toRun(row) : undefined;
}

export function runFindings(db: DB, runId: number): Finding[] {
  const rows = db.prepare('SELECT * FROM findings WHERE run_id = ? ORDER BY rowid').all(runId) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id), audit: String(r.audit), rule: String(r.rule), severity: r.severity as Finding['severity'], url: String(r.url),
    message: String(r.message), fingerprint: String(r.fingerprint), division: (r.division as string) ?? null,
    refs: JSON.parse(String(r.refs_json)), evidence: JSON.parse(String(r.evidence_json)),
    ...(r.deduction !== null ? { deduction: Number(r.deduction) } : {}),
  }));
}

/** The homepage (depth 1) of the site's last complete run before `runId`: for telling a defaced homepage. */
export function previousHomepage(db: DB, runId: number): { runId: number; today: string; url: string; title: string } | undefined {
  return db
    .prepare(
      `SELECT r.id AS runId, r.today AS today, p.url AS url, COALESCE(p.title, '') AS title FROM runs r JOIN pages p ON p.run_id = r.id
       WHERE r.site_id = (SELECT site_id FROM runs WHERE id = ?) AND r.id < ? AND r.status = 'complete' AND p.depth = 1
       ORDER BY r.id DESC LIMIT 1`,
    )
    .get(runId, runId) as { runId: number; today: string; url: string; title: string } | undefined;
}
