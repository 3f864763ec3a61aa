/**
 * A small element builder for the extension's UI (no framework: the panel lives in pages we do not own).
 * Text (children, and the attributes people read) shows bidi controls as [U+202E] markers: the
 * panel quotes page titles, link texts and selectors, which must not reorder it (report/bidi.ts).
 */
import { showBidiControls } from '../../report/bidi.ts';

/** Attributes shown to people as text; the others (value, href, data-*) are kept exact. */
const SHOWN_ATTRS = new Set(['title', 'aria-label', 'alt', 'placeholder']);

type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v as EventListener);
    else if (k === 'value' && 'value' in el) (el as unknown as { value: string }).value = String(v);
    else if (k === 'checked' && 'checked' in el) (el as unknown as { checked: boolean }).checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : SHOWN_ATTRS.has(k) ? showBidiControls(String(v)) : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? el.ownerDocument!.createTextNode(showBidiControls(c)) : c);
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}
