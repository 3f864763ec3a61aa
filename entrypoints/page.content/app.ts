/**
 * What the extension does inside a page: picking mode, the report form and the page check's
 * results, in a panel in its own shadow root (the page's styles cannot reach it, ours cannot
 * reach the page). Screenshots are taken by the background with the element outlined and the
 * panel hidden.
 */
import axe from 'axe-core';
import axeZh from 'axe-core/locales/zh_CN.json' with { type: 'json' };
import { findPii } from '../../src/pii/detect.ts';
import { suggestCategory, type Draft } from '../../src/extension/draft.ts';
import { browserName, viewportText } from '../../src/extension/env.ts';
import { strings, type Lang } from '../../src/extension/i18n.ts';
import { send } from '../../src/extension/messages.ts';
import { AXE_TAGS, auditItems, axeItems, fromAxe, homeUrlOf, isHomepage, linksToCheck, localiseAxe, pageArtifact, sortItems, type CheckItem } from '../../src/extension/page-check.ts';
import { Picker, selectionElement } from '../../src/extension/picker.ts';
import { uniqueSelector } from '../../src/extension/selector.ts';
import { loadSettings } from '../../src/extension/settings.ts';
import { renderCheckList } from '../../src/extension/ui/check-list.ts';
import { clear, h } from '../../src/extension/ui/dom.ts';
import { renderForm } from '../../src/extension/ui/form.ts';
import { PANEL_CSS } from '../../src/extension/ui/styles.ts';

