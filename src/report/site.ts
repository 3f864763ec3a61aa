/**
 * The site report of a stored run, in every format (`zhaocuo report`): index.html (the same
 * renderer as the audit run's report, plus the trends and the 找错 on-time rate only the store
 * has), report.pdf (the same page printed by Chromium), report.xlsx (findings, tickets, fixed,
 * trends, tasks), findings.csv + tickets.csv, report.json (rebuilt from the store).
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../config/errors.ts';
import type { Store } from '../store/store.ts';
import { ticketsCsv } from '../tickets/export.ts';
import { listTickets } from '../tickets/store.ts';
import type { BrowserFinder } from '../gather/browser/find.ts';
import { completeRunOrThrow, findSites, reportFromStore } from './from-store.ts';
import { renderHtml } from './html.ts';
import { findingTickets } from './finding-tickets.ts';
import type { FindingTicket } from './sections/priority.ts';
import type { Report } from './schema.ts';
import { localFile, reportFiles } from './sections/common.ts';
import { taskMatrix, type TaskRow, type TicketFigures } from './tasks.ts';
import { ticketFigures, trendsFromStore, type Trends } from './trends.ts';

export { reportExtras } from './trends.ts';
import { ensureWritableDir, removeStaleTemps } from './write.ts';
import { findingExportRows, findingsCsv, reportXlsx } from './xlsx.ts';

export const REPORT_FORMATS = ['html', 'pdf', 'xlsx', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormats(v: string, allowed: readonly string[] = REPORT_FORMATS): string[] {
  const list = v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((x) => !allowed.includes(x));
  if (bad.length || !list.length) throw new UsageError(`--format：不认识的格式 ${bad.join('、') || '（空）'}，可选一个或多个：${allowed.join(',')} (unknown format)`);
  return [...new Set(list)];
}

/** The run a report is for: --run, or the newest complete run of --site. */
export function pickRun(db: Store, o: { run?: number; site?: string }): number {
  if (o.run !== undefined) return completeRunOrThrow(db, o.run).id;
  if (!o.site) throw new UsageError('请指定运行（--run <编号>）或网站（--site <网址>）；zhaocuo runs 列出全部运行 (name the run or the site)');
  const sites = findSites(db, o.site);
  if (sites.length > 1) throw new UsageError(`--site ${o.site} 匹配到 ${sites.length} 个网站（${sites.map((s) => s.origin).join('、')}），请写完整的网址 (matches several sites)`);
  const site = sites[0];
  if (!site) throw new UsageError(`数据库中没有网站 ${o.site}（zhaocuo runs 列出全部运行） (no such site)`);
  const row = db.get(db.q.selectFrom('runs').select('id').where('site_id', '=', site.id).where('status', '=', 'complete').orderBy('id', 'desc').limit(1));
  if (!row) throw new UsageError(`${site.origin} 还没有完成的运行 (no complete run yet)`);
  return row.id;
}

export interface SiteReportOptions {
  runId: number;
  /** Runs in the trends (this one and the ones before). */
  last: number;
  outDir: string;
  formats: readonly string[];
  timezone: string;
  now?: Date;
  findBrowser?: BrowserFinder;
  /** Where the run's own report lies (screenshots, Lighthouse JSON are copied from there); default: the run's report_dir. */
  assetsFrom?: string | null;
}

export interface SiteReport {
  report: Report;
  findingTickets: Record<string, FindingTicket>;
  trends: Trends;
  tickets: TicketFigures;
  tasks: TaskRow[];
  files: Partial<Record<'html' | 'pdf' | 'xlsx' | 'json' | 'findingsCsv' | 'ticketsCsv', string>>;
  /** Requests the page tried while printing (none for a self-contained report). */
  refused?: string[];
}

/** Everything the site report shows, from the store. */
export function siteReportData(db: Store, runId: number, last: number, now = new Date()): Omit<SiteReport, 'files'> {
  const report = reportFromStore(db, runId);
  const trends = trendsFromStore(db, { runId, last });
  const tickets = ticketFigures(db, trends.siteId, now);
  return { report, trends, tickets, findingTickets: findingTickets(db, runId), tasks: taskMatrix(report, tickets) };
}

function atomicWrite(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Copies the files the report links to (screenshots/…, lighthouse/…) from the run's report folder. */
function copyAssets(report: Report, from: string | null | undefined, to: string): void {
  if (!from || resolve(from) === resolve(to)) return;
  const paths = new Set<string>();
  for (const f of report.findings) for (const x of reportFiles(f.evidence)) paths.add(x.path);
  for (const a of report.audits) {
    const d = a.data as { pages?: { screenshot?: string }[]; runs?: { report?: string }[] } | undefined;
    for (const p of d?.pages ?? []) if (typeof p.screenshot === 'string') paths.add(p.screenshot);
    for (const r of d?.runs ?? []) if (typeof r.report === 'string') paths.add(r.report);
  }
  for (const p of paths) {
    if (!localFile(p)) continue;
    const src = join(resolve(from), p);
    if (!existsSync(src)) continue;
    const dst = join(to, p);
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
  }
}

export async function writeSiteReport(db: Store, o: SiteReportOptions): Promise<SiteReport> {
  const out = ensureWritableDir(o.outDir);
  removeStaleTemps(out);
  const now = o.now ?? new Date();
  const data = siteReportData(db, o.runId, o.last, now);
  const files: SiteReport['files'] = {};
  const want = new Set(o.formats);
  let refused: string[] | undefined;

  if (want.has('html') || want.has('pdf')) {
    files.html = join(out, 'index.html');
    atomicWrite(files.html, renderHtml(data.report, { trends: data.trends, tickets: data.tickets, findingTickets: data.findingTickets, generatedAt: now.toISOString(), timezone: o.timezone }));
    const run = completeRunOrThrow(db, o.runId);
    copyAssets(data.report, o.assetsFrom === undefined ? run.reportDir : o.assetsFrom, out);
  }
  if (want.has('pdf')) {
    files.pdf = join(out, 'report.pdf');
    // Loaded on demand: puppeteer is only needed for the PDF.
    const { htmlFileToPdf } = await import('./pdf.ts');
    const r = await htmlFileToPdf(files.html!, files.pdf + `.tmp-${process.pid}`, { findBrowser: o.findBrowser, footer: `找错 检查报告 · ${data.report.site.host} · 运行 #${o.runId}` });
    renameSync(files.pdf + `.tmp-${process.pid}`, files.pdf);
    refused = r.refused;
  }
  if (want.has('xlsx') || want.has('csv')) {
    const rows = findingExportRows(db, o.runId, { timezone: o.timezone, trends: data.trends });
    const tickets = listTickets(db, { site: data.report.site.origin, limit: 10000 }, { now, timezone: o.timezone }).items.filter((t) => t.site === data.report.site.origin);
    if (want.has('xlsx')) {
      files.xlsx = join(out, 'report.xlsx');
      atomicWrite(files.xlsx, await reportXlsx({ findings: rows, tickets, timezone: o.timezone, now, trends: data.trends, tasks: data.tasks }));
    }
    if (want.has('csv')) {
      files.findingsCsv = join(out, 'findings.csv');
      files.ticketsCsv = join(out, 'tickets.csv');
      atomicWrite(files.findingsCsv, findingsCsv(rows));
      atomicWrite(files.ticketsCsv, ticketsCsv(tickets, o.timezone, now));
    }
  }
  if (want.has('json')) {
    files.json = join(out, 'report.json');
    atomicWrite(files.json, JSON.stringify(data.report, null, 1));
  }
  return { ...data, files, ...(refused ? { refused } : {}) };
}
