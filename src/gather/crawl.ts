/**
 * The crawl gatherer: from the start URL (and the sitemap), every same-site page is fetched
 * once and parsed; every other link target (external pages, images, attachments, scripts,
 * styles) is verified once, however many pages link to it. Depths are computed at the end
 * by a breadth-first walk of the page graph, so concurrency never skews the 二级/三级 counts.
 */
import type { Config } from '../config/schema.ts';
import type { Artifacts, CrawlLimit, LinkKind, LinkTarget, OutLink, PageArtifact, StylesheetArtifact, UncheckedLink } from './artifacts.ts';
import { decodeBody } from './decode.ts';
import { Fetcher, isHtmlType, type FollowResult } from './http.ts';
import { HEAD_REFUSED, linkState } from './link-state.ts';
import { parseHtml } from './parse.ts';
import { probeSoft404, soft404Reason } from './soft404.ts';
import { loadRobots, loadSitemap, type Robots } from './robots.ts';
import { Scope, classifyHref, clipHref, looksLikeResource } from './url.ts';
import { urlPattern } from './url-pattern.ts';
import { cssUrls } from './extract-urls.ts';
import { FRAGMENT_KINDS, fragmentKey } from './link-refs.ts';
import { maskPii } from '../pii/detect.ts';
import { collectIfGrown, memMark } from './gc.ts';
import { spilledAt, spilledBytes, spillText, TextSpill } from './text-spill.ts';
import { Interner } from './intern.ts';
import { cyrb53 } from '../audit/short-hash.ts';
import { Frontier } from './frontier.ts';
import { bodyHash, validatorsOf, type IncrementalStats, type PageCache, type StoredPage } from './page-cache.ts';
import { decodeSnapshotChunk, encodeSnapshotChunk, SNAPSHOT_CHUNK, snapshotUrls } from './page-snapshot.ts';

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

