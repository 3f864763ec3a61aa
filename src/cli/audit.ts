/** `zhaocuo audit <url>`: crawl, audit, store, report; exit 0 clean, 1 findings ≥ --fail-on, 2 usage. */
import { InvalidArgumentError, type Command } from 'commander';
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
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
import { auditLabel } from '../audit/labels.ts';

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
  if (v !== 'sample' && v !== 'all') throw new InvalidArgumentError('应为 sample 或 all');
  return v;
};
const nonNegativeInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('应为不小于 0 的整数');
  return n;
};

export function addCrawlOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', '站点配置文件（zhaocuo.config.{ts,json,yaml}；默认：当前目录中的那个）')
    .option('--today <YYYY-MM-DD>', '更新时效从哪天算起（默认：今天）', isoDate)
    .option('--max-pages <n>', '最多抓取的页面数', positiveInt)
    .option('--max-depth <n>', '链接层级上限（首页为 1 级）', positiveInt)
    .option('--concurrency <n>', '同时进行的请求总数', positiveInt)
    .option('--per-host <n>', '每个主机同时进行的请求数（礼貌抓取）', positiveInt)
    .option('--timeout <s>', '请求超过多少秒算失败', seconds)
    .option('--no-robots', '不遵守 robots.txt')
    .option('--no-sitemap', '不读取 sitemap.xml')
    .option('--no-external', '不检查指向其他网站的链接')
    .option('--full', '重新抓取并解析所有页面（默认：复查时用上次的校验信息询问，未变的页面直接复用）')
    .option('--include <prefix>', '只抓取此前缀下的路径（可重复）', collect)
    .option('--exclude <prefix|/regex/>', '不抓取匹配的路径（可重复）', collect)
    .option('--dns-server <host:port>', '所有域名经此 DNS 服务器解析', hostPort)
    .option('--no-ipv6', '不做 IPv6 检测（AAAA 记录、首页 IPv6 访问、二级/三级链接支持率）');
}

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description('检查一个网站：抓取页面、核验每个链接、运行各项检查、保存本次运行并写出报告')
    .argument('<url>', '要检查的网站，例如 https://hyj.example.gov.cn/');
  addCrawlOptions(cmd)
    .option('-o, --out <dir>', '报告目录（默认：reports/<主机>/run-<编号>）')
    .option('--db <file|url>', `保存每次运行的存储：${DB_OPTION_HELP}`)
    .option('--no-db', '不保存本次运行')
    .option('--fail-on <severity>', '有问题达到此级别时退出码为 1：critical（否决）、high（严重）、medium（一般）、low（轻微）、info（提示）（默认：配置中的 failOn，否则 high）', severity)
    .option('--only <audits>', '只运行这些检查项，逗号分隔（例如 links 即只查链接）', (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('-q, --quiet', '只输出错误和汇总')
    .option('--log <format>', 'json：在 stderr 上逐行输出 JSON（供定时任务使用）', (v: string) => {
      if (v !== 'json') throw new InvalidArgumentError('日志格式只能是 json');
      return v;
    })
    .option('--no-browser', '不做浏览器检查（无障碍、适老化、Lighthouse）')
    .option('--a11y-pages <which>', '浏览器检查的页面：sample（首页、栏目、信息页、办事指南、配置的网址）或 all（全部）', a11yPages)
    .option('--browser-pool <n>', '浏览器同时打开的页面数（默认 3）', positiveInt)
    .option('--items-per-column <n>', '浏览器抽样时每个栏目的信息页数（默认 2）', nonNegativeInt)
    .option('--no-lighthouse', '不运行 Lighthouse（其他浏览器检查照常）')
    .action(async (url: string, opts: CrawlFlags & { out?: string; db?: string | false; quiet?: boolean; log?: string; only?: string[] }) => {
      const log = Log.pick(opts);
      validateStartUrl(url);
      const audits = selectAudits(opts.only);
      const { config: fileConfig } = await loadConfig(opts.config);
      const config = applyFlags(fileConfig, opts);
      log.event('start', { url }, `zhaocuo：正在检查 ${url}`);
      const res = await auditSite({
        startUrl: url,
        config,
        audits,
        db: opts.db === false ? null : storeTarget(opts.db, config),
        outDir: opts.out,
        onProgress: log.progress,
        onWarning: (m) => (log.mode === 'json' ? log.event('warning', { message: m }) : (log.clear(), process.stderr.write(`zhaocuo：警告：${m}\n`))),
        onBrowserProgress: (p) => {
          if (p.done === 0) log.event('browser', { ...p }, p.phase === 'pages' ? `zhaocuo：浏览器：正在打开 ${p.total} 个抽样页面` : `zhaocuo：浏览器：正在对 ${p.total} 个页面运行 Lighthouse`);
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
  if (unknown.length) throw new UsageError(`--only：没有检查项 ${unknown.join('、')}；可用的有：${[...known].map((k) => `${k}（${auditLabel(k)}）`).join('、')} (unknown audit)`);
  return ALL_AUDITS.filter((a) => only.includes(a.meta.id));
}
