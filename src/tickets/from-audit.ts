/**
 * Audit findings → tickets (issue 6 "from audits"), after a run is stored:
 *  - a finding at or above tickets.fromAudits.minSeverity with no ticket yet files one
 *    (source audit), keyed by (site, fingerprint);
 *  - the same fingerprint on a later run updates that ticket (last seen, evidence) instead of
 *    filing another — whatever its severity now;
 *  - an open audit ticket whose fingerprint a later run of the same site no longer finds is
 *    marked fixed-verified with that run (已整改, closed) — only when that run ran the audit
 *    and covered the ticket's page (fetched and parsed; a link target it names checked, not
 *    skipped by limits), so a partial crawl never "verifies" a fix;
 *  - a fixed or closed ticket whose fingerprint comes back is reopened.
 */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';
import { getRun, pageFetched, runFindings } from '../store/runs.ts';
import type { Finding } from '../audit/types.ts';
import { severityRank } from '../audit/types.ts';
import { computeDue, type TicketContext } from './context.ts';
import { enqueue } from './notify.ts';
import { createTicket } from './service.ts';
import { addHistory, getTicket, ticketByFingerprint, toTicket } from './store.ts';
import { TicketError } from './model.ts';
import { StoreUnavailableError } from '../store/db-errors.ts';
import { DEFAULT_AUDIT_CATEGORIES, categoryOf } from './audit-categories.ts';

export { DEFAULT_AUDIT_CATEGORIES };

export interface SyncResult {
  runId: number;
  created: number;
  updated: number;
  reopened: number;
  verified: number;
}

function evidenceOf(f: Finding): Record<string, unknown> {
  return { audit: f.audit, rule: f.rule, severity: f.severity, findingId: f.id, refs: f.refs, ...f.evidence };
}

/**
 * Files, updates and verifies the tickets of one complete run, then clears its tickets_pending
 * mark. Safe to run again on the same run (a pass the store cut short): a fingerprint already
 * filed is updated, never filed twice; a ticket reopened or verified once is not again.
 */
export function syncRunTickets(db: Store, ctx: TicketContext, runId: number): SyncResult {
  const out = fileRunTickets(db, ctx, runId);
  db.run(db.q.updateTable('runs').set({ tickets_pending: 0 }).where('id', '=', runId).where('tickets_pending', '=', 1));
  return out;
}

