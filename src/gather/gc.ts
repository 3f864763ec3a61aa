/**
 * Full garbage collections at quiet points of a long crawl. Parsing 10,000 pages makes
 * gigabytes of short-lived garbage; with 32 pages in flight much of it outlives the young
 * generation, and V8 lets the old heap grow to a multiple of the live set before it collects
 * (and does not give the pages back). Collecting whenever the heap has grown a fixed slack past
 * the last live set keeps the peak near the live set at any site size, without a fixed heap
 * limit that a larger site would hit.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { appendFileSync } from 'node:fs';

let gc: (() => void) | undefined | null = null;

/**
 * How far V8 lets the old heap grow past the live set before its next full collection, in
 * percent. Left to itself it picks a factor of 1.5–4 from its GC and mutator speeds: after a
 * 150 MB live set, one audit's loop over 50,000 pages let 200 MB of promoted garbage pile up
 * (peak 632 MB RSS). 25 % keeps each heap near its live set at any site size, for more, shorter
 * full collections (measured in npm run bench -- --only size).
 */
const HEAP_GROWING_PERCENT = 25;

/** Caps the old heap's growth (see HEAP_GROWING_PERCENT) for this process: called once by a run before it crawls. */
export function keepHeapNearLiveSet(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * Past this many pages a run prefers memory to speed (ZHAOCUO_MEMORY_FIRST_PAGES changes it; 0: from
 * the first page). V8 keeps the old heap's emptied pages after a full collection, so past ~20,000
 * pages the heap V8 holds is ~100 MB over what it uses (50,000 pages: 321 MB held, 210 used, as the
 * crawl ends). Under --optimize-for-size each full collection reduces memory: it compacts the old
 * heap and gives those pages back. 50,000 pages (npm run bench -- --only size, one after the
 * other): 475 MB in 208 s without it; 402 MB in 221 s from 20,000 pages on; 405 MB in 262 s from
 * the first page on — which is why it waits for a large site.
 */
export function memoryFirstPages(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.ZHAOCUO_MEMORY_FIRST_PAGES);
  return env.ZHAOCUO_MEMORY_FIRST_PAGES && Number.isInteger(n) && n >= 0 ? n : 20_000;
}

let memoryFirstRuns = 0;

/**
 * Turns V8's --optimize-for-size on for this process while any large run is in it (a worker audits
 * several sites at once; memory is the process's), and off when the last one ends: the returned
 * function, safe to call twice. V8 reads the flag as it plans each collection (measured: from that
 * page on, the heap it holds follows what it uses), so it can change while the process runs.
 */
export function enterMemoryFirst(): () => void {
  if (memoryFirstRuns++ === 0) v8.setFlagsFromString('--optimize-for-size');
  memMark('memory first');
  let left = false;
  return () => {
    if (left) return;
    left = true;
    if (--memoryFirstRuns === 0) v8.setFlagsFromString('--no-optimize-for-size');
  };
}

/** How many runs of this process are in memory-first mode now (for tests). */
export function memoryFirstRunsNow(): number {
  return memoryFirstRuns;
}

/** What the heap may grow past the last live set before collectIfGrown() collects. */
const SLACK_BYTES = 48 * 1024 * 1024;
/** The heap in use right after the last full collection, whoever asked for it (with the Buffers it holds outside it). */
let liveAfterLast = 0;

/** The JS heap in use and the external memory (Buffers) its objects hold: garbage Buffers go only with their JS objects. */
function inUse(): number {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

export function collectGarbage(): void {
  if (gc === null) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
  liveAfterLast = inUse();
}

/** A full collection when the heap and its Buffers have grown SLACK_BYTES past the live set of the last one (cheap to call per page). */
export function collectIfGrown(): void {
  if (inUse() >= liveAfterLast + SLACK_BYTES) collectGarbage();
}

/**
 * Memory at phases of a run, for measuring (npm run bench -- --only size): with
 * ZHAOCUO_MEM_TRACE=<file>, one line per mark (RSS, heap used, heap total, MB) is appended there.
 */
export function memMark(phase: string): void {
  // And a heap snapshot at one mark: ZHAOCUO_HEAP_SNAPSHOT=<file>, ZHAOCUO_HEAP_SNAPSHOT_AT=<phase>.
  if (process.env.ZHAOCUO_HEAP_SNAPSHOT && process.env.ZHAOCUO_HEAP_SNAPSHOT_AT === phase) v8.writeHeapSnapshot(process.env.ZHAOCUO_HEAP_SNAPSHOT);
  const file = process.env.ZHAOCUO_MEM_TRACE;
  if (!file) return;
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  appendFileSync(file, `${new Date().toISOString()} ${phase} rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} peak=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
}
