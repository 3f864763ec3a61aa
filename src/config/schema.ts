/**
 * The site config (zhaocuo.config.{json,yaml,ts}). Strict: an unknown key is an error that
 * names the key, so a typo never silently does nothing.
 */
import { z } from 'zod';
import { SEVERITIES } from '../audit/types.ts';
import { ticketsSchema } from '../tickets/config.ts';
import { serverSchema } from '../server/config.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD 格式的日期（expected a date as YYYY-MM-DD）');

export const crawlSchema = z.strictObject({
  maxPages: z.number().int().positive().default(20000),
  /** Link depth limit; homepage is depth 1. */
  maxDepth: z.number().int().positive().default(10),
  /** Requests in flight in total. */
  concurrency: z.number().int().positive().max(256).default(16),
  /** Requests in flight per host: politeness towards one server. */
  perHost: z.number().int().positive().max(256).default(8),
  /**
   * Least time between two requests to one host (ms, from send to send); 0 = no spacing beyond
   * perHost. Audits in one process share it; workers of a fleet share it through Redis, so
   * a host linked from many sites (www.gov.cn) is asked at this pace by the whole fleet.
   */
  hostIntervalMs: z.number().int().min(0).max(60_000).default(0),
  timeoutMs: z.number().int().positive().default(15000),
  retries: z.number().int().min(0).max(5).default(2),
  /** Longest Retry-After (seconds) we are willing to wait on a 429/503. */
  maxRetryAfterS: z.number().min(0).default(30),
  robots: z.boolean().default(true),
  sitemap: z.boolean().default(true),
  maxBodyBytes: z.number().int().positive().default(8 * 1024 * 1024),
  maxRedirects: z.number().int().min(0).max(20).default(10),
  /** Same path with different query strings: at most this many are crawled (calendar traps). */
  maxQueryVariants: z.number().int().positive().default(50),
  /**
   * Pages of one URL pattern (numbers, dates and hash-like ids blanked: /cal/{n}/{n}/{n}, see
   * src/gather/url-pattern.ts) crawled at most: an endless generated URL space stops here, with
   * a warning naming the pattern. Raise it for a site whose articles are numbered (/art/{n}.html).
   */
  maxPagesPerPattern: z.number().int().positive().default(500),
  /** Verify links to other sites. */
  checkExternal: z.boolean().default(true),
  /**
   * Re-audits (runs with a database) send the validators the last run stored (If-None-Match /
   * If-Modified-Since) and reuse the stored parsed page on a 304 or an unchanged body; false
   * (or --full) fetches and parses every page again.
   */
  incremental: z.boolean().default(true),
  userAgent: z.string().default('zhaocuo/0.1 (+government website audit)'),
});

/** The IPv6 gatherer (issue 4): what it fetches over IPv6 after the crawl. */
export const ipv6Schema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Homepage fetches over IPv6 for the success rate (each a fresh connection). */
  probes: z.number().int().min(1).max(50).default(3),
  /** Pause between two homepage probes. */
  probeIntervalMs: z.number().int().min(0).default(1000),
  /** 'url': every 二级/三级 link URL is requested over IPv6 (once); 'host': one request per host decides for all its links. */
  judge: z.enum(['url', 'host']).default('url'),
  /** Link kinds that count as 二级/三级 links (hyperlinks by default; add 'img', 'script', 'link', 'iframe' to count page resources). */
  linkKinds: z.array(z.enum(['a', 'img', 'script', 'link', 'iframe', 'attachment', 'area', 'form'])).min(1).default(['a', 'area', 'attachment']),
  /** Timeout of one IPv6 request (default: crawl.timeoutMs). */
  timeoutMs: z.number().int().positive().optional(),
});

