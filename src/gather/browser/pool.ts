/**
 * One Chromium, a pool of isolated pages. Each slot of the pool owns a page in its own browser
 * context (an incognito-like profile: cookies, storage and cache are not shared with other
 * slots). A slot's page is reused for the next URL after its cookies, storage and session
 * storage are cleared — a fresh renderer for every URL costs ~0.5 s on a 2-core machine — and
 * its context is replaced every `pagesPerContext` pages and after any failure. Every task has
 * a deadline and crash detection: a crashed or hung page fails only its task; a crashed or
 * wedged browser is relaunched and the task that saw it is tried once more, so the run goes on.
 */
import puppeteer, { type Browser, type BrowserContext, type CDPSession, type Dialog, type Page } from 'puppeteer-core';
import { BASE_ARGS, headlessMode } from './flags.ts';
import { DIALOG_TRAP } from './page-scripts.ts';

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
  /** A slot's context is replaced after this many pages (default 25). */
  pagesPerContext?: number;
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
  /** Which pool slot runs the task (0 … size-1). */
  slot: number;
}

interface Slot {
  index: number;
  ctx?: BrowserContext;
  page?: Page;
  cdp?: CDPSession;
  generation: number;
  uses: number;
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
  private readonly free: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private readonly utility: { page: Page; generation: number }[] = [];
  /** Which browser a utility page belongs to. */
  private readonly utilityGen = new WeakMap<Page, number>();
  private closed = false;
  private userAgent?: string;

