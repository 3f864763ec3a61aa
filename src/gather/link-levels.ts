/**
 * 二级 / 三级 links, counted the way the national IPv6 monitoring counts them. Pure: shared by
 * the IPv6 gatherer (which URLs to request over IPv6) and the ipv6 audit (the rates).
 *
 * The counting rule:
 *  - every link on a depth-1 page (the homepage) is a 二级 link; every link on a depth-2 page is
 *    a 三级 link (depth = the crawl's breadth-first link depth, homepage 1);
 *  - a link is its absolute URL without fragment, as written on the page; each level counts a
 *    URL once, however many pages of that level carry it (unique URLs per level); a URL linked
 *    from the homepage and from a depth-2 page counts once in each level;
 *  - links of every host count (the site's own pages, its subdomains, attachment/CDN hosts,
 *    external sites); only http(s) links exist in the artifacts;
 *  - only the configured link kinds count: by default hyperlinks (a, area, and a links to
 *    attachments) — not images, scripts, styles, iframes or form actions;
 *  - pages reached only through the sitemap (depth null) have no level.
 */
import type { LinkKind, PageArtifact } from './artifacts.ts';

export const DEFAULT_LEVEL_KINDS: LinkKind[] = ['a', 'area', 'attachment'];

export interface LevelLinks {
  /** Unique link URL → the pages of this level that carry it (in crawl order). */
  level2: Map<string, string[]>;
  level3: Map<string, string[]>;
}

export function linkLevels(pages: readonly PageArtifact[], kinds: readonly LinkKind[] = DEFAULT_LEVEL_KINDS): LevelLinks {
  const want = new Set(kinds);
  const out: LevelLinks = { level2: new Map(), level3: new Map() };
  for (const p of pages) {
    const level = p.depth === 1 ? out.level2 : p.depth === 2 ? out.level3 : undefined;
    if (!level) continue;
    for (const l of p.links) {
      if (!want.has(l.kind)) continue;
      let from = level.get(l.url);
      if (!from) level.set(l.url, (from = []));
      // Pages come one at a time: a repeat of this page's link can only be the last entry (linear).
      if (from[from.length - 1] !== p.url) from.push(p.url);
    }
  }
  return out;
}

/** The host of a URL as a connection sees it (name[:port], lower case). */
export function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}