/** The browser gatherer (issue 5): sampled pages in headless Chromium for axe, 适老化 and Lighthouse. */
export const browserSchema = z.strictObject({
  /** Off with --no-browser: the accessibility, age-friendly and lighthouse audits are then skipped. */
  enabled: z.boolean().default(true),
  /** Chromium/Chrome binary (default: CHROME_PATH, then Chromium's headless shell, then /usr/bin/chromium, chromium-browser, google-chrome). */
  executablePath: z.string().optional(),
  /** Pages open at once in the one browser, each in its own incognito-like context. */
  pool: z.number().int().min(1).max(16).default(3),
  /** Deadline of one page (load, checks, screenshot); a page that hangs fails alone. */
  pageTimeoutMs: z.number().int().positive().default(30000),
  /**
   * After the load event, wait until the page has been quiet this long (no request in flight,
   * no change to the document; at most 5 s) before checking: pop-ups opened by timers, content
   * fetched or written after load. 0: no wait.
   */
  settleMs: z.number().int().min(0).max(30000).default(1000),
  /** sample: homepage, column pages, itemsPerColumn items of each column, 办事指南 pages, `urls`; all: every crawled page. */
  pages: z.enum(['sample', 'all']).default('sample'),
  itemsPerColumn: z.number().int().min(0).default(2),
  /** Cap of the sample (pages: all is not capped). */
  maxPages: z.number().int().positive().default(300),
  /** More pages to open in the browser (absolute, or relative to the start URL). */
  urls: z.array(z.string()).default([]),
  /** A PNG of each page with accessibility violations, beside the report. */
  screenshots: z.boolean().default(true),
  /** Language of axe's rule texts (axe-core locale: zh_CN, zh_TW, en, …). */
  axeLocale: z.string().default('zh_CN'),
  lighthouse: z
    .strictObject({
      /** Off with --no-lighthouse. */
      enabled: z.boolean().default(true),
      /** Key pages Lighthouse runs on besides the homepage (absolute, or relative to the start URL). */
      urls: z.array(z.string()).default([]),
      formFactor: z.enum(['mobile', 'desktop']).default('mobile'),
      timeoutMs: z.number().int().positive().default(90000),
    })
    .default(() => ({ enabled: true, urls: [], formFactor: 'mobile' as const, timeoutMs: 90000 })),
});

export const siteSchema = z.strictObject({
  url: z.url().optional(),
  name: z.string().optional(),
  /** Hosts that count as the same site (the start host is always included). */
  hosts: z.array(z.string()).default([]),
  /** Only paths under these prefixes are crawled (default: all). */
  include: z.array(z.string()).default([]),
  /** Paths or URLs matching these (prefix, or /regex/) are not crawled. */
  exclude: z.array(z.string()).default([]),
});

export const divisionsSchema = z.strictObject({
  /** The division a finding goes to when nothing else matches (the site's 主办 office). */
  default: z.string().default('办公室'),
  /** URL path prefix → responsible division (责任处室). Longest prefix wins. */
  prefixes: z.record(z.string(), z.string()).default({}),
  /** Column name → responsible division. */
  columns: z.record(z.string(), z.string()).default({}),
  /** Divisions that take tickets by hand (转办, handler tokens) without owning a URL prefix or column. */
  others: z.array(z.string().trim().min(1)).default([]),
});

export const auditSettingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  severity: z.enum(SEVERITIES).optional(),
  /** Audit-specific options, validated against the audit's own schema. */
  options: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Where runs and tickets are kept: a postgres:// URL for a store shared by many writers (audits,
 * workers and the server on several machines), or a SQLite file; --db wins. Unset: the SQLite
 * file data/zhaocuo.db.
 */
export const storeSchema = z.strictObject({
  url: z.string().refine((v) => v.trim().length > 0, 'expected a postgres:// URL or a SQLite file path').optional(),
});

export const configSchema = z.strictObject({
  site: siteSchema.default(() => siteSchema.parse({})),
  store: storeSchema.default(() => storeSchema.parse({})),
  crawl: crawlSchema.default(() => crawlSchema.parse({})),
  /** DNS server HOST:PORT used for every name the audit resolves (and for the browser). */
  dnsServer: z.string().regex(/^[^\s:]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/, 'expected HOST:PORT').optional(),
  /** "Today" for freshness rules; default: the real date. */
  today: isoDate.optional(),
  failOn: z.enum(SEVERITIES).default('high'),
  divisions: divisionsSchema.default(() => divisionsSchema.parse({})),
  ipv6: ipv6Schema.default(() => ipv6Schema.parse({})),
  browser: browserSchema.default(() => browserSchema.parse({})),
  audits: z.record(z.string(), auditSettingSchema).default({}),
  /** 找错 tickets: deadline, calendar, audit findings → tickets, import, webhooks. */
  tickets: ticketsSchema.default(() => ticketsSchema.parse({})),
  /** `zhaocuo serve`: address, extension origins, size limits. */
  server: serverSchema.default(() => serverSchema.parse({})),
});

export type Config = z.infer<typeof configSchema>;
export type CrawlConfig = z.infer<typeof crawlSchema>;
export type Ipv6Config = z.infer<typeof ipv6Schema>;
export type BrowserConfig = z.infer<typeof browserSchema>;
export type ConfigInput = z.input<typeof configSchema>;
