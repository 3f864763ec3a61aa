/**
 * The sites file (`zhaocuo sites import sites.yaml`) and one registered site. Strict like the
 * site config: an unknown key or a bad value is an error naming its key. A site's `config`
 * overrides the base config (zhaocuo.config.*) for that site only, with the site config's own
 * schemas (src/config/schema.ts); ticket and server settings stay global.
 */
import { z } from 'zod';
import { configSchema, siteSchema } from '../config/schema.ts';
import { parseCron } from './cron.ts';

export const TAG_KEYS = ['province', 'city', 'county', 'department'] as const;
export type TagKey = (typeof TAG_KEYS)[number];
export const TAG_ZH: Record<TagKey, string> = { province: '省份', city: '地市', county: '区县', department: '部门' };

const tagValue = z.string().trim().min(1, '标签不能为空（empty tag）').max(60);
export const tagsSchema = z.strictObject({ province: tagValue.optional(), city: tagValue.optional(), county: tagValue.optional(), department: tagValue.optional() });
export type Tags = z.infer<typeof tagsSchema>;

const shape = configSchema.shape;
/** What a site may override: scope, limits, divisions, audits (and their options), IPv6, browser, failOn, DNS. */
export const overrideSchema = z.strictObject({
  site: siteSchema.omit({ url: true, name: true }).partial().optional(),
  crawl: shape.crawl.optional(),
  dnsServer: shape.dnsServer,
  failOn: shape.failOn.optional(),
  divisions: shape.divisions.optional(),
  ipv6: shape.ipv6.optional(),
  browser: shape.browser.optional(),
  audits: shape.audits.optional(),
});
export type Override = Record<string, unknown>;

export const cronSchema = z.string().superRefine((v, ctx) => {
  try {
    parseCron(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const startUrl = z.string().superRefine((v, ctx) => {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    /* below */
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) ctx.addIssue({ code: 'custom', message: `不是 http(s) 网址：${JSON.stringify(v)}，应写作 https://www.example.gov.cn/（expected an http or https URL）` });
});

export const entrySchema = z.strictObject({
  url: startUrl,
  name: z.string().trim().min(1, '请填写网站名称（name is required）'),
  /** 主办单位 */
  sponsor: z.string().trim().min(1).optional(),
  /** Cron line, Beijing time; absent: the site's default nightly slot. */
  schedule: cronSchema.optional(),
  tags: tagsSchema.optional(),
  config: overrideSchema.optional(),
  /** false: kept in the registry, not scheduled. */
  enabled: z.boolean().optional(),
});
export type SiteEntry = { url: string; name: string; sponsor?: string; schedule?: string; tags: Tags; config: Override; enabled: boolean };

export const sitesFileSchema = z.strictObject({
  /** Under every site's own values: config (merged key by key) and tags. */
  defaults: z.strictObject({ config: overrideSchema.optional(), tags: tagsSchema.optional(), enabled: z.boolean().optional() }).optional(),
  sites: z.array(entrySchema).min(1, '至少登记一个网站（sites: needs at least one site）'),
});
