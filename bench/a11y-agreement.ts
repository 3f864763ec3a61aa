/**
 * npm run bench:a11y-agreement — does our report lose anything raw axe-core finds? In one run,
 * on the same pages:
 *
 *  1. our pipeline as a user runs it: `auditSite` (crawl, browser pool, accessibility audit with
 *     its template aggregation, frame handling, time limits and sampling), on
 *     a) the small test pages in bench/a11y-pages/ (frames nested, slow and cross-origin, a
 *        frameset, shadow DOM, meta refresh now and after 1 s, inline SVG, an SVG document, an
 *        XHTML document, pages that change after load and that fetch their content), every page;
 *     b) the sample portal, with the default browser sample;
 *  2. axe-core by hand (bench/raw-axe.ts: puppeteer-core, axe.js injected into every frame,
 *     axe.run in the top frame, same version and WCAG tags) on exactly the pages of 1.
 *
 * Prints both rule sets per page, the pages where they differ, and the agreement figure. The
 * target: no page where our report names fewer violated rules than raw axe.
 *
 *   npm run bench:a11y-agreement -- [--no-portal] [--settle 2000] [--pool 3]
 */
import puppeteer from 'puppeteer-core';
import { parseConfig } from '../src/config/load.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { startSamplePortal } from '../src/sample-portal/server.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';
import { AXE_VERSION } from '../src/gather/browser/axe.ts';
import accessibility, { type AccessibilityData } from '../audits/accessibility.ts';
import { startA11yPages, PAGE_FILES } from './a11y-pages/server.ts';
import { rawAxeAll, RAW_AXE_VERSION } from './raw-axe.ts';
import { compare, ourPages, type PageAgreement } from './a11y-compare.ts';

const args = process.argv.slice(2);
const num = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const PORTAL = !args.includes('--no-portal');
const SETTLE = num('settle', 2000);
const POOL = num('pool', 3);

async function ours(startUrl: string, browser: Record<string, unknown>, today?: string) {
  const config = parseConfig({ ...(today ? { today } : {}), ipv6: { enabled: false }, crawl: { sitemap: false }, browser: { pool: POOL, screenshots: false, lighthouse: { enabled: false }, ...browser } });
  const started = performance.now();
  const res = await auditSite({ startUrl, config, db: null, outDir: null, audits: [accessibility] });
  const data = res.result.data.accessibility as AccessibilityData;
  return { pages: ourPages(res.result.findings, data), data, seconds: (performance.now() - started) / 1000 };
}

const short = (u: string) => new URL(u).pathname + new URL(u).search;

function print(title: string, rows: PageAgreement[]) {
  console.log(`\n## ${title}: ${rows.length} pages`);
  for (const r of rows) {
    const mark = r.missing.length ? '✗ MISSING' : r.extra.length ? '+ more' : '=';
    console.log(`${mark.padEnd(10)} ${short(r.url)}  [ours: ${r.ourStatus}]`);
    console.log(`           raw  (${r.raw.length}): ${r.raw.join(' ') || '—'}${r.rawError ? `  (raw error: ${r.rawError})` : ''}`);
    console.log(`           ours (${r.ours.length}): ${r.ours.join(' ') || '—'}${r.ourError ? `  (our error: ${r.ourError})` : ''}`);
    if (r.missing.length) console.log(`           missing in ours: ${r.missing.join(' ')}`);
    if (r.extra.length) console.log(`           only in ours:    ${r.extra.join(' ')}`);
  }
}

function summary(title: string, rows: PageAgreement[]) {
  const missing = rows.filter((r) => r.missing.length);
  const same = rows.filter((r) => !r.missing.length && !r.extra.length);
  const rawRules = rows.reduce((s, r) => s + r.raw.length, 0);
  const covered = rows.reduce((s, r) => s + r.raw.length - r.missing.length, 0);
  return { title, pages: rows.length, missing: missing.length, same: same.length, more: rows.length - missing.length - same.length, rawRules, covered, notAudited: rows.filter((r) => r.ourStatus === 'failed').length };
}

async function main() {
  const executablePath = findBrowser();
  console.log(`axe-core ${AXE_VERSION} (ours) / ${RAW_AXE_VERSION} (raw), ${executablePath}`);
  const fixtures = await startA11yPages();
  const results: ReturnType<typeof summary>[] = [];
  const raw = await puppeteer.launch({ executablePath, headless: headlessMode(executablePath), args: [...BASE_ARGS] });
  try {
    // a) the test pages: every page (the crawl reaches them from index.html; SVG is not a page to the crawl, so it is named).
    const a = await ours(`${fixtures.url}/`, { pages: 'all', urls: PAGE_FILES.map((f) => `/${f}`) });
    const aUrls = [...a.pages.keys()];
    const aRaw = await rawAxeAll(raw, aUrls, { settleMs: SETTLE, concurrency: 2 });
    const aRows = compare(aRaw, a.pages);
    print(`test pages (bench/a11y-pages, ours in ${a.seconds.toFixed(1)} s)`, aRows);
    results.push(summary('test pages', aRows));

    if (PORTAL) {
      const sp = await startSamplePortal({ host: '127.0.0.1' });
      try {
        const b = await ours(`${sp.url}/`, {}, sp.manifest.today);
        const bUrls = [...b.pages.keys()];
        const bRaw = await rawAxeAll(raw, bUrls, { settleMs: SETTLE, concurrency: 2 });
        const bRows = compare(bRaw, b.pages);
        print(`sample portal (default sample, ours in ${b.seconds.toFixed(1)} s)`, bRows.filter((r) => r.missing.length || r.extra.length));
        results.push(summary('sample portal', bRows));
      } finally {
        await sp.close();
      }
    }
  } finally {
    await raw.close();
    await fixtures.close();
  }
  console.log('\n| pages | count | ours misses a rule raw axe reports | same rules | ours reports more | raw rule-page pairs covered | ours not audited |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.title} | ${r.pages} | **${r.missing}** | ${r.same} | ${r.more} | ${r.covered}/${r.rawRules} | ${r.notAudited} |`);
  const bad = results.reduce((s, r) => s + r.missing, 0);
  console.log(bad ? `\n✗ ${bad} page(s) where ours reports fewer violated rules than raw axe-core (target 0)` : '\n✓ 0 pages where ours reports fewer violated rules than raw axe-core (target 0)');
  process.exitCode = bad ? 1 : 0;
}

await main();
