/**
 * Picking mode: hover highlights the element under the pointer (with its selector), a click
 * selects it without the page reacting (links do not navigate), Esc leaves. Text selected
 * before picking is kept: mousedown is swallowed, so the click does not clear the selection.
 */
import { uniqueSelector } from './selector.ts';
import { showBidiControls } from '../report/bidi.ts';

export interface PickerOptions {
  doc: Document;
  /** The extension's own host element (events on it are not the page's). */
  host: Element;
  /** The highlight box and its label, inside the extension's shadow root. */
  highlight: HTMLElement;
  label: HTMLElement;
  banner: HTMLElement;
  onPick: (el: Element) => void;
  onCancel: () => void;
}

const BLOCKED = ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'click', 'dblclick', 'auxclick', 'contextmenu', 'submit'] as const;

export class Picker {
  private current: Element | null = null;
  private active = false;
  private readonly listeners: [string, EventListener][] = [];

  constructor(private readonly o: PickerOptions) {}

  get isActive(): boolean {
    return this.active;
  }

  private own(target: EventTarget | null): boolean {
    return !target || target === this.o.host || (target instanceof Node && this.o.host.contains(target));
  }

  private elementAt(e: Event): Element | null {
    const t = e.target;
    if (this.own(t)) return null;
    if (t instanceof Element) return t;
    return t instanceof Node ? t.parentElement : null;
  }

  private show(el: Element | null): void {
    const hl = this.o.highlight;
    if (!el) {
      hl.style.display = 'none';
      return;
    }
    const r = el.getBoundingClientRect();
    Object.assign(hl.style, { display: 'block', left: `${r.left}px`, top: `${r.top}px`, width: `${Math.max(r.width, 2)}px`, height: `${Math.max(r.height, 2)}px` });
    let sel = el.tagName.toLowerCase();
    try {
      sel = uniqueSelector(el);
    } catch {
      /* detached */
    }
    this.o.label.textContent = showBidiControls(sel); // an id or class from the page may carry a bidi override
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.o.banner.style.display = 'block';
    const on = (type: string, fn: EventListener) => {
      this.o.doc.addEventListener(type, fn, true);
      this.listeners.push([type, fn]);
    };
    on('mouseover', (e) => {
      const el = this.elementAt(e);
      if (!el) return;
      this.current = el;
      this.show(el);
    });
    on('scroll', () => this.show(this.current));
    for (const type of BLOCKED) {
      on(type, (e) => {
        if (this.own(e.target)) return;
        e.preventDefault();
        e.stopPropagation();
        e.stopImmediatePropagation();
        if (type === 'click') {
          const el = this.elementAt(e) ?? this.current;
          if (el) {
            this.stop();
            this.o.onPick(el);
          }
        }
      });
    }
    on('keydown', (e) => {
      const k = e as KeyboardEvent;
      if (k.key === 'Escape') {
        k.preventDefault();
        k.stopPropagation();
        this.stop();
        this.o.onCancel();
      } else if (k.key === 'ArrowUp' && this.current?.parentElement && this.current.parentElement !== this.o.doc.documentElement) {
        // Widen the selection to the parent element.
        k.preventDefault();
        this.current = this.current.parentElement;
        this.show(this.current);
      } else if (k.key === 'Enter' && this.current) {
        k.preventDefault();
        const el = this.current;
        this.stop();
        this.o.onPick(el);
      }
    });
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    for (const [type, fn] of this.listeners) this.o.doc.removeEventListener(type, fn, true);
    this.listeners.length = 0;
    this.o.highlight.style.display = 'none';
    this.o.banner.style.display = 'none';
    this.current = null;
  }
}

/** The element that holds a selection (the common ancestor, as an element). */
export function selectionElement(sel: Selection | null): Element | null {
  if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
  const n = sel.getRangeAt(0).commonAncestorContainer;
  return n instanceof Element ? n : n.parentElement;
}
