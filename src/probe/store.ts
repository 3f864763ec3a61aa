/** Stored homepage probes (table `probes`): written by `zhaocuo probe`, read by the audit run. */
import type { Store } from '../store/store.ts';
import { batches } from '../store/store.ts';
import type { ProbeResult } from './fetch.ts';
import type { AvailabilityArtifact, StoredProbe } from './rule.ts';

export function insertProbe(db: Store, p: ProbeResult): void {
  db.run(
    db.q.insertInto('probes').values({
      origin: new URL(p.url).origin, url: p.url, at: p.at, family: p.family, address: p.address ?? null, status: p.status || null, load_ms: p.loadMs, error: p.error ?? null,
    }),
  );
}

export function insertProbes(db: Store, probes: readonly (StoredProbe & { origin?: string; address?: string })[]): void {
  const rows = probes.map((p) => ({
    origin: p.origin ?? new URL(p.url).origin, url: p.url, at: p.at, family: p.family, address: p.address ?? null, status: p.status || null, load_ms: p.loadMs, error: p.error ?? null,
  }));
  db.tx(() => {
    for (const b of batches(rows, 8)) db.run(db.q.insertInto('probes').values(b));
  });
}

/** Probes of any of the origins with since ≤ at < until (ISO times), oldest first. */
export function loadProbes(db: Store, origins: readonly string[], since: string, until: string): StoredProbe[] {
  const list = [...new Set(origins)];
  if (!list.length) return [];
  const rows = db.all(db.q.selectFrom('probes').select(['url', 'at', 'family', 'status', 'load_ms', 'error']).where('origin', 'in', list).where('at', '>=', since).where('at', '<', until).orderBy('at').orderBy('id'));
  return rows.map((r) => ({ url: r.url, at: r.at, family: r.family as 4 | 6, status: r.status, loadMs: r.load_ms, ...(r.error ? { error: r.error } : {}) }));
}

/** The availability artifact of an audit run: the last `days` of probes up to `until`. */
export function loadAvailability(db: Store, origins: readonly string[], until: Date, days = 7): AvailabilityArtifact {
  const since = new Date(until.getTime() - days * 86_400_000).toISOString();
  const u = until.toISOString();
  return { origins: [...new Set(origins)], since, until: u, probes: loadProbes(db, origins, since, u) };
}
