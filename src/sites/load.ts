/**
 * Reads and checks a sites file (YAML or JSON) or one entry from `sites add`: every problem of
 * the file is listed at once, each naming its key (sites[2].schedule, sites[0].config.crawl.x),
 * before anything is stored; each site's config is checked merged onto the base config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import YAML from 'yaml';
import { UsageError } from '../config/errors.ts';
import type { Config } from '../config/schema.ts';
import { invalid, keyPath, zodLines } from './errors.ts';
import { deepMerge, siteConfig } from './merge.ts';
import { originOf } from './registry.ts';
import { entrySchema, sitesFileSchema, type Override, type SiteEntry, type Tags } from './schema.ts';

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

export function readSitesFile(path: string): unknown {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`找不到网站清单文件 ${file}（sites file not found）`);
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) throw new UsageError(`网站清单 ${file} 应为 .yaml 或 .json 文件（use .yaml or .json）`);
  try {
    const text = readFileSync(file, 'utf8');
    return ext === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new UsageError(`无法读取网站清单 ${file}：${(err as Error).message}（cannot read the sites file）`);
  }
}

function entryOf(raw: Raw, defaults: Raw): SiteEntry {
  return {
    url: String(raw.url).trim(),
    name: String(raw.name).trim(),
    ...(raw.sponsor ? { sponsor: String(raw.sponsor).trim() } : {}),
    ...(typeof raw.schedule === 'string' && raw.schedule.trim() ? { schedule: raw.schedule.trim().replace(/\s+/g, ' ') } : {}),
    tags: { ...(obj(defaults.tags) as Tags), ...(obj(raw.tags) as Tags) },
    // The raw values, not the parsed ones: a parsed override would carry every default and hide the base config.
    config: deepMerge(obj(defaults.config), obj(raw.config)) as Override,
    enabled: raw.enabled === undefined ? defaults.enabled !== false : raw.enabled !== false,
  };
}

/** The checked entries of a sites file's content; `where` names the file in messages. */
export function parseSitesFile(raw: unknown, base: Config, where = 'sites.yaml'): SiteEntry[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(invalid(where, ['  (顶层): 应为含 sites: 列表的对象（expected an object with a sites: list）']));
  const rawSites = Array.isArray((raw as Raw).sites) ? ((raw as Raw).sites as unknown[]) : [];
  const label = (path: readonly PropertyKey[]) => {
    if (path[0] !== 'sites' || typeof path[1] !== 'number') return '';
    const s = obj(rawSites[path[1]]);
    return s.name || s.url ? `（${String(s.name ?? s.url)}）` : '';
  };
  const res = sitesFileSchema.safeParse(raw);
  if (!res.success) throw new UsageError(invalid(where, zodLines(res.error, [], label)));
  const defaults = obj((raw as Raw).defaults);
  const entries = rawSites.map((s) => entryOf(obj(s), defaults));
  const lines: string[] = [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const o = originOf(e.url);
    const first = seen.get(o);
    if (first !== undefined) lines.push(`  ${keyPath(['sites', i, 'url'])}（${e.name}）: 与 sites[${first}] 是同一网站 ${o}，每个网站只登记一次（same site as sites[${first}]）`);
    else seen.set(o, i);
    try {
      siteConfig(base, e, keyPath(['sites', i]));
    } catch (err) {
      lines.push(`  ${(err as Error).message.replace(/\n/g, '\n  ')}`);
    }
  });
  if (lines.length) throw new UsageError(invalid(where, lines));
  return entries;
}

export function loadSitesFile(path: string, base: Config): SiteEntry[] {
  return parseSitesFile(readSitesFile(path), base, path);
}

/** One entry from `sites add` flags, checked like a file's entry. */
export function parseEntry(raw: Raw, base: Config): SiteEntry {
  const res = entrySchema.safeParse(raw);
  if (!res.success) throw new UsageError(invalid('zhaocuo sites add', zodLines(res.error)));
  const e = entryOf(raw, {});
  siteConfig(base, e, 'zhaocuo sites add');
  return e;
}
