/** Builds report.json from a run's artifacts and audit results. */
import { readFileSync } from 'node:fs';
import type { Artifacts } from '../gather/artifacts.ts';
import type { AuditRun } from '../audit/run.ts';
import type { Audit, Severity } from '../audit/types.ts';
import { SEVERITIES } from '../audit/types.ts';
import { REPORT_SCHEMA_VERSION, type Report } from './schema.ts';
import { maskDeep, maskPii } from '../pii/detect.ts';
import { forEachLinkRef } from '../gather/link-refs.ts';
import { packagePath } from '../package-root.ts';

const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
export const VERSION = pkg.version;

export interface BuildInput {
  artifacts: Artifacts;
  result: AuditRun;
  audits: Audit[];
  runId: number | null;
  today: string;
  startedAt: string;
  finishedAt: string;
}

export function buildReport(i: BuildInput): Report {
  const { artifacts: a, result } = i;
  // Every linking page (or stylesheet) of every entry: the contract never shortens a list.
  const from = new Map<string, string[]>();
  forEachLinkRef(a, (r) => {
    const list = from.get(r.key);
    if (list) list.push(r.from);
    else from.set(r.key, [r.from]);
  });
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of result.findings) bySeverity[f.severity]++;
  const pagesByDepth: Record<string, number> = {};
  for (const p of a.pages) {
    const k = p.depth === null ? 'orphan' : String(p.depth);
    pagesByDepth[k] = (pagesByDepth[k] ?? 0) + 1;
  }
  const count = (s: string) => a.targets.filter((t) => t.state === s).length;
  const metaById = new Map(i.audits.map((x) => [x.meta.id, x.meta]));

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'zhaocuo', version: VERSION },
    site: { url: a.site.startUrl, origin: a.site.origin, host: a.site.host, ...(a.site.name ? { name: a.site.name } : {}) },
    run: { id: i.runId, today: i.today },
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
    summary: {
      pages: a.pages.length,
      links: a.targets.length,
      broken: count('broken'),
      blocked: count('blocked'),
      skipped: count('skipped'),
      requests: a.crawl.requests,
      bytes: a.crawl.bytes,
      durationMs: a.crawl.durationMs,
      ...(a.crawl.incremental ? { incremental: a.crawl.incremental } : {}),
      pagesByDepth,
      findings: bySeverity,
      findingsTotal: result.findings.length,
    },
    pages: a.pages.map((p) => ({
      url: p.url,
      ...(p.finalUrl !== p.url ? { finalUrl: p.finalUrl } : {}),
      status: p.status,
      depth: p.depth,
      title: maskPii(p.title),
      charset: p.charset,
      ...(p.fromSitemap ? { fromSitemap: true } : {}),
      ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}),
      ...(p.error ? { error: p.error } : {}),
    })),
    links: a.targets.map((t) => ({
      url: t.url,
      from: from.get(t.url) ?? [],
      fromCount: from.get(t.url)?.length ?? 0,
      status: t.status ?? null,
      state: t.state,
      ...(t.error || t.skipReason ? { error: t.error ?? t.skipReason } : {}),
      ...(t.note ? { note: t.note } : {}),
      internal: t.internal,
      kind: t.kinds[0] ?? 'a',
      kinds: t.kinds,
      ...(t.fragment !== undefined ? { fragment: t.fragment, base: t.base } : {}),
      ...(t.redirects.length ? { redirects: t.redirects } : {}),
      ...(t.finalUrl ? { finalUrl: t.finalUrl } : {}),
    })),
    ...(a.crawl.limits?.length ? { crawlLimits: a.crawl.limits.map((l) => ({ ...l })) } : {}),
    findings: result.findings.map((f) => ({ ...f })),
    audits: result.audits.map((o) => ({
      id: o.id,
      title: o.title,
      status: o.status,
      ...(o.reason ? { reason: o.reason } : {}),
      findings: o.findings,
      refs: metaById.get(o.id)?.refs ?? [],
      // Audit data quotes pages too (column items, titles): mask it like findings.
      ...(o.data !== undefined ? { data: maskDeep(o.data) } : {}),
    })),
    ...(result.data.ipv6 !== undefined ? { ipv6: maskDeep(result.data.ipv6) } : {}),
  };
}
