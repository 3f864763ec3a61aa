/**
 * One audit run, end to end: gather (crawl) → audit (pure) → store → report.
 * Surfaces (CLI, server, tests, benchmarks) call this and nothing below it.
 */
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { UsageError } from '../config/errors.ts';
import { ALL_AUDITS } from '../../audits/index.ts';
import { auditOptions, runAudits, type AuditRun } from '../audit/run.ts';
import { openPagePartStore } from '../store/page-parts.ts';
import type { Audit, Severity } from '../audit/types.ts';
import { severityRank } from '../audit/types.ts';
import { crawl, type CrawlProgress } from '../gather/crawl.ts';
import type { Artifacts } from '../gather/artifacts.ts';
import { todayIn } from '../tickets/zoned.ts';
import { NameResolver } from '../gather/dns.ts';
import { Fetcher, isHtmlType } from '../gather/http.ts';
import { collectGarbage, collectIfGrown, enterMemoryFirst, keepHeapNearLiveSet, memMark, memoryFirstPages } from '../gather/gc.ts';
import { gatherIpv6 } from '../gather/ipv6.ts';
import { gatherSpiderViews } from '../gather/spider-view.ts';
import { probeSearch } from '../gather/search-probe.ts';
import type { BrowserProgress } from '../gather/browser/gather.ts';
import type { BrowserFinder } from '../gather/browser/find.ts';
import type { HostPacer } from '../gather/pacer.ts';
import { loadAvailability } from '../probe/store.ts';
import { buildReport } from '../report/build.ts';
import type { Report } from '../report/schema.ts';
import { ensureWritableDir, writeReport } from '../report/write.ts';
import { reportExtras } from '../report/trends.ts';
import { openDb, type DB } from '../store/db.ts';
import { beginRun, completeRun, failRun, previousHomepage } from '../store/runs.ts';
import { StoreUnavailableError } from '../store/db-errors.ts';
import { heartbeatRun, RUN_HEARTBEAT_MS } from '../store/stale-runs.ts';
import { openPageCache } from '../store/page-cache.ts';
import { openDocumentCache } from '../store/document-cache.ts';
import { runEnded, runStarted } from './active-runs.ts';
import { ticketContext } from '../tickets/context.ts';
import { resumePendingTickets, ticketsAfterRun, type SyncResult } from '../tickets/from-audit.ts';
import { pauseForTest } from './test-pause.ts';

export interface AuditSiteOptions {
  startUrl: string;
  config: Config;
  /** SQLite file, or an open database; null = do not store. */
  db?: string | DB | null;
  /** Report folder; null = do not write files. Default: reports/<host>/run-<id>. */
  outDir?: string | null;
  audits?: Audit[];
  onProgress?: (p: CrawlProgress) => void;
  /** Progress of the browser pass (pages, then Lighthouse). */
  onBrowserProgress?: (p: BrowserProgress) => void;
  /** Why a part of the run was skipped (e.g. no browser found), for the CLI to print. */
  onWarning?: (message: string) => void;
  /** How often the run's heartbeat is refreshed in the store (default 30 s); shorter in tests. */
  heartbeatMs?: number;
  /** Finds the Chromium binary (default: CHROME_PATH, /usr/bin/chromium, …); injectable for tests. */
  findBrowser?: BrowserFinder;
  /** Spaces requests per host (crawl.hostIntervalMs) with a pacer shared beyond this run: a fleet's, through Redis. */
  pacer?: HostPacer;
}

export interface AuditSiteResult {
  runId: number | null;
  report: Report;
  artifacts: Artifacts;
  result: AuditRun;
  files?: { json: string; html: string };
  /** Highest severity found, for --fail-on. */
  worst: Severity | null;
  /** Tickets filed, updated, reopened and fix-verified from this run's findings (runs with a db). */
  tickets?: SyncResult | { runId: number; error: string };
}