function fileRunTickets(db: Store, ctx: TicketContext, runId: number): SyncResult {
  const out: SyncResult = { runId, created: 0, updated: 0, reopened: 0, verified: 0 };
  const cfg = ctx.config.tickets.fromAudits;
  if (!cfg.enabled) return out;
  const run = getRun(db, runId);
  if (!run) throw new TicketError(`没有运行 #${runId}（no run #${runId}）`, 404);
  if (run.status !== 'complete') throw new TicketError(`运行 #${runId} ${run.status === 'running' ? '尚在进行' : '已失败'}：只有完成的运行才能登记或核验工单（run #${runId} is ${run.status}）`, 409);
  const actor = { name: `自动检查（运行 #${runId}）` };
  const categories = { ...DEFAULT_AUDIT_CATEGORIES, ...cfg.categories };
  const min = severityRank[cfg.minSeverity];

  const byFp = new Map<string, Finding>();
  for (const f of runFindings(db, runId)) if (!byFp.has(f.fingerprint)) byFp.set(f.fingerprint, f);

  for (const f of byFp.values()) {
    const existing = ticketByFingerprint(db, run.siteId, f.fingerprint);
    if (!existing) {
      if (severityRank[f.severity] < min) continue;
      const res = createTicket(
        db,
        ctx,
        {
          source: 'audit', pageUrl: f.url, category: categoryOf(f, categories), description: f.message, evidence: evidenceOf(f), reporter: '自动检查',
          division: f.division, fingerprint: f.fingerprint, audit: f.audit, severity: f.severity, runId, site: run.origin,
        },
        actor,
      );
      if (res.created) out.created++;
      continue;
    }
    db.tx(() => {
      const t = getTicket(db, existing.id)!;
      const at = ctx.now().toISOString();
      const comesBack = t.status !== '不予处理' && (t.verifiedRunId !== null || t.closedAt !== null);
      db.run(db.q.updateTable('tickets').set({ last_seen_run_id: runId, page_url: f.url, evidence_json: JSON.stringify(evidenceOf(f)), severity: f.severity, updated_at: at }).where('id', '=', t.id));
      if (comesBack) {
        const due = computeDue(ctx, ctx.now());
        db.run(
          db.q
            .updateTable('tickets')
            .set((eb) => ({ status: '待处理', closed_at: null, verified_run_id: null, verified_at: null, reopen_count: eb('reopen_count', '+', 1), due_at: due.dueAt, due_error: due.dueError }))
            .where('id', '=', t.id),
        );
        addHistory(db, t.id, at, actor.name, 'reopened', { field: 'status', old: t.status, new: '待处理', note: `运行 #${runId} 再次发现该问题`, runId });
        enqueue(db, ctx, getTicket(db, t.id)!, 'new', `reopen:${t.id}:${t.reopenCount + 1}`, '问题复现');
        out.reopened++;
      } else {
        out.updated++;
      }
    }, { exclusive: true });
  }

  // Fix verification: open (or closed but unverified) audit tickets of this site not found again.
  const ran = new Set(db.all(db.q.selectFrom('audit_data').select('audit').where('run_id', '=', runId).where('status', '=', 'ran')).map((r) => r.audit));
  const candidates = db.all(
    db.q
      .selectFrom('tickets as t')
      .selectAll('t')
      .select([sql<null>`NULL`.as('site_origin'), sql<number>`0`.as('has_screenshot')])
      .where('t.site_id', '=', run.siteId)
      .where('t.fingerprint', 'is not', null)
      .where('t.verified_run_id', 'is', null)
      .where('t.status', '!=', '不予处理'),
  );
  // Covered = the page was fetched and parsed in this run (a link checked with HEAD is not enough).
  const skipped = (url: string) => db.get(db.q.selectFrom('links').select('url').where('run_id', '=', runId).where('url', '=', url).where('state', '=', 'skipped').limit(1)) !== undefined;
  const covered = (url: string) => pageFetched(db, runId, url);
  for (const row of candidates) {
    const t = toTicket(row);
    if (byFp.has(t.fingerprint!)) continue;
    if (!t.audit || !ran.has(t.audit)) continue;
    if (!t.pageUrl || !covered(t.pageUrl)) continue;
    // A finding about a link target: that target, if still linked, must have been checked (not skipped by limits).
    const target = typeof t.evidence.target === 'string' ? t.evidence.target.replace(/#.*$/, '') : null;
    if (target && skipped(target)) continue;
    db.tx(() => {
      const at = ctx.now().toISOString();
      const cur = getTicket(db, t.id)!;
      if (cur.verifiedRunId !== null || cur.status === '不予处理') return;
      const toFixed = cur.status === '待处理' || cur.status === '处理中';
      db.run(
        db.q
          .updateTable('tickets')
          .set((eb) => ({ verified_run_id: runId, verified_at: at, closed_at: eb.fn.coalesce('closed_at', eb.val(at)), ...(toFixed ? { status: '已整改' } : {}), updated_at: at }))
          .where('id', '=', t.id),
      );
      addHistory(db, t.id, at, actor.name, 'verified', { field: toFixed ? 'status' : undefined, old: toFixed ? cur.status : null, new: toFixed ? '已整改' : null, note: `运行 #${runId} 未再发现该问题，整改已核验`, runId });
      out.verified++;
    }, { exclusive: true });
  }
  return out;
}

/**
 * The hook auditSite calls after a stored run: files/updates/verifies tickets. A failure here
 * never fails the run (it is already stored); it is returned for the caller to show, and
 * `zhaocuo tickets sync --run <id>` can redo it.
 */
export function ticketsAfterRun(db: Store, ctx: TicketContext, runId: number): SyncResult | { runId: number; error: string } {
  try {
    return syncRunTickets(db, ctx, runId);
  } catch (err) {
    // The store gone: said as such (a worker hands the job back); the run keeps its mark, and the next pass files them.
    if (err instanceof StoreUnavailableError) throw err;
    return { runId, error: (err as Error).message };
  }
}

/**
 * Files the tickets a site's complete run stored but never filed (tickets_pending: the store
 * went away between the two), before the site is audited again or its slot is counted done.
 * Only the site's newest complete run is filed: an older one's findings would undo what a
 * newer run verified; its mark is cleared, the newer run's tickets stand. Returns the runs filed.
 */
export function resumePendingTickets(db: Store, ctx: TicketContext, site: number | string): number[] {
  const siteId = typeof site === 'number' ? site : db.get(db.q.selectFrom('sites').select('id').where('origin', '=', site))?.id;
  if (siteId === undefined) return [];
  const pending = db.all(db.q.selectFrom('runs').select('id').where('site_id', '=', siteId).where('tickets_pending', '=', 1).where('status', '=', 'complete').orderBy('id'));
  if (!pending.length) return [];
  const newest = db.get(db.q.selectFrom('runs').select('id').where('site_id', '=', siteId).where('status', '=', 'complete').orderBy('id', 'desc').limit(1))!.id;
  const filed: number[] = [];
  for (const { id } of pending) {
    if (id === newest) {
      syncRunTickets(db, ctx, id);
      filed.push(id);
    } else db.run(db.q.updateTable('runs').set({ tickets_pending: 0 }).where('id', '=', id));
  }
  return filed;
}
