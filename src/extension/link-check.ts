/**
 * The page check's link check, run by the background (it may read other origins the user
 * granted; a content script only reads its own page's origin). Each link target once: HEAD,
 * then GET when the server refuses or mishandles HEAD (the crawl's HEAD_REFUSED), judged by
 * the crawl's own linkState (ok / broken / blocked); a 429 with a short Retry-After is asked
 * once more after the wait, as the crawl does. A page of the site that answers 200 is read (GET)
 * for its title: the site's "not found" page is a broken link (soft 404), as for the crawl.
 * Requests carry no cookies, as the inspection's
 * crawler sees the site. fetch follows redirects without telling the hops, so a chain counts as
 * one redirect (no redirect-chain findings) and a loop shows as a failed request (broken).
 *
 * Where the extension has no permission to read an origin, the browser hides the answer: a
 * second, opaque (no-cors) request then tells "the server answered" (state skipped, reason
 * no-permission) from "nothing answered" (broken). Anchors (#fragment) are checked against the
 * page itself, or against the target page's ids and a[name]s parsed by the crawl's parser.
 */
import type { LinkKind, LinkTarget } from '../gather/artifacts.ts';
import { HEAD_REFUSED, linkState } from '../gather/link-state.ts';
import { parseHtml } from '../gather/parse.ts';
import { soft404Reason } from '../gather/soft404-rule.ts';

export interface LinkToCheck {
  url: string;
  kind: LinkKind;
  /** Fragments linked to on this target (without '#'). */
  fragments?: string[];
}

export type LinkFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface LinkCheckOptions {
  fetch?: LinkFetch;
  concurrency?: number;
  timeoutMs?: number;
  /** Targets checked at most (the rest are skipped with reason "limit"). */
  max?: number;
  /** ids and a[name]s of the page itself (for #fragment links to it). */
  pageAnchors?: string[];
}

export const NO_PERMISSION = 'no-permission';
const MAX_BODY = 2 * 1024 * 1024;
const MAX_RETRY_AFTER_S = 5;

interface Answer {
  status: number;
  /** Seconds, from Retry-After (429/503). */
  retryAfter?: number;
  error?: string;
  finalUrl?: string;
  redirected?: boolean;
  contentType?: string;
  body?: string;
  opaque?: boolean;
}

async function request(f: LinkFetch, url: string, method: 'HEAD' | 'GET', timeoutMs: number, wantBody: boolean, mode: RequestMode = 'cors'): Promise<Answer> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await f(url, { method, mode, credentials: 'omit', redirect: 'follow', cache: 'no-store', signal: ctl.signal });
    if (res.type === 'opaque') return { status: 0, opaque: true };
    const a: Answer = { status: res.status, finalUrl: res.url || url, redirected: res.redirected, contentType: res.headers.get('content-type') ?? undefined };
    const ra = Number(res.headers.get('retry-after'));
    if (Number.isFinite(ra) && ra >= 0 && res.headers.has('retry-after')) a.retryAfter = ra;
    if (wantBody && method === 'GET' && res.ok && /html/i.test(a.contentType ?? '')) {
      const buf = await res.arrayBuffer();
      a.body = new TextDecoder(charsetOf(a.contentType) ?? 'utf-8').decode(buf.byteLength > MAX_BODY ? buf.slice(0, MAX_BODY) : buf);
    } else {
      await res.body?.cancel().catch(() => undefined);
    }
    return a;
  } catch (err) {
    const e = err as Error;
    return { status: 0, error: e.name === 'AbortError' ? `timeout after ${Math.round(timeoutMs / 1000)} s` : e.message || 'network error' };
  } finally {
    clearTimeout(timer);
  }
}