export const HOST_ID = 'zhaocuo-root';

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PageApp {
  private readonly host: HTMLElement;
  private readonly root: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly highlight: HTMLElement;
  private readonly label: HTMLElement;
  private readonly picker: Picker;
  private lang: Lang = 'zh';
  /** The last page check's results, and the tickets filed from them (result id → ticket number). */
  private lastCheck: { items: CheckItem[]; linkStats: { checked: number; skipped: number } } | null = null;
  private readonly filed = new Map<string, string>();
  private selectedText = '';

  constructor(private readonly doc: Document) {
    this.host = doc.createElement('div');
    this.host.id = HOST_ID;
    this.host.setAttribute('style', 'all: initial; position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: 2147483647;');
    const shadow = this.host.attachShadow({ mode: 'open' });
    shadow.appendChild(h(doc, 'style', {}, PANEL_CSS));
    this.root = h(doc, 'div', { class: 'zc' });
    this.label = h(doc, 'span', { class: 'tag' });
    this.highlight = h(doc, 'div', { class: 'hl' }, this.label);
    this.banner = h(doc, 'div', { class: 'banner', style: 'display:none', 'data-zc': 'banner' });
    this.panel = h(doc, 'div', { class: 'panel', style: 'display:none', 'data-zc': 'panel' });
    this.root.append(this.highlight, this.banner, this.panel);
    shadow.appendChild(this.root);
    this.picker = new Picker({
      doc,
      host: this.host,
      highlight: this.highlight,
      label: this.label,
      banner: this.banner,
      onPick: (el) => void this.picked(el),
      onCancel: () => this.close(),
    });
  }

  private mount(): void {
    if (!this.host.isConnected) this.doc.documentElement.appendChild(this.host);
  }

  private async settings() {
    const s = await loadSettings();
    this.lang = s.lang;
    return s;
  }

  close(): void {
    this.picker.stop();
    this.panel.style.display = 'none';
    clear(this.panel);
  }

  // --- flag -----------------------------------------------------------------------------------

  async startFlag(req: { useSelection?: boolean; linkUrl?: string; srcUrl?: string }): Promise<void> {
    await this.settings();
    this.mount();
    this.close();
    const sel = this.doc.getSelection();
    this.selectedText = sel?.toString().trim() ?? '';
    let el: Element | null = null;
    if (req.linkUrl) el = this.findByUrl(req.linkUrl);
    if (!el && req.srcUrl) el = this.findByUrl(req.srcUrl);
    if (!el && req.useSelection && this.selectedText) el = selectionElement(sel);
    if (el) return this.picked(el);
    this.banner.textContent = strings(this.lang).pickBanner;
    this.picker.start();
  }

  private async picked(el: Element): Promise<void> {
    const settings = await this.settings();
    const selector = safeSelector(el);
    const shot = await this.capture(el);
    const draft: Draft = {
      pageUrl: location.href,
      pageTitle: this.doc.title,
      selector,
      snippet: textOf(el),
      ...(this.selectedText ? { selectedText: this.selectedText } : {}),
      ...(shot ? { screenshot: shot } : {}),
      includeScreenshot: Boolean(shot),
      category: suggestCategory({ tag: el.tagName, inLink: Boolean(el.closest('a[href]')), selectedText: this.selectedText }),
      description: '',
      reporter: settings.name || undefined,
      ...this.env(),
      origin: { kind: 'flag' },
    };
    this.showForm(draft, true);
  }

  private env(): { viewport: string; browser: string } {
    return { viewport: viewportText(innerWidth, innerHeight, devicePixelRatio), browser: browserName(navigator.userAgent) };
  }

  /** The form; `back` (from a page-check result) returns to the results instead of closing. */
  private showForm(draft: Draft, repick: boolean, back?: { item: CheckItem }): void {
    this.mount();
    this.panel.style.display = 'block';
    renderForm(this.panel, {
      doc: this.doc,
      lang: this.lang,
      draft,
      submit: async (d) => {
        const r = await send('report:submit', { draft: d });
        if (back && r.state !== 'rejected') this.filed.set(back.item.id, r.state === 'sent' ? r.ticketNumber : strings(this.lang).outbox);
        return r;
      },
      onRepick: repick
        ? () => {
            this.close();
            this.selectedText = '';
            this.banner.textContent = strings(this.lang).pickBanner;
            this.picker.start();
          }
        : undefined,
      onClose: () => (back && this.lastCheck ? this.showResults() : this.close()),
    });
  }

  /** The visible tab with `el` outlined and the panel hidden, as a data URL (undefined when the browser refuses). */
  async capture(el: Element | null): Promise<string | undefined> {
    const shown = this.panel.style.display;
    this.panel.style.display = 'none';
    this.highlight.style.display = 'none';
    this.banner.style.display = 'none';
    let outline: HTMLElement | null = null;
    try {
      if (el) {
        let r = el.getBoundingClientRect();
        if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) {
          el.scrollIntoView({ block: 'center', inline: 'nearest' });
          await frame();
          r = el.getBoundingClientRect();
        }
        const pad = 3;
        const left = Math.max(0, r.left - pad);
        const top = Math.max(0, r.top - pad);
        outline = h(this.doc, 'div', {
          class: 'outline',
          style: `left:${left}px;top:${top}px;width:${Math.min(innerWidth, r.right + pad) - left}px;height:${Math.min(innerHeight, r.bottom + pad) - top}px`,
        });
        this.root.appendChild(outline);
      }
      await frame();
      await frame();
      await sleep(50);
      return (await send('capture', {})).dataUrl;
    } catch {
      return undefined;
    } finally {
      outline?.remove();
      this.panel.style.display = shown;
    }
  }

  // --- page check -----------------------------------------------------------------------------

  async runCheck(): Promise<void> {
    await this.settings();
    const t = strings(this.lang);
    this.mount();
    this.close();
    this.panel.style.display = 'block';
    this.panel.appendChild(h(this.doc, 'p', { 'data-zc': 'checking' }, t.checking));
    let items: CheckItem[];
    let linkStats = { checked: 0, skipped: 0 };
    try {
      const url = location.href.split('#')[0];
      const liveHtml = this.liveHtml();
      const live = pageArtifact(url, liveHtml, isHomepage(url) ? 1 : 2);
      const [axeRules, targets, staticHtml, homeHtml] = await Promise.all([
        this.runAxe(),
        send('links:check', { pageUrl: url, links: linksToCheck(live), pageAnchors: live.anchors }).then((r) => r.targets),
        this.fetchText(url),
        isHomepage(url) ? Promise.resolve(null) : this.fetchText(homeUrlOf(url)),
      ]);
      linkStats = { checked: targets.filter((x) => x.state !== 'skipped').length, skipped: targets.filter((x) => x.state === 'skipped').length };
      items = sortItems([...axeItems(axeRules, url), ...auditItems({ url, title: this.doc.title, liveHtml, staticHtml, homeHtml }, targets)]);
    } catch (err) {
      clear(this.panel);
      this.panel.appendChild(h(this.doc, 'div', { class: 'note err', 'data-zc': 'check-error' }, (err as Error).message));
      return;
    }
    this.lastCheck = { items, linkStats };
    this.filed.clear();
    this.showResults();
  }

  private showResults(): void {
    if (!this.lastCheck) return;
    clear(this.panel);
    this.panel.style.display = 'block';
    renderCheckList(this.panel, {
      doc: this.doc,
      lang: this.lang,
      ...this.lastCheck,
      filed: this.filed,
      onFile: (it) => void this.fileItem(it),
      onLocate: (it) => this.locate(it),
      onClose: () => {
        this.lastCheck = null;
        this.close();
      },
    });
  }

  /** The page's DOM as HTML, without the extension's own element. */
  private liveHtml(): string {
    const clone = this.doc.documentElement.cloneNode(true) as HTMLElement;
    clone.querySelector(`#${HOST_ID}`)?.remove();
    return clone.outerHTML;
  }

  /** The page as served (same origin: a content script may read it), decoded as the page is. */
  private async fetchText(url: string): Promise<string | null> {
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
      if (!res.ok || !/html/i.test(res.headers.get('content-type') ?? 'text/html')) return null;
      const buf = await res.arrayBuffer();
      const m = /charset\s*=\s*["']?([\w.-]+)/i.exec(res.headers.get('content-type') ?? '');
      let charset = m?.[1] ?? this.doc.characterSet;
      try {
        new TextDecoder(charset);
      } catch {
        charset = this.doc.characterSet;
      }
      return new TextDecoder(charset).decode(buf);
    } catch {
      return null;
    }
  }

  private async runAxe() {
    const res = await axe.run(
      { exclude: [[`#${HOST_ID}`]] } as unknown as axe.ElementContext,
      { runOnly: { type: 'tag', values: [...AXE_TAGS] }, resultTypes: ['violations'], iframes: false, elementRef: false, ancestry: false, xpath: false },
    );
    const rules = fromAxe(res.violations as unknown as Parameters<typeof fromAxe>[0]);
    return this.lang === 'zh' ? localiseAxe(rules, axeZh) : rules;
  }

  /** The element a result is about, when it can be found. */
  locateElement(it: CheckItem): Element | null {
    const L = it.locate;
    if (L.kind === 'selector') {
      try {
        return this.doc.querySelector(L.selector);
      } catch {
        return null;
      }
    }
    if (L.kind === 'link') return this.findByUrl(L.url);
    if (L.kind === 'pii') {
      const walker = this.doc.createTreeWalker(this.doc.body ?? this.doc.documentElement, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const p = n.parentElement;
        if (!p || p.closest('script,style,noscript') || this.host.contains(p)) continue;
        if (findPii((n as Text).data).some((x) => x.kind === L.piiKind)) return p;
      }
      return null;
    }
    if (L.kind === 'footer') {
      const cands = Array.from(this.doc.querySelectorAll('footer, [id*="foot" i], [class*="foot" i], [id*="bottom" i], [class*="bottom" i], [class*="copyright" i]'));
      return cands.find((c) => !cands.some((o) => o !== c && o.contains(c))) ?? null;
    }
    return null;
  }

  private locate(it: CheckItem): void {
    const el = this.locateElement(it);
    if (!el) return;
    el.scrollIntoView({ block: 'center', inline: 'nearest' });
    const r = el.getBoundingClientRect();
    const box = h(this.doc, 'div', { class: 'outline', style: `left:${r.left - 3}px;top:${r.top - 3}px;width:${r.width + 6}px;height:${r.height + 6}px` });
    this.root.appendChild(box);
    setTimeout(() => box.remove(), 2000);
  }

  async fileItem(it: CheckItem): Promise<void> {
    const settings = await this.settings();
    const el = this.locateElement(it);
    const shot = await this.capture(el);
    const here = location.href.split('#')[0];
    const draft: Draft = {
      pageUrl: location.href,
      pageTitle: this.doc.title,
      selector: el ? safeSelector(el) : it.locate.kind === 'selector' ? it.locate.selector : undefined,
      snippet: it.snippet ?? (el ? textOf(el) : undefined),
      ...(shot ? { screenshot: shot } : {}),
      includeScreenshot: Boolean(shot),
      category: it.category,
      description: it.url !== here ? `${it.message}\n（${it.url}）` : it.message,
      reporter: settings.name || undefined,
      ...this.env(),
      origin: { kind: 'check', audit: it.audit, rule: it.rule },
    };
    this.showForm(draft, false, { item: it });
  }

  /** An element whose link or source is `url` (fragment ignored). */
  private findByUrl(url: string): Element | null {
    const want = url.split('#')[0];
    for (const el of Array.from(this.doc.querySelectorAll('a[href], area[href], img[src], iframe[src], link[href], script[src], embed[src], source[src]'))) {
      const raw = el.getAttribute('href') ?? el.getAttribute('src');
      if (!raw) continue;
      try {
        if (new URL(raw, this.doc.baseURI).href.split('#')[0] === want) return el;
      } catch {
        /* not a URL */
      }
    }
    return null;
  }
}

function safeSelector(el: Element): string | undefined {
  try {
    return uniqueSelector(el);
  } catch {
    return undefined;
  }
}

function textOf(el: Element): string | undefined {
  const t = ((el as HTMLElement).innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
  if (t) return t.slice(0, 500);
  const alt = el.getAttribute('alt') ?? el.getAttribute('title') ?? el.getAttribute('aria-label');
  return alt ?? undefined;
}
