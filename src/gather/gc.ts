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
