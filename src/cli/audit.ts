/** `zhaocuo audit <url>`: crawl, audit, store, report; exit 0 clean, 1 findings ≥ --fail-on, 2 usage. */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { severityRank, type Severity } from '../audit/types.ts';
import { auditSite, validateStartUrl } from '../run/audit-site.ts';
import { ALL_AUDITS } from '../../audits/index.ts';
import { UsageError } from '../config/errors.ts';
import type { Audit } from '../audit/types.ts';
import { Log } from './log.ts';
import { hostPort, isoDate, positiveInt, seconds, severity } from './options.ts';
import { summaryText } from './summary.ts';

export interface CrawlFlags {
  config?: string;
  today?: string;
  maxPages?: number;
  maxDepth?: number;
  concurrency?: number;
  perHost?: number;
  timeout?: number;
  robots?: boolean;
  sitemap?: boolean;
  external?: boolean;
  dnsServer?: string;
  ipv6?: boolean;
  failOn?: Severity;
  include?: string[];
  exclude?: string[];
  /** Browser audits (issue 5): --no-browser, --a11y-pages, --browser-pool, --items-per-column, --no-lighthouse. */
  browser?: boolean;
  a11yPages?: 'sample' | 'all';
  browserPool?: number;
  itemsPerColumn?: number;
  lighthouse?: boolean;
  /** --full: fetch and parse every page again, ignoring the pages the last run stored. */
  full?: boolean;
}

/** Flags win over the config file. */
export function applyFlags(config: Config, f: CrawlFlags): Config {
  const c = structuredClone(config);
  if (f.today) c.today = f.today;
  if (f.maxPages) c.crawl.maxPages = f.maxPages;
  if (f.maxDepth) c.crawl.maxDepth = f.maxDepth;
  if (f.concurrency) c.crawl.concurrency = f.concurrency;
  if (f.perHost) c.crawl.perHost = f.perHost;
  if (f.timeout) c.crawl.timeoutMs = Math.round(f.timeout * 1000);
  if (f.robots === false) c.crawl.robots = false;
  if (f.sitemap === false) c.crawl.sitemap = false;
  if (f.external === false) c.crawl.checkExternal = false;
  if (f.full) c.crawl.incremental = false;
  if (f.dnsServer) c.dnsServer = f.dnsServer;
  if (f.ipv6 === false) c.ipv6 = { ...c.ipv6, enabled: false };
  if (f.failOn) c.failOn = f.failOn;
  if (f.include?.length) c.site.include = f.include;
  if (f.exclude?.length) c.site.exclude = [...c.site.exclude, ...f.exclude];
  if (f.browser === false) c.browser = { ...c.browser, enabled: false };
  if (f.a11yPages) c.browser = { ...c.browser, pages: f.a11yPages };
  if (f.browserPool) c.browser = { ...c.browser, pool: f.browserPool };
  if (f.itemsPerColumn !== undefined) c.browser = { ...c.browser, itemsPerColumn: f.itemsPerColumn };
  if (f.lighthouse === false) c.browser = { ...c.browser, lighthouse: { ...c.browser.lighthouse, enabled: false } };
  return c;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const a11yPages = (v: string): 'sample' | 'all' => {
  if (v !== 'sample' && v !== 'all') throw new InvalidArgumentError('expected sample or all');
  return v;
};
const nonNegativeInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};

