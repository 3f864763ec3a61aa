/**
 * HTML → the parts of a PageArtifact, in one walk over an htmlparser2 DOM (forgiving of
 * malformed markup). Text nodes are joined without separators inside inline elements, so a
 * marker split across tags (网站标识码：<span>3500</span><span>000025</span>) reads whole.
 */
import type { ChildNode, Element } from 'domhandler';
import type { LinkKind, ListItem, OutLink, PageArtifact, ImageInfo, UncheckedLink } from './artifacts.ts';
import { firstDate, findDates } from './dates.ts';
import { parseDom } from './dom.ts';
import { ATTACHMENT_EXT, classifyHref, clipHref, resolveHref } from './url.ts';
import { cssUrls, refreshUrl, resourceUrls, type RawUrl } from './extract-urls.ts';
import { maskPii } from '../pii/detect.ts';

/** What the HTML alone tells of a page: the content half of a PageArtifact. */
export type ParsedPage = Pick<
  PageArtifact,
  'title' | 'lang' | 'text' | 'footerText' | 'scriptText' | 'headings' | 'labels' | 'links' | 'unchecked' | 'images' | 'forms' | 'lists' | 'anchors' | 'meta' | 'publishedAt' | 'hiddenLinks'
> & {
  /** <base href> or the page URL: what relative links resolve against. */
  baseUrl: string;
  /** Set when only part of the page was read (see dom.ts), saying why. */
  cut?: string;
};

const MAX_TEXT = 200_000;
const MAX_SCRIPT = 20_000;
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul', 'option', 'title']);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'select']);
const FOOTER_TOKEN = /(^|[-_\s])(foot|footer|bottom|copyright|copy|dibu|bq)([-_\s\d]|$)/i;
/** A class/id token that names site chrome: nav*, *menu, *nav, header/head/top bars (not "top-anchor…"). */
const NAV_WORD = /^(nav[-_\w]*|[-_\w]*menu|[-_\w]*nav|daohang[-_\w]*|header|head|top|topbar|top[-_]?(nav|menu|bar)|site[-_]?header)$/i;
const LIST_TAGS = new Set(['ul', 'ol', 'table', 'tbody', 'dl']);
const ITEM_TAGS = new Set(['li', 'tr', 'dd', 'dt']);
const PUBLISHED_RE = /(发布时间|发布日期|发文日期|成文日期|日期|时间)\s*[：:]\s*([^\n]{0,30})/;

const MAX_HIDDEN_LINKS = 300;

/**
 * Inline styles that keep content out of sight while search engines still read it — the
 * tricks of injected hidden links (暗链): off-screen positioning, zero size with overflow
 * hidden, invisible or zero-size text. A short name of the trick, or null.
 */
export function concealment(style: string | undefined): string | null {
  if (!style) return null;
  const st = style.toLowerCase().replace(/\s+/g, '');
  if (/visibility:hidden/.test(st)) return 'visibility:hidden';
  if (/(^|;)opacity:0(\.0+)?(;|$)/.test(st)) return 'opacity:0';
  if (/(^|;)(left|top|right|margin-left|margin-top|text-indent):-\d{3,}(\.\d+)?(px|em|rem|pt)?(;|$)/.test(st)) return 'off-screen';
  if (/font-size:[01](\.\d+)?(px|pt)?(;|$)/.test(st) && !/font-size:1\.\d*(em|rem)/.test(st)) return 'font-size:0';
  if (/overflow:hidden/.test(st) && /(^|;)(height|width):[01](px)?(;|$)/.test(st)) return 'zero-size';
  return null;
}

