/**
 * The crawl gatherer: from the start URL (and the sitemap), every same-site page is fetched
 * once and parsed; every other link target (external pages, images, attachments, scripts,
 * styles) is verified once, however many pages link to it. Depths are computed at the end
 * by a breadth-first walk of the page graph, so concurrency never skews the 二级/三级 counts.
 */
import type { Config } from '../config/schema.ts';
import type { Artifacts, LinkKind, LinkTarget, PageArtifact } from './artifacts.ts';
import { decodeBody } from './decode.ts';
import { Fetcher, isHtmlType, type FollowResult } from './http.ts';
import { HEAD_REFUSED, linkState } from './link-state.ts';
import { parseHtml } from './parse.ts';
import { probeSoft404, soft404Reason } from './soft404.ts';
import { loadRobots, loadSitemap, type Robots } from './robots.ts';
import { Scope, looksLikeResource } from './url.ts';
import { collectGarbage } from './gc.ts';
import { bodyHash, validatorsOf, type IncrementalStats, type PageCache, type StoredPage } from './page-cache.ts';

export class StartUrlError extends Error {
  override name = 'StartUrlError';
}

export interface CrawlProgress {
  pages: number;
  queued: number;
  targets: number;
  checked: number;
  elapsedMs: number;
}

export interface CrawlOptions {
  startUrl: string;
  config: Config;
  fetcher: Fetcher;
  onProgress?: (p: CrawlProgress) => void;
  /** The pages the site's last runs stored (incremental re-audits); absent: every page fetched and parsed. */
  cache?: PageCache;
}

