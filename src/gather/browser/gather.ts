/**
 * The browser gatherer: after the crawl, the sampled pages are opened in one headless
 * Chromium through a pool of isolated pages. For each page: the rendered text (for markers
 * written by scripts), the 适老化 facts, axe-core in every frame, a screenshot when axe found
 * violations; then Lighthouse on the homepage and the key pages. Never throws for a missing
 * browser or a bad page: the result says why the browser audits were skipped, or which pages
 * failed, and the rest of the run goes on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { Artifacts } from '../artifacts.ts';
import type { BrowserConfig } from '../../config/schema.ts';
import type { NameResolver } from '../dns.ts';
import { runAxe, type UtilityPages } from './axe.ts';
import { BrowserNotFoundError, findBrowser, type BrowserFinder } from './find.ts';
import { crawlHosts, hostResolverRules, resolveHosts } from './flags.ts';
import { runLighthouse } from './lighthouse.ts';
import { AGE_FACTS, DOC_HEIGHT, RENDERED_TEXT, SINCE_LAST_CHANGE, TRAPPED_DIALOGS, WAIT_FOR_LOAD, outlineScript } from './page-scripts.ts';
import { BrowserPool, PageTaskError, type PoolEvent } from './pool.ts';
import { samplePages, type SampledPage } from './sample.ts';
import type { AgeFacts, BrowserArtifacts, BrowserPage, ConcealedLink, JsDialog, LighthouseRun, RenderedLink, RenderedPage } from './types.ts';

export interface BrowserProgress {
  done: number;
  total: number;
  failed: number;
  phase: 'pages' | 'lighthouse';
}

export interface GatherBrowserOptions {
  artifacts: Artifacts;
  browser: BrowserConfig;
  /** The run's resolver: the browser maps every host the crawl saw to the same address. */
  resolver: NameResolver;
  /** True when the run has its own DNS server: names the crawl did not see do not resolve. */
  privateDns?: boolean;
  userAgent?: string;
  /** Report folder for screenshots and Lighthouse JSON; null/undefined: nothing is saved. */
  outDir?: string | null;
  /** Finds the browser binary (injectable for tests). */
  findBrowser?: BrowserFinder;
  onProgress?: (p: BrowserProgress) => void;
  onEvent?: (e: PoolEvent) => void;
}

export type BrowserGatherResult = { ok: true; browser: BrowserArtifacts } | { ok: false; skipped: string };

const SCREENSHOT_MAX_HEIGHT = 4000;
/** The settle wait ends here even on a page that never stops changing. */
const SETTLE_CAP_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** The page's script navigated (a JS or meta-refresh redirect) while we were reading it. */
const navigatedAway = (err: unknown) => /context was destroyed|Cannot find context|detached Frame|frame got detached|Navigating frame was detached/i.test((err as Error)?.message ?? '');

/** Waits for the load event, but not for ever: a resource that never finishes must not stop the checks. */
async function waitForLoad(page: Page, maxMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([page.evaluate(WAIT_FOR_LOAD).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, maxMs)))]).finally(() => clearTimeout(timer));
}

/**
 * Waits until the page has settled: no request in flight and no change to the document for
 * `quietMs` (content fetched or written by scripts after load: axe must see it, or the report
 * would lose what a person sees), at most `capMs` (pages that never stop: pollers, tickers).
 */
async function waitForQuiet(page: Page, inflight: () => number, quietMs: number, capMs: number): Promise<void> {
  const started = performance.now();
  let netIdleSince = inflight() === 0 ? started : Number.POSITIVE_INFINITY;
  for (;;) {
    const now = performance.now();
    if (now - started >= capMs) return;
    if (inflight() > 0) netIdleSince = Number.POSITIVE_INFINITY;
    else if (netIdleSince === Number.POSITIVE_INFINITY) netIdleSince = now;
    const since = Number(await page.evaluate(SINCE_LAST_CHANGE).catch(() => -1));
    if (since >= quietMs && now - netIdleSince >= quietMs && now - started >= quietMs) return;
    await sleep(100);
  }
}