/** Class and id names a page's <style> hides or moves off screen (`.x{display:none}`, `#y{left:-9999px}`). */
function concealingSelectors(css: string, into: Map<string, string>): void {
  for (const m of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const decl = m[2];
    const how = /display\s*:\s*none/i.test(decl) ? 'display:none' : concealment(decl);
    if (!how) continue;
    for (const sel of m[1].split(',')) {
      const t = sel.trim();
      // Only a plain .class or #id (optionally after a tag name): a compound selector may not
      // hide the element the page shows (e.g. `.menu li ul` opens on hover).
      const x = /^[a-z]*([.#][\w-]+)$/i.exec(t);
      if (x) into.set(x[1], how);
    }
  }
}

const norm = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
const clip = (s: string, n = 200) => (s.length > n ? s.slice(0, n) : s);

function tokens(el: Element): string {
  return `${el.attribs.id ?? ''} ${el.attribs.class ?? ''}`;
}

/**
 * Every walk over the DOM below is iterative, with an explicit stack: a page of 100,000
 * nested elements (legacy CMS pages leave tags unclosed, and nest that deep) must not
 * overflow the call stack. textOf also stops early: its callers keep a few hundred characters,
 * and 100,000 nested <label>s would otherwise cost a full subtree walk each.
 */
const TEXT_OF_CHARS = 4000;
const TEXT_OF_NODES = 2000;

function textOf(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  let s = '';
  let visited = 0;
  // Frames of (element, next child): children are taken one at a time, so a bounded read of an
  // element with 100,000 children costs its bound, not its width.
  const stack: { el: Element; i: number }[] = [];
  const enter = (n: ChildNode) => {
    if (n.type === 'text') return void (s += n.data);
    if (n.type !== 'tag' && n.type !== 'root') return;
    const el = n as Element;
    if (SKIP.has(el.name)) return;
    // An <img> is a void element: its alt is its text, where it stands.
    if (el.name === 'img') s += el.attribs.alt ?? '';
    stack.push({ el, i: 0 });
  };
  enter(node);
  while (stack.length && s.length < TEXT_OF_CHARS && visited++ < TEXT_OF_NODES) {
    const top = stack[stack.length - 1];
    if (top.i >= top.el.children.length) {
      stack.pop();
      continue;
    }
    enter(top.el.children[top.i++]);
  }
  return s;
}

/**
 * The first element named `name` below `el`, in document order (not `el` itself), looking at
 * no more than `budget` nodes: list detection asks this of every row, and a row holding a
 * whole deep page must not cost the whole page each time.
 */
function firstDescendant(el: Element, name: string, budget = Infinity): Element | undefined {
  // Frames of (element, next child), as in textOf: a wide element costs only what is read of it.
  const stack: { el: Element; i: number }[] = [{ el, i: 0 }];
  while (stack.length && budget-- > 0) {
    const top = stack[stack.length - 1];
    if (top.i >= top.el.children.length) {
      stack.pop();
      continue;
    }
    const c = top.el.children[top.i++];
    if (c.type !== 'tag' && c.type !== 'root') continue;
    const e = c as Element;
    if (c.type === 'tag' && e.name === name) return e;
    stack.push({ el: e, i: 0 });
  }
  return undefined;
}

/** Rows of a list are small: a link deeper than this many nodes into a row is not the row's. */
const ROW_NODES = 2000;

function hasDescendant(el: Element, name: string): boolean {
  return firstDescendant(el, name, ROW_NODES) !== undefined;
}

/** Every element below `el` in document order (not `el` itself), until `visit` returns false. */
function eachDescendant(el: Element, visit: (e: Element) => boolean | void): void {
  const stack: ChildNode[] = [];
  for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type !== 'tag') continue;
    const e = c as Element;
    if (visit(e) === false) return;
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
  }
}

function selectorOf(el: Element): string {
  const parts: string[] = [];
  let cur: Element | null = el;
  for (let i = 0; cur && i < 3; i++) {
    const id = cur.attribs?.id;
    const cls = cur.attribs?.class?.trim().split(/\s+/)[0];
    parts.unshift(cur.name + (id ? `#${id}` : cls ? `.${cls}` : ''));
    if (id) break;
    cur = cur.parent && cur.parent.type === 'tag' ? (cur.parent as Element) : null;
  }
  return parts.join(' > ');
}

