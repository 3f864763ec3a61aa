/**
 * Framed documents belong to the page that frames them. A portal's shared header, footer or
 * navigation often sits in an <iframe>/<frame> (header.html, foot.htm, a frameset's left menu):
 * a visitor sees it as part of the page, and so does the inspection. This module gives the
 * audits that judge a page as a whole (identity markers, columns, navigation) the site's pages
 * as a visitor sees them:
 *
 *  - a document reached only as a frame target (no hyperlink leads to it) is "framed-only": it
 *    is not judged alone as a page of the site (no "markers missing" for footer.html);
 *  - a page that frames documents is composed with them: their text, footer, links, images,
 *    lists, headings and forms count for it (recursively, frames in frames);
 *  - a root that only sends the visitor on (<meta refresh>, a script) to the homepage is the
 *    homepage's doorway, not a page of its own.
 *
 * The framed documents stay in `artifacts.pages` for the audits that report where a defect
 * sits (personal data, wording, tampering are fixed in footer.html itself), and their links
 * are checked by the crawl like any page's. Pure and memoised per artifacts object.
 */
import type { Artifacts, OutLink, PageArtifact } from './artifacts.ts';
import { memo } from '../audit/memo.ts';

/** A frame's file or id names a footer / navigation part (foot.html, bottom.htm, top_nav.jsp, left.html). */
const FOOTER_NAME = /(^|[-_./])(foot|footer|bottom|copyright|dibu|bq)([-_.\d]|$)/i;
const NAV_NAME = /(^|[-_./])(nav|menu|top|head|header|daohang|left|banner)([-_.\d]|$)/i;
/** Frames in frames are followed this deep (framesets of framesets exist; loops do too). */
const MAX_FRAME_DEPTH = 4;
const MAX_TEXT = 200_000;
const MAX_SCRIPT = 20_000;

/** The kinds of link a visitor follows to reach a page (a frame's src is not one). */
const NAVIGATING = new Set(['a', 'area', 'attachment']);

export interface SitePages {
  /** Pages of the site as a visitor sees them (framed parts merged in; framed-only and doorway pages left out), crawl order. */
  pages: PageArtifact[];
  /** The homepage as composed (first depth-1 page, else the start URL's page). */
  home: PageArtifact | undefined;
  /** URL (and final URL) → composed page, framed-only documents included (as themselves). */
  byUrl: Map<string, PageArtifact>;
  /** Framed-only document URL → the pages that frame it. */
  framedIn: Map<string, string[]>;
  /** Pages left out because they only send the visitor on (a root's meta refresh). */
  doorways: Set<string>;
}

function baseName(url: string): string {
  try {
    const p = new URL(url).pathname;
    return p.slice(p.lastIndexOf('/') + 1) || p;
  } catch {
    return '';
  }
}

/** Once per run's audits (src/audit/memo.ts): let go when the audits are done. */
export function sitePages(a: Artifacts): SitePages {
  return memo(a, 'frames.sitePages', () => composeSitePages(a));
}

