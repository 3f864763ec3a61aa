/**
 * report.json — the public contract other tools read. Defined once here in zod; the JSON
 * Schema in schema/report.schema.json is generated from it (`npm run schema`) and a test
 * checks the two agree and that a real report validates.
 */
import { z } from 'zod';
import { SEVERITIES } from '../audit/types.ts';

export const REPORT_SCHEMA_VERSION = 1;

const severity = z.enum(SEVERITIES);
const ruleRef = z.object({
  source: z.enum(['guideline', 'inspection', 'regulation', 'seed', 'standard']),
  doc: z.string(),
  item: z.string().optional(),
  unconfirmed: z.boolean().optional(),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('zhaocuo'), version: z.string() }),
  site: z.object({ url: z.string(), origin: z.string(), host: z.string(), name: z.string().optional() }),
  run: z.object({ id: z.number().int().nullable(), today: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  summary: z.object({
    pages: z.number().int(),
    links: z.number().int(),
    broken: z.number().int(),
    blocked: z.number().int(),
    skipped: z.number().int(),
    requests: z.number().int(),
    /** Body bytes received by the crawl (compressed, as sent). */
    bytes: z.number().int().optional(),
    durationMs: z.number().int(),
    /** A re-audit's reuse of the pages stored by earlier runs: 304s, unchanged bodies, changed and new pages. */
    incremental: z.object({ notModified: z.number().int(), sameContent: z.number().int(), changed: z.number().int(), fresh: z.number().int() }).optional(),
    pagesByDepth: z.record(z.string(), z.number().int()),
    findings: z.record(severity, z.number().int()),
    findingsTotal: z.number().int(),
  }),
  pages: z.array(z.object({
    url: z.string(),
    finalUrl: z.string().optional(),
    status: z.number().int(),
    depth: z.number().int().nullable(),
    title: z.string(),
    charset: z.string(),
    fromSitemap: z.boolean().optional(),
    /** The page's publish date (YYYY-MM-DD) when it shows one. */
    publishedAt: z.string().optional(),
    error: z.string().optional().describe('Why only part of the page was read and audited (over the size cap, decompressed over the cap, too many elements)'),
  })),
  /**
   * Every link entry of the run: each target URL once; each navigating link to page#fragment
   * as its own entry (url with the fragment); each skipped (mailto:, tel:, data:, javascript:,
   * form actions) or malformed href as written, with its reason.
   */
  links: z.array(z.object({
    url: z.string().describe('Absolute URL (with #fragment on a fragment entry), or the href as written when it is skipped or malformed'),
    /** Every page (or same-site stylesheet) that links here, shallowest page first, then by URL: never shortened. */
    from: z.array(z.string()).describe('Every page or same-site stylesheet that links here (complete)'),
    fromCount: z.number().int().describe('from.length'),
    status: z.number().int().nullable(),
    state: z.enum(['ok', 'broken', 'blocked', 'skipped']),
    error: z.string().optional().describe('Why it is broken, blocked or skipped'),
    note: z.string().optional().describe('What to know about an ok entry (a fragment that could not be checked …)'),
    internal: z.boolean(),
    kind: z.string().describe('How the first page that links here refers to it: a, area, attachment, img, source, video, audio, poster, track, object, embed, iframe, input-image, stylesheet, link, script, form, refresh, css'),
    kinds: z.array(z.string()).describe('Every way pages refer to it'),
    fragment: z.string().optional().describe('On a fragment entry: the fragment (decoded)'),
    base: z.string().optional().describe('On a fragment entry: the URL without the fragment'),
    redirects: z.array(z.string()).optional(),
    finalUrl: z.string().optional(),
  })),
  /** Crawl limits that were reached (a crawler trap, the page budget): what stopped, where, how many URLs it kept out. */
  crawlLimits: z.array(z.object({
    limit: z.enum(['maxPagesPerPattern', 'maxQueryVariants', 'maxDepth', 'maxPages']),
    value: z.number().int(),
    pattern: z.string().optional().describe('The URL pattern (numbers, dates, ids blanked as {n} / {hash}) or path that hit it'),
    skipped: z.number().int().describe('URLs not crawled because of it'),
    example: z.string().describe('The first URL it kept out'),
    message: z.string(),
  })).optional(),
  findings: z.array(z.object({
    id: z.string(),
    audit: z.string(),
    rule: z.string(),
    severity,
    url: z.string(),
    message: z.string(),
    fingerprint: z.string(),
    refs: z.array(ruleRef).min(1),
    division: z.string().nullable(),
    evidence: z.record(z.string(), z.unknown()),
    deduction: z.number().optional(),
  })),
  audits: z.array(z.object({
    id: z.string(),
    title: z.object({ zh: z.string(), en: z.string() }),
    status: z.enum(['ran', 'skipped', 'failed']),
    reason: z.string().optional(),
    findings: z.number().int(),
    refs: z.array(ruleRef),
    data: z.unknown().optional(),
  })),
  ipv6: z.unknown().optional(),
});

export type Report = z.infer<typeof reportSchema>;

export function reportJsonSchema(): object {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12' });
}