/**
 * The address a script-only link goes to: `href="javascript:window.open('…')"`, or an onclick
 * that opens or assigns a location (common on older portals), else null.
 */
export function scriptedHref(js: string | undefined): string | null {
  if (!js) return null;
  const m = /(?:window\.open|location\.(?:assign|replace)|(?:window\.|self\.|top\.|parent\.|document\.)?location(?:\.href)?\s*=)\s*\(?\s*["']([^"'\s]+)["']/i.exec(js);
  return m ? m[1] : null;
}

const MAX_SCRIPT_PAGES = 500;

/**
 * Pages of a list that only a script links to. TRS WCM, the content system of many portals,
 * writes a column's pagination with createPageHTML(count, current, "index", "html"): pages
 * index.html, index_1.html … index_{count-1}.html. Without these a crawl sees only the first
 * page of every column. Arguments may be literals or variables set in the same scripts.
 */
export function scriptPagination(script: string): string[] {
  const out: string[] = [];
  const num = (v: string): number | null => {
    if (/^\d+$/.test(v)) return Number(v);
    const m = new RegExp(`(?:var|let|const)?\\s*\\b${v.replace(/[^\w$]/g, '')}\\s*=\\s*(\\d+)`).exec(script);
    return m ? Number(m[1]) : null;
  };
  const str = (v: string): string | null => {
    const q = /^["']([\w.-]+)["']$/.exec(v);
    if (q) return q[1];
    const m = new RegExp(`\\b${v.replace(/[^\w$]/g, '')}\\s*=\\s*["']([\\w.-]+)["']`).exec(script);
    return m ? m[1] : null;
  };
  for (const m of script.matchAll(/createPageHTML\s*\(\s*([\w$]+)\s*,\s*[\w$]+\s*,\s*([\w$"'.-]+)\s*,\s*([\w$"'.-]+)\s*\)/g)) {
    const count = num(m[1]);
    const name = str(m[2]);
    const ext = str(m[3]);
    if (!count || !name || !ext) continue;
    for (let i = 1; i < Math.min(count, MAX_SCRIPT_PAGES); i++) out.push(`${name}_${i}.${ext}`);
  }
  return [...new Set(out)];
}

/** The records of a Hanweb datastore (their CDATA HTML, joined), or null when the script holds none. */
export function datastoreRecords(xml: string): string | null {
  if (!/<datastore[\s>]/i.test(xml)) return null;
  const parts: string[] = [];
  for (const m of xml.matchAll(/<record(?:\s[^>]*)?>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([\s\S]*?))\s*<\/record>/gi)) {
    parts.push(m[1] ?? m[2] ?? '');
    if (parts.length >= 500) break;
  }
  return parts.length ? parts.join('\n') : null;
}

/** How an element is hidden by the page's own <style> rules for its class or id, or null. */
function selectorConcealment(a: Record<string, string>, hiding: Map<string, string>): string | null {
  if (a.id && hiding.has(`#${a.id}`)) return `#${a.id}{${hiding.get(`#${a.id}`)}}`;
  for (const c of (a.class ?? '').split(/\s+/)) if (c && hiding.has(`.${c}`)) return `.${c}{${hiding.get(`.${c}`)}}`;
  return null;
}

export function parseHtml(html: string, pageUrl: string): ParsedPage {
  const { doc, cut } = parseDom(html);
  const out: ParsedPage = {
    title: '', lang: null, text: '', footerText: '', scriptText: '', headings: [], labels: [],
    links: [], images: [], forms: [], lists: [], anchors: [], meta: {}, baseUrl: pageUrl,
  };
  const textParts: string[] = [];
  let textLen = 0;
  const footerParts: string[] = [];
  const anchors = new Set<string>();
  const hiddenLinks: OutLink[] = [];
  const hidingSelectors = new Map<string, string>();

  // <base href> changes what relative links mean; find it before walking.
  const base = firstDescendant(doc as unknown as Element, 'base');
  if (base?.attribs.href) {
    try {
      out.baseUrl = new URL(base.attribs.href, pageUrl).href;
    } catch { /* keep the page URL */ }
  }

  const unchecked: UncheckedLink[] = [];
  const seenUnchecked = new Set<string>();
  /** A link to check, or null; a skipped or malformed href is listed in `unchecked` (once per page) when `keep`. */
  const makeLink = (href: string | undefined, kind: LinkKind, text: string, keep = true): OutLink | null => {
    if (!href) return null;
    const r = classifyHref(href, out.baseUrl);
    if (!r) return null;
    if (!('url' in r)) {
      const shown = maskPii(clipHref(href));
      if (keep && !seenUnchecked.has(`${kind} ${shown}`) && unchecked.length < 1000) {
        seenUnchecked.add(`${kind} ${shown}`);
        unchecked.push({ href: shown, kind, text: clip(norm(text)), state: r.state, reason: r.reason });
      }
      return null;
    }
    const k: LinkKind = kind === 'a' && ATTACHMENT_EXT.test(new URL(r.url).pathname) ? 'attachment' : kind;
    const link: OutLink = { url: r.url, text: clip(norm(text)), kind: k };
    if (r.fragment) link.fragment = r.fragment;
    return link;
  };
  let concealedBy: string | null = null;
  const addLink = (href: string | undefined, kind: LinkKind, text: string, inFooter: boolean, inNav: boolean) => {
    const link = makeLink(href, kind, text);
    if (!link) return;
    if (inFooter) link.inFooter = true;
    if (inNav) link.inNav = true;
    if (concealedBy) link.concealed = concealedBy;
    out.links.push(link);
  };

  /**
   * A display:none / hidden subtree: nothing in it is shown or crawled (as before), but its
   * links are kept apart, for the integrity audit (hidden links injected into a page).
   */
  const walkHidden = (root: Element, how: string) => {
    eachDescendant(root, (el) => {
      if (hiddenLinks.length >= MAX_HIDDEN_LINKS) return false;
      if (el.attribs.id) anchors.add(el.attribs.id);
      if (el.name === 'a' || el.name === 'area') {
        if (el.name === 'a' && el.attribs.name) anchors.add(el.attribs.name);
        const link = makeLink(el.attribs.href, el.name, el.name === 'a' ? textOf(el) || el.attribs.title || '' : el.attribs.alt ?? '', false);
        if (link) {
          link.concealed = how;
          hiddenLinks.push(link);
        }
      } else {
        // Hidden or not, the browser still loads what an element asks for (images, scripts, styles).
        addResources(el, false, false, how);
      }
    });
  };

  /**
   * The walk: an explicit stack of nodes to enter (with what they inherit) and of elements to
   * leave (line breaks after blocks, list collection once the children are read).
   */
  type Enter = { node: ChildNode; inFooter: boolean; inNav: boolean; concealed: string | null };
  type Leave = { leave: Element; block: boolean; inFooter: boolean; inNav: boolean };
  const stack: (Enter | Leave)[] = [];
  const pushChildren = (kids: ChildNode[], inFooter: boolean, inNav: boolean, concealed: string | null) => {
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], inFooter, inNav, concealed });
  };

  const walk = (root: ChildNode) => {
    stack.push({ node: root, inFooter: false, inNav: false, concealed: null });
    while (stack.length) {
      const f = stack.pop()!;
      if ('leave' in f) {
        if (f.block) textParts.push('\n');
        const name = f.leave.name;
        if (LIST_TAGS.has(name) || name === 'div' || name === 'section') collectList(f.leave, f.inFooter, f.inNav, out);
        continue;
      }
      enter(f);
    }
  };

  const enter = ({ node, inFooter, inNav, concealed }: Enter) => {
    if (node.type === 'text') {
      if (textLen < MAX_TEXT) {
        textParts.push(node.data);
        textLen += node.data.length;
      }
      if (inFooter) footerParts.push(node.data);
      return;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') {
      if (node.type === 'root' || node.type === 'directive' || node.type === 'comment' || node.type === 'cdata') {
        if ('children' in node) pushChildren((node as unknown as Element).children, inFooter, inNav, concealed);
      }
      return;
    }
    const el = node as Element;
    const a = el.attribs;
    const hiddenHow = a.hidden !== undefined ? 'hidden' : /display\s*:\s*none/i.test(a.style ?? '') ? 'display:none' : null;
    // What hides this element and everything in it (the outermost concealment wins).
    concealedBy =
      concealed ??
      hiddenHow ??
      concealment(a.style) ??
      (hidingSelectors.size ? selectorConcealment(a, hidingSelectors) : null) ??
      (el.name === 'marquee' && /^[0-2](px)?$/.test((a.height ?? a.width ?? '').trim()) ? 'marquee' : null);
    walkTag(el, inFooter, inNav, hiddenHow);
  };

  const resources: RawUrl[] = [];
  /** The URLs an element's own attributes load (srcset, media, object, embed, link rel, style url() …). */
  const addResources = (el: Element, inFooter: boolean, inNav: boolean, how: string | null) => {
    resources.length = 0;
    resourceUrls(el.name, el.attribs, el.parent && el.parent.type === 'tag' ? (el.parent as Element).name : undefined, resources);
    if (el.attribs.formaction && (el.name === 'button' || el.name === 'input')) resources.push({ href: el.attribs.formaction, kind: 'form', text: 'formaction' });
    const outer = concealedBy;
    if (how) concealedBy = how;
    for (const r of resources) addLink(r.href, r.kind, r.text, inFooter, inNav);
    concealedBy = outer;
  };

  const walkTag = (el: Element, inFooter: boolean, inNav: boolean, hiddenHow: string | null) => {
    const name = el.name;
    const a = el.attribs;
    if (a.id) anchors.add(a.id);
    addResources(el, inFooter, inNav, null);
    switch (name) {
      case 'html':
        if (a.lang) out.lang = a.lang;
        break;
      case 'title':
        if (!out.title) out.title = norm(textOf(el));
        return;
      case 'meta': {
        const key = (a.name ?? a.property ?? a['http-equiv'])?.toLowerCase();
        if (key && a.content !== undefined) out.meta[key] = a.content;
        return;
      }
      case 'script': {
        if (a.src) {
          addLink(a.src, 'script', '', inFooter, inNav);
          return;
        }
        const code = el.children.map((c) => (c.type === 'text' ? c.data : '')).join('');
        // Hanweb JCMS (大汉) ships a column's first page of items as <script type="text/xml">
        // <datastore><recordset><record><![CDATA[<li>…</li>]]></record>…, shown by a script: the
        // items are the page's content, read as the browser would show them.
        const records = /xml/i.test(a.type ?? '') ? datastoreRecords(code) : null;
        if (records) {
          const box = parseDom(`<ul class="zc-datastore">${records}</ul>`).doc;
          pushChildren(box.children, inFooter, inNav, concealedBy);
          return;
        }
        if (out.scriptText.length < MAX_SCRIPT) out.scriptText += code.slice(0, MAX_SCRIPT) + '\n';
        return;
      }
      case 'style': {
        const css = el.children.map((c) => (c.type === 'text' ? c.data : '')).join('');
        concealingSelectors(css, hidingSelectors);
        for (const u of cssUrls(css)) addLink(u.href, u.kind, u.text, inFooter, inNav);
        return;
      }
      case 'template':
        return;
      case 'link':
        return; // its href, when its rel loads something: addResources
      case 'img': {
        const src = a.src ?? a['data-src'];
        if (src) {
          const parentA = el.parent && el.parent.type === 'tag' && (el.parent as Element).name === 'a' ? (el.parent as Element).attribs.href : undefined;
          const img: ImageInfo = { src: makeLink(src, 'img', '', false)?.url ?? src, alt: a.alt ?? null, inFooter };
          if (parentA) {
            const r = resolveHref(parentA, out.baseUrl);
            if (r && r !== 'non-http') img.href = r.url;
          }
          out.images.push(img);
        }
        if (a.alt && textLen < MAX_TEXT) textParts.push(a.alt);
        if (a.alt && inFooter) footerParts.push(a.alt);
        return;
      }
      case 'iframe':
      case 'frame':
        addLink(a.src, 'iframe', a.title ?? '', inFooter, inNav);
        return;
      case 'a': {
        if (a.name) anchors.add(a.name);
        const plain = a.href && !/^\s*(javascript:|#\s*$)/i.test(a.href) ? a.href : undefined;
        addLink(plain ?? scriptedHref(a.href) ?? scriptedHref(a.onclick) ?? a.href, 'a', textOf(el) || a.title || '', inFooter, inNav);
        break;
      }
      case 'area':
        addLink(a.href, 'area', a.alt ?? '', inFooter, inNav);
        return;
      case 'form': {
        const inputs: string[] = [];
        const hidden: Record<string, string> = {};
        eachDescendant(el, (ce) => {
          if ((ce.name === 'input' || ce.name === 'textarea' || ce.name === 'select') && ce.attribs.name) {
            inputs.push(ce.attribs.name);
            if (ce.name === 'input' && ce.attribs.type?.toLowerCase() === 'hidden' && Object.keys(hidden).length < 20) hidden[ce.attribs.name] = clip(ce.attribs.value ?? '', 200);
          }
        });
        // Noted (kind 'form'), never submitted: the crawl lists it without a request.
        if (a.action?.trim()) addLink(a.action, 'form', a.name ?? a.id ?? '', inFooter, inNav);
        let action = a.action ?? '';
        try {
          action = new URL(action || out.baseUrl, out.baseUrl).href;
        } catch { /* keep as written */ }
        out.forms.push({ action, method: (a.method ?? 'get').toLowerCase(), inputs, ...(Object.keys(hidden).length ? { hidden } : {}) });
        break;
      }
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': {
        const t = norm(textOf(el));
        if (t) out.headings.push(clip(t));
        break;
      }
      case 'th': case 'dt': case 'label': {
        const t = norm(textOf(el));
        if (t && t.length <= 30) out.labels.push(t);
        break;
      }
      case 'tr': {
        const first = el.children.find((c) => c.type === 'tag' && ((c as Element).name === 'td' || (c as Element).name === 'th')) as Element | undefined;
        if (first && first.name === 'td') {
          const t = norm(textOf(first));
          if (t && t.length <= 30) out.labels.push(t);
        }
        break;
      }
    }
    if (SKIP.has(name)) return;
    if (hiddenHow) {
      walkHidden(el, hiddenHow);
      return;
    }
    const tok = tokens(el);
    const footerHere = inFooter || name === 'footer' || FOOTER_TOKEN.test(tok);
    const navHere = inNav || name === 'nav' || name === 'header' || tok.split(/\s+/).some((t) => t && NAV_WORD.test(t));
    const block = BLOCK.has(name);
    if (block) textParts.push('\n');
    if (block && footerHere) footerParts.push('\n');
    stack.push({ leave: el, block, inFooter: footerHere, inNav: navHere });
    pushChildren(el.children, footerHere, navHere, concealedBy);
  };

  walk(doc as unknown as ChildNode);
  concealedBy = null;
  if (hiddenLinks.length) out.hiddenLinks = hiddenLinks;
  for (const href of scriptPagination(out.scriptText)) addLink(href, 'a', '（脚本分页）', false, false);
  // A page that only sends the visitor on (a portal's root often does: <meta refresh>, or a
  // script setting location): where it goes is a link, or the crawl would end there.
  const refresh = refreshUrl(out.meta['refresh']);
  const onward = (href: string, text: string, via: 'refresh' | 'script') => {
    const n = out.links.length;
    addLink(href, via === 'refresh' ? 'refresh' : 'a', text, false, false);
    if (out.links.length > n) out.links[n].via = via;
  };
  if (refresh) onward(refresh, '（自动跳转）', 'refresh');
  else if (!out.links.some((l) => l.kind === 'a' || l.kind === 'area' || l.kind === 'iframe')) {
    const to = scriptedHref(out.scriptText);
    if (to) onward(to, '（脚本跳转）', 'script');
  }

  out.text = tidy(textParts.join('')).slice(0, MAX_TEXT);
  out.footerText = tidy(footerParts.join(''));
  out.anchors = [...anchors];
  if (unchecked.length) out.unchecked = unchecked;
  out.scriptText = out.scriptText.slice(0, MAX_SCRIPT);
  out.publishedAt = publishedDate(out.meta, out.text);
  if (cut) out.cut = cut;
  // htmlparser2 hands out substrings of the document, and V8 keeps a substring's whole parent
  // alive: without this copy every page's full HTML would stay in memory with its artifact.
  return JSON.parse(JSON.stringify(out)) as ParsedPage;
}

/** Whitespace inside lines collapsed, blank lines dropped. */
function tidy(s: string): string {
  return s.split('\n').map(norm).filter(Boolean).join('\n');
}

function publishedDate(meta: Record<string, string>, text: string): string | undefined {
  for (const k of ['pubdate', 'publishdate', 'article:published_time', 'firstpublishedtime', 'createdate']) {
    const d = meta[k] && firstDate(meta[k]);
    if (d) return d;
  }
  const m = text.match(PUBLISHED_RE);
  return m ? firstDate(m[2]) : undefined;
}

/**
 * A list of dated items: ul/ol/table/dl children, or a div whose repeated children each hold
 * a link. Undated items are kept (they count as "not updated" for freshness).
 */
function collectList(el: Element, inFooter: boolean, inNav: boolean, out: ParsedPage): void {
  const name = el.name;
  let rows: Element[];
  if (LIST_TAGS.has(name)) {
    if (name === 'table') {
      // Rows live in tbody (collected on its own) unless the table has none.
      if (el.children.some((c) => c.type === 'tag' && (c as Element).name === 'tbody')) return;
    }
    rows = el.children.filter((c) => c.type === 'tag' && ITEM_TAGS.has((c as Element).name)) as Element[];
    if (name === 'dl') rows = rows.filter((r) => r.name === 'dd' || hasDescendant(r, 'a'));
  } else {
    const kids = el.children.filter((c) => c.type === 'tag') as Element[];
    if (kids.length < 2 || kids.some((k) => LIST_TAGS.has(k.name) || ITEM_TAGS.has(k.name))) return;
    rows = kids.filter((k) => k.name === 'a' || hasDescendant(k, 'a'));
    if (rows.length < 2) return;
    const dated = rows.filter((r) => findDates(textOf(r)).length > 0).length;
    if (dated < rows.length / 2) return;
  }
  const items: ListItem[] = [];
  for (const r of rows) {
    const t = norm(textOf(r));
    const link = r.name === 'a' ? r : firstDescendant(r, 'a', ROW_NODES);
    if (!link && !findDates(t).length) continue;
    const item: ListItem = { text: clip(t, 300) };
    const linkText = link ? norm(textOf(link)) : '';
    if (linkText) item.text = clip(linkText, 300);
    if (link?.attribs.href) {
      const res = resolveHref(link.attribs.href, out.baseUrl);
      if (res && res !== 'non-http') item.href = res.url;
    }
    // The date of the row: prefer text outside the link (titles may contain years).
    const date = firstDate(t.replace(linkText, ' ')) ?? firstDate(t);
    if (date) item.date = date;
    items.push(item);
  }
  if (items.length) out.lists.push({ selector: selectorOf(el), inNav, inFooter, items });
}