export function validateStartUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`不是有效的网址：${JSON.stringify(url)}，请写成 https://www.example.gov.cn/ 的形式 (not a valid URL)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`只能检查 http 和 https 网站，不能检查 ${u.protocol} (only http and https sites can be audited)`);
  return u.href;
}

function beatOnce(db: DB, runId: number): void {
  try {
    heartbeatRun(db, runId);
  } catch { /* a busy store: the next beat tries again, well within the stale limit */ }
}

/**
 * Writes the report of a stored run, with the store's trends and ticket figures. A store that
 * went away after the run was stored (PostgreSQL stopped) does not cost the report: it is written
 * without those figures, and the store's error is handed back for the caller to throw once the
 * files are out (the run is complete in the store; `zhaocuo report --run N` writes it again in full).
 * A failure to write the files says so and leaves the run complete.
 */
function writeReportAfterRun(outDir: string, report: Report, db: DB | null, runId: number | null, timezone: string, storeLost: StoreUnavailableError | undefined, warn: (m: string) => void): { files: { json: string; html: string }; storeLost?: StoreUnavailableError } {
  let extras: Partial<ReturnType<typeof reportExtras>> = {};
  if (db && runId !== null && !storeLost) {
    try {
      extras = reportExtras(db, runId);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      storeLost = err;
    }
  }
  if (storeLost && runId !== null) warn(`存储已断开：运行 #${runId} 已完整保存，报告照常写入 ${outDir}，但不含趋势和工单数字；存储恢复后可用 zhaocuo report --run ${runId} 重新生成（the store went away after run #${runId} was stored: its report is written without trends and ticket figures）`);
  try {
    return { files: writeReport(outDir, report, { ...extras, timezone }), storeLost };
  } catch (err) {
    if (runId === null) throw err;
    throw new UsageError(`报告文件写入失败：${outDir}：${(err as Error).message}。运行 #${runId} 已完整保存，可用 zhaocuo report --run ${runId} 重新生成（the report files could not be written; run #${runId} is stored complete）`);
  }
}

