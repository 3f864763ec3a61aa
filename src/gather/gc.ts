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

let gc: (() => void) | undefined | null = null;

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
}

/** What the heap may grow past the last live set before collectIfGrown() collects. */
const SLACK_BYTES = 48 * 1024 * 1024;
let liveAfterLast = 0;

/** A full collection when the heap has grown SLACK_BYTES past the live set of the last one (cheap to call per page). */
export function collectIfGrown(): void {
  if (v8.getHeapStatistics().used_heap_size < liveAfterLast + SLACK_BYTES) return;
  collectGarbage();
  liveAfterLast = v8.getHeapStatistics().used_heap_size;
}