function fileSlug(url: string): string {
  const u = new URL(url);
  const base = (u.pathname.replace(/\/index\.s?html?$/, '/').replace(/^\/|\/$/g, '') || 'home').replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 60);
  return `${base}-${createHash('sha1').update(url).digest('hex').slice(0, 8)}`;
}

export interface PageOutcome {
  page: BrowserPage;
  rendered?: RenderedPage;
}

async function renderedText(page: Page, url: string): Promise<RenderedPage> {
  const main = (await page.mainFrame().evaluate(RENDERED_TEXT)) as { title: string; text: string; footerText: string; footerFrames: string[]; footerLinks: RenderedLink[]; concealedLinks: ConcealedLink[] };
  const texts = [main.text];
  const footers = [main.footerText];
  for (const f of page.mainFrame().childFrames()) {
    try {
      const r = (await Promise.race([f.evaluate(RENDERED_TEXT), sleep(2000).then(() => null)])) as typeof main | null;
      if (!r) continue;
      if (r.text) texts.push(r.text);
      if (main.footerFrames.includes(f.url())) footers.push(r.text);
      else if (r.footerText) footers.push(r.footerText);
    } catch {
      /* a frame that went away */
    }
  }
  return {
    url,
    finalUrl: page.url(),
    title: main.title,
    text: texts.join('\n').slice(0, 200_000),
    footerText: footers.filter(Boolean).join('\n').slice(0, 20_000),
    footerLinks: main.footerLinks,
    ...(main.concealedLinks?.length ? { concealedLinks: main.concealedLinks } : {}),
  };
}

/** What checking one page needs from the browser config. */
export type PageCheckConfig = Pick<BrowserConfig, 'pageTimeoutMs' | 'settleMs' | 'axeLocale'>;

/**
 * Everything done on one page (exported for the benchmark): load, rendered text, 适老化 facts,
 * axe in every frame, and a screenshot with the violations outlined when `shotDir` is given.
 */
export async function checkPage(page: Page, s: SampledPage, cfg: PageCheckConfig, pool: UtilityPages, shotDir: string | null): Promise<PageOutcome> {
  const dialogs: JsDialog[] = [];
  page.on('dialog', (d) => {
    dialogs.push({ type: d.type(), message: d.message().slice(0, 200) });
    d.dismiss().catch(() => undefined);
  });
  // Requests in flight, for the settle wait (removed at the end: the pool reuses the page).
  let inflight = 0;
  const onRequest = () => void inflight++;
  const onDone = () => void (inflight = Math.max(0, inflight - 1));
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  try {
    return await checkLoadedPage(page, s, cfg, pool, shotDir, dialogs, () => inflight);
  } finally {
    page.off('request', onRequest);
    page.off('requestfinished', onDone);
    page.off('requestfailed', onDone);
  }
}