function charsetOf(ct: string | undefined): string | undefined {
  const m = ct?.match(/charset\s*=\s*["']?([\w.-]+)/i);
  if (!m) return undefined;
  try {
    return new TextDecoder(m[1]).encoding;
  } catch {
    return undefined;
  }
}

async function checkOne(f: LinkFetch, pageUrl: string, link: LinkToCheck, o: Required<Pick<LinkCheckOptions, 'timeoutMs'>> & { pageAnchors: string[] }, kinds: LinkKind[]): Promise<LinkTarget> {
  const pageOrigin = new URL(pageUrl).origin;
  const url = new URL(link.url);
  const internal = url.origin === pageOrigin;
  const fragments = link.fragments ?? [];
  const samePage = link.url === pageUrl.split('#')[0];
  const needBody = fragments.length > 0 && !samePage;
  let a = needBody ? await request(f, link.url, 'GET', o.timeoutMs, true) : await request(f, link.url, 'HEAD', o.timeoutMs, false);
  // HEAD refused, mishandled or failed: GET decides.
  if (!needBody && !a.opaque && (a.error !== undefined || HEAD_REFUSED.has(a.status))) a = await request(f, link.url, 'GET', o.timeoutMs, false);
  // Too many requests with a short Retry-After: once more after waiting, as the crawl does.
  if (a.status === 429 && a.retryAfter !== undefined && a.retryAfter <= MAX_RETRY_AFTER_S) {
    await new Promise((r) => setTimeout(r, a.retryAfter! * 1000));
    a = await request(f, link.url, 'GET', o.timeoutMs, needBody);
  }
  const target: LinkTarget = { url: link.url, state: 'ok', redirects: [], internal, isPage: false, kinds };
  if (a.error || a.opaque) {
    // Either nothing answered, or the browser hides the answer (no permission for that origin).
    const probe = await request(f, link.url, 'GET', o.timeoutMs, false, 'no-cors');
    if (probe.opaque || (!probe.error && probe.status > 0)) {
      target.state = 'skipped';
      target.skipReason = NO_PERMISSION;
      return target;
    }
    target.state = 'broken';
    target.error = a.error ?? probe.error ?? 'network error';
    return target;
  }
  target.status = a.status;
  target.state = linkState(a.status);
  if (a.contentType) target.contentType = a.contentType;
  target.isPage = /html/i.test(a.contentType ?? '');
  if (a.finalUrl && a.finalUrl !== link.url) {
    target.finalUrl = a.finalUrl;
    // fetch follows redirects without telling the hops: one is known to have happened.
    if (a.redirected) target.redirects = [link.url];
  }
  // A page of the site answered 200: read it, it may be the site's "not found" page (a soft 404,
  // as the crawl judges it).
  if (internal && target.state === 'ok' && target.isPage && !samePage && kinds.some((k) => k === 'a' || k === 'area')) {
    if (a.body === undefined) {
      const g = await request(f, link.url, 'GET', o.timeoutMs, true);
      if (!g.error && !g.opaque && g.body !== undefined) a = { ...a, body: g.body, finalUrl: g.finalUrl ?? a.finalUrl };
    }
    if (a.body !== undefined) {
      const soft = soft404Reason({ url: link.url, finalUrl: a.finalUrl ?? link.url, title: parseHtml(a.body, a.finalUrl ?? link.url).title }, null);
      if (soft) {
        target.state = 'broken';
        target.error = `软 404（页面不存在却返回 200）：${soft}`;
      }
    }
  }
  if (fragments.length && target.state === 'ok') {
    const anchors = samePage ? new Set(o.pageAnchors) : a.body !== undefined ? new Set(parseHtml(a.body, a.finalUrl ?? link.url).anchors) : null;
    if (anchors) {
      const missing = fragments.filter((fr) => !anchors.has(fr) && fr !== 'top');
      if (missing.length) target.missingFragments = missing;
    }
  }
  return target;
}

/** Checks link targets (unique by URL), `concurrency` at a time, in the order given. */
export async function checkLinks(pageUrl: string, links: LinkToCheck[], o: LinkCheckOptions = {}): Promise<LinkTarget[]> {
  const f: LinkFetch = o.fetch ?? ((u, init) => globalThis.fetch(u, init));
  const byUrl = new Map<string, { link: LinkToCheck; kinds: Set<LinkKind> }>();
  for (const l of links) {
    if (!/^https?:/i.test(l.url)) continue;
    const e = byUrl.get(l.url);
    if (e) {
      e.kinds.add(l.kind);
      for (const fr of l.fragments ?? []) if (!(e.link.fragments ??= []).includes(fr)) e.link.fragments.push(fr);
    } else byUrl.set(l.url, { link: { ...l, fragments: [...(l.fragments ?? [])] }, kinds: new Set([l.kind]) });
  }
  const entries = [...byUrl.values()];
  const max = o.max ?? 300;
  const out: LinkTarget[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const { link, kinds } = entries[i];
      if (i >= max) {
        out[i] = { url: link.url, state: 'skipped', skipReason: 'limit', redirects: [], internal: false, isPage: false, kinds: [...kinds] };
        continue;
      }
      out[i] = await checkOne(f, pageUrl, link, { timeoutMs: o.timeoutMs ?? 10_000, pageAnchors: o.pageAnchors ?? [] }, [...kinds]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 6, entries.length) }, worker));
  return out;
}