  constructor(readonly o: PoolOptions) {
    if (o.size < 1) throw new RangeError('pool size must be at least 1');
    this.free = Array.from({ length: o.size }, (_, index) => ({ index, generation: 0, uses: 0 })).reverse();
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
   * Runs `fn` on a slot's page — its state cleared, or new in a new browser context — within
   * the pool's concurrency. Rejects with PageTaskError on timeout, page crash or a browser that went away (after one
   * retry on a relaunched browser).
   */
  async withPage<T>(fn: (page: Page, info: TaskInfo) => Promise<T>, timeoutMs = this.o.pageTimeoutMs): Promise<T> {
    const slot = await this.acquire();
    this.stats.tasks++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.once(slot, fn, timeoutMs);
        } catch (err) {
          if (err instanceof PageTaskError && err.kind === 'browser' && attempt === 0 && !this.closed) continue;
          throw err;
        }
      }
    } catch (err) {
      this.stats.failed++;
      throw err instanceof PageTaskError ? err : new PageTaskError('error', (err as Error).message);
    } finally {
      this.release(slot);
    }
  }

  /**
   * Runs `fn` with the whole pool to itself (no other task in flight): for Lighthouse, whose
   * timings would be disturbed by concurrent pages. One exclusive caller at a time.
   */
  async exclusive<T>(fn: (browser: Browser, port: number) => Promise<T>): Promise<T> {
    const held: Slot[] = [];
    for (let i = 0; i < this.o.size; i++) held.push(await this.acquire());
    try {
      // Lighthouse measures best with no other page alive: the slots' and utility pages are closed.
      await Promise.all(held.map((s) => this.dispose(s)));
      await Promise.all(this.utility.splice(0).map((u) => u.page.close().catch(() => undefined)));
      const b = await this.ensureBrowser();
      return await fn(b, Number(new URL(b.wsEndpoint()).port));
    } finally {
      for (const s of held) this.release(s);
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
    this.utilityGen.set(page, this.generation);
    return page;
  }

  giveBack(page: Page): void {
    const gen = this.utilityGen.get(page);
    if (gen !== undefined && gen === this.generation && !page.isClosed() && !this.closed) this.utility.push({ page, generation: gen });
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

  private async once<T>(slot: Slot, fn: (page: Page, info: TaskInfo) => Promise<T>, timeoutMs: number): Promise<T> {
    const browser = await this.ensureBrowser();
    const generation = this.generation;
    let timer: NodeJS.Timeout | undefined;
    let onDisconnect: (() => void) | undefined;
    let onCrash: ((err: Error) => void) | undefined;
    let ok = false;
    try {
      const lost = new Promise<never>((_, reject) => {
        onDisconnect = () => reject(new PageTaskError('browser', 'the browser crashed or was closed during the page'));
        browser.once('disconnected', onDisconnect);
      });
      lost.catch(() => undefined);
      const page = await Promise.race([this.prepare(slot, browser, generation), lost]);
      page.setDefaultTimeout(timeoutMs);
      page.setDefaultNavigationTimeout(timeoutMs);
      const crashed = new Promise<never>((_, reject) => {
        onCrash = (err: Error) => reject(new PageTaskError('crash', `the page crashed (${err.message})`));
        page.once('error', onCrash);
      });
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PageTaskError('timeout', `no result within ${timeoutMs} ms (the page hangs)`)), timeoutMs);
      });
      const work = fn(page, { generation, slot: slot.index });
      work.catch(() => undefined); // an abandoned task may still reject later
      const result = await Promise.race([work, crashed, deadline, lost]);
      ok = true;
      return result;
    } catch (err) {
      if (err instanceof PageTaskError) {
        if (err.kind === 'timeout') {
          this.stats.timeouts++;
          this.o.onEvent?.({ type: 'page-timeout', url: slot.page?.url() });
        } else if (err.kind === 'crash') {
          this.stats.pageCrashes++;
          this.o.onEvent?.({ type: 'page-crash', url: slot.page?.url() });
        }
        throw err;
      }
      if (!browser.connected) throw new PageTaskError('browser', `the browser went away: ${(err as Error).message}`);
      throw err;
    } finally {
      clearTimeout(timer);
      if (onDisconnect) browser.off('disconnected', onDisconnect);
      const page = slot.page;
      if (page && onCrash) page.off('error', onCrash);
      if (page) {
        // Listeners a task added go with it; the pool's own dialog handler stays.
        page.removeAllListeners('dialog');
        page.on('dialog', dismissDialog);
      }
      // A page that failed (hung, crashed, error) is not reused: its context goes.
      if (!ok && browser.connected) await this.dispose(slot, generation);
    }
  }

  /** The slot's page, reset for the next URL; a new context and page when needed. */
  private async prepare(slot: Slot, browser: Browser, generation: number): Promise<Page> {
    const limit = this.o.pagesPerContext ?? 25;
    if (slot.page && slot.generation === generation && !slot.page.isClosed() && slot.uses < limit) {
      try {
        await withTimeout(resetState(slot.page, slot.cdp!), 5000, 'clearing the page state');
        slot.uses++;
        return slot.page;
      } catch {
        await this.dispose(slot, generation);
      }
    } else if (slot.ctx) {
      await this.dispose(slot, generation);
    }
    const ctx = await withTimeout(browser.createBrowserContext(), 10_000, 'creating a browser context');
    slot.ctx = ctx;
    slot.generation = generation;
    slot.uses = 1;
    const page = await withTimeout(ctx.newPage(), 10_000, 'opening a page');
    slot.page = page;
    slot.cdp = await page.createCDPSession();
    await page.setViewport(this.o.viewport ?? DEFAULT_VIEWPORT);
    const ua = this.o.userAgent ?? this.userAgent;
    if (ua) await page.setUserAgent({ userAgent: ua });
    // A page's scripts (and axe) must run even under a strict Content-Security-Policy.
    await page.setBypassCSP(true);
    // alert/confirm on load would block the page's scripts: trapped before they run, and any
    // real dialog (one the trap missed) is dismissed.
    await page.evaluateOnNewDocument(DIALOG_TRAP);
    page.on('dialog', dismissDialog);
    return page;
  }

  /** Closes a slot's context (a wedged one takes the browser with it). */
  private async dispose(slot: Slot, generation = this.generation): Promise<void> {
    const ctx = slot.ctx;
    slot.ctx = undefined;
    slot.page = undefined;
    slot.cdp = undefined;
    slot.uses = 0;
    if (!ctx || slot.generation !== this.generation || !this.browser?.connected) return;
    await withTimeout(ctx.close(), 5000, 'closing a page').catch((e: Error) => this.drop(generation, e.message));
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
      headless: headlessMode(this.o.executablePath),
      // A site with an invalid certificate is still audited (the https audit reports the certificate).
      acceptInsecureCerts: true,
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

  private acquire(): Promise<Slot> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

/** Dismisses a JavaScript dialog unless a task's own handler already did. */
function dismissDialog(d: Dialog): void {
  setTimeout(() => void d.dismiss().catch(() => undefined), 0);
}

/**
 * Clears what one URL could leave for the next in the same page: cookies, local/session
 * storage, IndexedDB, Cache Storage and service workers of every origin the page had frames
 * of. The HTTP cache stays (a template's CSS and scripts load once per slot).
 */
async function resetState(page: Page, cdp: CDPSession): Promise<void> {
  const origins = new Set<string>();
  for (const f of page.frames()) {
    try {
      const o = new URL(f.url()).origin;
      if (o.startsWith('http')) origins.add(o);
    } catch {
      /* about:blank, data: */
    }
  }
  await Promise.all(page.frames().map((f) => f.evaluate(`try { sessionStorage.clear(); } catch (e) {}`).catch(() => undefined)));
  await cdp.send('Network.clearBrowserCookies');
  await Promise.all([...origins].map((origin) => cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' })));
}
