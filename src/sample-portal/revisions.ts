// Changes to the sample portal between two audits, for the incremental re-audit tests and
// `npm run bench:incremental`: a chosen fraction of its HTML pages is revised (optionally with a
// planted defect), single pages can be made to disappear (404), and the validators it serves
// (ETag, Last-Modified) can be switched off, so a run without them can be tried as well.
// Revisions accumulate: a page revised twice shows the second revision; the others keep theirs.

import { createHash } from 'node:crypto';
import type { Portal, Resource } from './generate.ts';

export type ValidatorMode = 'both' | 'etag' | 'last-modified' | 'none';

export interface MutateOptions {
  /** share of the portal's HTML pages to revise, 0..1 (the homepage included) */
  fraction?: number;
  /** revise exactly these paths instead (e.g. '/xxgk/index.html') */
  paths?: string[];
  /** plant a new defect in each revised page: an unmasked mobile number (a privacy finding) */
  defect?: boolean;
}

/** A mobile number that passes the privacy audit's checks (1[3-9] + 9 digits), masked nowhere. */
export const REVISION_MOBILE = '13905917788';

export class Revisions {
  /** path → the resource served instead of the generated one (a revision, or a 404) */
  readonly overrides = new Map<string, Resource>();
  validators: ValidatorMode = 'both';
  private generation = 0;
  private clock = 0;

  constructor(private readonly portal: Portal) {}

  /** The resource a path serves now (revised, removed or as generated). */
  current(path: string): Resource | undefined {
    return this.overrides.get(path) ?? this.portal.resources.get(path);
  }

  /** The HTML pages that can be revised (UTF-8 pages that answer 200), sorted. */
  htmlPaths(): string[] {
    const out: string[] = [];
    for (const [path, r] of this.portal.resources) {
      if (r.status === 200 && /^text\/html/i.test(r.headers['content-type'] ?? '') && /utf-8/i.test(r.headers['content-type'] ?? '') && !path.includes('?')) out.push(path);
    }
    return out.sort();
  }

  /** Revises a fraction of the pages (chosen by a hash of path and generation) or the given paths; returns the paths changed. */
  mutate(opts: MutateOptions): string[] {
    const gen = ++this.generation;
    let paths: string[];
    if (opts.paths) paths = opts.paths;
    else {
      const all = this.htmlPaths();
      const n = Math.round(all.length * Math.min(1, Math.max(0, opts.fraction ?? 0.02)));
      const rank = (p: string) => createHash('sha1').update(`${gen} ${p}`).digest().readUInt32BE(0);
      paths = all.map((p) => [rank(p), p] as const).sort((a, b) => a[0] - b[0]).slice(0, n).map(([, p]) => p).sort();
    }
    for (const path of paths) {
      const r = this.current(path);
      if (!r || r.status !== 200) continue;
      const html = r.body.toString('utf8');
      const note = opts.defect ? `<p class="zc-revision">本页第${gen}次更新。联系人：陈先生，手机 ${REVISION_MOBILE}。</p>` : `<p class="zc-revision">本页第${gen}次更新。</p>`;
      const at = html.lastIndexOf('</body>');
      const body = Buffer.from(at >= 0 ? html.slice(0, at) + note + html.slice(at) : html + note, 'utf8');
      const headers: Record<string, string> = { ...r.headers, 'content-length': String(body.length) };
      if (r.headers['last-modified']) headers['last-modified'] = this.nextModified(r.headers['last-modified']);
      this.overrides.set(path, { status: 200, headers, body, templated: r.templated });
    }
    return paths;
  }

  /** The path answers 404 from now on (a page or file the site deleted). */
  remove(path: string): void {
    this.overrides.set(path, this.portal.notFound);
  }

  /** A Last-Modified strictly later than the page's last one and than any earlier revision (HTTP dates have whole seconds). */
  private nextModified(previous: string): string {
    const t = Math.max(Date.now(), (Date.parse(previous) || 0) + 1000, this.clock + 1000);
    this.clock = Math.floor(t / 1000) * 1000;
    return new Date(this.clock).toUTCString();
  }
}

/**
 * Whether a conditional GET may be answered 304 (RFC 9110 §13.2.2: If-None-Match decides when
 * sent; else If-Modified-Since, against Last-Modified at second precision).
 */
export function notModified(req: { headers: Record<string, string | string[] | undefined> }, etag: string | undefined, lastModified: string | undefined): boolean {
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string') {
    if (!etag) return false;
    return inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''));
  }
  const ims = req.headers['if-modified-since'];
  if (typeof ims !== 'string' || !lastModified) return false;
  const since = Date.parse(ims);
  const lm = Date.parse(lastModified);
  return !Number.isNaN(since) && !Number.isNaN(lm) && lm <= since;
}