const PAGE_KINDS = new Set<LinkKind>(['a', 'iframe', 'area', 'refresh']);
/** A form's action is listed, never requested: a GET or HEAD there could act like a submission. */
const FORM_NOTE = '表单提交地址：只记录，不提交、不请求 (form action: noted, never submitted)';
/** Same-site stylesheets read for their url() and @import links, at most. */
const MAX_STYLESHEETS = 200;
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
    throw new StartUrlError(`无法打开起始网址 ${startUrl}：${why}。请检查网址是否正确、网站是否在运行；若域名只能由内网 DNS 解析，请用 --dns-server 指定 (cannot load the start URL)`);
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
  // One copy per distinct value: the nav, footer and template links, images, forms and menus
  // repeated on 10,000 pages share their strings and objects (src/gather/intern.ts).
  const interner = new Interner();
  const texts = new TextSpill();
  const intern = <T extends string | undefined | null>(s: T): T => interner.str(s);
  const variants = new Map<string, number>();
  // Pages per URL pattern, by the pattern's 53-bit hash: most patterns are one article's own
  // (a blanked column id, a kept file name), and as strings they took 13 MB at 50,000 pages.
  const perPattern = new Map<number, number>();
  /** The limits reached, by limit and pattern: one warning each, with a count (not one per URL). */
  const limitsHit = new Map<string, CrawlLimit>();
  /** Records a URL kept out by a limit; returns its skipReason (one string per limit and pattern). */
  const hitLimit = (limit: CrawlLimit['limit'], value: number, pattern: string | undefined, url: string, reason: string): string => {
    limited++;
    const key = limit + ' ' + (pattern ?? '');
    let hit = limitsHit.get(key);
    if (!hit) {
      hit = { limit, value, ...(pattern ? { pattern } : {}), skipped: 0, example: url, message: limitMessage(limit, value, pattern, reason) };
      limitsHit.set(key, hit);
    }
    hit.skipped++;
    return intern(reason);
  };
  const cache = opts.cache;
  const incremental: IncrementalStats = { notModified: 0, sameContent: 0, changed: 0, fresh: 0 };
  const snapshot = openSnapshot(cache, texts);
  /** Of each page kept this run: its body hash and the headers and redirects its stored form has (for the next snapshot). */
  const keptAs = new Map<string, { hash: string; headers: Record<string, string>; redirects: string[] }>();
  /** The snapshot's link objects (links, unchecked hrefs) already counted for a page this run. */
  const linksDone = new WeakSet<object>();
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

  // Found work waits in the frontier as a thunk until its origin has room (src/gather/frontier.ts).
  const frontier = new Frontier(c.perHost * 2);
  const track = (url: string, work: () => Promise<void>) => {
    pending++;
    frontier.add(url, (done) => {
      let p: Promise<void>;
      try {
        p = work();
      } catch (err) {
        p = Promise.reject(err);
      }
      p.catch((err) => {
        // A bug in one page must not stop the run; it is reported on that page's target.
        process.emitWarning(`zhaocuo: ${(err as Error).stack ?? err}`);
      }).finally(() => {
        done();
        pending--;
        report();
        if (pending === 0) drained();
      });
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
    t.skipReason = undefined; // a form action (noted) that something else also loads
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
      return void (t.skipReason = 'robots.txt 不允许抓取');
    }
    if (depth > c.maxDepth) return void (t.skipReason = hitLimit('maxDepth', c.maxDepth, undefined, url, `超过最大层级 ${c.maxDepth}（maxDepth）`));
    const u = new URL(url);
    if (u.search) {
      const key = u.origin + u.pathname;
      const n = (variants.get(key) ?? 0) + 1;
      variants.set(key, n);
      if (n > c.maxQueryVariants) return void (t.skipReason = hitLimit('maxQueryVariants', c.maxQueryVariants, u.pathname, url, `${u.pathname} 的查询参数变体超过 ${c.maxQueryVariants} 个（日历式无穷网址）`));
    }
    const pattern = urlPattern(u);
    if (pattern) {
      const key = cyrb53(pattern);
      const n = (perPattern.get(key) ?? 0) + 1;
      perPattern.set(key, n);
      if (n > c.maxPagesPerPattern)
        return void (t.skipReason = hitLimit('maxPagesPerPattern', c.maxPagesPerPattern, pattern, url, `同类地址 ${pattern} 的页面超过 ${c.maxPagesPerPattern} 个，未抓取 (more than ${c.maxPagesPerPattern} pages of the URL pattern ${pattern}: not crawled)`));
    }
    if (pageBudget <= 0) return void (t.skipReason = hitLimit('maxPages', c.maxPages, undefined, url, `已达页面数上限 ${c.maxPages}（maxPages）`));
    pageBudget--;
    track(url, () => crawlPage(url, depth, t));
  };

  const crawlPage = async (url: string, depth: number, t: TargetRec) => {
    let res = url === startUrl ? first : await fetcher.follow(url, 'GET', inScope);
    if (res.stoppedAt) return leftScope(t, res);
    let stored: StoredPage | undefined;
    let shared = false;
    if (res.status === 304 && cache) {
      // Not modified since the last run: its stored page stands in for it (from the last run's
      // snapshot, else its row). Should that be gone, the page is asked again without validators.
      stored = snapshot.take(res.finalUrl);
      shared = stored !== undefined;
      stored ??= cache.load(res.finalUrl);
      if (!stored) {
        cache.drop(res.finalUrl);
        fetcher.forget(res.finalUrl);
        res = await fetcher.follow(url, 'GET', inScope);
        if (res.stoppedAt) return leftScope(t, res);
      }
    }
    try {
      handlePage(url, depth, t, res, stored, shared);
    } finally {
      fetcher.release(res.finalUrl);
    }
  };

  /** `shared`: `stored` is the snapshot's (its parts already shared between pages, its text in the text file). */
  const handlePage = (url: string, depth: number, t: TargetRec, res: FollowResult, stored?: StoredPage, shared = false) => {
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
      if (was === hash) {
        stored = snapshot.take(res.finalUrl);
        shared = stored !== undefined;
        stored ??= cache!.load(res.finalUrl);
      }
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
      t.error = `软 404（页面不存在却返回 200）：${soft}`;
      return;
    }
    incremental[how]++;
    let page: PageArtifact = {
      url,
      finalUrl: res.finalUrl,
      status: res.status,
      redirects: res.redirects,
      contentType: intern(ct),
      charset,
      charsetSource,
      headers: keptHeaders(res.headers, intern),
      timingMs: res.timingMs,
      bytes: stored ? stored.bytes : res.bytes,
      depth,
      fromSitemap: depth === 0,
      ...content,
      lang: intern(content.lang),
      footerText: intern(content.footerText),
    };
    if (stored?.error) page.error = stored.error;
    else if (res.truncated) page.error = res.truncation ?? `body larger than ${c.maxBodyBytes} bytes: truncated`;
    else if (cut) page.error = cut;
    if (cache) {
      keptAs.set(res.finalUrl, { hash: hash ?? cache.hash(res.finalUrl) ?? '', headers: stored?.headers ?? page.headers, redirects: stored?.redirects ?? page.redirects });
      if (stored) cache.touch(res.finalUrl, { ...cache.conditional(res.finalUrl), ...validators });
      else {
        const { url: _u, depth: _d, fromSitemap: _fs, timingMs: _t, ...keep } = page;
        cache.save(res.finalUrl, validators, hash!, keep);
      }
    }
    t.isPage = true;
    // The visible text goes to the run's text file: audits read it back through page.text.
    const textAt = shared ? snapshot.textOf(res.finalUrl) : undefined;
    page = textAt !== undefined ? spilledAt(page, texts, textAt) : spillText(page, texts);
    pages.set(url, page);
    byFinal.set(res.finalUrl, page);
    collectIfGrown();
    if (!shared) internParts(content);
    for (const link of content.links) {
      // A snapshot's link object is one for all the pages that have it (the template's links): what it does
      // below (its target's record and kind, the page enqueued or the target verified) is done by its
      // first page, and would only be done again. A changed page's links are its own, new, objects.
      if (shared) {
        if (linksDone.has(link)) continue;
        linksDone.add(link);
        deepFreeze(link);
      }
      // A template's links repeat on every page: a URL seen before has its record, which says whether it is the site's,
      // and one already taken for a page is not asked whether it looks like a resource again.
      const known = targets.get(link.url);
      const same = known ? known.internal : scope.isSameSite(link.url);
      const rec = known ?? target(link.url, same);
      rec.kindSet.add(link.kind);
      if (link.kind === 'form') noteForm(link.url, rec);
      else if (same && PAGE_KINDS.has(link.kind) && (discovered.has(link.url) || !looksLikeResource(link.url))) enqueuePage(link.url, (depth || 1) + 1);
      else verify(link.url, rec, same);
    }
    for (const u of content.unchecked ?? []) {
      if (shared) {
        if (linksDone.has(u)) continue;
        linksDone.add(u);
      }
      noteUnchecked(u, shared);
    }
    if (shared) freezeShared(page);
    else share(page);
  };

  /** Interns the strings of a parsed page's images, lists and links (the objects are shared by share()). */
  const internParts = (content: Pick<StoredPage, 'images' | 'lists' | 'links'>) => {
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
    }
  };

  /** The page's parts that other pages repeat (template links, logos, menus …) become shared, frozen copies. */
  const share = (page: PageArtifact) => {
    for (const link of page.hiddenLinks ?? []) {
      link.url = intern(link.url);
      link.text = intern(link.text);
    }
    for (const f of page.forms) f.action = intern(f.action);
    page.links = interner.each(page.links);
    page.images = interner.each(page.images);
    page.lists = interner.each(page.lists);
    page.forms = interner.each(page.forms);
    if (page.unchecked) page.unchecked = interner.each(page.unchecked);
    if (page.hiddenLinks) page.hiddenLinks = interner.each(page.hiddenLinks);
    page.headings = interner.strs(page.headings);
    page.labels = interner.strs(page.labels);
    page.anchors = interner.strs(page.anchors);
    page.title = intern(page.title);
    page.scriptText = intern(page.scriptText);
    page.meta = interner.obj(Object.fromEntries(Object.entries(page.meta).map(([k, v]) => [intern(k), intern(v)])));
    page.headers = interner.obj(page.headers);
    if (!page.redirects.length) page.redirects = interner.strs(page.redirects);
  };

  /** A skipped or malformed href: its own entry, keyed by the href as written, never requested (`shared`: a snapshot's, frozen). */
  const noteUnchecked = (u: UncheckedLink, shared = false) => {
    if (!shared) {
      u.href = intern(u.href);
      u.text = intern(u.text);
      u.reason = intern(u.reason);
    }
    const rec = target(u.href, false);
    rec.kindSet.add(u.kind);
    rec.state = u.state;
    if (u.state === 'broken') rec.error = u.reason;
    else rec.skipReason = u.reason;
  };

  const noteForm = (url: string, rec: TargetRec) => {
    if (!discovered.has(url) && !verifying.has(url)) rec.skipReason ??= FORM_NOTE;
  };

  const stylesheets: StylesheetArtifact[] = [];
  /** A same-site stylesheet's url() and @import links, checked like a page's (an @import is read in turn). */
  const readStylesheet = (res: FollowResult) => {
    const ct = res.headers['content-type'] ?? '';
    if (!res.body || stylesheets.length >= MAX_STYLESHEETS || (ct && !/text\/css|text\/plain/i.test(ct))) return;
    const css = decodeBody(res.body, ct).text;
    const sheet: StylesheetArtifact = { url: res.url, links: [] };
    const unchecked: UncheckedLink[] = [];
    const seen = new Set<string>();
    for (const raw of cssUrls(css)) {
      const r = classifyHref(raw.href, res.finalUrl);
      if (!r) continue;
      if (!('url' in r)) {
        const href = maskPii(clipHref(raw.href));
        if (!seen.has(href)) unchecked.push({ href, kind: raw.kind, text: raw.text, state: r.state, reason: r.reason });
        seen.add(href);
        continue;
      }
      if (seen.has(r.url)) continue;
      seen.add(r.url);
      sheet.links.push({ url: intern(r.url), text: intern(raw.text), kind: raw.kind } satisfies OutLink);
    }
    if (unchecked.length) sheet.unchecked = unchecked;
    stylesheets.push(sheet);
    for (const link of sheet.links) {
      const same = scope.isSameSite(link.url);
      const rec = target(link.url, same);
      rec.kindSet.add(link.kind);
      verify(link.url, rec, same);
    }
    for (const u of unchecked) noteUnchecked(u);
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
  const notCheckedOffsite = (next: string) => `重定向到其他网站（${next}）；不检查外部链接（crawl.checkExternal）`;

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
      t.skipReason = `重定向到 ${next}：${scope.excludedBecause(next) ?? 'robots.txt 不允许抓取'}`;
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
    if (!same && !c.checkExternal) return void (t.skipReason = '不检查外部链接（crawl.checkExternal）');
    if (same && robots && !robots.isAllowed(url)) return void (t.skipReason = 'robots.txt 不允许抓取');
    // A same-site stylesheet is read (GET) for the url() and @import links it loads in turn
    // (decided when the target is found, as it was when the check started at once).
    const sheet = same && t.kindSet.has('stylesheet');
    track(url, async () => {
      const res = sheet ? await fetcher.follow(url, 'GET', verifyScope) : await checkOnce(url);
      applyResult(t, res);
      if (res.stoppedAt) {
        t.state = 'skipped';
        t.skipReason = notCheckedOffsite(res.stoppedAt);
      }
      checked++;
      if (sheet && t.state === 'ok') {
        try {
          readStylesheet(res);
        } finally {
          fetcher.release(res.finalUrl);
        }
      }
    });
  };

  report();
  enqueuePage(startUrl, 1);
  await idle;

  // Sitemap pages that no link reached are crawled last, as orphans (depth unknown).
  let sitemap = { urls: [] as string[], found: false };
  memMark('crawl: pages done');
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

  // Written like the page cache's rows: a store that is gone fails the run as any write does.
  if (cache?.keepSnapshot) {
    const reuse = snapshot.reusable();
    cache.keepSnapshot(snapshotChunks(byFinal, keptAs, reuse.pages), reuse.ids);
    memMark('crawl: snapshot kept');
  }
  cache?.finish(pageBudget > 0);
  const fragmentWanted = checkFragments(pages, targets);
  await checkOtherFragments(fragmentWanted, targets, fetcher);
  memMark('crawl: fragments checked');
  const pageList = assignDepths(startUrl, pages);
  report();

  return {
    site: { startUrl, origin, host: finalStart.host, name: config.site.name },
    pages: pageList,
    targets: [...targets.values()].map(({ kindSet, ...t }) => ({ ...t, kinds: [...kindSet] })),
    robots: { url: robots?.url ?? new URL('/robots.txt', origin).href, found: robots?.found ?? false, honoured: c.robots, disallowedUrls: [...disallowed], sitemaps: robots?.sitemaps ?? [] },
    sitemap,
    ...(stylesheets.length ? { stylesheets } : {}),
    ...(probe ? { soft404: probe } : {}),
    crawl: { pages: pageList.length, targets: targets.size, requests: fetcher.requests, bytes: fetcher.bytes, durationMs: Math.round(performance.now() - started), limited, ...(limitsHit.size ? { limits: [...limitsHit.values()] } : {}), ...(cache ? { incremental } : {}) },
  };
}

