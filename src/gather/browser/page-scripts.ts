/**
 * Code that runs inside audited pages. Kept as plain JavaScript strings, not TypeScript
 * functions: a transpiler may add helpers (tsx's __name) to a function's source, which do not
 * exist in the page. Each string is one expression; page.evaluate returns its value.
 */

const FOOTER_TOKEN = String.raw`/(^|[-_\s])(foot|footer|bottom|copyright|copy|dibu|bq)([-_\s\d]|$)/i`;

/** A short CSS path for an element (used in evidence), defined inside page scripts. */
const SELECTOR_FN = String.raw`
  const cssPath = (el) => {
    const parts = [];
    for (let e = el, i = 0; e && e.nodeType === 1 && i < 4; e = e.parentElement, i++) {
      let s = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(s + '#' + CSS.escape(e.id)); break; }
      const cls = typeof e.className === 'string' ? e.className.trim().split(/\s+/).filter(Boolean).slice(0, 2) : [];
      if (cls.length) s += '.' + cls.map((c) => CSS.escape(c)).join('.');
      const p = e.parentElement;
      if (p) {
        const same = [...p.children].filter((c) => c.tagName === e.tagName);
        if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
      }
      parts.unshift(s);
      if (s === 'body' || s === 'html') break;
    }
    return parts.join(' > ');
  };
  const openTag = (el) => { const h = el.outerHTML || ''; const i = h.indexOf('>'); return (i > 0 && i < 300 ? h.slice(0, i + 1) : h.slice(0, 300)); };`;

/** Resolves when the load event has fired (now, if it already has). */
export const WAIT_FOR_LOAD = `new Promise((r) => document.readyState === 'complete' ? r(true) : addEventListener('load', () => r(true), { once: true }))`;

/**
 * Milliseconds since the document last changed (nodes added or removed, an image's src or alt,
 * ARIA attributes set), counted from a MutationObserver this installs on first call; -1 on the
 * first call in a document (a new document is a change), and while a <meta refresh> is due. Style and class changes (carousels,
 * animations) do not count: they rarely bring content axe judges.
 */
export const SINCE_LAST_CHANGE = `(() => {
  const w = window;
  if (!w.__zcChange) {
    w.__zcChange = { last: performance.now() };
    new MutationObserver(() => { w.__zcChange.last = performance.now(); }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['src', 'srcset', 'alt', 'href', 'role', 'aria-label', 'aria-labelledby', 'aria-hidden', 'title', 'lang', 'type'] });
    return -1;
  }
  // A <meta refresh> due within 5 s is a change to come: wait for the document it goes to.
  const m = document.querySelector('meta[http-equiv="refresh" i]');
  const delay = m ? parseFloat(m.getAttribute('content') || '') : NaN;
  if (delay >= 0 && delay <= 5 && /url\s*=/i.test(m.getAttribute('content') || '') && performance.now() < delay * 1000 + 1000) return -1;
  return performance.now() - w.__zcChange.last;
})()`;

/**
 * Rendered text of a frame: { title, text, footerText, footerFrames, footerLinks,
 * concealedLinks }. footerFrames are the src URLs of iframes inside the footer region (their
 * whole text is footer text).
 */
