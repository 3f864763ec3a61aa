/**
 * A CSS selector for the element a staff member flagged: unique on the page, and stable — it
 * should still find the element tomorrow, after the CMS re-rendered the page with other state
 * classes, a new news item on top of the list, or generated ids.
 *
 * Per element, in order of preference: a stable id (#main-content); a meaningful attribute
 * (name, data-testid, aria-label, for links the href as written, for images the src, title,
 * alt); tag + stable classes; and only then :nth-of-type. Noise is never used: state classes
 * (active, cur, on, hover, selected, …), generated classes (css-1x2y3z, sc-AbCd, jsx-123,
 * hashes) and generated ids (ext-gen123, j_id0:1, react-select-2, uuid-like). The path is
 * anchored at the nearest ancestor with a stable id and shortened to the fewest steps that
 * stay unique. Works on any DOM with querySelectorAll (the page, linkedom in tests).
 */

/** State classes a CMS or script toggles: never part of a stable selector. */
const STATE_CLASS = /^(active|current|cur|curr|on|off|hover|hovered|focus|focused|selected|select|checked|open|opened|close|closed|show|shown|hide|hidden|visible|invisible|in|out|fade|fadein|fadeout|collapse|collapsed|collapsing|expanded|disabled|enabled|loading|loaded|animated|first|last|odd|even|clearfix|clear|fl|fr|left|right|pull-left|pull-right|row|col|container|wrapper|wrap|ng-.*|is-.*|has-.*|js-.*|swiper-slide-.*|slick-.*|zc-.*)$/i;

/** Looks generated: a hash, a framework prefix with a hash, or more digits than letters. */
function looksGenerated(token: string): boolean {
  if (/^(css|sc|jsx|emotion|styled|makeStyles|jss|svelte|astro|tw|_)-?[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*$/i.test(token) && /\d/.test(token)) return true;
  if (/^[A-Za-z]{1,3}[-_]?[A-Za-z0-9]{5,}$/.test(token) && /\d/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token)) return true; // sc-AbC12d, aB3dE5
  if (/[0-9a-f]{6,}/i.test(token) && /\d/.test(token) && /[a-f]/i.test(token)) return true; // hashes
  const digits = (token.match(/\d/g) ?? []).length;
  const letters = (token.match(/[A-Za-z\u4e00-\u9fa5]/g) ?? []).length;
  return digits > 3 && digits >= letters;
}

export function isNoisyClass(c: string): boolean {
  return !c || STATE_CLASS.test(c) || looksGenerated(c);
}

const GENERATED_ID = /^(ext-gen|ext-comp|j_id|react-|rc-|radix-|headlessui-|mui-|yui_|ember|vue-|ng-|__|uid|uuid|id-?\d|auto-?id|gen-?\d|jQuery\d|tmp|temp)/i;

export function isStableId(id: string): boolean {
  if (!id || id.length > 64 || /\s/.test(id)) return false;
  if (GENERATED_ID.test(id)) return false;
  if (/[:]/.test(id) && /\d/.test(id)) return false; // j_id0:form:123
  return !looksGenerated(id);
}

/** CSS.escape where it exists; a conforming fallback elsewhere (linkedom, old engines). */
export function cssEscape(value: string): string {
  const g = globalThis as { CSS?: { escape?: (s: string) => string } };
  if (g.CSS?.escape) return g.CSS.escape(value);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (code === 0) out += '\uFFFD';
    else if ((code >= 1 && code <= 0x1f) || code === 0x7f || (i === 0 && code >= 0x30 && code <= 0x39) || (i === 1 && code >= 0x30 && code <= 0x39 && value[0] === '-')) {
      out += `\\${code.toString(16)} `;
    } else if (i === 0 && ch === '-' && value.length === 1) out += '\\-';
    else if (code >= 0x80 || ch === '-' || ch === '_' || /[0-9A-Za-z]/.test(ch)) out += ch;
    else out += `\\${ch}`;
  }
  return out;
}

const attrValue = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\a ')}"`;

