/**
 * 本页体检 on a page of 100,000 nested elements, closed and unclosed (issue 15): every step of
 * the page check's code path copes without overflowing the stack.
 *  - The check itself (src/extension/page-check.ts: the runner's parser and audits on the served
 *    HTML and the live DOM) runs on the HTML text: iterative walks over a DOM bounded at 512 levels.
 *  - The content script's own DOM work (cloneNode + outerHTML for the live HTML, the tree walker
 *    that locates personal data, the selector of a flagged element) runs on the browser's DOM. In
 *    Chromium that DOM is at most 512 levels deep, whatever the markup: its HTML parser stops
 *    nesting there (a DOM built deeper by script crashes the renderer before any extension runs).
 *  - The selector walks up at most 40 ancestors: on a 100,000-deep DOM built by script (linkedom)
 *    it names the element and stays fast.
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditItems, pageArtifact } from '../src/extension/page-check.ts';
import { resolveSelector, uniqueSelector } from '../src/extension/selector.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';

const N = 100_000;
const URL_ = 'http://127.0.0.1:8360/xwdt/deep.html';
const deep = (closed: boolean) =>
  `<html><head><title>深层嵌套</title></head><body>${'<div>'.repeat(N)}<p>联系人：张三，电话 13912345678</p><a href="/deepest.html">最深处</a>${closed ? '</div>'.repeat(N) : ''}<div class="footer">网站标识码：3500000025</div></body></html>`;

let browser: Browser;
beforeAll(async () => {
  browser = await puppeteer.launch({ executablePath: findBrowser(), headless: headlessMode(findBrowser()), args: [...BASE_ARGS] });
});
afterAll(async () => {
  await browser?.close();
});

describe('the page check on 100,000 nested elements', () => {
  for (const closed of [true, false]) {
    it(`${closed ? 'closed' : 'unclosed'} tags: the served HTML and the live DOM are checked, the deepest link read`, async () => {
      const html = deep(closed);
      const page = await browser.newPage();
      try {
        await page.setContent(html, { waitUntil: 'load' });
        // What the content script does with the live DOM (entrypoints/page.content/app.ts).
        const live = await page.evaluate(() => {
          let maxDepth = 0;
          const stack: [Element, number][] = [[document.documentElement, 1]];
          while (stack.length) {
            const [el, d] = stack.pop()!;
            maxDepth = Math.max(maxDepth, d);
            for (const c of Array.from(el.children)) stack.push([c, d + 1]);
          }
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          let texts = 0;
          while (walker.nextNode()) texts++;
          return { maxDepth, texts, html: (document.documentElement.cloneNode(true) as HTMLElement).outerHTML };
        });
        expect(live.maxDepth).toBeLessThanOrEqual(513);
        expect(live.texts).toBeGreaterThan(0);
        const artifact = pageArtifact(URL_, live.html, 2);
        expect(artifact.links.map((l) => l.url)).toContain('http://127.0.0.1:8360/deepest.html');
        const items = auditItems({ url: URL_, title: '深层嵌套', liveHtml: live.html, staticHtml: html, homeHtml: html }, [], '2026-12-04');
        // The personal data below the 100,000 levels is found (privacy), on both views of the page.
        expect(items.filter((i) => i.audit === 'privacy').length).toBeGreaterThan(0);
        expect(pageArtifact(URL_, html, 2).links.map((l) => l.url)).toContain('http://127.0.0.1:8360/deepest.html');
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('the selector of an element 100,000 levels deep (a DOM built by script) names it, walking up 40 ancestors at most', () => {
    const { document: doc } = parseHTML('<html><head><title>深</title></head><body><div id="main"></div></body></html>');
    let cur = doc.getElementById('main')!;
    for (let i = 0; i < N; i++) cur = cur.appendChild(doc.createElement('div'));
    const a = cur.appendChild(doc.createElement('a'));
    a.setAttribute('href', '/deepest.html');
    const p = cur.appendChild(doc.createElement('p'));
    const t = performance.now();
    for (const el of [a, p]) {
      const sel = uniqueSelector(el as unknown as Element);
      expect(resolveSelector(doc as unknown as Document, sel)).toBe(el);
    }
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
