/**
 * The shape of a URL with its generated parts blanked: numbers, dates and hash-like ids in the
 * path and in query values become {n} / {hash}, so /cal/2026/12/04 and /cal/1999/01/31 share
 * the pattern /cal/{n}/{n}/{n}. A crawler trap (an endless calendar, a session id in every
 * link) is one pattern with ever more pages; the crawl caps pages per pattern
 * (crawl.maxPagesPerPattern). Only whole segments are blanked: a CMS article path such as
 * /xwdt/202612/t20261204_123.html keeps its file name, so a column's articles stay distinct.
 */

/** Digits, optionally in groups joined by - _ . (dates: 2026-12-04, 2026.12.04, 20261204). */
const NUMBER = /^\d+(?:[-_.]\d+)*$/;
/** Hex ids (8+ characters with a digit and a letter), UUIDs, long tokens with digits and letters. */
const HASH = /^(?=[^/]*\d)(?=[^/]*[a-z])(?:[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9_-]{24,})$/i;

/** A segment or query value blanked, or undefined when it is not generated-looking. */
function blank(part: string): string | undefined {
  if (!part) return undefined;
  // A file name is judged on its stem: 04.html → {n}.html.
  const dot = part.lastIndexOf('.');
  const ext = dot > 0 && /^\.[a-z]{2,5}$/i.test(part.slice(dot)) ? part.slice(dot) : '';
  const stem = ext ? part.slice(0, dot) : part;
  if (NUMBER.test(stem)) return `{n}${ext}`;
  if (HASH.test(stem)) return `{hash}${ext}`;
  return undefined;
}

/**
 * The pattern of an absolute http(s) URL (origin + path + sorted query keys with their values
 * blanked), or undefined when nothing in it looks generated: such a URL is its own pattern,
 * and is not counted.
 */
export function urlPattern(url: URL): string | undefined {
  let blanked = false;
  const path = url.pathname
    .split('/')
    .map((seg) => {
      const b = blank(seg);
      if (b) blanked = true;
      return b ?? seg;
    })
    .join('/');
  let query = '';
  if (url.search) {
    const pairs = [...url.searchParams].map(([k, v]) => {
      const b = blank(v);
      if (b) blanked = true;
      return `${k}=${b ?? v}`;
    });
    query = '?' + pairs.sort().join('&');
  }
  return blanked ? url.origin + path + query : undefined;
}