export const RENDERED_TEXT = String.raw`(() => {
  const FOOT = ${FOOTER_TOKEN};
  const root = document.body || document.documentElement;
  if (!root) return { title: document.title || '', text: '', footerText: '', footerFrames: [], footerLinks: [], concealedLinks: [] };
  const tidy = (s) => s.split('\n').map((l) => l.replace(/[\s\u00a0\u3000]+/g, ' ').trim()).filter(Boolean).join('\n');
  const isFoot = (el) => el.tagName === 'FOOTER' || FOOT.test((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : ''));
  const cands = [...root.querySelectorAll('footer, [id], [class]')].filter(isFoot);
  const outer = cands.filter((el) => !cands.some((o) => o !== el && o.contains(el)));
  const footParts = [];
  const footerFrames = [];
  const footerLinks = [];
  for (const el of outer) {
    footParts.push(el.innerText || '');
    for (const img of el.querySelectorAll('img[alt]')) if (img.alt.trim()) footParts.push(img.alt);
    for (const f of el.querySelectorAll('iframe[src]')) footerFrames.push(f.src);
    for (const a of el.querySelectorAll('a[href], img[src]')) {
      if (footerLinks.length >= 200) break;
      const url = a.tagName === 'A' ? a.href : a.src;
      if (!/^https?:/i.test(url)) continue;
      const alts = a.tagName === 'A' ? [...a.querySelectorAll('img')].map((i) => i.alt || i.title || '').join(' ') : (a.alt || a.title || '');
      footerLinks.push({ url, text: ((a.innerText || '') + ' ' + alts).replace(/\s+/g, ' ').trim().slice(0, 200), inFooter: true });
    }
  }
  // Links to other hosts that a visitor cannot see (hidden, transparent, off the page, no
  // size): injected hidden links (暗链) are often written by scripts, so only the rendered DOM
  // shows them.
  const concealedLinks = [];
  const docW = Math.max(document.documentElement.scrollWidth, innerWidth), docH = Math.max(document.documentElement.scrollHeight, innerHeight);
  for (const a of root.querySelectorAll('a[href]')) {
    if (concealedLinks.length >= 200) break;
    let url;
    try { url = new URL(a.href); } catch (e) { continue; }
    if (!/^https?:$/.test(url.protocol) || url.host === location.host) continue;
    let how = null;
    if (a.checkVisibility && !a.checkVisibility({ opacityProperty: true, visibilityProperty: true })) how = 'invisible';
    else {
      const r = a.getBoundingClientRect();
      const x = r.left + scrollX, y = r.top + scrollY;
      if (x + r.width <= 0 || y + r.height <= 0 || x >= docW || y >= docH) how = 'off-screen';
      else if (r.width * r.height < 4) how = 'zero-size';
      else if (parseFloat(getComputedStyle(a).fontSize) < 2) how = 'font-size:0';
    }
    if (how) concealedLinks.push({ url: a.href, text: ((a.innerText || a.textContent || '') + ' ' + (a.title || '')).replace(/\s+/g, ' ').trim().slice(0, 200), how });
  }
  return {
    concealedLinks,
    title: document.title || '',
    text: tidy(root.innerText || '').slice(0, 200000),
    footerText: tidy(footParts.join('\n')).slice(0, 20000),
    footerFrames,
    footerLinks,
  };
})()`;