/** Of a page's response headers, those KEEP_HEADERS names (in their order), interned. */
function keptHeaders(h: Record<string, string>, intern: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) if (KEEP_HEADERS.has(k)) out[k] = intern(h[k]);
  return out;
}

/** A reached limit in words (the run's warning and report.json crawlLimits): what stopped, what to change. */
function limitMessage(limit: CrawlLimit['limit'], value: number, pattern: string | undefined, reason: string): string {
  switch (limit) {
    case 'maxPagesPerPattern':
      return `同类地址 ${pattern} 的页面超过 ${value} 个，其余未抓取：多为无限生成的地址（日历、会话号），确是正常页面时调大 crawl.maxPagesPerPattern (crawler trap? more than ${value} pages of the URL pattern ${pattern}: the rest not crawled)`;
    case 'maxQueryVariants':
      return `${pattern} 的不同查询参数超过 ${value} 种，其余未抓取（crawl.maxQueryVariants）(${reason})`;
    case 'maxDepth':
      return `链接层级超过 ${value} 的页面未抓取（crawl.maxDepth / --max-depth）(pages ${reason} not crawled)`;
    case 'maxPages':
      return `已达页面上限 ${value}，其余页面未抓取（crawl.maxPages / --max-pages）(${reason}: the rest not crawled)`;
  }
}