function composeSitePages(a: Artifacts): SitePages {
  const raw = new Map<string, PageArtifact>();
  for (const p of a.pages) {
    raw.set(p.url, p);
    if (!raw.has(p.finalUrl)) raw.set(p.finalUrl, p);
  }
  const home = a.pages.find((p) => p.depth === 1) ?? raw.get(a.site.startUrl) ?? a.pages[0];

  // Who reaches each page, and how.
  const linkedTo = new Set<PageArtifact>();
  const framers = new Map<PageArtifact, Set<PageArtifact>>();
  for (const p of a.pages) {
    for (const l of p.links) {
      const q = raw.get(l.url);
      if (!q || q === p) continue;
      if (l.kind === 'iframe') {
        let s = framers.get(q);
        if (!s) framers.set(q, (s = new Set()));
        s.add(p);
      } else if (NAVIGATING.has(l.kind)) linkedTo.add(q);
    }
  }
  const framedIn = new Map<string, string[]>();
  const framedOnly = new Set<PageArtifact>();
  for (const [q, by] of framers) {
    if (linkedTo.has(q) || q === home || q.url === a.site.startUrl) continue;
    framedOnly.add(q);
    const parents = [...by].map((p) => p.url);
    framedIn.set(q.url, parents);
    if (q.finalUrl !== q.url) framedIn.set(q.finalUrl, parents);
  }

  // A root that only sends the visitor on to the homepage.
  const doorways = new Set<string>();
  const root = raw.get(a.site.startUrl);
  if (root && home && root !== home && root.links.some((l) => l.via && raw.get(l.url) === home)) doorways.add(root.url);

  const composed = new Map<PageArtifact, PageArtifact>();
  const compose = (p: PageArtifact, depth: number, path: Set<PageArtifact>): PageArtifact => {
    const done = composed.get(p);
    if (done) return done;
    const frames = p.links.filter((l) => l.kind === 'iframe' && raw.has(l.url) && raw.get(l.url) !== p);
    if (!frames.length || depth >= MAX_FRAME_DEPTH) return p;
    const out: PageArtifact = {
      ...p,
      links: [...p.links],
      images: [...p.images],
      lists: [...p.lists],
      headings: [...p.headings],
      labels: [...p.labels],
      forms: [...p.forms],
      ...(p.hiddenLinks ? { hiddenLinks: [...p.hiddenLinks] } : {}),
    };
    const texts = [p.text];
    const footers = [p.footerText];
    const scripts = [p.scriptText];
    const ownText = p.text.trim().length > 0;
    const seen = new Set<PageArtifact>();
    frames.forEach((l, i) => {
      const f0 = raw.get(l.url)!;
      if (path.has(f0) || seen.has(f0)) return;
      seen.add(f0);
      const f = compose(f0, depth + 1, new Set([...path, f0]));
      const name = `${baseName(l.url)} ${baseName(f.finalUrl)}`;
      // A frame is the page's footer when it sits in the footer region, is named so, or is the
      // last frame of a frameset page that shows nothing of its own (the bottom row).
      const asFooter = Boolean(l.inFooter) || FOOTER_NAME.test(name) || (!ownText && frames.length > 1 && i === frames.length - 1);
      const asNav = Boolean(l.inNav) || (!asFooter && NAV_NAME.test(name));
      const mark = <T extends { inFooter?: boolean; inNav?: boolean }>(x: T): T => ({ ...x, ...(asFooter || x.inFooter ? { inFooter: true } : {}), ...(asNav || x.inNav ? { inNav: true } : {}) });
      texts.push(f.text);
      footers.push(asFooter ? f.text : f.footerText);
      scripts.push(f.scriptText);
      for (const x of f.links) out.links.push(mark(x) as OutLink);
      for (const x of f.images) out.images.push({ ...x, inFooter: asFooter || x.inFooter });
      for (const x of f.lists) out.lists.push({ ...x, inFooter: asFooter || x.inFooter, inNav: asNav || x.inNav });
      out.headings.push(...f.headings);
      out.labels.push(...f.labels);
      out.forms.push(...f.forms);
      if (f.hiddenLinks?.length) (out.hiddenLinks ??= []).push(...f.hiddenLinks);
    });
    out.text = texts.filter(Boolean).join('\n').slice(0, MAX_TEXT);
    out.footerText = footers.filter(Boolean).join('\n');
    out.scriptText = scripts.filter(Boolean).join('\n').slice(0, MAX_SCRIPT);
    composed.set(p, out);
    return out;
  };

  const pages: PageArtifact[] = [];
  const byUrl = new Map<string, PageArtifact>();
  for (const p of a.pages) {
    const c = framedOnly.has(p) ? p : compose(p, 0, new Set([p]));
    if (!byUrl.has(p.url)) byUrl.set(p.url, c);
    if (!byUrl.has(p.finalUrl)) byUrl.set(p.finalUrl, c);
    if (!framedOnly.has(p) && !doorways.has(p.url)) pages.push(c);
  }
  const out: SitePages = { pages, home: home && byUrl.get(home.url), byUrl, framedIn, doorways };
  return out;
}

/** True when the URL is a document reached only as a frame of other pages. */
export function isFramedOnly(a: Artifacts, url: string): boolean {
  return sitePages(a).framedIn.has(url);
}