/** The attributes that name an element, by tag, most meaningful first. */
function namingAttributes(el: Element): [string, string][] {
  const tag = el.tagName.toLowerCase();
  const out: [string, string][] = [];
  const add = (name: string, max = 120) => {
    const v = el.getAttribute(name);
    if (v && v.length <= max && !/^\s|\s$/.test(v) && !(name !== 'href' && name !== 'src' && looksGenerated(v))) out.push([name, v]);
  };
  add('data-testid');
  add('data-test');
  if (/^(input|select|textarea|button|form|iframe|meta|map|object|param|fieldset|output)$/.test(tag)) add('name', 80);
  add('aria-label', 60);
  if (tag === 'a' || tag === 'area') {
    const href = el.getAttribute('href');
    if (href && !/^(javascript:|#$)/i.test(href)) add('href', 200);
  }
  if (tag === 'img' || tag === 'iframe' || tag === 'source' || tag === 'embed') add('src', 200);
  if (tag === 'input') add('type', 20);
  add('title', 60);
  if (tag === 'img' || tag === 'area') add('alt', 60);
  return out;
}

function stableClasses(el: Element): string[] {
  const raw = el.getAttribute('class');
  if (!raw) return [];
  return raw.split(/\s+/).filter((c) => c && !isNoisyClass(c));
}

function nthOfType(el: Element): number {
  let n = 1;
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === el.tagName) n++;
  return n;
}

function sameTypeSiblings(el: Element): number {
  const p = el.parentElement;
  if (!p) return 1;
  let n = 0;
  for (const c of Array.from(p.children)) if (c.tagName === el.tagName) n++;
  return n;
}

interface Scope {
  querySelectorAll(sel: string): ArrayLike<Element>;
}

function count(scope: Scope, sel: string): number {
  try {
    return scope.querySelectorAll(sel).length;
  } catch {
    return Infinity;
  }
}

function matchesOnly(scope: Scope, sel: string, el: Element): boolean {
  try {
    const all = scope.querySelectorAll(sel);
    return all.length === 1 && all[0] === el;
  } catch {
    return false;
  }
}

/**
 * The step for one element: the least specific form that tells it from its same-tag siblings
 * under its parent (a stable attribute, stable classes, else :nth-of-type).
 */
function stepFor(el: Element): string {
  const tag = cssEscape(el.tagName.toLowerCase());
  const id = el.getAttribute('id');
  if (id && isStableId(id)) return `#${cssEscape(id)}`;
  const parent = el.parentElement;
  const siblings = parent ? Array.from(parent.children).filter((c) => c !== el && c.tagName === el.tagName) : [];
  if (!siblings.length) return tag;
  const unique = (test: (s: Element) => boolean) => !siblings.some(test);
  for (const [name, value] of namingAttributes(el)) {
    if (unique((s) => s.getAttribute(name) === value)) return `${tag}[${name}=${attrValue(value)}]`;
  }
  const classes = stableClasses(el);
  for (const c of classes) {
    if (unique((s) => stableClasses(s).includes(c))) return `${tag}.${cssEscape(c)}`;
  }
  if (classes.length >= 2) {
    const [a, b] = classes;
    if (unique((s) => stableClasses(s).includes(a) && stableClasses(s).includes(b))) return `${tag}.${cssEscape(a)}.${cssEscape(b)}`;
  }
  return `${tag}:nth-of-type(${nthOfType(el)})`;
}

export interface SelectorOptions {
  /** Steps at most (the path from the anchor); default 12. */
  maxSteps?: number;
}

/**
 * A unique, stable selector for `el` in its document. Throws only when `el` is not in a
 * document. The selector's first step may be a stable id (#id) or a tag from the root.
 */
export function uniqueSelector(el: Element, o: SelectorOptions = {}): string {
  const doc = el.ownerDocument;
  if (!doc) throw new Error('the element is not in a document');
  const maxSteps = o.maxSteps ?? 12;
  const tag = el.tagName.toLowerCase();
  if (tag === 'html' || tag === 'body' || tag === 'head') return tag;

  // 1. The element alone: a stable id, or a naming attribute unique on the page.
  const id = el.getAttribute('id');
  if (id && isStableId(id) && matchesOnly(doc, `#${cssEscape(id)}`, el)) return `#${cssEscape(id)}`;
  for (const [name, value] of namingAttributes(el)) {
    const sel = `${cssEscape(tag)}[${name}=${attrValue(value)}]`;
    if (matchesOnly(doc, sel, el)) return sel;
  }

  // 2. Steps up to the nearest ancestor with a stable, unique id (or the body).
  const steps: string[] = [];
  const chain: Element[] = [];
  for (let cur: Element | null = el; cur; cur = cur.parentElement) {
    const t = cur.tagName.toLowerCase();
    if (t === 'html') break;
    if (t === 'body') {
      steps.unshift('body');
      chain.unshift(cur);
      break;
    }
    const step = stepFor(cur);
    steps.unshift(step);
    chain.unshift(cur);
    if (step.startsWith('#') && count(doc, step) === 1) break;
    if (steps.length >= 40) break;
  }

  // 3. The shortest tail of the path that is unique (anchored at the id when there is one).
  const full = steps.join(' > ');
  if (!matchesOnly(doc, full, el)) {
    // Steps that are not unique among siblings of the same tag (duplicate ids, odd markup): nth-of-type everywhere.
    const strict = chain.map((c) => {
      const t = c.tagName.toLowerCase();
      return t === 'body' ? 'body' : sameTypeSiblings(c) > 1 ? `${cssEscape(t)}:nth-of-type(${nthOfType(c)})` : cssEscape(t);
    });
    return strict.join(' > ');
  }
  const anchorIsId = steps[0].startsWith('#');
  for (let keep = 1; keep < Math.min(steps.length, maxSteps + 1); keep++) {
    const tail = steps.slice(steps.length - keep).join(' > ');
    // Anchored at the id first (it survives changes elsewhere on the page), then the bare tail.
    const candidates = anchorIsId ? [`${steps[0]} ${tail}`, tail] : [tail];
    for (const sel of candidates) if (matchesOnly(doc, sel, el)) return sel;
  }
  return full;
}

/** The element a selector names, when it names exactly one. */
export function resolveSelector(doc: Scope, sel: string): Element | null {
  try {
    const all = doc.querySelectorAll(sel);
    return all.length === 1 ? all[0] : null;
  } catch {
    return null;
  }
}