async function checkLoadedPage(page: Page, s: SampledPage, cfg: PageCheckConfig, pool: UtilityPages, shotDir: string | null, dialogs: JsDialog[], inflight: () => number): Promise<PageOutcome> {
  const started = performance.now();
  const resp = await page.goto(s.navigateTo, { waitUntil: 'domcontentloaded', timeout: cfg.pageTimeoutMs });
  const loadWait = Math.max(1000, cfg.pageTimeoutMs / 3);
  await waitForLoad(page, loadWait);
  const loadMs = Math.round(performance.now() - started);
  // Settle: the page quiet for settleMs (content that arrives after load is checked too).
  if (cfg.settleMs > 0) await waitForQuiet(page, inflight, cfg.settleMs, Math.max(cfg.settleMs, Math.min(SETTLE_CAP_MS, cfg.pageTimeoutMs / 4)));

  const out: BrowserPage = { url: s.url, reasons: s.reasons, loadMs };
  if (resp) out.status = resp.status();
  let rendered: RenderedPage;
  for (let attempt = 0; ; attempt++) {
    try {
      rendered = await renderedText(page, s.url);
      out.age = (await page.mainFrame().evaluate(AGE_FACTS)) as AgeFacts;
      try {
        out.axe = await runAxe(page, pool, { locale: cfg.axeLocale });
      } catch (err) {
        if (err instanceof PageTaskError || navigatedAway(err)) throw err;
        out.axeError = (err as Error).message.slice(0, 300);
      }
      break;
    } catch (err) {
      // A script redirect replaced the document under us: check the page it went to.
      if (attempt >= 2 || !navigatedAway(err)) throw err;
      await sleep(100);
      await waitForLoad(page, loadWait);
    }
  }
  out.finalUrl = page.url();
  // Dialogs the trap answered (pool.ts), besides any real one dismissed above.
  const trapped = ((await page.mainFrame().evaluate(TRAPPED_DIALOGS).catch(() => [])) ?? []) as JsDialog[];
  for (const d of trapped) if (!dialogs.some((x) => x.type === d.type && x.message === d.message)) dialogs.push(d);
  if (dialogs.length) out.dialogs = dialogs;

  if (shotDir && out.axe && out.axe.violations.length) {
    const topSelectors = out.axe.violations.flatMap((v) => v.nodes.filter((n) => n.target.length === 1 && typeof n.target[0] === 'string').map((n) => n.target[0] as string));
    try {
      await page.evaluate(outlineScript([...new Set(topSelectors)].slice(0, 200)));
      const height = Number(await page.evaluate(DOC_HEIGHT)) || 0;
      const vp = page.viewport() ?? { width: 1366, height: 768 };
      const file = `${fileSlug(s.url)}.png`;
      const full = height > 0 && height <= SCREENSHOT_MAX_HEIGHT;
      await page.screenshot({
        path: join(shotDir, file) as `${string}.png`,
        type: 'png',
        ...(full ? { fullPage: true } : { clip: { x: 0, y: 0, width: vp.width, height: Math.max(vp.height, Math.min(height, SCREENSHOT_MAX_HEIGHT)) }, captureBeyondViewport: true }),
      });
      out.screenshot = `screenshots/${file}`;
    } catch {
      /* a screenshot is evidence, not a result: the page's findings stand without it */
    }
  }
  return { page: out, rendered };
}

/** The homepage and the configured key pages (absolute, or relative to the start URL). */
function lighthouseUrls(o: GatherBrowserOptions): string[] {
  const home = o.artifacts.pages.find((p) => p.depth === 1);
  const keys: string[] = [];
  for (const u of o.browser.lighthouse.urls) {
    try {
      keys.push(new URL(u, o.artifacts.site.startUrl).href);
    } catch {
      /* not a URL: ignored */
    }
  }
  return [...new Set([...(home ? [home.finalUrl || home.url] : []), ...keys])];
}

