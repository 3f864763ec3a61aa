/** URL normalisation and the same-site scope of a crawl. */
import type { Config } from '../config/schema.ts';

export interface ResolvedHref {
  url: string;
  fragment?: string;
}

/**
 * An href that is not an http(s) link to check: skipped (mailto:, tel:, data:, javascript: …,
 * a visitor's browser hands them to another program), or malformed (a browser cannot load it,
 * or the author clearly mistyped it). Either way it is reported, never silently dropped.
 */
export interface UncheckedHref {
  state: 'skipped' | 'broken';
  /** Why, in Chinese first (English in brackets). */
  reason: string;
}

const SKIPPED_SCHEMES: Record<string, string> = {
  'mailto:': '电子邮件地址，不检查 (mailto: link, not checked)',
  'tel:': '电话号码，不检查 (tel: link, not checked)',
  'sms:': '短信号码，不检查 (sms: link, not checked)',
  'data:': '内嵌数据（data: URL），不需要请求 (data: URL, nothing to fetch)',
  'javascript:': '脚本链接，没有可检查的地址 (javascript: link, no address to check)',
  'about:': '浏览器内部地址，不检查 (about: URL, not checked)',
  'blob:': '页面脚本生成的地址，不检查 (blob: URL, not checked)',
};

/**
 * What an href is: an http(s) URL to check (fragment split off; a text directive `#:~:text=`
 * is not an anchor and is dropped), nothing (empty, or a bare `#`: the page itself), or an
 * unchecked href with its state and reason. Malformed, following the WHATWG URL standard: the
 * parser fails (`//`, `http://`, `http://[bad`, a bad port), or the href has a validation error
 * that shows a typing mistake — `%` not followed by two hex digits, an http(s) scheme not
 * followed by `//` and a host (`http:/x`, `http:///x`, `http:x.html`). Browsers recover from
 * some of these; the link is still wrong and is reported. A file: link points at the author's
 * own computer: broken for every visitor.
 */
export function classifyHref(href: string, base: string): ResolvedHref | UncheckedHref | null {
  const h = href.trim();
  if (!h || h === '#') return null;
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(h)?.[1].toLowerCase();
  if (scheme && SKIPPED_SCHEMES[scheme]) return { state: 'skipped', reason: SKIPPED_SCHEMES[scheme] };
  if (scheme === 'file:') return { state: 'broken', reason: '指向编辑者本机的文件（file:），访客无法打开' };
  if ((scheme === 'http:' || scheme === 'https:') && !/^https?:\/\/[^/\\]/i.test(h)) {
    return { state: 'broken', reason: `协议后缺少主机名或斜杠有误：${clipHref(h)}` };
  }
  if (/%(?![0-9a-f]{2})/i.test(h.replace(/#.*$/s, ''))) return { state: 'broken', reason: '百分号编码无效（% 后应为两位十六进制数） (bad percent-encoding)' };
  let u: URL;
  try {
    u = new URL(h, base);
  } catch {
    return { state: 'broken', reason: /^[/\\]+$/.test(h) ? '地址只有斜杠' : '地址格式错误，无法解析' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { state: 'skipped', reason: `${u.protocol} 链接，不检查` };
  let fragment: string | undefined = u.hash ? decodeSafe(u.hash.slice(1)) : undefined;
  if (fragment !== undefined) {
    const directive = fragment.indexOf(':~:');
    if (directive >= 0) fragment = fragment.slice(0, directive);
    if (!fragment) fragment = undefined;
  }
  u.hash = '';
  return { url: u.href, fragment };
}

/** An unchecked href as it is listed (links[].url): as written, at most 200 characters (data: URLs run to megabytes). */
export function clipHref(href: string): string {
  const h = href.trim().replace(/\s+/g, ' ');
  return h.length > 200 ? h.slice(0, 199) + '…' : h;
}

/**
 * classifyHref for callers that only want a link to follow: the URL, 'non-http' for a
 * skipped or malformed href, null for none.
 */
export function resolveHref(href: string, base: string): ResolvedHref | null | 'non-http' {
  const r = classifyHref(href, base);
  if (!r) return null;
  return 'url' in r ? r : 'non-http';
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
    if (this.include.length && !this.include.some((p) => path.startsWith(p))) return '不在 include 范围内';
    for (const e of this.exclude) {
      if (typeof e === 'string' ? path.startsWith(e) || url.startsWith(e) : e.test(url)) return `被 exclude 规则 ${String(e)} 排除`;
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
