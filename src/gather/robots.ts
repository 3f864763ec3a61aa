/** robots.txt and sitemap.xml: fetched once each through the run's fetcher. */
import robotsParserModule from 'robots-parser';
import type { Fetcher, FollowOptions } from './http.ts';
import { decodeBody } from './decode.ts';

export interface Robots {
  url: string;
  found: boolean;
  sitemaps: string[];
  isAllowed(url: string): boolean;
}

/** `follow`: the run's redirect scope (a robots.txt redirected off-site is not read). */
export async function loadRobots(fetcher: Fetcher, origin: string, userAgent: string, follow?: FollowOptions): Promise<Robots> {
  const url = new URL('/robots.txt', origin).href;
  const res = await fetcher.follow(url, 'GET', follow);
  const ok = !res.error && res.status >= 200 && res.status < 300 && res.body;
  const text = ok ? decodeBody(res.body!, res.headers['content-type']).text : '';
  fetcher.release(res.finalUrl);
  // robots-parser is CommonJS; its typings claim an ES default export.
  const robotsParser = robotsParserModule as unknown as (url: string, text: string) => { isAllowed(u: string, ua?: string): boolean | undefined; getSitemaps(): string[] };
  const parser = robotsParser(url, text);
  const agent = userAgent.split('/')[0];
  return {
    url,
    found: Boolean(ok),
    sitemaps: parser.getSitemaps().flatMap((s) => {
      try {
        return [new URL(s, url).href];
      } catch {
        return [];
      }
    }),
    isAllowed: (u: string) => parser.isAllowed(u, agent) !== false,
  };
}

const LOC_RE = /<loc>\s*(?:<!\[CDATA\[)?\s*([^<\]]+?)\s*(?:\]\]>)?\s*<\/loc>/gi;

/** URLs listed by the sitemaps (following one level of sitemap index), capped. */
export async function loadSitemap(fetcher: Fetcher, sitemapUrls: string[], cap = 50_000, follow?: FollowOptions): Promise<{ urls: string[]; found: boolean }> {
  const urls = new Set<string>();
  let found = false;
  const queue = [...sitemapUrls];
  const seen = new Set<string>();
  while (queue.length && seen.size < 50 && urls.size < cap) {
    const sm = queue.shift()!;
    if (seen.has(sm)) continue;
    seen.add(sm);
    if (follow?.allow && !follow.allow(sm)) continue; // a sitemap (index entry) on another site
    const res = await fetcher.follow(sm, 'GET', follow);
    if (res.stoppedAt || res.error || res.status >= 400 || !res.body) continue;
    found = true;
    const xml = decodeBody(res.body, res.headers['content-type']).text;
    fetcher.release(res.finalUrl);
    const isIndex = /<sitemapindex/i.test(xml);
    for (const m of xml.matchAll(LOC_RE)) {
      const loc = m[1].replace(/&amp;/g, '&');
      if (isIndex) queue.push(loc);
      else if (urls.size < cap) urls.add(loc);
    }
  }
  return { urls: [...urls], found };
}