const NO_ANCHOR = (frag: string) => `页面中没有 id 或 name 为“${frag}”的元素 (no element with id or name "${frag}")`;

/**
 * Every navigating link to page#frag gets its own entry (url = page#frag), as a browser
 * resolves it (HTML standard, "find a potential indicated element"): ok when the target
 * document has an element with that id or an a[name] (case-sensitive), or when the fragment
 * is "top" (any case: the top of the document); broken when it has none. An entry whose target
 * itself failed takes the target's state. Targets the crawl did not read as pages are left to
 * checkOtherFragments. The base target keeps its missingFragments list (the links audit and
 * the store read it).
 */
function checkFragments(pages: Map<string, PageArtifact>, targets: Map<string, TargetRec>): TargetRec[] {
  const anchorSets = new Map<PageArtifact, Set<string>>();
  const pending: TargetRec[] = [];
  for (const page of new Set(pages.values())) {
    for (const link of page.links) {
      if (!link.fragment || !FRAGMENT_KINDS.has(link.kind)) continue;
      const base = targets.get(link.url);
      if (!base) continue;
      const key = fragmentKey(link.url, link.fragment);
      let rec = targets.get(key);
      if (rec) {
        rec.kindSet.add(link.kind);
        continue;
      }
      rec = { url: key, state: 'ok', redirects: [], internal: base.internal, isPage: false, kinds: [], kindSet: new Set([link.kind]), fragment: link.fragment, base: link.url };
      targets.set(key, rec);
      const dest = pages.get(link.url);
      if (dest) {
        let ids = anchorSets.get(dest);
        if (!ids) anchorSets.set(dest, (ids = new Set(dest.anchors)));
        rec.status = dest.status;
        if (ids.has(link.fragment) || /^top$/i.test(link.fragment)) continue;
        if (dest.error) {
          rec.note = `页面过大被截断，锚点未能完整检查 (page truncated: fragment not fully checked)`;
          continue;
        }
        rec.state = 'broken';
        rec.error = NO_ANCHOR(link.fragment);
        base.missingFragments ??= [];
        if (!base.missingFragments.includes(link.fragment)) base.missingFragments.push(link.fragment);
      } else pending.push(rec);
    }
  }
  return pending;
}