export function addCrawlOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'site config (zhaocuo.config.{ts,json,yaml}; default: the one in the current folder)')
    .option('--today <YYYY-MM-DD>', 'the date freshness rules count from (default: today)', isoDate)
    .option('--max-pages <n>', 'stop after this many pages', positiveInt)
    .option('--max-depth <n>', 'link depth limit (homepage = 1)', positiveInt)
    .option('--concurrency <n>', 'requests in flight in total', positiveInt)
    .option('--per-host <n>', 'requests in flight per host (politeness)', positiveInt)
    .option('--timeout <s>', 'seconds before a request counts as failed', seconds)
    .option('--no-robots', 'ignore robots.txt')
    .option('--no-sitemap', 'do not read sitemap.xml')
    .option('--no-external', 'do not check links to other sites')
    .option('--full', 'fetch and parse every page again (default: a re-audit asks with the last run\'s validators and reuses unchanged pages)')
    .option('--include <prefix>', 'crawl only paths under this prefix (repeatable)', collect)
    .option('--exclude <prefix|/regex/>', 'do not crawl matching paths (repeatable)', collect)
    .option('--dns-server <host:port>', 'resolve every name through this DNS server', hostPort)
    .option('--no-ipv6', 'skip the IPv6 checks (AAAA, homepage over IPv6, 二级/三级 link support)');
}

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description('audit a portal: crawl it, check every link, run the audits, store the run and write the report')
    .argument('<url>', 'the site to audit, e.g. https://hyj.example.gov.cn/');
  addCrawlOptions(cmd)
    .option('-o, --out <dir>', 'report folder (default: reports/<host>/run-<id>)')
    .option('--db <file>', 'SQLite database that keeps every run', 'data/zhaocuo.db')
    .option('--no-db', 'do not store the run')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity: critical, high, medium, low, info (default: failOn in the config, else high)', severity)
    .option('--only <audits>', 'run only these audits, comma-separated (e.g. links = a plain link check)', (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('-q, --quiet', 'print only errors and the summary')
    .option('--log <format>', 'json: JSON lines on stderr (for cron)', (v: string) => {
      if (v !== 'json') throw new InvalidArgumentError('the only log format is json');
      return v;
    })
    .option('--no-browser', 'skip the browser audits (accessibility, age-friendly, lighthouse)')
    .option('--a11y-pages <which>', 'pages the browser audits: sample (homepage, columns, items, 办事指南, config urls) or all', a11yPages)
    .option('--browser-pool <n>', 'pages open at once in the browser (default 3)', positiveInt)
    .option('--items-per-column <n>', 'item pages per column in the browser sample (default 2)', nonNegativeInt)
    .option('--no-lighthouse', 'skip Lighthouse (the other browser audits still run)')
    .action(async (url: string, opts: CrawlFlags & { out?: string; db: string | false; quiet?: boolean; log?: string; only?: string[] }) => {
      const log = Log.pick(opts);
      validateStartUrl(url);
      const audits = selectAudits(opts.only);
      const { config: fileConfig } = await loadConfig(opts.config);
      const config = applyFlags(fileConfig, opts);
      log.event('start', { url }, `zhaocuo: auditing ${url}`);
      const res = await auditSite({
        startUrl: url,
        config,
        audits,
        db: opts.db === false ? null : opts.db,
        outDir: opts.out,
        onProgress: log.progress,
        onWarning: (m) => (log.mode === 'json' ? log.event('warning', { message: m }) : (log.clear(), process.stderr.write(`zhaocuo: warning: ${m}\n`))),
        onBrowserProgress: (p) => {
          if (p.done === 0) log.event('browser', { ...p }, p.phase === 'pages' ? `zhaocuo: browser: opening ${p.total} sampled pages` : `zhaocuo: browser: Lighthouse on ${p.total} page(s)`);
        },
      });
      log.clear();
      log.event('done', { runId: res.runId, summary: res.report.summary, report: res.files?.json });
      if (log.mode !== 'json') process.stdout.write(summaryText(res.report, res.files) + '\n');
      if (res.worst && severityRank[res.worst] >= severityRank[config.failOn]) process.exitCode = 1;
    });
}

/** --only a,b: the named audits (unknown names are a usage error). */
export function selectAudits(only: string[] | undefined): Audit[] {
  if (!only?.length) return ALL_AUDITS;
  const known = new Set(ALL_AUDITS.map((a) => a.meta.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length) throw new UsageError(`--only: unknown audit ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  return ALL_AUDITS.filter((a) => only.includes(a.meta.id));
}
