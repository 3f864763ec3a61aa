/**
 * report.json rebuilt from the store: a stored run's pages, links, findings and audit data
 * make the same Report the run wrote (the site report and `zhaocuo report` render the same
 * data), down to why an audit was skipped or failed and the redirect hops of each link. What
 * the store does not keep is left out: the sitemap flag of a page, the referrers of a link that
 * worked. Runs stored before the skip reasons and hops were kept (schema 3 and older) still
 * render: a skipped or failed audit says its reason is unknown, a link shows no hops.
 */
import { ALL_AUDITS } from '../../audits/index.ts';
import { SEVERITIES, type Severity } from '../audit/types.ts';
import { UsageError } from '../config/errors.ts';
import { maskDeep } from '../pii/detect.ts';
import { sql } from 'kysely';
import { bytewise, type Store } from '../store/store.ts';
import { getRun, runFindings, type RunRow } from '../store/runs.ts';
import { VERSION } from './build.ts';
import { REPORT_SCHEMA_VERSION, type Report } from './schema.ts';

/**
 * The sites a --site value names: a URL names its origin (exact match first); any other text
 * matches as part of an origin.
 */
export function findSites(db: Store, site: string): { id: number; origin: string; name: string | null }[] {
  let key = site.trim();
  try {
    if (/^https?:\/\//i.test(key)) key = new URL(key).origin;
  } catch {
    /* matched as text */
  }
  const like = `%${key.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  const rows = db.all(db.q.selectFrom('sites').select(['id', 'origin', 'name']).where(sql<boolean>`origin = ${key} OR origin LIKE ${like} ESCAPE '\\'`).orderBy(bytewise(db, 'origin')));
  const exact = rows.filter((r) => r.origin === key);
  return exact.length ? exact : rows;
}

export function completeRunOrThrow(db: Store, runId: number): RunRow {
  const run = getRun(db, runId);
  if (!run) throw new UsageError(`数据库中没有运行 #${runId}（zhaocuo runs 列出全部运行） (no such run)`);
  if (run.status !== 'complete') throw new UsageError(`运行 #${runId} ${run.status === 'failed' ? '已失败' : '尚未完成'}${run.error ? `（${run.error}）` : ''}：只有完成的运行才有报告 (run #${runId} is ${run.status})`);
  return run;
}

/** The reason a rebuilt report gives for a skipped or failed audit whose reason was not stored. */
export const UNKNOWN_REASON = 'reason unknown (this run was stored by a zhaocuo that did not keep it)';

/** A stored JSON list of strings (redirect hops); anything else (NULL, malformed) is unknown. */
function stringList(json: unknown): string[] | undefined {
  if (typeof json !== 'string') return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

export function reportFromStore(db: Store, runId: number): Report {
  const run = completeRunOrThrow(db, runId);
  const site = db.get(db.q.selectFrom('sites').select('name').where('id', '=', run.siteId))!;
  const u = new URL(run.startUrl);

  const pages = db.all(
    db.q.selectFrom('pages').select(['url', 'final_url', 'status', 'depth', 'title', 'charset', 'published_at']).where('run_id', '=', runId)
      .orderBy(sql`(depth IS NULL)`).orderBy('depth').orderBy(bytewise(db, 'url')),
  ).map((p) => ({
    url: String(p.url),
    ...(p.final_url && p.final_url !== p.url ? { finalUrl: String(p.final_url) } : {}),
    status: Number(p.status ?? 0),
    depth: p.depth === null ? null : Number(p.depth),
    title: String(p.title ?? ''),
    charset: String(p.charset ?? ''),
    ...(p.published_at ? { publishedAt: String(p.published_at) } : {}),
  }));

  // Every linking page of a link that did not work (edges are stored towards those only).
  // Each linking page once, in the order the run stored them.
  const edges = (to: string) =>
    db.all(db.q.selectFrom('edges').select('from_url').where('run_id', '=', runId).where('to_url', '=', to).groupBy('from_url').orderBy((eb) => eb.fn.min('seq'))).map((e) => e.from_url);
  const links = db.all(
    db.q.selectFrom('links').select(['url', 'state', 'status', 'error', 'final_url', 'internal', 'kinds', 'referrers', 'redirects_json']).where('run_id', '=', runId).orderBy(bytewise(db, 'url')),
  ).map((l) => {
    const redirects = stringList(l.redirects_json);
    return {
      url: String(l.url),
      from: l.state === 'ok' ? [] : edges(l.url),
      fromCount: Number(l.referrers ?? 0),
      status: l.status === null ? null : Number(l.status),
      state: l.state as 'ok' | 'broken' | 'blocked' | 'skipped',
      ...(l.error ? { error: String(l.error) } : {}),
      internal: Boolean(l.internal),
      kind: String(l.kinds ?? '').split(',')[0] || 'a',
      kinds: l.kinds ? String(l.kinds).split(',').filter(Boolean) : [],
      // A fragment entry: the only stored links whose URL has a '#'.
      ...(/^https?:\/\/[^#]*#/.test(String(l.url)) ? { fragment: String(l.url).slice(String(l.url).indexOf('#') + 1), base: String(l.url).slice(0, String(l.url).indexOf('#')) } : {}),
      ...(redirects?.length ? { redirects } : {}),
      ...(l.final_url ? { finalUrl: String(l.final_url) } : {}),
    };
  });

  const findings = runFindings(db, runId);
  const perAudit = new Map<string, number>();
  for (const f of findings) perAudit.set(f.audit, (perAudit.get(f.audit) ?? 0) + 1);
  const meta = new Map(ALL_AUDITS.map((a) => [a.meta.id, a.meta]));
  const rows = db.all(db.q.selectFrom('audit_data').select(['audit', 'status', 'reason', 'data_json']).where('run_id', '=', runId).orderBy('seq')) as { audit: string; status: 'ran' | 'skipped' | 'failed'; reason: string | null; data_json: string | null }[];
  const audits = rows.map((a) => {
    const m = meta.get(a.audit);
    const data = a.data_json ? maskDeep(JSON.parse(a.data_json) as unknown) : undefined;
    // NULL: the audit ran, or the run was stored before reasons were kept (then: unknown).
    const reason = a.reason ?? (a.status === 'ran' ? null : UNKNOWN_REASON);
    return {
      id: a.audit,
      title: m?.title ?? { zh: a.audit, en: a.audit },
      status: a.status,
      ...(reason ? { reason } : {}),
      findings: perAudit.get(a.audit) ?? 0,
      refs: m?.refs ?? [],
      ...(data !== undefined ? { data } : {}),
    };
  });
  const ipv6 = audits.find((a) => a.id === 'ipv6' && a.status === 'ran')?.data;

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'zhaocuo', version: VERSION },
    site: { url: run.startUrl, origin: run.origin, host: u.host, ...(site?.name ? { name: site.name } : {}) },
    run: { id: run.id, today: run.today },
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? run.startedAt,
    summary: (run.summary as Report['summary'] | null) ?? summaryOf(pages, links, findings),
    pages,
    links,
    findings,
    audits,
    ...(ipv6 !== undefined ? { ipv6 } : {}),
  };
}

/** For a run stored without its summary: the figures from its rows. */
function summaryOf(pages: Report['pages'], links: Report['links'], findings: Report['findings']): Report['summary'] {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  const pagesByDepth: Record<string, number> = {};
  for (const p of pages) {
    const k = p.depth === null ? 'orphan' : String(p.depth);
    pagesByDepth[k] = (pagesByDepth[k] ?? 0) + 1;
  }
  const count = (s: string) => links.filter((l) => l.state === s).length;
  return {
    pages: pages.length, links: links.length, broken: count('broken'), blocked: count('blocked'), skipped: count('skipped'),
    requests: 0, durationMs: 0, pagesByDepth, findings: bySeverity, findingsTotal: findings.length,
  };
}