/**
 * Fragment entries whose target is not a page the crawl read: the target's own state when it
 * failed or was not checked; for another site's HTML page, its ids are read (one GET, as
 * lychee --include-fragments does); anything else (a PDF's #page=2, a redirect off to a
 * non-HTML answer) is not an HTML anchor, and says so.
 */
async function checkOtherFragments(pending: TargetRec[], targets: Map<string, TargetRec>, fetcher: Fetcher): Promise<void> {
  const byBase = new Map<string, TargetRec[]>();
  for (const rec of pending) {
    const base = targets.get(rec.base!)!;
    rec.status = base.status;
    if (base.state !== 'ok') {
      rec.state = base.state;
      rec.error = base.error;
      rec.skipReason = base.skipReason;
      continue;
    }
    const list = byBase.get(rec.base!);
    if (list) list.push(rec);
    else byBase.set(rec.base!, [rec]);
  }
  const NOT_HTML = '目标不是 HTML 页面，片段不是页内锚点，未检查 (not an HTML document: fragment not checked)';
  await Promise.all(
    [...byBase].map(async ([url, recs]) => {
      const base = targets.get(url)!;
      if (base.contentType && !/html/i.test(base.contentType)) {
        for (const r of recs) r.note = NOT_HTML;
        return;
      }
      const res = await fetcher.follow(url, 'GET');
      try {
        const ct = res.headers['content-type'] ?? '';
        if (res.error || res.status >= 400 || !res.body || !/html/i.test(ct)) {
          for (const r of recs) r.note = res.body || res.error ? NOT_HTML : '未能读取目标页面，锚点未检查 (target not read: fragment not checked)';
          return;
        }
        const ids = anchorIds(decodeBody(res.body, ct).text);
        for (const r of recs) {
          if (ids.has(r.fragment!) || /^top$/i.test(r.fragment!)) continue;
          r.state = 'broken';
          r.error = NO_ANCHOR(r.fragment!);
          base.missingFragments ??= [];
          if (!base.missingFragments.includes(r.fragment!)) base.missingFragments.push(r.fragment!);
        }
      } finally {
        fetcher.release(res.finalUrl);
      }
    }),
  );
}

