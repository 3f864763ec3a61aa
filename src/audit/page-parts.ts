/**
 * Page parts: the per-page work of an audit that depends only on the page (incremental
 * re-audits). An audit names its parts in `meta.pageParts`; a part is a pure function of one
 * page (its content: not its timing or response headers), the audit's options and the site's
 * start URL, returning plain data (what v8.serialize keeps as it is). The runner keeps each
 * part's result by the page's content key (its body hash as the store has it, and the fields of
 * the page that are not the body's) and, on the next run, gives back the kept result of a page
 * whose key is unchanged instead of running the part again: a re-audit whose pages mostly
 * answered 304 neither reads their texts back from the text file nor scans them again.
 * Audits stay pure: they ask pagePart(artifacts, part, page, options) and cannot tell a kept
 * result from a fresh one; the cache is the runner's, installed for one run's artifacts.
 */
import type { Artifacts, PageArtifact } from '../gather/artifacts.ts';
import { shortHash } from './short-hash.ts';

export interface PagePart<T, O = unknown> {
  /** Unique among parts, e.g. 'wording.hits'. */
  id: string;
  /** Bumped when what `of` returns for the same page changes in a way the source hash would not show (rule data read at run time). */
  version: number;
  of(page: PageArtifact, options: O, site: Artifacts['site']): T;
}

export function definePagePart<T, O = unknown>(part: PagePart<T, O>): PagePart<T, O> {
  return part;
}

/** The kept results of one part, as the store gives them back and takes them. */
export interface KeptPart {
  /** Everything the results depend on besides the page (part version, audit sources, parser, options, site). */
  version: string;
  results: Map<string, unknown>;
}

/** Where the runner keeps part results between runs (src/store/page-parts.ts). */
export interface PagePartStore {
  /** The version of the code the results come from (the audits' sources, the parser's): results of another are not reused. */
  readonly codeVersion: string;
  /** The body hash of a page of this run, by its final URL (undefined: not kept, computed every run). */
  hashOf(finalUrl: string): string | undefined;
  /** Results the last run kept, or undefined (none, or reuse is off). */
  load(partId: string): KeptPart | undefined;
  /** Replaces the part's kept results with this run's. */
  keep(partId: string, part: KeptPart): void;
}

interface PartRun {
  version: string;
  old: Map<string, unknown> | undefined;
  now: Map<string, unknown>;
}

interface Installed {
  store: PagePartStore;
  declared: Set<string>;
  keys: WeakMap<PageArtifact, string | null>;
  /** The run's own pages: only they have a content key (a page composed with its frames is another object, made of several documents). */
  own: WeakSet<PageArtifact>;
  parts: Map<string, PartRun>;
  /** How many results were reused and computed, by part (tests, the bench). */
  stats: Map<string, { reused: number; computed: number }>;
}

const installed = new WeakMap<Artifacts, Installed>();
const optionsJson = new WeakMap<object, string>();

/** Called by runAudits before the audits run: `declared` are the ids of the parts the running audits name. */
export function installPageParts(artifacts: Artifacts, store: PagePartStore, declared: Iterable<string>): void {
  installed.set(artifacts, { store, declared: new Set(declared), keys: new WeakMap(), own: new WeakSet(artifacts.pages), parts: new Map(), stats: new Map() });
}

/**
 * Keeps the results of the parts named in `only` (the audits that use them are done) and lets
 * them go, so a part's maps and its serialized copy are not all held at once with every other
 * part's until the last audit; a later pagePart for them computes without the cache. Without
 * `only`, keeps every part left and ends the run's cache; returns the counts then.
 */
export function releasePageParts(artifacts: Artifacts, only?: Iterable<string>): Map<string, { reused: number; computed: number }> | undefined {
  const run = installed.get(artifacts);
  if (!run) return undefined;
  const ids = only ? [...only] : [...run.parts.keys()];
  for (const id of ids) {
    run.declared.delete(id);
    const p = run.parts.get(id);
    if (!p) continue;
    run.parts.delete(id);
    try {
      run.store.keep(id, { version: p.version, results: p.now });
    } catch { /* a busy or closed store: the next run computes these again */ }
  }
  if (only) return undefined;
  installed.delete(artifacts);
  return run.stats;
}

/**
 * The key of a page's content: its body hash and what the page holds besides the body's
 * parse (the URL it was linked as, depth, how it was answered). A page that is not one of the
 * run's own (a page composed with its frames: src/gather/frames.ts) or that the store has no
 * hash for has none: its parts run every time.
 */
function keyOf(run: Installed, page: PageArtifact): string | undefined {
  const k = run.keys.get(page);
  if (k !== undefined) return k ?? undefined;
  const hash = run.own.has(page) ? run.store.hashOf(page.finalUrl) : undefined;
  // The rest hashed short: the body hash already tells pages apart, the rest only guards against a body served at two URLs.
  const key = hash ? `${hash}.${shortHash([page.url, page.finalUrl, page.depth, page.fromSitemap, page.status, page.contentType, page.charset, page.error ?? ''].join('\u0000'))}` : null;
  run.keys.set(page, key);
  return key ?? undefined;
}

/** part.of(page, options, site), or the result the last run kept for this page's content. */
export function pagePart<T, O>(artifacts: Artifacts, part: PagePart<T, O>, page: PageArtifact, options: O): T {
  const run = installed.get(artifacts);
  if (!run || !run.declared.has(part.id)) return part.of(page, options, artifacts.site);
  const key = keyOf(run, page);
  if (key === undefined) return part.of(page, options, artifacts.site);
  let p = run.parts.get(part.id);
  if (!p) {
    const version = partVersion(part, options, artifacts, run.store.codeVersion);
    const kept = run.store.load(part.id);
    p = { version, old: kept && kept.version === version ? kept.results : undefined, now: new Map() };
    run.parts.set(part.id, p);
  }
  let stats = run.stats.get(part.id);
  if (!stats) run.stats.set(part.id, (stats = { reused: 0, computed: 0 }));
  if (p.now.has(key)) return p.now.get(key) as T;
  let v: T;
  if (p.old?.has(key)) {
    v = p.old.get(key) as T;
    stats.reused++;
  } else {
    v = part.of(page, options, artifacts.site);
    stats.computed++;
  }
  p.now.set(key, v);
  return v;
}

function partVersion(part: PagePart<unknown, never>, options: unknown, artifacts: Artifacts, codeVersion: string): string {
  let o = 'none';
  if (options !== undefined && options !== null && typeof options === 'object') {
    o = optionsJson.get(options) ?? JSON.stringify(options);
    optionsJson.set(options, o);
  } else if (options !== undefined) o = JSON.stringify(options);
  return [part.version, codeVersion, `${o.length}.${shortHash(o)}`, artifacts.site.startUrl].join(':');
}
