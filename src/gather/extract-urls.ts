/**
 * Which attributes of which elements carry a URL the browser loads or follows, per the HTML
 * standard (the attribute index and the link types table), and how to read the multi-URL
 * ones: srcset candidates, <meta http-equiv=refresh> content, url() and @import in CSS.
 * Pure string work; parse.ts calls it for every element of its walk.
 */
import type { LinkKind } from './artifacts.ts';

export interface RawUrl {
  href: string;
  kind: LinkKind;
  /** What the link says (alt text, "@import", "srcset 2x" …), for evidence. */
  text: string;
}

/**
 * link[rel] keywords whose target the browser fetches for the page (the standard's "external
 * resource" link types, plus the icons browsers and iOS fetch by convention). Not here, on
 * purpose: the hyperlink types (canonical, alternate, next, prev, author, license, search …)
 * only name another document — the browser never loads them and a visitor cannot click them;
 * dns-prefetch and preconnect name an origin, not a resource; pingback names an endpoint.
 */
const LOADING_RELS = new Set(['stylesheet', 'icon', 'apple-touch-icon', 'apple-touch-icon-precomposed', 'mask-icon', 'preload', 'modulepreload', 'prefetch', 'manifest']);

/** The kind a <link> is recorded as, or null when its rel loads nothing. */
export function linkRelKind(rel: string | undefined): LinkKind | null {
  const words = (rel ?? '').toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (words.includes('stylesheet')) return 'stylesheet';
  return words.some((w) => LOADING_RELS.has(w)) ? 'link' : null;
}

/** Elements whose obsolete background attribute is still painted (HTML standard, rendering section). */
const BACKGROUND_TAGS = new Set(['body', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th']);

/**
 * The URLs an element's own attributes carry, besides a[href] / area[href], iframe / frame,
 * script and form, which parse.ts handles with their context. `parent` is the parent element's
 * name (a <source> belongs to a picture, video or audio).
 */
export function resourceUrls(name: string, a: Record<string, string>, parent: string | undefined, out: RawUrl[]): void {
  switch (name) {
    case 'img': {
      const src = a.src ?? a['data-src'];
      if (src) out.push({ href: src, kind: 'img', text: a.alt ?? '' });
      if (a.srcset) for (const c of srcsetUrls(a.srcset)) out.push({ href: c, kind: 'img', text: `srcset ${a.alt ?? ''}`.trim() });
      break;
    }
    case 'source':
      // src belongs to <video>/<audio> sources, srcset to <picture> sources; either is loaded.
      if (a.src) out.push({ href: a.src, kind: 'source', text: parent ?? '' });
      if (a.srcset) for (const c of srcsetUrls(a.srcset)) out.push({ href: c, kind: 'source', text: `srcset ${parent ?? ''}`.trim() });
      break;
    case 'video':
      if (a.src) out.push({ href: a.src, kind: 'video', text: a.title ?? '' });
      if (a.poster) out.push({ href: a.poster, kind: 'poster', text: a.title ?? '' });
      break;
    case 'audio':
      if (a.src) out.push({ href: a.src, kind: 'audio', text: a.title ?? '' });
      break;
    case 'track':
      if (a.src) out.push({ href: a.src, kind: 'track', text: a.label ?? '' });
      break;
    case 'object':
      if (a.data) out.push({ href: a.data, kind: 'object', text: a.title ?? '' });
      break;
    case 'embed':
      if (a.src) out.push({ href: a.src, kind: 'embed', text: a.title ?? '' });
      break;
    case 'input':
      if (a.src && (a.type ?? '').trim().toLowerCase() === 'image') out.push({ href: a.src, kind: 'input-image', text: a.alt ?? '' });
      break;
    case 'link': {
      const kind = a.href ? linkRelKind(a.rel) : null;
      if (kind) out.push({ href: a.href, kind, text: (a.rel ?? '').trim().toLowerCase() });
      break;
    }
  }
  if (a.background && BACKGROUND_TAGS.has(name)) out.push({ href: a.background, kind: 'img', text: `${name} background` });
  if (a.style && a.style.includes('(')) for (const u of cssUrls(a.style)) out.push(u);
}

const WS = /[\t\n\f\r ]/;

/**
 * Every candidate URL of a srcset, by the HTML standard's "parse a srcset attribute": a URL is
 * a run of non-whitespace; trailing commas end it; descriptors run to the next comma outside
 * parentheses. Any whitespace (newlines included) may separate the parts.
 */
export function srcsetUrls(value: string): string[] {
  const out: string[] = [];
  const n = value.length;
  let i = 0;
  while (i < n) {
    while (i < n && (WS.test(value[i]) || value[i] === ',')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !WS.test(value[i])) i++;
    let url = value.slice(start, i);
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      // Skip the descriptors up to a comma that is not inside parentheses.
      let depth = 0;
      while (i < n) {
        const ch = value[i];
        if (ch === '(') depth++;
        else if (ch === ')') depth = Math.max(0, depth - 1);
        else if (ch === ',' && depth === 0) break;
        i++;
      }
    }
    if (url) out.push(url);
  }
  return out;
}

/**
 * The URL of a <meta http-equiv=refresh> content, by the standard's declarative refresh
 * steps: a time, then `;` or `,`, then the URL with or without `url=` and quotes. Null when
 * the content only reloads the page.
 */
export function refreshUrl(content: string | undefined): string | null {
  if (!content) return null;
  const m = /^[\t\n\f\r ]*[\d.]*[\t\n\f\r ]*[;,]?[\t\n\f\r ]*(?:url[\t\n\f\r ]*=[\t\n\f\r ]*)?(.*)$/is.exec(content);
  let url = m?.[1]?.trim() ?? '';
  if (!url) return null;
  const q = url[0];
  if (q === '"' || q === "'") {
    const end = url.indexOf(q, 1);
    url = end > 0 ? url.slice(1, end) : url.slice(1);
  }
  return url.trim() || null;
}

/** CSS escapes (`\28`, `\)`) read as the characters they stand for. */
function unescapeCss(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-9a-f]{1,6})\s?|\\(.)/gi, (_m, hex: string | undefined, ch: string | undefined) => (hex ? String.fromCodePoint(parseInt(hex, 16) || 0xfffd) : ch ?? '')) : s;
}

/**
 * The URLs a stylesheet (or a style attribute) loads: every url(…) (quoted or not) and every
 * @import "…" / @import url(…), comments removed. An @import is a stylesheet itself (kind
 * 'stylesheet'), a url() is whatever it paints or loads (kind 'css': images, fonts, cursors).
 */
export function cssUrls(css: string): RawUrl[] {
  const out: RawUrl[] = [];
  if (!css.includes('(') && !css.includes('@import')) return out;
  const clean = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const imported = new Set<number>();
  for (const m of clean.matchAll(/@import\s+(?:url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|"([^"]*)"|'([^']*)')/gi)) {
    const href = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '';
    if (href.trim()) out.push({ href: unescapeCss(href.trim()), kind: 'stylesheet', text: '@import' });
    imported.add(m.index! + m[0].indexOf('url('));
  }
  for (const m of clean.matchAll(/\burl\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|((?:[^)\s\\]|\\.)*))\s*\)/gi)) {
    if (imported.has(m.index!)) continue;
    const href = unescapeCss((m[1] ?? m[2] ?? m[3] ?? '').trim());
    if (href) out.push({ href, kind: 'css', text: 'url()' });
  }
  return out;
}
