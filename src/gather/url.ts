/** URL normalisation and the same-site scope of a crawl. */
import type { Config } from '../config/schema.ts';

export interface ResolvedHref {
  url: string;
  fragment?: string;
}

/**
 * Resolves an href against its page. Returns null for hrefs that are not links to check
 * (javascript:, mailto:, tel:, data:, empty). Fragments are split off; text directives
 * (#:~:text=) are not anchors and are dropped.
 */
export function resolveHref(href: string, base: string): ResolvedHref | null | 'non-http' {
  const h = href.trim();
  if (!h || h === '#') return null;
  if (/^(javascript|mailto|tel|sms|data|about|blob):/i.test(h)) return 'non-http';
  let u: URL;
  try {
    u = new URL(h, base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'non-http';
  let fragment: string | undefined = u.hash ? decodeSafe(u.hash.slice(1)) : undefined;
  if (fragment !== undefined) {
    const directive = fragment.indexOf(':~:');
    if (directive >= 0) fragment = fragment.slice(0, directive);
    if (!fragment) fragment = undefined;
  }
  u.hash = '';
  return { url: u.href, fragment };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Lower-cases the host, drops the fragment and default ports (URL does most of it). */
export function normaliseUrl(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}

export const RESOURCE_EXT = /\.(pdf|docx?|xlsx?|pptx?|wps|et|dps|ofd|zip|rar|7z|gz|tar|txt|csv|xml|json|jpe?g|png|gif|bmp|webp|svg|ico|mp[34]|avi|wmv|flv|mov|swf|css|js|apk|exe|msi|dmg|iso)$/i;
export const ATTACHMENT_EXT = /\.(pdf|docx?|xlsx?|pptx?|wps|et|dps|ofd|zip|rar|7z|txt|csv)$/i;

export function looksLikeResource(url: string): boolean {
  try {
    return RESOURCE_EXT.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

export class Scope {
  readonly hosts: Set<string>;
  private readonly include: string[];
  private readonly exclude: (string | RegExp)[];

  constructor(startUrl: string, site: Config['site']) {
    const start = new URL(startUrl);
    this.hosts = new Set([start.host.toLowerCase(), ...site.hosts.map((h) => h.toLowerCase())]);
    // www.x and x are the same site on every portal we know.
    const bare = start.host.replace(/^www\./i, '');
    this.hosts.add(bare.toLowerCase());
    this.hosts.add(('www.' + bare).toLowerCase());
    this.include = site.include;
    this.exclude = site.exclude.map((e) => (e.length > 2 && e.startsWith('/') && e.endsWith('/') ? new RegExp(e.slice(1, -1)) : e));
  }

  addHost(host: string): void {
    this.hosts.add(host.toLowerCase());
  }

  isSameSite(url: string): boolean {
    try {
      return this.hosts.has(new URL(url).host.toLowerCase());
    } catch {
      return false;
    }
  }

  /** Why an in-site URL is not crawled, or undefined when it is in scope. */
  excludedBecause(url: string): string | undefined {
    const u = new URL(url);
    const path = u.pathname;
    if (this.include.length && !this.include.some((p) => path.startsWith(p))) return 'outside include prefixes';
    for (const e of this.exclude) {
      if (typeof e === 'string' ? path.startsWith(e) || url.startsWith(e) : e.test(url)) return `excluded by ${String(e)}`;
    }
    return undefined;
  }
}

/** The folder of a URL (origin + path up to the last slash): a column's list pages share it. */
export function dirOf(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname.replace(/[^/]*$/, '');
  } catch {
    return url;
  }
}
