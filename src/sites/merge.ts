/**
 * A site's config: the base config (zhaocuo.config.*, all but its `site` part) with the site's overrides merged key by
 * key (objects merge, arrays and values replace), its URL and name, parsed by the site config
 * schema and checked by each audit's own option schema.
 */
import { ALL_AUDITS } from '../../audits/index.ts';
import { auditOptions } from '../audit/run.ts';
import { UsageError } from '../config/errors.ts';
import { parseConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over === undefined ? structuredClone(base) : structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out;
}

/** Throws a UsageError naming `where` (e.g. sites[3]) when the merged config or an audit option is invalid. */
export function siteConfig(base: Config, site: { url: string; name: string; config: Record<string, unknown> }, where = 'site'): Config {
  // The base config's `site` (hosts, include, exclude) describes another site: never inherited.
  const { site: _baseSite, ...rest } = base;
  void _baseSite;
  const merged = deepMerge(rest, { ...site.config, site: { ...((site.config.site as object) ?? {}), url: site.url, name: site.name } }) as Record<string, unknown>;
  try {
    const config = parseConfig(merged, `${where}.config`);
    auditOptions(config, ALL_AUDITS, ALL_AUDITS);
    return config;
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${where}（${site.name} ${site.url}）的配置有误（config is invalid）: ${err.message}`);
    throw err;
  }
}