const PAGE_KINDS = new Set<LinkKind>(['a', 'iframe', 'area']);
const GC_EVERY_PAGES = 1000;
/** Response headers worth keeping per page (the rest is dropped: memory on large sites). */
const KEEP_HEADERS = new Set(['content-type', 'content-length', 'last-modified', 'date', 'server', 'x-powered-by', 'cache-control', 'strict-transport-security', 'content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'location']);

interface TargetRec extends LinkTarget {
  kindSet: Set<LinkKind>;
}

export async function crawl(opts: CrawlOptions): Promise<Artifacts> {
  const { config, fetcher } = opts;
  const c = config.crawl;
  const started = performance.now();
  const startUrl = new URL(opts.startUrl).href;
  const scope = new Scope(startUrl, config.site);

  // The start URL decides whether there is a site to audit at all.
  const first = await fetcher.follow(startUrl, 'GET');
  if (first.error || first.status >= 400) {
    const why = first.error ?? `HTTP ${first.status}`;
    throw new StartUrlError(`cannot load the start URL ${startUrl}: ${why}. Check the address, that the site is up, and --dns-server if it resolves only through a private DNS.`);
  }
  const finalStart = new URL(first.finalUrl);
  scope.addHost(finalStart.host);
  const origin = finalStart.origin;

  // Redirects of the site's own requests stay on the site: a target elsewhere is not contacted
  // by them (a redirected page's target is checked as a link: leftScope).
  const onSite = { allow: (u: string) => scope.isSameSite(u) };
  // How the site answers a page that does not exist (soft 404s), asked once, beside robots.txt.
  const soft404 = probeSoft404(fetcher, origin, onSite).catch(() => null);
  const robots: Robots | undefined = c.robots ? await loadRobots(fetcher, origin, c.userAgent, onSite) : undefined;
  // A page's redirect is followed only to a URL that would be crawled as a page itself.
  const inScope = { allow: (u: string) => scope.isSameSite(u) && !scope.excludedBecause(u) && (!robots || robots.isAllowed(u)) };
  // Verifying a link follows its redirects anywhere, except to other sites with --no-external.
  const verifyScope = c.checkExternal ? {} : onSite;
  const probe = await soft404;
  const disallowed = new Set<string>();

  const pages = new Map<string, PageArtifact>(); // by requested URL
  const byFinal = new Map<string, PageArtifact>(); // by final URL (redirect aliases)
  const targets = new Map<string, TargetRec>();
  const discovered = new Set<string>();
  // One string per distinct value: the nav, footer and template links repeated on 10,000 pages
  // share their strings (URLs, anchor texts, footer text), which halves the artifacts' memory.
  const interned = new Map<string, string>();
  const intern = <T extends string | undefined | null>(s: T): T => {
    if (typeof s !== 'string' || s.length > 2000) return s;
    const have = interned.get(s);
    if (have !== undefined) return have as T;
    interned.set(s, s);
    return s;
  };
  const variants = new Map<string, number>();
  const cache = opts.cache;
  const incremental: IncrementalStats = { notModified: 0, sameContent: 0, changed: 0, fresh: 0 };
  let pageBudget = c.maxPages;
  let limited = 0;
  let pending = 0;
  let checked = 0;
  let drained: () => void = () => undefined;
  let idle = new Promise<void>((r) => (drained = r));

  const target = (url: string, internal: boolean): TargetRec => {
    let t = targets.get(url);
    if (!t) {
      t = { url, state: 'skipped', redirects: [], internal, isPage: false, kinds: [], kindSet: new Set() };
      targets.set(url, t);
    }
    return t;
  };

  const track = (p: Promise<void>) => {
    pending++;
    p.catch((err) => {
      // A bug in one page must not stop the run; it is reported on that page's target.
      process.emitWarning(`zhaocuo: ${(err as Error).stack ?? err}`);
    }).finally(() => {
      pending--;
      report();
      if (pending === 0) drained();
    });
  };

  let lastReport = 0;
  const report = () => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (now - lastReport < 200 && pending > 0) return;
    lastReport = now;
    opts.onProgress({ pages: pages.size, queued: pending, targets: targets.size, checked, elapsedMs: now - started });
  };

  const applyResult = (t: TargetRec, res: FollowResult) => {
    t.status = res.status || undefined;
    t.redirects = res.redirects;
    t.finalUrl = res.finalUrl !== res.url ? res.finalUrl : undefined;
    t.timingMs = res.timingMs;
    t.contentType = res.headers['content-type'];
    if (res.loop) t.redirectLoop = true;
    if (res.error) t.error = res.error;
    t.state = linkState(res.status, res.error);
  };

  /** Enqueues a same-site page, or records why it is not crawled. */
  const enqueuePage = (url: string, depth: number) => {
    if (discovered.has(url)) return;
    discovered.add(url);
    const t = target(url, true);
    const excluded = scope.excludedBecause(url);
    if (excluded) return void (t.skipReason = excluded);
    if (robots && !robots.isAllowed(url)) {
      disallowed.add(url);
      return void (t.skipReason = 'disallowed by robots.txt');
    }
    if (depth > c.maxDepth) {
      limited++;
      return void (t.skipReason = `deeper than maxDepth ${c.maxDepth}`);
    }
    const u = new URL(url);
    if (u.search) {
      const key = u.origin + u.pathname;
      const n = (variants.get(key) ?? 0) + 1;
      variants.set(key, n);
      if (n > c.maxQueryVariants) {
        limited++;
        return void (t.skipReason = `more than ${c.maxQueryVariants} query variants of ${u.pathname} (calendar-style URL space)`);
      }
    }
    if (pageBudget <= 0) {
      limited++;
      return void (t.skipReason = `maxPages ${c.maxPages} reached`);
    }
    pageBudget--;
    track(crawlPage(url, depth, t));
  };

  const crawlPage = async (url: string, depth: number, t: TargetRec) => {
    let res = url === startUrl ? first : await fetcher.follow(url, 'GET', inScope);
    if (res.stoppedAt) return leftScope(t, res);
    let stored: StoredPage | undefined;
    if (res.status === 304 && cache) {
      // Not modified since the last run: its stored page stands in for it. Should that be gone,
      // the page is asked again without validators.
      stored = cache.load(res.finalUrl);
      if (!stored) {
        cache.drop(res.finalUrl);
        fetcher.forget(res.finalUrl);
        res = await fetcher.follow(url, 'GET', inScope);
        if (res.stoppedAt) return leftScope(t, res);
      }
    }
    try {
      handlePage(url, depth, t, res, stored);
    } finally {
      fetcher.release(res.finalUrl);
    }
  };

  const handlePage = (url: string, depth: number, t: TargetRec, res: FollowResult, stored?: StoredPage) => {
    const validators = validatorsOf(res.headers);
    // A 304 is the stored answer again; the headers it sends (Date, Cache-Control …) are the newer ones.
    if (stored) res = { ...res, status: stored.status, headers: { ...stored.headers, ...res.headers, 'content-type': stored.contentType } };
    applyResult(t, res);
    checked++;
    const ct = res.headers['content-type'] ?? '';
    // XHTML (application/xhtml+xml) is a page; other XML (feeds, sitemaps) is not.
    if (t.state !== 'ok' || (!res.body && !stored) || !isHtmlType(ct) || (/xml/i.test(ct) && !/xhtml/i.test(ct))) return;
    if (!scope.isSameSite(res.finalUrl)) return; // redirected off-site: a link, not a page
    const alias = byFinal.get(res.finalUrl);
    if (alias) {
      t.isPage = true;
      pages.set(url, alias);
      return;
    }
    // Sent in full: the body's hash tells whether it changed since the stored copy (servers without validators).
    let hash: string | undefined;
    let how: keyof IncrementalStats = 'notModified';
    if (!stored && res.body) {
      hash = bodyHash(res.body);
      const was = cache?.reuse ? cache.hash(res.finalUrl) : undefined;
      if (was === hash) stored = cache!.load(res.finalUrl);
      how = stored ? 'sameContent' : was !== undefined ? 'changed' : 'fresh';
    }
    let content: Omit<StoredPage, 'finalUrl' | 'status' | 'redirects' | 'contentType' | 'charset' | 'charsetSource' | 'headers' | 'bytes' | 'error'>;
    let charset: string;
    let cut: string | undefined;
    let charsetSource: PageArtifact['charsetSource'];
    if (stored) {
      const { finalUrl: _f, status: _s, redirects: _r, contentType: _ct, charset: cs, charsetSource: src, headers: _h, bytes: _b, error: _e, ...rest } = stored;
      content = rest;
      charset = cs;
      charsetSource = src;
    } else {
      const decoded = decodeBody(res.body!, ct);
      let parsedAll: ReturnType<typeof parseHtml>;
      try {
        parsedAll = parseHtml(decoded.text, res.finalUrl);
      } catch (err) {
        // One page the parser cannot read is that page's problem, reported on it, never the run's.
        t.state = 'broken';
        t.error = `页面无法解析（page could not be parsed: ${(err as Error).message ?? err}）`;
        return;
      }
      const { baseUrl: _base, cut: parseCut, ...parsed } = parsedAll;
      cut = parseCut;
      content = parsed;
      charset = decoded.charset;
      charsetSource = decoded.source;
    }
    // A 200 that is the site's "not found" page: a broken link, not a page (its links are the site's chrome).
    const soft = url === startUrl ? null : soft404Reason({ url, finalUrl: res.finalUrl, title: content.title }, probe);
    if (soft) {
      t.state = 'broken';
      t.error = `soft 404: ${soft}`;
      return;
    }
    incremental[how]++;
    const page: PageArtifact = {
      url,
      finalUrl: res.finalUrl,
      status: res.status,
      redirects: res.redirects,
      contentType: intern(ct),
      charset,
      charsetSource,
      headers: Object.fromEntries(Object.entries(res.headers).filter(([k]) => KEEP_HEADERS.has(k)).map(([k, v]) => [k, intern(v)])),
      timingMs: res.timingMs,
      bytes: stored ? stored.bytes : res.bytes,
      depth,
      fromSitemap: depth === 0,
      ...content,
      lang: intern(content.lang),
      footerText: intern(content.footerText),
    };
    if (stored?.error) page.error = stored.error;
    else if (res.truncated) page.error = `body larger than ${c.maxBodyBytes} bytes: truncated`;
    else if (cut) page.error = cut;
    if (cache) {
      if (stored) cache.touch(res.finalUrl, { ...cache.conditional(res.finalUrl), ...validators });
      else {
        const { url: _u, depth: _d, fromSitemap: _fs, timingMs: _t, ...keep } = page;
        cache.save(res.finalUrl, validators, hash!, keep);
      }
    }
    t.isPage = true;
    pages.set(url, page);
    byFinal.set(res.finalUrl, page);
    if (byFinal.size % GC_EVERY_PAGES === 0) collectGarbage();
    for (const img of content.images) {
      img.src = intern(img.src);
      img.alt = intern(img.alt);
      img.href = intern(img.href);
    }
    for (const list of content.lists) {
      list.selector = intern(list.selector);
      for (const item of list.items) {
        item.href = intern(item.href);
        item.text = intern(item.text);
      }
    }
    for (const link of content.links) {
      link.url = intern(link.url);
      link.text = intern(link.text);
      const same = scope.isSameSite(link.url);
      const rec = target(link.url, same);
      rec.kindSet.add(link.kind);
      if (same && PAGE_KINDS.has(link.kind) && !looksLikeResource(link.url)) enqueuePage(link.url, (depth || 1) + 1);
      else verify(link.url, rec, same);
    }
  };

  /** One verification of a link target (HEAD, then GET where HEAD is refused), shared by all who ask. */
  const checks = new Map<string, Promise<FollowResult>>();
  const checkOnce = (url: string): Promise<FollowResult> => {
    let p = checks.get(url);
    if (!p) {
      p = (async () => {
        // A GET already made (a page, a redirect hop) answers without a new request.
        const known = fetcher.peek(url, 'GET');
        let res = await fetcher.follow(url, known ? 'GET' : 'HEAD', verifyScope);
        if (!known && !res.stoppedAt && (res.error || HEAD_REFUSED.has(res.status))) res = await fetcher.follow(url, 'GET', verifyScope);
        return res;
      })();
      checks.set(url, p);
    }
    return p;
  };
  const notCheckedOffsite = (next: string) => `redirects to another site (${next}); external links not checked (crawl.checkExternal)`;

  /**
   * A page of the site redirected out of the run's scope: where it goes is a link like any other,
   * verified once (never crawled), or not contacted at all with --no-external; an in-site target
   * that is excluded or disallowed is not requested either.
   */
  const leftScope = async (t: TargetRec, res: FollowResult) => {
    const next = res.stoppedAt!;
    applyResult(t, res);
    checked++;
    if (scope.isSameSite(next)) {
      t.state = 'skipped';
      t.skipReason = `redirects to ${next}: ${scope.excludedBecause(next) ?? 'disallowed by robots.txt'}`;
      return;
    }
    if (!c.checkExternal) {
      t.state = 'skipped';
      t.skipReason = notCheckedOffsite(next);
      return;
    }
    const ext = await checkOnce(next);
    applyResult(t, { ...ext, url: t.url, redirects: [...res.redirects, ...ext.redirects], timingMs: res.timingMs + ext.timingMs });
  };

  const verifying = new Set<string>();
  const verify = (url: string, t: TargetRec, same: boolean) => {
    if (verifying.has(url) || discovered.has(url)) return;
    verifying.add(url);
    if (!same && !c.checkExternal) return void (t.skipReason = 'external links not checked (crawl.checkExternal)');
    if (same && robots && !robots.isAllowed(url)) return void (t.skipReason = 'disallowed by robots.txt');
    track(
      (async () => {
        const res = await checkOnce(url);
        applyResult(t, res);
        if (res.stoppedAt) {
          t.state = 'skipped';
          t.skipReason = notCheckedOffsite(res.stoppedAt);
        }
        checked++;
      })(),
    );
  };

  report();
  enqueuePage(startUrl, 1);
  await idle;

  // Sitemap pages that no link reached are crawled last, as orphans (depth unknown).
  let sitemap = { urls: [] as string[], found: false };
  if (c.sitemap) {
    const sms = robots?.sitemaps.length ? robots.sitemaps : [new URL('/sitemap.xml', origin).href];
    sitemap = await loadSitemap(fetcher, sms, undefined, onSite);
    idle = new Promise<void>((r) => (drained = r));
    let added = false;
    for (const u of sitemap.urls) {
      let url: string;
      try {
        url = new URL(u).href;
      } catch {
        continue;
      }
      if (!scope.isSameSite(url) || discovered.has(url)) continue;
      added = true;
      enqueuePage(url, 0);
    }
    if (added && pending > 0) await idle;
  }

  cache?.finish(pageBudget > 0);
  checkFragments(pages, targets);
  const pageList = assignDepths(startUrl, pages);
  report();

  return {
    site: { startUrl, origin, host: finalStart.host, name: config.site.name },
    pages: pageList,
    targets: [...targets.values()].map(({ kindSet, ...t }) => ({ ...t, kinds: [...kindSet] })),
    robots: { url: robots?.url ?? new URL('/robots.txt', origin).href, found: robots?.found ?? false, honoured: c.robots, disallowedUrls: [...disallowed], sitemaps: robots?.sitemaps ?? [] },
    sitemap,
    ...(probe ? { soft404: probe } : {}),
    crawl: { pages: pageList.length, targets: targets.size, requests: fetcher.requests, bytes: fetcher.bytes, durationMs: Math.round(performance.now() - started), limited, ...(cache ? { incremental } : {}) },
  };
}

/** A link to page#frag is broken when the page has no element with that id or name. */
function checkFragments(pages: Map<string, PageArtifact>, targets: Map<string, TargetRec>): void {
  for (const page of new Set(pages.values())) {
    for (const link of page.links) {
      if (!link.fragment) continue;
      const dest = pages.get(link.url);
      if (!dest) continue;
      if (dest.anchors.includes(link.fragment)) continue;
      const t = targets.get(link.url);
      if (!t) continue;
      t.missingFragments ??= [];
      if (!t.missingFragments.includes(link.fragment)) t.missingFragments.push(link.fragment);
    }
  }
}

/**
 * Breadth-first link depth over the crawled page graph: homepage 1; unreachable → null. A root
 * that only sends the visitor on (<meta refresh>, a script) is not the homepage: the page it
 * sends to is, as for an HTTP redirect, and comes first in the list (audits take the first
 * depth-1 page as the homepage).
 */
function assignDepths(startUrl: string, pages: Map<string, PageArtifact>): PageArtifact[] {
  let unique = [...new Set(pages.values())];
  for (const p of unique) p.depth = null;
  const root = pages.get(startUrl);
  const onward = root?.links.find((l) => l.via && pages.has(l.url) && pages.get(l.url) !== root);
  const start = onward ? pages.get(onward.url)! : root;
  if (onward && start) unique = [start, ...unique.filter((p) => p !== start)];
  if (start) {
    start.depth = 1;
    let frontier = [start];
    let d = 1;
    while (frontier.length) {
      const next: PageArtifact[] = [];
      d++;
      for (const p of frontier) {
        for (const l of p.links) {
          if (!PAGE_KINDS.has(l.kind)) continue;
          const q = pages.get(l.url);
          if (q && q.depth === null) {
            q.depth = d;
            next.push(q);
          }
        }
      }
      frontier = next;
    }
  }
  return unique;
}
