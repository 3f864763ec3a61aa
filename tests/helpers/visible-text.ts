/**
 * What a person reads on a page (document.body.innerText, folded lists opened) and the words
 * that must not be in it: rule ids, audit ids, English severities, English fragments of error
 * messages. The small grey 「规则」 fields (.rule-id) are taken out first and returned apart.
 */
import type { Page } from 'puppeteer-core';
import { ALL_AUDITS } from '../../audits/index.ts';
import { SEVERITIES } from '../../src/audit/types.ts';

export async function pageText(page: Page): Promise<{ text: string; ruleFields: string[] }> {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const ruleFields = [...document.querySelectorAll('.rule-id')].map((e) => (e as HTMLElement).innerText);
    for (const e of document.querySelectorAll('.rule-id')) e.remove();
    return { text: document.body.innerText, ruleFields };
  });
}

export const ENGLISH_FRAGMENTS = [/soft 404/i, /no AAAA/i, /redirect loop/i, /timeout/i, /timed out/i, /connection refused/i, /no answer/i, /not checked/i];

/** The ids and fragments found in `text` (URLs and file names, the site's own words, left out). */
export function leaks(text: string, ruleIds: Iterable<string>, extra: RegExp[] = []): string[] {
  const words = text.replace(/(https?:\/\/|file:\/\/)\S+/g, ' ').replace(/\b[\w.-]+\.(html?|png|jpe?g|doc|pdf|json)\b/g, ' ');
  const ids = new Set([...ruleIds, ...ALL_AUDITS.map((a) => a.meta.id), ...SEVERITIES]);
  const found: string[] = [];
  for (const id of ids) {
    const re = new RegExp(`(^|[^\\w/-])${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}($|[^\\w/-])`);
    if (re.test(words)) found.push(id);
  }
  for (const frag of [...ENGLISH_FRAGMENTS, ...extra]) if (frag.test(words)) found.push(String(frag));
  return found;
}

/** Elements that run off the right edge of a `width` px viewport (outside boxes that scroll on their own), and the page's scroll width. */
export async function overflow(page: Page, width: number): Promise<{ scrollWidth: number; over: string[] }> {
  return page.evaluate((w) => {
    const inScroller = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) if (p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX === 'auto') return true;
      return false;
    };
    const over = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 1 && !inScroller(el)).map((el) => `${el.tagName}.${el.className}`).slice(0, 5);
    return { scrollWidth: document.scrollingElement!.scrollWidth, over };
  }, width);
}
