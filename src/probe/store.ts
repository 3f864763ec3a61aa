/** Stored homepage probes (table `probes`): written by `zhaocuo probe`, read by the audit run. */
import type { DB } from '../store/db.ts';
import type { ProbeResult } from './fetch.ts';
import type { AvailabilityArtifact, StoredProbe } from './rule.ts';

export function insertProbe(db: DB, p: ProbeResult): void {
  db.prepare('INSERT INTO probes (origin, url, at, family, address, status, load_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    new URL(p.url).origin,
    p.url,
    p.at,
    p.family,
    p.address ?? null,
    p.status || null,
    p.loadMs,
    p.error ?? null,
  );
}

export function insertProbes(db: DB, probes: readonly (StoredProbe & { origin?: string; address?: string })[]): void {
  const stmt = db.prepare('INSERT INTO probes (origin, url, at, family, address, status, load_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const p of probes) stmt.run(p.origin ?? new URL(p.url).origin, p.url, p.at, p.family, p.address ?? null, p.status || null, p.loadMs, p.error ?? null);
  }).immediate();
}

/** Probes of any of the origins with since ≤ at < until (ISO times), oldest first. */
export function loadProbes(db: DB, origins: readonly string[], since: string, until: string): StoredProbe[] {
  const list = [...new Set(origins)];
  if (!list.length) return [];
  const rows = db
    .prepare(`SELECT url, at, family, status, load_ms, error FROM probes WHERE origin IN (${list.map(() => '?').join(', ')}) AND at >= ? AND at < ? ORDER BY at, id`)
    .all(...list, since, until) as { url: string; at: string; family: 4 | 6; status: number | null; load_ms: number | null; error: string | null }[];
  return rows.map((r) => ({ url: r.url, at: r.at, family: r.family, status: r.status, loadMs: r.load_ms, ...(r.error ? { error: r.error } : {}) }));
}

/** The availability artifact of an audit run: the last `days` of probes up to `until`. */
export function loadAvailability(db: DB, origins: readonly string[], until: Date, days = 7): AvailabilityArtifact {
  const since = new Date(until.getTime() - days * 86_400_000).toISOString();
  const u = until.toISOString();
  return { origins: [...new Set(origins)], since, until: u, probes: loadProbes(db, origins, since, u) };
}
