/**
 * Who links to what, the one way every consumer counts it (report.json links[].from, the
 * store's referrer counts and edges, the links audit): each page (or same-site stylesheet)
 * once per link entry it refers to — the target, the target#fragment entry of a navigating
 * link, an unchecked href as written.
 */
import type { Artifacts, LinkKind, OutLink } from './artifacts.ts';

/** Kinds of link whose fragment names an anchor in an HTML document (a media or SVG fragment means something else). */
export const FRAGMENT_KINDS = new Set<LinkKind>(['a', 'area', 'attachment', 'iframe', 'refresh']);

/** The links[] entry of a fragment link: the target URL and the decoded fragment. */
export const fragmentKey = (url: string, fragment: string) => `${url}#${fragment}`;

export interface LinkRef {
  /** The page (or stylesheet) that links. */
  from: string;
  /** The links[] entry it links to. */
  key: string;
  kind: LinkKind;
  text: string;
  /** Depth of the linking page (null: orphan or a stylesheet). Refs come shallowest page first, then by URL. */
  depth: number | null;
}

export function forEachLinkRef(a: Pick<Artifacts, 'pages' | 'stylesheets'>, cb: (r: LinkRef) => void): void {
  const visit = (from: string, depth: number | null, links: readonly OutLink[], unchecked: readonly { href: string; kind: LinkKind; text: string }[] | undefined) => {
    const seen = new Set<string>();
    const emit = (key: string, kind: LinkKind, text: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      cb({ from, key, kind, text, depth });
    };
    for (const l of links) {
      emit(l.url, l.kind, l.text);
      if (l.fragment && FRAGMENT_KINDS.has(l.kind)) emit(fragmentKey(l.url, l.fragment), l.kind, l.text);
    }
    for (const u of unchecked ?? []) emit(u.href, u.kind, u.text);
  };
  // Shallowest page first, then by URL: pages[] is in fetch-completion order, which timing (a
  // 304, a slow stylesheet) changes from run to run; who links first names the finding's page.
  const byDepth = (p: { depth: number | null }) => p.depth ?? Number.MAX_SAFE_INTEGER;
  const pages = [...a.pages].sort((x, y) => byDepth(x) - byDepth(y) || (x.url < y.url ? -1 : x.url > y.url ? 1 : 0));
  for (const p of pages) visit(p.url, p.depth, p.links, p.unchecked);
  const sheets = [...(a.stylesheets ?? [])].sort((x, y) => (x.url < y.url ? -1 : x.url > y.url ? 1 : 0));
  for (const s of sheets) visit(s.url, null, s.links, s.unchecked);
}