export async function auditSite(o: AuditSiteOptions): Promise<AuditSiteResult> {
  const startUrl = validateStartUrl(o.startUrl);
  const audits = o.audits ?? ALL_AUDITS;
  auditOptions(o.config, audits, ALL_AUDITS); // config errors surface before the crawl, with exit 2
  // The date freshness counts from is the office's (Beijing) date, not the server's.
  const today = o.config.today ?? todayIn(o.config.tickets.timezone);
  const host = new URL(startUrl).host;
  if (o.outDir) ensureWritableDir(o.outDir);
  // Ticket settings (holiday calendar files) are checked before the crawl, like the rest of the config.
  const ticketCtx = o.db ? ticketContext(o.config) : null;
  keepHeapNearLiveSet();

  const ownDb = typeof o.db === 'string';
  const db: DB | null = typeof o.db === 'string' ? openDb(o.db) : (o.db ?? null);
  // Tickets an earlier run of the site stored but could not file (the store went away between the two) are filed first.
  if (db && ticketCtx) resumePendingTickets(db, ticketCtx, new URL(startUrl).origin);
  const runId = db ? beginRun(db, new URL(startUrl).origin, startUrl, today, o.config.site.name) : null;
  if (db && runId !== null) runStarted(db, runId);
  // The heartbeat tells other processes this run is alive (src/store/stale-runs.ts); unref'd, so it never keeps the process up.
  const beat = db && runId !== null ? setInterval(() => beatOnce(db, runId), o.heartbeatMs ?? RUN_HEARTBEAT_MS).unref() : null;
  const startedAt = new Date().toISOString();
  const resolver = new NameResolver(o.config.dnsServer);
  // The site's own hosts are still crawled when their certificate is invalid (the https audit reports it).
  const siteHost = new URL(startUrl).hostname.replace(/^www\./, '');
  const ownHost = (u: string) => {
    const h = new URL(u).hostname;
    return h === siteHost || h.endsWith(`.${siteHost}`);
  };
  // Incremental re-audits: the pages the site's earlier runs stored, asked for with their validators.
  const pageCache = db && runId !== null ? openPageCache(db, new URL(startUrl).origin, runId, { reuse: o.config.crawl.incremental }) : undefined;
  // The site's other documents (link targets, robots.txt, sitemaps, stylesheets) are asked for with their validators too;
  // what they store is written before the page cache forgets the rows this run did not see.
  const documents = db && runId !== null ? openDocumentCache(db, new URL(startUrl).origin, runId, { reuse: o.config.crawl.incremental }) : undefined;
  // The audits' per-page results kept by page content (src/audit/page-parts.ts); opened now so the crawl's clean-up keeps them.
  const pageParts = db && runId !== null ? openPagePartStore(db, new URL(startUrl).origin, runId, { reuse: o.config.crawl.incremental }) : undefined;
  const cache = pageCache && { ...pageCache, finish: (complete: boolean) => (documents?.finish(complete), pageCache.finish(complete)) };
  // Stylesheets too: the crawl reads same-site CSS for the url() and @import links it loads.
  const fetcher = new Fetcher({ crawl: o.config.crawl, resolver, tolerateTls: ownHost, conditional: cache && ((u) => cache.conditional(u)), documents, keepDocument: ownHost, pacer: o.pacer, wantBody: (ct) => isHtmlType(ct) || /text\/css/i.test(ct) });
  const warn = o.onWarning ?? ((m: string) => process.stderr.write(`zhaocuo: warning: ${m}\n`));
  // A large site's run prefers memory to speed from its memoryFirstPages()th page to its end.
  const largeAt = memoryFirstPages();
  let leaveMemoryFirst: (() => void) | undefined = largeAt === 0 ? enterMemoryFirst() : undefined;
  const onProgress = (p: CrawlProgress) => {
    if (!leaveMemoryFirst && p.pages >= largeAt) leaveMemoryFirst = enterMemoryFirst();
    o.onProgress?.(p);
  };
  try {
    const artifacts = await crawl({ startUrl, config: o.config, fetcher, onProgress, cache });
    // A trap or a page budget that cut the crawl short: said once per limit and pattern, with a count.
    for (const l of artifacts.crawl.limits ?? []) if (l.limit !== 'maxDepth') o.onWarning?.(`${l.message}: ${l.skipped} URL(s), e.g. ${l.example}`);
    if (fetcher.throttled) o.onWarning?.(`the site asked to slow down ${fetcher.throttled} times (HTTP 429/503): requests to it were spaced out and retried`);
    const tls = [...fetcher.tlsProblems.values()].filter((t) => ownHost(t.url));
    if (tls.length) artifacts.tls = tls;
    // IPv6 (issue 4): after the crawl, on its graph; off with --no-ipv6 / ipv6.enabled false.
    if (o.config.ipv6?.enabled !== false && o.config.audits.ipv6?.enabled !== false && audits.some((a) => a.meta.id === 'ipv6')) artifacts.ipv6 = await gatherIpv6({ artifacts, config: o.config, resolver });
    memMark('ipv6 gathered');
    // The site as search engines see it (hacked servers serve crawlers and search visitors another page).
    const integrityOpts = o.config.audits.integrity?.options as { spiderPages?: number; spiderCheck?: boolean } | undefined;
    if (audits.some((a) => a.meta.id === 'integrity') && o.config.audits.integrity?.enabled !== false && integrityOpts?.spiderCheck !== false) {
      artifacts.spiderViews = await gatherSpiderViews({ artifacts, fetcher, pages: Number(integrityOpts?.spiderPages ?? 5) });
    }
    // The homepage as the last stored run saw it (integrity: a homepage whose title changed beyond recognition).
    if (db && runId !== null) {
      const prev = previousHomepage(db, runId);
      if (prev) artifacts.previousHomepage = prev;
    }
    // The site search, tried with titles the site published.
    if (audits.some((a) => a.meta.id === 'search') && o.config.audits.search?.enabled !== false) {
      artifacts.search = await probeSearch(artifacts, fetcher, Number((o.config.audits.search?.options as { queries?: number } | undefined)?.queries ?? 2));
    }
    // The last request of the run has been made: the fetcher's record of every URL's answer goes.
    fetcher.forgetAll();
    // Availability (issue 4): the stored homepage probes of the last 7 days, for 站点无法访问.
    if (db && audits.some((a) => a.meta.id === 'availability')) artifacts.availability = loadAvailability(db, [new URL(startUrl).origin, artifacts.site.origin], new Date(), Number(o.config.audits.availability?.options?.days ?? 7));
    const outDir = o.outDir === null ? null : (o.outDir ?? join('reports', host.replace(/[:\[\]]/g, '_'), `run-${runId ?? Date.now()}`));
    // Browser (issue 5): sampled pages in headless Chromium (axe, 适老化, Lighthouse, rendered DOM);
    // off with --no-browser. No browser on the machine: those audits are skipped with the reason.
    let browserSkipped: string | undefined;
    const needBrowser = (a: Audit) => a.meta.requires.includes('browser');
    if (audits.some((a) => needBrowser(a) && o.config.audits[a.meta.id]?.enabled !== false)) {
      if (!o.config.browser.enabled) browserSkipped = '浏览器检查已关闭（--no-browser 或 browser.enabled: false）';
      else {
        // Loaded on demand: puppeteer and Lighthouse cost memory a --no-browser run should not pay.
        const { gatherBrowser } = await import('../gather/browser/gather.ts');
        const b = await gatherBrowser({ artifacts, browser: o.config.browser, resolver, privateDns: Boolean(o.config.dnsServer), outDir, findBrowser: o.findBrowser, onProgress: o.onBrowserProgress }).catch(
          (err: Error) => ({ ok: false as const, skipped: `浏览器检查出错（${err.message.split('\n')[0]}），本次跳过浏览器检查` }),
        );
        if (b.ok) artifacts.browser = b.browser;
        else {
          browserSkipped = b.skipped;
          o.onWarning?.(b.skipped);
        }
      }
    }
    memMark('crawled');
    collectGarbage(); // the crawl's garbage goes before the audits and the report add theirs
    memMark('gc after crawl');
    const result = runAudits(artifacts, o.config, today, audits, ALL_AUDITS, pageParts);
    memMark('audited');
    // The audits' memos (columns' site index: typed arrays outside the heap) were let go at their end; they go before the report is built on top.
    collectGarbage();
    if (browserSkipped) for (const x of result.audits) if (x.status === 'skipped' && audits.some((a) => a.meta.id === x.id && needBrowser(a))) x.reason = browserSkipped;
    const report = buildReport({ artifacts, result, audits, runId, today, startedAt, finishedAt: new Date().toISOString() });
    memMark('report built');
    collectIfGrown();
    if (db && runId !== null) completeRun(db, runId, artifacts, result, report.summary, outDir, Boolean(ticketCtx?.config.tickets.fromAudits.enabled));
    memMark('stored');
    if (db && runId !== null && process.env.ZHAOCUO_TEST_PAUSE_BEFORE_TICKETS) await pauseForTest(process.env.ZHAOCUO_TEST_PAUSE_BEFORE_TICKETS, runId);
    // The run is stored complete, its tickets marked pending in the same transaction: a store
    // lost from here on leaves them to the next run (resumePendingTickets), and the report is still written.
    let storeLost: StoreUnavailableError | undefined;
    let tickets: AuditSiteResult['tickets'];
    try {
      tickets = db && runId !== null && ticketCtx ? ticketsAfterRun(db, ticketCtx, runId) : undefined;
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      storeLost = err;
    }
    memMark('tickets');
    collectGarbage();
    memMark('gc before report');
    // Written after the run is stored, so the report shows the trends and ticket figures with it.
    const written = outDir ? writeReportAfterRun(outDir, report, db, runId, o.config.tickets.timezone, storeLost, warn) : undefined;
    memMark('report written');
    storeLost ??= written?.storeLost;
    if (storeLost) throw storeLost;
    const files = written?.files;
    const worst = result.findings.reduce<Severity | null>((w, f) => (w === null || severityRank[f.severity] > severityRank[w] ? f.severity : w), null);
    return { runId, report, artifacts, result, files, worst, tickets };
  } catch (err) {
    // Only a run still running is marked (a stored run stays complete); marking must not hide the error being thrown.
    if (db && runId !== null) {
      try {
        failRun(db, runId, (err as Error).message);
      } catch (markErr) {
        // The store itself is gone (PostgreSQL stopped): the error thrown says so in one line, and the
        // run, left 'running', is marked interrupted when the store is next opened (its process is gone).
        if (!(markErr instanceof StoreUnavailableError && err instanceof StoreUnavailableError))
          warn(`运行 #${runId} 未能标记为失败（could not mark run #${runId} failed: ${(markErr as Error).message.split('\n')[0]}）`);
      }
    }
    throw err;
  } finally {
    leaveMemoryFirst?.();
    if (beat) clearInterval(beat);
    if (runId !== null) runEnded(runId);
    await fetcher.close();
    try {
      documents?.flush(); // what was kept after the crawl (search probes)
    } catch { /* a busy or closed store: the next run asks for those documents in full */ }
    if (ownDb) db?.close();
  }
}