export async function gatherBrowser(o: GatherBrowserOptions): Promise<BrowserGatherResult> {
  const cfg = o.browser;
  let executablePath: string;
  try {
    executablePath = cfg.executablePath ?? (o.findBrowser ?? (() => findBrowser()))();
  } catch (err) {
    if (err instanceof BrowserNotFoundError) return { ok: false, skipped: err.message };
    throw err;
  }

  const started = performance.now();
  const { pages: sample, limited } = samplePages(o.artifacts, { mode: cfg.pages, itemsPerColumn: cfg.itemsPerColumn, maxPages: cfg.maxPages, urls: cfg.urls });
  const hosts = crawlHosts([o.artifacts.site.startUrl, ...o.artifacts.pages.flatMap((p) => [p.url, p.finalUrl]), ...o.artifacts.targets.map((t) => t.url), ...sample.map((s) => s.navigateTo), ...lighthouseUrls(o)]);
  const mappings = await resolveHosts(hosts, o.resolver);
  const hostRules = hostResolverRules(mappings, Boolean(o.privateDns));

  const pool = new BrowserPool({ executablePath, size: cfg.pool, pageTimeoutMs: cfg.pageTimeoutMs, hostRules, userAgent: o.userAgent, onEvent: o.onEvent });
  try {
    try {
      await pool.start();
    } catch (err) {
      return { ok: false, skipped: `浏览器 ${executablePath} 未能启动（${(err as Error).message.split('\n')[0]}）：请运行 \`npm run setup\`，或用 CHROME_PATH 指定浏览器；本次跳过浏览器检查` };
    }
    const product = await pool.version();

    const outDir = o.outDir ? resolve(o.outDir) : null;
    const shotDir = outDir && cfg.screenshots ? join(outDir, 'screenshots') : null;
    if (shotDir) mkdirSync(shotDir, { recursive: true });

    const results: BrowserPage[] = new Array(sample.length);
    const rendered: RenderedPage[] = [];
    let done = 0;
    let failed = 0;
    const progress = (phase: BrowserProgress['phase']) => o.onProgress?.({ done, total: sample.length, failed, phase });
    progress('pages');
    await Promise.all(
      sample.map(async (s, i) => {
        try {
          const r = await pool.withPage((page) => checkPage(page, s, cfg, pool, shotDir));
          results[i] = r.page;
          if (r.rendered) rendered.push(r.rendered);
        } catch (err) {
          failed++;
          const e = err instanceof PageTaskError ? err : new PageTaskError('error', (err as Error).message);
          results[i] = { url: s.url, reasons: s.reasons, error: e.message.split('\n')[0].slice(0, 300), errorKind: e.kind };
        }
        done++;
        progress('pages');
      }),
    );
    const pagesMs = performance.now() - started;

    // Lighthouse: the homepage and the key pages, one at a time with the pool otherwise idle.
    const lighthouse: LighthouseRun[] = [];
    let lighthouseSkipped: string | undefined;
    if (!cfg.lighthouse.enabled) lighthouseSkipped = '已关闭（browser.lighthouse.enabled = false 或 --no-lighthouse）';
    else {
      const urls = lighthouseUrls(o);
      if (!urls.length) lighthouseSkipped = '没有首页，也未配置 browser.lighthouse.urls';
      const lhDir = outDir ? join(outDir, 'lighthouse') : null;
      if (lhDir && urls.length) mkdirSync(lhDir, { recursive: true });
      if (urls.length) {
        await pool.exclusive(async (_b, port) => {
          for (const url of urls) {
            o.onProgress?.({ done: lighthouse.length, total: urls.length, failed: 0, phase: 'lighthouse' });
            const { run, json } = await runLighthouse(url, { port, formFactor: cfg.lighthouse.formFactor, timeoutMs: cfg.lighthouse.timeoutMs });
            if (json && lhDir) {
              const file = `${fileSlug(url)}.json`;
              writeFileSync(join(lhDir, file), json);
              run.report = `lighthouse/${file}`;
            }
            lighthouse.push(run);
          }
        });
      }
    }

    const durationMs = Math.round(performance.now() - started);
    const ok = results.filter((r) => !r.error).length;
    const browser: BrowserArtifacts = {
      product,
      mode: cfg.pages,
      poolSize: cfg.pool,
      hostRules,
      pages: results,
      rendered: rendered.sort((a, b) => a.url.localeCompare(b.url)),
      lighthouse,
      ...(lighthouseSkipped ? { lighthouseSkipped } : {}),
      limited,
      stats: {
        pages: results.length,
        failed,
        timeouts: pool.stats.timeouts,
        pageCrashes: pool.stats.pageCrashes,
        browserRestarts: pool.stats.browserRestarts,
        durationMs,
        pagesPerMinute: Math.round((ok / Math.max(pagesMs, 1)) * 60_000 * 10) / 10,
      },
    };
    return { ok: true, browser };
  } finally {
    await pool.close();
  }
}
