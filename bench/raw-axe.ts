/**
 * axe-core run by hand, the way its README shows it, as the reference the agreement benchmark
 * and test compare our pool against: puppeteer-core opens the page in a fresh incognito
 * context, waits for the load event and then for the page to settle, injects axe-core's own
 * source (axe.js, the same version our pool uses) into every frame puppeteer sees (same-origin
 * and cross-origin, with allowedOrigins opened as axe's docs say for cross-origin frames), and calls axe.run(document) in the top frame with the same WCAG tags; axe
 * itself then collects the frames' results over postMessage. Nothing of our code is used, so a
 * rule our pool loses shows up as a difference.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer-core';
import { WCAG_TAGS } from '../src/gather/browser/types.ts';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.js'), 'utf8');
export const RAW_AXE_VERSION = (require('axe-core') as { version: string }).version;

export interface RawAxeResult {
  url: string;
  finalUrl?: string;
  /** Violated rule ids, sorted. */
  rules: string[];
  /** Failing elements per rule. */
  nodes: Record<string, number>;
  error?: string;
}

export interface RawAxeOptions {
  tags?: readonly string[];
  /** Wait after the load event before running axe, ms (pages that change after load). */
  settleMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gone = (err: unknown) => /context was destroyed|Cannot find context|detached|Target closed|navigat/i.test((err as Error)?.message ?? '');

async function runOnce(page: Page, tags: readonly string[]): Promise<{ rules: string[]; nodes: Record<string, number>; href: string }> {
  for (const f of page.frames()) {
    try {
      await f.evaluate(AXE_SOURCE);
      // axe talks to same-origin frames only unless told otherwise (its docs: allowedOrigins).
      await f.evaluate(`axe.configure({ allowedOrigins: ['<unsafe_all_origins>'] })`);
    } catch {
      /* a frame without a document (yet): axe reports what it can */
    }
  }
  return (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} }, resultTypes: ['violations'] }).then((r) => ({ rules: r.violations.map((v) => v.id), nodes: Object.fromEntries(r.violations.map((v) => [v.id, v.nodes.length])), href: location.href }))`,
  )) as { rules: string[]; nodes: Record<string, number>; href: string };
}

/** axe-core by hand on one URL, in its own incognito context of `browser`. */
export async function rawAxe(browser: Browser, url: string, o: RawAxeOptions = {}): Promise<RawAxeResult> {
  const tags = o.tags ?? WCAG_TAGS;
  const ctx = await browser.createBrowserContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: o.timeoutMs ?? 30_000 });
    await sleep(o.settleMs ?? 2000);
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await runOnce(page, tags);
        return { url, finalUrl: r.href, rules: [...new Set(r.rules)].sort(), nodes: r.nodes };
      } catch (err) {
        // A meta refresh or script navigation replaced the document: run on the one it went to.
        if (attempt >= 3 || !gone(err)) throw err;
        await page.waitForNavigation({ waitUntil: 'load', timeout: 10_000 }).catch(() => undefined);
        await sleep(500);
      }
    }
  } catch (err) {
    return { url, rules: [], nodes: {}, error: (err as Error).message.split('\n')[0].slice(0, 200) };
  } finally {
    await ctx.close().catch(() => undefined);
  }
}

/** rawAxe over many URLs, `concurrency` at a time, results in the order of `urls`. */
export async function rawAxeAll(browser: Browser, urls: string[], o: RawAxeOptions & { concurrency?: number } = {}): Promise<RawAxeResult[]> {
  const out: RawAxeResult[] = new Array(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      out[i] = await rawAxe(browser, urls[i], o);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 2) }, worker));
  return out;
}
