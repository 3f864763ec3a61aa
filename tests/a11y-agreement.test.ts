/**
 * Nothing axe finds is lost (issue 12): on the agreement pages that cover each kind (bench/a11y-pages:
 * nested frames, shadow DOM, a page that changes after load, a meta refresh, an SVG document,
 * inline SVG, an XHTML document), the report of a real audit run names, under each page, every
 * rule that axe-core run by hand (bench/raw-axe.ts) reports on it. One browser for the raw runs
 * and one audit run (its own pool) for the file, side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser } from 'puppeteer-core';
import { parseConfig } from '../src/config/load.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';
import accessibility, { type AccessibilityData } from '../audits/accessibility.ts';
import { startA11yPages, type A11yPagesServer } from '../bench/a11y-pages/server.ts';
import { rawAxeAll } from '../bench/raw-axe.ts';
import { compare, ourPages, type PageAgreement } from '../bench/a11y-compare.ts';

const FILES = ['frames.html', 'shadow.html', 'late.html', 'refresh.html', 'page.xhtml', 'image.svg', 'inline-svg.html'];
let srv: A11yPagesServer;
let raw: Browser;
let rows: PageAgreement[];

beforeAll(async () => {
  srv = await startA11yPages({ slowMs: 500 });
  const executablePath = findBrowser();
  const config = parseConfig({ ipv6: { enabled: false }, crawl: { sitemap: false, maxPages: 1 }, browser: { pool: 2, screenshots: false, lighthouse: { enabled: false }, itemsPerColumn: 0, urls: FILES.map((f) => `/${f}`) } });
  // Ours and raw side by side (both mostly wait on settling pages), then compared page by page.
  const [res, rawResults] = await Promise.all([
    auditSite({ startUrl: `${srv.url}/`, config, db: null, outDir: null, audits: [accessibility] }),
    puppeteer.launch({ executablePath, headless: headlessMode(executablePath), args: [...BASE_ARGS] }).then((b) => {
      raw = b;
      // late.html changes 0.7 s and 1.4 s after load: 1.8 s is past its last change.
      return rawAxeAll(b, FILES.map((f) => `${srv.url}/${f}`), { settleMs: 1800, concurrency: 3 });
    }),
  ]);
  rows = compare(rawResults, ourPages(res.result.findings, res.result.data.accessibility as AccessibilityData));
}, 60_000);

afterAll(async () => {
  await raw?.close();
  await srv?.close();
});

describe('our report against axe-core run by hand', () => {
  it('raw axe finds violations on every page (the pages are not trivially clean)', () => {
    for (const r of rows) {
      expect(r.rawError, r.url).toBeUndefined();
      expect(r.raw.length, r.url).toBeGreaterThan(0);
    }
  });

  it('names under each page every rule raw axe reports there, in frames and shadow roots too', () => {
    for (const r of rows) {
      expect(r.ourStatus, r.url).toBe('audited');
      expect(r.missing, `${r.url}: raw ${r.raw.join(' ')} / ours ${r.ours.join(' ')}`).toEqual([]);
    }
    const ours = (file: string) => rows.find((r) => r.url.endsWith(`/${file}`))!.ours;
    expect(ours('frames.html')).toEqual(expect.arrayContaining(['button-name', 'image-alt', 'frame-title'])); // grandchild, child, top
    expect(ours('shadow.html')).toEqual(expect.arrayContaining(['button-name', 'link-name'])); // a shadow root inside a shadow root
    expect(ours('late.html')).toContain('label'); // the input added 1.4 s after load
    expect(ours('refresh.html')).toContain('input-button-name'); // on the page the refresh went to
    expect(ours('page.xhtml')).toContain('image-alt');
    expect(ours('image.svg')).toContain('svg-img-alt');
  });
});
