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

/**
 * What of a robots.txt is read: the first 500 KiB (Google's limit; RFC 9309 asks crawlers to
 * read at least that much), cut at the last full line. The rest is ignored, as Google does.
 */
export const ROBOTS_MAX_BYTES = 500 * 1024;

/** robots-parser's parsed rules (not in its typings): per user agent, in file order. */
interface ParserRules {
  _rules: Record<string, { pattern: string; allow: boolean }[] | undefined>;
}

/** `follow`: the run's redirect scope (a robots.txt redirected off-site is not read). */
export async function loadRobots(fetcher: Fetcher, origin: string, userAgent: string, follow?: FollowOptions): Promise<Robots> {
  const url = new URL('/robots.txt', origin).href;
  fetcher.capBody(url, ROBOTS_MAX_BYTES + 64 * 1024); // a little more, so the last line read is whole
  const res = await fetcher.follow(url, 'GET', follow);
  const ok = !res.error && res.status >= 200 && res.status < 300 && res.body;
  let body = ok ? res.body! : undefined;
  if (body && body.length > ROBOTS_MAX_BYTES) {
    const cut = body.lastIndexOf(0x0a, ROBOTS_MAX_BYTES);
    body = body.subarray(0, cut > 0 ? cut : ROBOTS_MAX_BYTES);
  }
  const text = body ? decodeBody(body, res.headers['content-type']).text : '';
  fetcher.release(res.finalUrl);
  // robots-parser is CommonJS; its typings claim an ES default export.
  const robotsParser = robotsParserModule as unknown as (url: string, text: string) => { isAllowed(u: string, ua?: string): boolean | undefined; getSitemaps(): string[] };
  const parser = robotsParser(url, text);
  const agent = userAgent.split('/')[0];
  const rules = (parser as unknown as ParserRules)._rules;
  // The matcher below reads robots-parser's rules (its own isAllowed tries every rule for every
  // URL: thousands of rules × 50,000 URLs is minutes); without them, its isAllowed.
  const matcher = rules && typeof rules === 'object' ? ruleMatcher(rules[agent.toLowerCase().trim()] ?? rules['*'] ?? []) : undefined;
  const base = new URL(url);
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
    isAllowed: matcher
      ? (u: string) => {
          let p: URL;
          try {
            p = new URL(u);
          } catch {
            return true;
          }
          // robots.txt speaks for its own origin only.
          if (p.protocol !== base.protocol || p.host !== base.host) return true;
          return matcher(upperEscapes(p.pathname + p.search));
        }
      : (u: string) => parser.isAllowed(u, agent) !== false,
  };
}

const upperEscapes = (path: string) => (path.includes('%') ? path.replace(/%[0-9a-fA-F]{2}/g, (m) => m.toUpperCase()) : path);

/**
 * Whether a path (percent escapes upper-cased) is allowed by one group's rules, as robots-parser
 * and Google decide it: the longest matching pattern wins, allow on a tie; no match: allowed.
 * Plain patterns (prefixes) are found by the path's prefixes in a map, so the cost per URL is
 * the path's length, not the number of rules; patterns with * or a closing $ are tried one by one.
 */
export function ruleMatcher(list: { pattern: string; allow: boolean }[]): (path: string) => boolean {
  const plain = new Map<string, boolean>();
  const wild = new Map<string, { re: RegExp; length: number; allow: boolean }>();
  for (const { pattern, allow } of list) {
    if (!pattern) continue;
    if (!pattern.includes('*') && !pattern.endsWith('$')) {
      plain.set(pattern, plain.get(pattern) === true || allow);
      continue;
    }
    const key = pattern;
    const had = wild.get(key);
    if (had) {
      had.allow ||= allow;
      continue;
    }
    const anchored = pattern.endsWith('$');
    const body = anchored ? pattern.slice(0, -1) : pattern;
    const src = body.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
    wild.set(key, { re: new RegExp(`^${src}${anchored ? '$' : ''}`), length: pattern.length, allow });
  }
  return (path: string) => {
    let best = -1;
    let allowed = true;
    const consider = (length: number, allow: boolean) => {
      if (length > best) {
        best = length;
        allowed = allow;
      } else if (length === best && allow) allowed = true;
    };
    if (plain.size)
      for (let k = path.length; k > 0; k--) {
        const a = plain.get(path.slice(0, k));
        if (a !== undefined) {
          consider(k, a);
          break;
        }
      }
    for (const w of wild.values()) if (w.length >= best && w.re.test(path)) consider(w.length, w.allow);
    return allowed;
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