/** Ids and a[name]s of an HTML document, read without building a DOM (another site's page, read once). */
export function anchorIds(html: string): Set<string> {
  const ids = new Set<string>();
  for (const tag of html.matchAll(/<([a-z][\w-]*)(\s[^>]*)>/gi)) {
    const isA = tag[1].toLowerCase() === 'a';
    for (const m of tag[2].matchAll(/\s(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      if (m[1].toLowerCase() === 'name' && !isA) continue;
      ids.add(decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
    }
  }
  return ids;
}

function decodeEntities(s: string): string {
  return s.includes('&') ? s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _m) : s;
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

/** The parts share() makes shared, frozen as share() leaves them: a snapshot's page (its parts shared already). */
function freezeShared(page: PageArtifact): void {
  // Its links are frozen as they are counted (handlePage).
  for (const list of [page.images, page.lists, page.forms, page.unchecked ?? [], page.hiddenLinks ?? []]) for (const o of list) deepFreeze(o);
  for (const o of [page.headings, page.labels, page.anchors, page.meta, page.headers]) deepFreeze(o);
  if (!page.redirects.length) Object.freeze(page.redirects);
}

function deepFreeze(o: unknown): void {
  if (!o || typeof o !== 'object' || Object.isFrozen(o)) return;
  Object.freeze(o);
  for (const v of Object.values(o)) deepFreeze(v);
}

interface SnapshotReader {
  /** The last run's page for this final URL, when its body hash is its row's (then its text is in the run's text file); once. */
  take(url: string): StoredPage | undefined;
  /** The text-file index of the page take() gave, when its text is long (spilled). */
  textOf(url: string): number | undefined;
  /**
   * The last run's chunks to keep as they are for the next run (their ids) and the pages they
   * stand for: chunks opened this run whose pages nearly all came back unchanged.
   */
  reusable(): { ids: string[]; pages: Set<string> };
}

interface OpenedChunk {
  id: string;
  /** The chunk until it is opened (then let go). */
  blob?: Buffer;
  /** Its pages' URLs, in order. */
  urls: string[];
  /** Once opened: its entries not taken yet, by URL (undefined when it could not be read). */
  entries?: Map<string, { hash: string; page: StoredPage; text?: [number, number] }>;
  opened: boolean;
  /** The URLs taken from it, unchanged. */
  taken: string[];
}

/**
 * The last run's snapshot (./page-snapshot.ts): where each page is, by final URL, read from the
 * chunks' URL lists at the start; a chunk is opened (its texts written to this run's text file)
 * when the crawl first asks for one of its pages, so only the chunks the crawl is in are in memory.
 */
function openSnapshot(cache: PageCache | undefined, texts: TextSpill): SnapshotReader {
  const chunks: OpenedChunk[] = [];
  /** By final URL: its chunk (the last one that has it: the newest form). */
  const where = new Map<string, OpenedChunk>();
  const textAt = new Map<string, number>();
  if (cache?.reuse && cache.snapshot) {
    for (const { id, blob } of cache.snapshot()) {
      const urls = snapshotUrls(blob);
      if (!urls) continue;
      const chunk: OpenedChunk = { id, blob, urls, opened: false, taken: [] };
      chunks.push(chunk);
      for (const u of urls) where.set(u, chunk);
    }
  }
  const open = (chunk: OpenedChunk) => {
    chunk.opened = true;
    const read = decodeSnapshotChunk(chunk.blob!);
    chunk.blob = undefined;
    if (!read || read.entries.length !== chunk.urls.length) return;
    const base = read.texts.length ? texts.putRaw(read.texts) : 0;
    chunk.entries = new Map();
    for (const e of read.entries) {
      // A page a later chunk has again (changed since this one was written) is that chunk's.
      if (where.get(e.url) !== chunk) continue;
      chunk.entries.set(e.url, { hash: e.hash, page: e.page, ...(e.text ? { text: [base + e.text[0], base + e.text[1]] as [number, number] } : {}) });
    }
  };
  return {
    take(url) {
      const chunk = where.get(url);
      if (!chunk) return undefined;
      if (!chunk.opened) open(chunk);
      const e = chunk.entries?.get(url);
      if (!e || !e.hash || e.hash !== cache!.hash(url)) return undefined;
      chunk.entries!.delete(url);
      chunk.taken.push(url);
      if (e.text) textAt.set(url, texts.adopt(e.text[0], e.text[1]));
      return e.page;
    },
    textOf(url) {
      const i = textAt.get(url);
      textAt.delete(url);
      return i;
    },
    reusable() {
      const ids: string[] = [];
      const pages = new Set<string>();
      for (const chunk of chunks) {
        // Kept while most of it is still the site's: a chunk's changed pages are in a later one, and the
        // pages it still has (of a small one, too) are written again with the new chunk once that is worth it.
        if (!chunk.entries || chunk.taken.length < KEEP_CHUNK_TAKEN * chunk.urls.length || chunk.taken.length < SNAPSHOT_CHUNK / 4) continue;
        ids.push(chunk.id);
        for (const u of chunk.taken) pages.add(u);
      }
      return { ids, pages };
    },
  };
}

/** A last run's chunk is kept as it is while at least this share of its pages came back unchanged. */
const KEEP_CHUNK_TAKEN = 0.75;

const RUN_FIELDS = new Set(['url', 'depth', 'fromSitemap', 'timingMs']);

/** This run's pages as the next run's snapshot (but those in the last run's chunks kept), SNAPSHOT_CHUNK pages a chunk, made one chunk at a time. */
function* snapshotChunks(byFinal: Map<string, PageArtifact>, keptAs: Map<string, { hash: string; headers: Record<string, string>; redirects: string[] }>, inKeptChunks: Set<string>): Generator<Buffer> {
  let batch: Parameters<typeof encodeSnapshotChunk>[0] = [];
  for (const [url, p] of byFinal) {
    const kept = keptAs.get(url);
    if (!kept?.hash || inKeptChunks.has(url)) continue;
    // The stored form (StoredPage): the page without what belongs to one run, its text read as written (not decoded).
    // Keys in the page's order (pages made from it keep one hidden class); a spilled text is '' here, its bytes beside.
    const textBytes = spilledBytes(p);
    const page = {} as Record<string, unknown>;
    for (const k of Object.keys(p)) {
      if (RUN_FIELDS.has(k)) continue;
      page[k] = k === 'headers' ? kept.headers : k === 'redirects' ? kept.redirects : k === 'text' && textBytes ? '' : (p as unknown as Record<string, unknown>)[k];
    }
    batch.push({ url, hash: kept.hash, page: page as unknown as StoredPage, ...(textBytes ? { textBytes } : {}) });
    if (batch.length >= SNAPSHOT_CHUNK) {
      yield encodeSnapshotChunk(batch);
      batch = [];
      collectIfGrown(); // a chunk's texts, read back as Buffers, are garbage once it is written
    }
  }
  if (batch.length) yield encodeSnapshotChunk(batch);
}
