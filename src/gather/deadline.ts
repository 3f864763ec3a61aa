/**
 * Request deadlines that count the server's time, not ours. A crawl parses pages on the same
 * thread that reads the answers: while an 8 MB page is parsed (a second or two; more on a loaded
 * machine) no answer is read, and a deadline counted on the wall clock would end requests whose
 * server answered on time but was not listened to. A Deadline fires once `ms` have passed in
 * which this process was able to listen: the time its event loop was blocked (measured by a
 * ticking timer's lateness, while any deadline is pending) is added on. A server that stalls
 * still ends at its deadline, later only by what the process itself spent elsewhere.
 */

const TICK_MS = 100;
/** Lateness of the tick under this is noise (scheduling on a loaded machine), not blocking. */
const SLACK_MS = 100;

let blocked = 0;
let last = 0;
let timer: NodeJS.Timeout | undefined;
let pending = 0;

const tick = () => {
  const now = performance.now();
  const late = now - last - TICK_MS;
  if (late > SLACK_MS) blocked += late;
  last = now;
};

/** Milliseconds the event loop has been blocked so far (while deadlines were pending), including a block going on now. */
export function blockedMs(): number {
  if (!timer) return blocked;
  const late = performance.now() - last - TICK_MS;
  return blocked + (late > SLACK_MS ? late : 0);
}

function watch(): void {
  if (pending++ === 0) {
    last = performance.now();
    timer = setInterval(tick, TICK_MS).unref();
  }
}

function unwatch(): void {
  if (--pending === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/**
 * A request's deadline, and the signal undici is given for it. It is its own signal (undici asks
 * of one only `aborted`, `reason` and add/removeEventListener('abort')): an AbortController per
 * request made an AbortSignal, an event target and its listener list on every request (~28,000 on
 * a 10,000-page re-audit), and only the few that time out need an abort.
 */
export class Deadline {
  private readonly started = performance.now();
  /** Read by undici: whether the deadline has passed, and the error it ended the request with. */
  aborted = false;
  reason: unknown = undefined;
  private listeners?: (() => void)[];
  private readonly blockedAtStart: number;
  private timer?: NodeJS.Timeout;
  private done = false;

  constructor(private readonly ms: number) {
    watch();
    this.blockedAtStart = blockedMs();
    this.arm(ms);
  }

  /** Aborted with a TimeoutError once the deadline has passed (this object, as the AbortSignal undici takes). */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  addEventListener(type: string, fn: () => void): void {
    if (type === 'abort') (this.listeners ??= []).push(fn);
  }

  removeEventListener(type: string, fn: () => void): void {
    const i = type === 'abort' && this.listeners ? this.listeners.indexOf(fn) : -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  /** The time counted against the deadline so far: wall time less the time this process was blocked. */
  used(): number {
    return performance.now() - this.started - (blockedMs() - this.blockedAtStart);
  }

  /** The request is over: no more waiting. */
  clear(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    unwatch();
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const left = this.ms - this.used();
      if (left > 1) return this.arm(left);
      this.clear();
      this.aborted = true;
      this.reason = new DOMException(`deadline of ${this.ms} ms passed`, 'TimeoutError');
      // Each listener once, as an AbortSignal's 'abort' event would call them.
      const fns = this.listeners ?? [];
      this.listeners = undefined;
      for (const fn of fns) fn();
    }, ms);
  }
}
