/**
 * Per-host spacing of requests (crawl.hostIntervalMs): at least that long between two requests
 * to one host, counted from send to send. A pacer grants the turn; the caller calls the
 * returned `sent()` the moment the request goes out, and the next turn of that host starts
 * `interval` after that moment. In one process the LocalPacer does it; workers of a fleet share
 * a RedisPacer (src/distributed/redis-pacer.ts), so the spacing holds across machines.
 */
export interface HostPacer {
  /** Resolves when a request to `host` may be sent; call the result right as it is sent (idempotent). */
  turn(host: string, intervalMs: number): Promise<() => void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Turns of one host taken one at a time in this process (first come, first served). */
export class HostQueue {
  private readonly tail = new Map<string, Promise<void>>();

  /** Resolves when it is this caller's turn at `host`; call the result to pass the turn on. */
  async enter(host: string): Promise<() => void> {
    const before = this.tail.get(host) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = before.then(() => mine);
    this.tail.set(host, chained);
    await before;
    return () => {
      if (this.tail.get(host) === chained) this.tail.delete(host);
      release();
    };
  }
}

/** One turn per host at a time, then the interval from its send. */
export class LocalPacer implements HostPacer {
  private readonly next = new Map<string, number>();
  private readonly queue = new HostQueue();

  async turn(host: string, intervalMs: number): Promise<() => void> {
    const leave = await this.queue.enter(host);
    const wait = (this.next.get(host) ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.next.set(host, Date.now() + intervalMs);
      leave();
    };
  }
}

/** The pacer of this process's plain runs (zhaocuo audit, schedule): audits at once share it. */
export const processPacer = new LocalPacer();
