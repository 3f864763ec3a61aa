/**
 * The sites registry in the store: which sites are audited on a schedule, with their name,
 * 主办单位, tags, schedule and config overrides. A registered site is a row of `sites` (the
 * origin its runs are kept under) plus its row in `site_registry`; removing it keeps its runs.
 */
import { UsageError } from '../config/errors.ts';
import type { DB } from '../store/db.ts';
import { ensureSite } from '../store/runs.ts';
import { effectiveSchedule } from './cron.ts';
import type { Override, SiteEntry, Tags } from './schema.ts';

export interface RegisteredSite {
  siteId: number;
  origin: string;
  url: string;
  name: string;
  sponsor: string | null;
  /** The site's own cron line; null = the default nightly slot. */
  schedule: string | null;
  /** What it runs on: its own line or the default slot. */
  effectiveSchedule: string;
  tags: Tags;
  config: Override;
  enabled: boolean;
  addedAt: string;
  updatedAt: string;
}

const COLS = `r.site_id AS siteId, s.origin, r.start_url AS url, r.name, r.sponsor, r.schedule, r.tags_json AS tagsJson, r.config_json AS configJson,
  r.enabled, r.added_at AS addedAt, r.updated_at AS updatedAt`;

function toSite(row: Record<string, unknown>): RegisteredSite {
  const { tagsJson, configJson, enabled, ...rest } = row;
  const s = rest as unknown as RegisteredSite;
  return { ...s, effectiveSchedule: effectiveSchedule(s), tags: JSON.parse(String(tagsJson)), config: JSON.parse(String(configJson)), enabled: Boolean(enabled) };
}

export const originOf = (url: string) => new URL(url).origin;

/** Adds or replaces the entries, in one transaction. */
export function upsertSites(db: DB, entries: SiteEntry[], now = new Date()): { added: number; updated: number } {
  const at = now.toISOString();
  let added = 0;
  let updated = 0;
  const up = db.prepare(
    `INSERT INTO site_registry (site_id, start_url, name, sponsor, schedule, tags_json, config_json, enabled, added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT(site_id) DO UPDATE SET start_url = excluded.start_url, name = excluded.name, sponsor = excluded.sponsor, schedule = excluded.schedule,
       tags_json = excluded.tags_json, config_json = excluded.config_json, enabled = excluded.enabled, updated_at = excluded.updated_at`,
  );
  const exists = db.prepare('SELECT 1 FROM site_registry WHERE site_id = ?');
  db.transaction(() => {
    for (const e of entries) {
      const siteId = ensureSite(db, originOf(e.url), e.name);
      db.prepare('UPDATE sites SET name = ? WHERE id = ?').run(e.name, siteId);
      if (exists.get(siteId)) updated++;
      else added++;
      up.run(siteId, e.url, e.name, e.sponsor ?? null, e.schedule?.trim() || null, JSON.stringify(e.tags), JSON.stringify(e.config), e.enabled ? 1 : 0, at, at);
    }
  }).immediate();
  return { added, updated };
}

export function listRegistered(db: DB, o: { tag?: string; enabledOnly?: boolean } = {}): RegisteredSite[] {
  const rows = (db.prepare(`SELECT ${COLS} FROM site_registry r JOIN sites s ON s.id = r.site_id ORDER BY r.name, s.origin`).all() as Record<string, unknown>[]).map(toSite);
  return rows.filter((s) => (!o.enabledOnly || s.enabled) && (!o.tag || hasTag(s.tags, o.tag)));
}

/** A tag filter matches any tag value exactly (福建省, 福州市, 海洋与渔业局). */
export function hasTag(tags: Tags, value: string): boolean {
  return Object.values(tags).some((v) => v === value.trim());
}

/** The registered site a key names: its origin or start URL, or its exact name. */
export function findRegistered(db: DB, key: string): RegisteredSite | undefined {
  const all = listRegistered(db);
  let origin: string | undefined;
  try {
    if (/^https?:\/\//i.test(key)) origin = originOf(key);
  } catch {
    /* a name */
  }
  const hits = all.filter((s) => (origin ? s.origin === origin : s.name === key.trim()));
  if (hits.length > 1) throw new UsageError(`“${key}”对应 ${hits.length} 个网站，请写网址（${hits.map((h) => h.origin).join('、')}）（matches several sites; give the URL）`);
  return hits[0];
}

/** Takes the site out of the registry (its runs and tickets stay). */
export function removeRegistered(db: DB, key: string): RegisteredSite {
  const s = findRegistered(db, key);
  if (!s) throw new UsageError(`没有登记网站“${key}”，zhaocuo sites list 列出已登记的网站（no such registered site）`);
  db.transaction(() => {
    db.prepare('DELETE FROM site_registry WHERE site_id = ?').run(s.siteId);
    db.prepare('DELETE FROM site_schedule WHERE site_id = ?').run(s.siteId);
  }).immediate();
  return s;
}