/** Facts for the age-friendly audit (see AgeFacts). */
export const AGE_FACTS = String.raw`(() => {
  ${SELECTOR_FN}
  const vw = innerWidth, vh = innerHeight;
  const meta = document.querySelector('meta[name="viewport" i]');
  const body = document.body;
  const hist = {};
  let total = 0;
  if (body) {
    const seen = new Map();
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'TITLE']);
    let n;
    while ((n = walker.nextNode()) && total < 300000) {
      const t = n.data.replace(/\s+/g, '');
      if (!t) continue;
      const el = n.parentElement;
      if (!el || SKIP.has(el.tagName)) continue;
      let info = seen.get(el);
      if (!info) {
        const cs = getComputedStyle(el);
        const visible = el.checkVisibility ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : el.getClientRects().length > 0;
        info = { px: Math.round(parseFloat(cs.fontSize) * 10) / 10, visible };
        seen.set(el, info);
      }
      if (!info.visible) continue;
      hist[info.px] = (hist[info.px] || 0) + t.length;
      total += t.length;
    }
  }
  let textFontPx = null, best = -1;
  for (const [px, n] of Object.entries(hist)) if (n > best) { best = n; textFontPx = Number(px); }

  const layers = [];
  const picked = [];
  const CLOSE = /关闭|close|×|✕|✖|╳/i;
  if (body) {
    for (const el of body.querySelectorAll('*')) {
      if (layers.length >= 30) break;
      const cs = getComputedStyle(el);
      const pos = cs.position;
      if (pos !== 'fixed' && pos !== 'absolute') continue;
      if (picked.some((p) => p.contains(el))) continue;
      const z = cs.zIndex === 'auto' ? null : Number(cs.zIndex);
      if (pos === 'absolute' && !(z !== null && z >= 100)) continue;
      if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 20 || r.height < 20) continue;
      const ix = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
      const iy = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
      if (ix * iy <= 0) continue;
      picked.push(el);
      const idClass = ((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '')).trim();
      const closeControl = [...el.querySelectorAll('a, button, span, i, div, img')].slice(0, 200).some((c) =>
        CLOSE.test((c.textContent || '').trim().slice(0, 10)) || CLOSE.test(c.getAttribute('title') || '') || CLOSE.test(c.getAttribute('aria-label') || '') ||
        /close|guanbi/i.test(typeof c.className === 'string' ? c.className : '') || /close|guanbi/i.test(c.id || '') || CLOSE.test(c.getAttribute('alt') || ''));
      const hasImage = !!el.querySelector('img, svg, canvas, video') || el.tagName === 'IMG' || (cs.backgroundImage && cs.backgroundImage !== 'none');
      const bar = r.width >= vw * 0.9 && r.height <= vh * 0.25 && (r.top <= 1 || r.bottom >= vh - 1);
      const role = el.getAttribute('role');
      const chrome = /^(HEADER|NAV)$/.test(el.tagName) || role === 'banner' || role === 'navigation' || !!el.querySelector('nav, [role=navigation]');
      layers.push({
        selector: cssPath(el), html: openTag(el), tag: el.tagName.toLowerCase(), idClass: idClass.slice(0, 120), position: pos,
        zIndex: Number.isFinite(z) ? z : null,
        rect: { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) },
        coverage: Math.round((ix * iy) / (vw * vh) * 1000) / 1000,
        text: (el.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 80),
        hasImage: !!hasImage, links: el.querySelectorAll('a[href]').length + (el.tagName === 'A' ? 1 : 0), closeControl,
        role, modal: el.getAttribute('aria-modal') === 'true' || role === 'dialog' || role === 'alertdialog' || el.tagName === 'DIALOG',
        bar, chrome,
      });
    }
  }
  return {
    viewport: meta ? meta.getAttribute('content') : null,
    viewportSize: { width: vw, height: vh },
    bodyFontPx: body ? parseFloat(getComputedStyle(body).fontSize) : 16,
    textFontPx,
    fontHistogram: hist,
    layers,
  };
})()`;

/** Outlines the given top-frame elements in red before a screenshot. */
export function outlineScript(selectors: string[]): string {
  return `(() => { let n = 0; for (const s of ${JSON.stringify(selectors)}) { try { for (const el of document.querySelectorAll(s)) { el.style.setProperty('outline', '3px solid #e00', 'important'); el.style.setProperty('outline-offset', '1px', 'important'); n++; } } catch (e) {} } return n; })()`;
}

/** Height of the document, px. */
export const DOC_HEIGHT = `Math.max(document.documentElement ? document.documentElement.scrollHeight : 0, document.body ? document.body.scrollHeight : 0)`;

/**
 * Run before a page's own scripts (evaluateOnNewDocument): alert/confirm/prompt return at once
 * (confirm: false, prompt: null) and are recorded in window.__zcDialogs. A real dialog blocks
 * the page's parser until someone answers it, and under load the headless shell's dialog event
 * can come too late to answer it in time; trapped, the page never waits.
 */
export const DIALOG_TRAP = `(() => {
  if (window.__zcDialogs) return;
  const rec = [];
  try { Object.defineProperty(window, '__zcDialogs', { value: rec }); } catch (e) { return; }
  const wrap = (type, ret) => function (m) { if (rec.length < 20) rec.push({ type, message: String(m === undefined ? '' : m).slice(0, 200) }); return ret; };
  window.alert = wrap('alert', undefined);
  window.confirm = wrap('confirm', false);
  window.prompt = wrap('prompt', null);
})()`;

/** The dialogs the trap recorded in the top frame. */
export const TRAPPED_DIALOGS = `(window.__zcDialogs || []).slice()`;
