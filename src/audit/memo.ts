/**
 * What several audits of one run derive from the same artifacts (columns' site index: inbound
 * links, chrome lines, list signatures), built once per run and let go when the run's audits
 * are done. A cache that lived as long as the artifacts held a second copy of the site's link
 * graph and text lines through storing and the report (~4 KB a page: ~200 MB at 50,000 pages).
 */
import type { Artifacts } from '../gather/artifacts.ts';

const memos = new WeakMap<Artifacts, Map<string, unknown>>();

/** `build(artifacts)` once per artifacts and key until releaseMemos(artifacts). */
export function memo<T>(artifacts: Artifacts, key: string, build: () => T): T {
  let m = memos.get(artifacts);
  if (!m) memos.set(artifacts, (m = new Map()));
  if (m.has(key)) return m.get(key) as T;
  const v = build();
  m.set(key, v);
  return v;
}

/** Called when runAudits is done with the artifacts. */
export function releaseMemos(artifacts: Artifacts): void {
  memos.delete(artifacts);
}
