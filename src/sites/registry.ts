/**
 * The sites registry in the store: which sites are audited on a schedule, with their name,
 * 主办单位, tags, schedule and config overrides. A registered site is a row of `sites` (the
 * origin its runs are kept under) plus its row in `site_registry`; removing it keeps its runs.
 */
import { UsageError } from '../config/errors.ts';
import { bytewise, excludedAll, type Store } from '../store/store.ts';
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


function toSite(row: Record<string, unknown>): RegisteredSite {
  const { tagsJson, configJson, enabled, ...rest } = row;
  const s = rest as unknown as RegisteredSite;
  return { ...s, effectiveSchedule: effectiveSchedule(s), tags: JSON.parse(String(tagsJson)), config: JSON.parse(String(configJson)), enabled: Boolean(enabled) };
}

export const originOf = (url: string) => new URL(url).origin;

/** Adds or replaces the entries, in one transaction. */
export function upsertSites(db: Store, entries: SiteEntry[], now = new Date()): { added: number; updated: number } {
  const at = now.toISOString();
  let added = 0;
  let updated = 0;
  db.tx(() => {
    for (const e of entries) {
      const siteId = ensureSite(db, originOf(e.url), e.name);
      db.run(db.q.updateTable('sites').set({ name: e.name }).where('id', '=', siteId));
      if (db.get(db.q.selectFrom('site_registry').select('site_id').where('site_id', '=', siteId))) updated++;
      else added++;
      db.run(
        db.q
          .insertInto('site_registry')
          .values({
            site_id: siteId, start_url: e.url, name: e.name, sponsor: e.sponsor ?? null, schedule: e.schedule?.trim() || null, tags_json: JSON.stringify(e.tags),
            config_json: JSON.stringify(e.config), enabled: e.enabled ? 1 : 0, added_at: at, updated_at: at,
          })
          .onConflict((oc) =>
            oc.column('site_id').doUpdateSet(excludedAll(['start_url', 'name', 'sponsor', 'schedule', 'tags_json', 'config_json', 'enabled', 'updated_at'])),
          ),
      );
    }
  }, { exclusive: true });
  return { added, updated };
}

export function listRegistered(db: Store, o: { tag?: string; enabledOnly?: boolean } = {}): RegisteredSite[] {
  const rows = db.all(
    db.q
      .selectFrom('site_registry as r')
      .innerJoin('sites as s', 's.id', 'r.site_id')
      .select([
        'r.site_id as siteId', 's.origin', 'r.start_url as url', 'r.name', 'r.sponsor', 'r.schedule', 'r.tags_json as tagsJson', 'r.config_json as configJson',
        'r.enabled', 'r.added_at as addedAt', 'r.updated_at as updatedAt',
      ])
      .orderBy(bytewise(db, 'r.name'))
      .orderBy(bytewise(db, 's.origin')),
  ).map(toSite);
  return rows.filter((s) => (!o.enabledOnly || s.enabled) && (!o.tag || hasTag(s.tags, o.tag)));
}

/** A tag filter matches any tag value exactly (福建省, 福州市, 海洋与渔业局). */
export function hasTag(tags: Tags, value: string): boolean {
  return Object.values(tags).some((v) => v === value.trim());
}

/** The registered site a key names: its origin or start URL, or its exact name. */
export function findRegistered(db: Store, key: string): RegisteredSite | undefined {
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
export function removeRegistered(db: Store, key: string): RegisteredSite {
  const s = findRegistered(db, key);
  if (!s) throw new UsageError(`没有登记网站“${key}”，zhaocuo sites list 列出已登记的网站（no such registered site）`);
  db.tx(() => {
    db.run(db.q.deleteFrom('site_registry').where('site_id', '=', s.siteId));
    db.run(db.q.deleteFrom('site_schedule').where('site_id', '=', s.siteId));
  });
  return s;
}
