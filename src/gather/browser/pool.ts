/**
 * One Chromium, a pool of isolated pages. Every task gets its own browser context (an
 * incognito-like profile: no cookies, storage or cache shared with other tasks) and a fresh
 * page, a deadline, and crash detection. A crashed page fails only its task; a crashed or
 * wedged browser is relaunched and the task that saw it is tried once more, so the run goes on.
 */
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { BASE_ARGS } from './flags.ts';

export type PageFailure = 'timeout' | 'crash' | 'browser' | 'error';

/** Why a page could not be audited; `kind` tells a hang from a crash. */
export class PageTaskError extends Error {
  override name = 'PageTaskError';
  constructor(
    readonly kind: PageFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface PoolOptions {
  executablePath: string;
  /** Pages open at once. */
  size: number;
  /** Deadline of one task (navigation, settling, axe, screenshot), ms. */
  pageTimeoutMs: number;
  /** --host-resolver-rules value (see flags.ts). */
  hostRules?: string;
  /** More command-line switches. */
  args?: string[];
  viewport?: { width: number; height: number };
  /** Default: the browser's own, with "HeadlessChrome" written as "Chrome" (some sites refuse headless browsers). */
  userAgent?: string;
  /** Launch deadline, ms. */
  launchTimeoutMs?: number;
  onEvent?: (e: PoolEvent) => void;
}

export type PoolEvent =
  | { type: 'launch'; generation: number; pid?: number }
  | { type: 'browser-lost'; generation: number; reason: string }
  | { type: 'page-crash' | 'page-timeout'; url?: string };

export interface PoolStats {
  tasks: number;
  failed: number;
  timeouts: number;
  pageCrashes: number;
  /** Launches after the first (a browser that crashed or stopped answering). */
  browserRestarts: number;
}

export interface TaskInfo {
  /** Which browser (1 = first launch) runs the task. */
  generation: number;
}

const DEFAULT_VIEWPORT = { width: 1366, height: 768 };

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class BrowserPool {
  readonly stats: PoolStats = { tasks: 0, failed: 0, timeouts: 0, pageCrashes: 0, browserRestarts: 0 };
  private browser?: Browser;
  private launching?: Promise<Browser>;
  private generation = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly utility: { page: Page; generation: number }[] = [];
  private closed = false;
  private userAgent?: string;

  constructor(readonly o: PoolOptions) {
    if (o.size < 1) throw new RangeError('pool size must be at least 1');
  }

  /** Launches the browser now, so a browser that cannot start fails before any page is queued. */
  async start(): Promise<void> {
    await this.ensureBrowser();
  }

  get size(): number {
    return this.o.size;
  }

  /** "Chrome/156.0…" of the running browser. */
  async version(): Promise<string> {
    return (await this.ensureBrowser()).version();
  }

  /** The DevTools port (for Lighthouse, which connects to the same browser). */
  async port(): Promise<number> {
    const b = await this.ensureBrowser();
    return Number(new URL(b.wsEndpoint()).port);
  }

  /** Process id of the running browser (its children are the renderers). */
  pid(): number | undefined {
    return this.browser?.process()?.pid;
  }

  /**
   * Runs `fn` on a fresh page in its own browser context, within the pool's concurrency.
   * Rejects with PageTaskError on timeout, page crash or a browser that went away (after one
   * retry on a relaunched browser).
   */
  async withPage<T>(fn: (page: Page, info: TaskInfo) => Promise<T>, timeoutMs = this.o.pageTimeoutMs): Promise<T> {
    await this.acquire();
    this.stats.tasks++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.once(fn, timeoutMs);
        } catch (err) {
          if (err instanceof PageTaskError && err.kind === 'browser' && attempt === 0 && !this.closed) continue;
          throw err;
        }
      }
    } catch (err) {
      this.stats.failed++;
      throw err instanceof PageTaskError ? err : new PageTaskError('error', (err as Error).message);
    } finally {
      this.release();
    }
  }

  /**
   * Runs `fn` with the whole pool to itself (no other task in flight): for Lighthouse, whose
   * timings would be disturbed by concurrent pages. One exclusive caller at a time.
   */
  async exclusive<T>(fn: (browser: Browser, port: number) => Promise<T>): Promise<T> {
    const slots = this.o.size;
    for (let i = 0; i < slots; i++) await this.acquire();
    try {
      const b = await this.ensureBrowser();
      return await fn(b, Number(new URL(b.wsEndpoint()).port));
    } finally {
      for (let i = 0; i < slots; i++) this.release();
    }
  }

  /**
   * A blank page of the pool's own (no site is ever loaded in it), for work that must not run
   * inside an audited page, e.g. axe.finishRun. Give it back with `giveBack` once done.
   */
  async borrowUtilityPage(): Promise<Page> {
    const b = await this.ensureBrowser();
    while (this.utility.length) {
      const u = this.utility.pop()!;
      if (u.generation === this.generation && !u.page.isClosed()) return u.page;
    }
    const page = await b.newPage();
    (page as Page & { __zcGen?: number }).__zcGen = this.generation;
    return page;
  }

  giveBack(page: Page): void {
    const gen = (page as Page & { __zcGen?: number }).__zcGen;
    if (gen === this.generation && !page.isClosed() && !this.closed) this.utility.push({ page, generation: gen });
    else void page.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const b = this.browser ?? (await this.launching?.catch(() => undefined));
    this.browser = undefined;
    if (!b) return;
    try {
      await withTimeout(b.close(), 5000, 'browser close');
    } catch {
      b.process()?.kill('SIGKILL');
    }
  }

  // --- internals ------------------------------------------------------------------------------

  private async once<T>(fn: (page: Page, info: TaskInfo) => Promise<T>, timeoutMs: number): Promise<T> {
    const browser = await this.ensureBrowser();
    const generation = this.generation;
    let ctx: BrowserContext | undefined;
    let page: Page | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onDisconnect: (() => void) | undefined;
    try {
      const lost = new Promise<never>((_, reject) => {
        onDisconnect = () => reject(new PageTaskError('browser', 'the browser crashed or was closed during the page'));
        browser.once('disconnected', onDisconnect);
      });
      lost.catch(() => undefined);
      ctx = await Promise.race([withTimeout(browser.createBrowserContext(), 10_000, 'creating a browser context'), lost]);
      page = await Promise.race([withTimeout(ctx.newPage(), 10_000, 'opening a page'), lost]);
      page.setDefaultTimeout(timeoutMs);
      page.setDefaultNavigationTimeout(timeoutMs);
      await page.setViewport(this.o.viewport ?? DEFAULT_VIEWPORT);
      const ua = this.o.userAgent ?? this.userAgent;
      if (ua) await page.setUserAgent({ userAgent: ua });
      const p = page;
      const crashed = new Promise<never>((_, reject) => {
        p.once('error', (err: Error) => reject(new PageTaskError('crash', `the page crashed (${err.message})`)));
      });
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PageTaskError('timeout', `no result within ${timeoutMs} ms (the page hangs)`)), timeoutMs);
      });
      const work = fn(p, { generation });
      work.catch(() => undefined); // an abandoned task may still reject later
      return await Promise.race([work, crashed, deadline, lost]);
    } catch (err) {
      if (err instanceof PageTaskError) {
        if (err.kind === 'timeout') {
          this.stats.timeouts++;
          this.o.onEvent?.({ type: 'page-timeout', url: page?.url() });
        } else if (err.kind === 'crash') {
          this.stats.pageCrashes++;
          this.o.onEvent?.({ type: 'page-crash', url: page?.url() });
        }
        throw err;
      }
      if (!browser.connected) throw new PageTaskError('browser', `the browser went away: ${(err as Error).message}`);
      throw err;
    } finally {
      clearTimeout(timer);
      if (onDisconnect) browser.off('disconnected', onDisconnect);
      if (ctx && browser.connected) {
        // A context that will not close means the browser is wedged: start a new one.
        await withTimeout(ctx.close(), 5000, 'closing the page').catch((e: Error) => this.drop(generation, e.message));
      }
    }
  }

  private ensureBrowser(): Promise<Browser> {
    if (this.closed) return Promise.reject(new PageTaskError('browser', 'the browser pool is closed'));
    if (this.browser?.connected) return Promise.resolve(this.browser);
    if (!this.launching) {
      this.launching = this.launch().finally(() => (this.launching = undefined));
    }
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const args = [...BASE_ARGS, ...(this.o.hostRules ? [`--host-resolver-rules=${this.o.hostRules}`] : []), ...(this.o.args ?? [])];
    const browser = await puppeteer.launch({
      executablePath: this.o.executablePath,
      headless: true,
      args,
      defaultViewport: null,
      timeout: this.o.launchTimeoutMs ?? 30_000,
      protocolTimeout: Math.max(60_000, this.o.pageTimeoutMs * 2),
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    if (this.generation > 0) this.stats.browserRestarts++;
    const generation = ++this.generation;
    this.browser = browser;
    this.utility.length = 0;
    this.userAgent = (await browser.userAgent()).replace('HeadlessChrome', 'Chrome');
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = undefined;
      if (!this.closed) this.o.onEvent?.({ type: 'browser-lost', generation, reason: 'disconnected' });
    });
    this.o.onEvent?.({ type: 'launch', generation, pid: browser.process()?.pid });
    return browser;
  }

  /** Gives up on a wedged browser (kills it); the next task launches a new one. */
  private drop(generation: number, reason: string): void {
    const b = this.browser;
    if (!b || generation !== this.generation) return;
    this.browser = undefined;
    this.o.onEvent?.({ type: 'browser-lost', generation, reason });
    const proc = b.process();
    void b.close().catch(() => undefined);
    setTimeout(() => proc?.kill('SIGKILL'), 2000).unref();
  }

  private acquire(): Promise<void> {
    if (this.active < this.o.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
