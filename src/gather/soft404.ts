/**
 * Soft 404s: many portals answer a page that does not exist with 200 and an error page
 * ("您访问的页面不存在"), or redirect it to one. A link checker that trusts the status then
 * never sees a broken link. So the crawl asks the site once for a page that cannot exist, and
 * a page that is answered like that one (redirected to the same error page, or with the same
 * title), or whose title says it does not exist, counts as a broken link, not a page.
 */
import { randomBytes } from 'node:crypto';
import { decodeBody } from './decode.ts';
import type { Fetcher, FollowOptions } from './http.ts';
import { parseHtml } from './parse.ts';
import type { Soft404Probe } from './soft404-rule.ts';

export { soft404Reason, type Soft404Probe } from './soft404-rule.ts';

/** Asks for a page that cannot exist; null when the request itself failed. */
export async function probeSoft404(fetcher: Fetcher, origin: string, follow?: FollowOptions): Promise<Soft404Probe | null> {
  const url = `${origin}/zhaocuo-${randomBytes(6).toString('hex')}-no-such-page.html`;
  const r = await fetcher.follow(url, 'GET', follow);
  if (r.error && !r.status) return null;
  const out: Soft404Probe = { url, status: r.status, finalUrl: r.finalUrl };
  if (r.status === 200 && r.body) out.title = parseHtml(decodeBody(r.body, r.headers['content-type'] ?? '').text, r.finalUrl).title;
  return out;
}

