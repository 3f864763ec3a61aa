/**
 * The site config (zhaocuo.config.{json,yaml,ts}). Strict: an unknown key is an error that
 * names the key, so a typo never silently does nothing.
 */
import { z } from 'zod';
import { SEVERITIES } from '../audit/types.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const crawlSchema = z.strictObject({
  maxPages: z.number().int().positive().default(20000),
  /** Link depth limit; homepage is depth 1. */
  maxDepth: z.number().int().positive().default(10),
  /** Requests in flight in total. */
  concurrency: z.number().int().positive().max(256).default(16),
  /** Requests in flight per host: politeness towards one server. */
  perHost: z.number().int().positive().max(256).default(8),
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
  /** Verify links to other sites. */
  checkExternal: z.boolean().default(true),
  userAgent: z.string().default('zhaocuo/0.1 (+government website audit)'),
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
});

export const auditSettingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  severity: z.enum(SEVERITIES).optional(),
  /** Audit-specific options, validated against the audit's own schema. */
  options: z.record(z.string(), z.unknown()).default({}),
});

export const configSchema = z.strictObject({
  site: siteSchema.default(() => siteSchema.parse({})),
  crawl: crawlSchema.default(() => crawlSchema.parse({})),
  /** DNS server HOST:PORT used for every name the audit resolves (and for the browser). */
  dnsServer: z.string().regex(/^[^\s:]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/, 'expected HOST:PORT').optional(),
  /** "Today" for freshness rules; default: the real date. */
  today: isoDate.optional(),
  failOn: z.enum(SEVERITIES).default('high'),
  divisions: divisionsSchema.default(() => divisionsSchema.parse({})),
  audits: z.record(z.string(), auditSettingSchema).default({}),
});

export type Config = z.infer<typeof configSchema>;
export type CrawlConfig = z.infer<typeof crawlSchema>;
export type ConfigInput = z.input<typeof configSchema>;
