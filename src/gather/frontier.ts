/**
 * The crawl's frontier: work found (a page to crawl, a link target to verify) waits here as a
 * small thunk until its origin has room, instead of starting at once.
 *
 * Started at once, every discovered URL was a pending async chain (the crawl's function, the
 * fetcher's follow, the wait for a connection slot: a generator, promises and contexts each,
 * ~1 KB a URL) parked in the fetcher's queue: at 50,000 pages ~170,000 suspended generators,
 * ~150 MB of the crawl's peak heap. A thunk is a closure over what it needs (~100 bytes).
 *
 * Order is unchanged: per origin first in, first out, as the fetcher's own slot queue is; each
 * origin keeps `window` tasks running (more than its connections, so a slot freed is taken at
 * once), so a slow host never holds up another's work.
 */
export class Frontier {
  private readonly queues = new Map<string, (() => void)[]>();
  private readonly running = new Map<string, number>();

  constructor(private readonly window: number) {}

  /** Runs `start` now if its origin has room, else when a task of that origin ends; `start` must call the `done` it is given exactly once. */
  add(url: string, start: (done: () => void) => void): void {
    const origin = originOf(url);
    const n = this.running.get(origin) ?? 0;
    if (n < this.window) {
      this.running.set(origin, n + 1);
      start(() => this.next(origin));
      return;
    }
    let q = this.queues.get(origin);
    if (!q) this.queues.set(origin, (q = []));
    q.push(() => start(() => this.next(origin)));
  }

  /** Tasks waiting (not started), for tests. */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private next(origin: string): void {
    const q = this.queues.get(origin);
    const task = q?.shift();
    if (q && !q.length) this.queues.delete(origin);
    if (task) return task(); // the running count passes to the next task
    const left = (this.running.get(origin) ?? 1) - 1;
    if (left > 0) this.running.set(origin, left);
    else this.running.delete(origin);
  }
}

/** `scheme://host[:port]` of an absolute URL, by string (a normalised href always has a path). */
export function originOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? url : url.slice(0, slash);
}
