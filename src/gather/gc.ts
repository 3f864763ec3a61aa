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

/** What the heap may grow past the last live set before collectIfGrown() collects. */
const SLACK_BYTES = 48 * 1024 * 1024;
/** The heap in use right after the last full collection, whoever asked for it. */
let liveAfterLast = 0;

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
  liveAfterLast = v8.getHeapStatistics().used_heap_size;
}

/** A full collection when the heap has grown SLACK_BYTES past the live set of the last one (cheap to call per page). */
export function collectIfGrown(): void {
  if (v8.getHeapStatistics().used_heap_size >= liveAfterLast + SLACK_BYTES) collectGarbage();
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
