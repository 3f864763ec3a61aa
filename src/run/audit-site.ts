/**
 * One audit run, end to end: gather (crawl) → audit (pure) → store → report.
 * Surfaces (CLI, server, tests, benchmarks) call this and nothing below it.
 */
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { UsageError } from '../config/errors.ts';
import { ALL_AUDITS } from '../../audits/index.ts';
import { auditOptions, runAudits, type AuditRun } from '../audit/run.ts';
import type { Audit, Severity } from '../audit/types.ts';
import { severityRank } from '../audit/types.ts';
import { crawl, type CrawlProgress } from '../gather/crawl.ts';
import type { Artifacts } from '../gather/artifacts.ts';
import { localToday } from '../gather/dates.ts';
import { NameResolver } from '../gather/dns.ts';
import { Fetcher } from '../gather/http.ts';
import { buildReport } from '../report/build.ts';
import type { Report } from '../report/schema.ts';
import { ensureWritableDir, writeReport } from '../report/write.ts';
import { openDb, type DB } from '../store/db.ts';
import { beginRun, completeRun, failRun } from '../store/runs.ts';

export interface AuditSiteOptions {
  startUrl: string;
  config: Config;
  /** SQLite file, or an open database; null = do not store. */
  db?: string | DB | null;
  /** Report folder; null = do not write files. Default: reports/<host>/run-<id>. */
  outDir?: string | null;
  audits?: Audit[];
  onProgress?: (p: CrawlProgress) => void;
}

export interface AuditSiteResult {
  runId: number | null;
  report: Report;
  artifacts: Artifacts;
  result: AuditRun;
  files?: { json: string; html: string };
  /** Highest severity found, for --fail-on. */
  worst: Severity | null;
}

export function validateStartUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`not a valid URL: ${JSON.stringify(url)} (write it as https://www.example.gov.cn/)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`only http and https sites can be audited, not ${u.protocol}`);
  return u.href;
}

export async function auditSite(o: AuditSiteOptions): Promise<AuditSiteResult> {
  const startUrl = validateStartUrl(o.startUrl);
  const audits = o.audits ?? ALL_AUDITS;
  auditOptions(o.config, audits); // config errors surface before the crawl, with exit 2
  const today = o.config.today ?? localToday();
  const host = new URL(startUrl).host;
  if (o.outDir) ensureWritableDir(o.outDir);

  const ownDb = typeof o.db === 'string';
  const db: DB | null = typeof o.db === 'string' ? openDb(o.db) : (o.db ?? null);
  const runId = db ? beginRun(db, new URL(startUrl).origin, startUrl, today, o.config.site.name) : null;
  const startedAt = new Date().toISOString();
  const resolver = new NameResolver(o.config.dnsServer);
  const fetcher = new Fetcher({ crawl: o.config.crawl, resolver });
  try {
    const artifacts = await crawl({ startUrl, config: o.config, fetcher, onProgress: o.onProgress });
    const result = runAudits(artifacts, o.config, today, audits);
    const report = buildReport({ artifacts, result, audits, runId, today, startedAt, finishedAt: new Date().toISOString() });
    const outDir = o.outDir === null ? null : (o.outDir ?? join('reports', host.replace(/[:\[\]]/g, '_'), `run-${runId ?? Date.now()}`));
    const files = outDir ? writeReport(outDir, report) : undefined;
    if (db && runId !== null) completeRun(db, runId, artifacts, result, report.summary, outDir);
    const worst = result.findings.reduce<Severity | null>((w, f) => (w === null || severityRank[f.severity] > severityRank[w] ? f.severity : w), null);
    return { runId, report, artifacts, result, files, worst };
  } catch (err) {
    if (db && runId !== null) failRun(db, runId, (err as Error).message);
    throw err;
  } finally {
    await fetcher.close();
    if (ownDb) db?.close();
  }
}
