/**
 * axe-core in every frame of a page. As @axe-core/puppeteer does it: axe is injected into the
 * page and, recursively, into every frame axe reports (same-origin or not), each frame runs
 * axe.runPartial on its own content, and axe.finishRun puts the partial results together in a
 * blank page of the pool's own — so the audited page's scripts cannot disturb the report.
 * Shadow DOM is handled by axe itself.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'puppeteer-core';
import { WCAG_TAGS, type AxeImpact, type AxeNode, type AxeRawResult, type AxeRuleResult, type AxeSummary } from './types.ts';

const require = createRequire(import.meta.url);
const axeCore = require('axe-core') as { version: string };
/** The minified build: half the bytes to send into every frame. */
const AXE_MIN = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export { WCAG_TAGS };
const MAX_NODES = 30;
/** A frame that does not answer at all (a script loop) is given up after this long, alone. */
const FRAME_ANSWER_MS = 15_000;

/** axe's source, kept from seeing the page's AMD/CommonJS globals. */
const AXE_SOURCE = `(function () { var define, module, exports; ${AXE_MIN}\n}).call(window);`;

function localeJson(locale: string): unknown {
  if (!locale || locale === 'en') return undefined;
  try {
    return require(`axe-core/locales/${locale}.json`);
  } catch {
    return undefined;
  }
}

export interface AxeOptions {
  tags?: readonly string[];
  /** axe message language: zh_CN (default), zh_TW, en, … */
  locale?: string;
  /** Wait for a frame to be ready before giving up on it, ms. */
  frameReadyMs?: number;
}

/** Borrowing and returning blank pages for finishRun (the pool provides them). */
export interface UtilityPages {
  borrowUtilityPage(): Promise<Page>;
  giveBack(page: Page): void;
}

interface RawResults {
  testEngine: { version: string };
  violations: AxeRawResult[];
  incomplete: AxeRawResult[];
  passes: AxeRawResult[];
  inapplicable: AxeRawResult[];
}

const configureScript = (locale: string) => {
  const json = localeJson(locale);
  return `(() => { axe.configure(Object.assign({ branding: { application: 'zhaocuo' } }, ${json ? `{ locale: ${JSON.stringify(json)} }` : '{}'})); axe.__zcLocale = ${JSON.stringify(locale)}; return true; })()`;
};

type FrameContexts = { frameSelector: unknown; frameContext: unknown }[];

/**
 * In one round trip: axe into the frame (unless there) and the frame contexts axe wants audited
 * below it, and the language axe's texts are in. Null when the frame has no document yet.
 */
function enterScript(context: unknown, options: string): string {
  return `(() => {
    if (document.readyState === 'loading' || !document.documentElement) return null;
    if (!(typeof window.axe === 'object' && window.axe !== null && window.axe.version === ${JSON.stringify(axeCore.version)})) { ${AXE_SOURCE} }
    return { contexts: axe.utils.getFrameContexts(${JSON.stringify(context)}, ${options}), locale: axe.__zcLocale || null };
  })()`;
}

/**
 * Waits for the frame's document (up to `readyMs` while it is still loading), then injects axe.
 * Injecting and compiling axe's 550 KB is not on that clock: on a busy 2-core machine it alone
 * can take seconds, and a page whose axe run was given up for it would look clean. A frame that
 * never answers is bounded by `answerMs` (the top frame by the page's own task deadline).
 */
async function enter(frame: Frame, context: unknown, options: string, readyMs: number, answerMs?: number): Promise<{ contexts: FrameContexts; locale: string | null }> {
  const deadline = Date.now() + readyMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const asked = frame.evaluate(enterScript(context, options)) as Promise<{ contexts: FrameContexts; locale: string | null } | null>;
    const r = answerMs
      ? await Promise.race([asked, new Promise<'late'>((res) => (timer = setTimeout(() => res('late'), answerMs)))]).finally(() => clearTimeout(timer))
      : await asked;
    if (r === 'late') {
      asked.catch(() => undefined);
      throw new Error(`frame did not answer within ${answerMs} ms: ${frame.url()}`);
    }
    if (r) return r;
    if (Date.now() >= deadline) throw new Error(`frame not ready: ${frame.url()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Keeps what the report needs of axe's results (in the page: less to send back). */
const STRIP = `(r) => { const strip = (l) => l.map((x) => ({ id: x.id, impact: x.impact, tags: x.tags, help: x.help, description: x.description, helpUrl: x.helpUrl, nodes: x.nodes.map((n) => ({ target: n.target, html: n.html, impact: n.impact, failureSummary: n.failureSummary })) })); return { testEngine: r.testEngine, violations: strip(r.violations), incomplete: strip(r.incomplete), passes: r.passes.map((x) => ({ id: x.id })), inapplicable: r.inapplicable.map((x) => ({ id: x.id })) }; }`;

/** Blank pages that already have axe and the locale (they are reused for every finishRun). */
const readyUtility = new WeakMap<Page, string>();

type Partial = unknown;
interface Counter {
  audited: number;
  failed: number;
}

/** runPartial in `frame` and, depth first, in every frame axe finds in it; [parent, ...children]. */
async function runPartialRecursive(frame: Frame, context: unknown, options: string, readyMs: number, count: Counter, initiator: boolean, known?: FrameContexts): Promise<() => Promise<Partial[]>> {
  try {
    // getFrameContexts must run before runPartial (axe's contract).
    const frameContexts = known ?? (await enter(frame, context, options, readyMs, initiator ? undefined : FRAME_ANSWER_MS)).contexts;
    const own = frame.evaluate(`axe.runPartial(${JSON.stringify(context)}, ${options})`) as Promise<Partial>;
    own.catch(() => undefined);
    const children: (() => Promise<Partial[]>)[] = [];
    for (const { frameSelector, frameContext } of frameContexts) {
      let child: (() => Promise<Partial[]>) | null = null;
      try {
        const handle = await frame.evaluateHandle(`axe.utils.shadowSelect(${JSON.stringify(frameSelector)})`);
        const el = handle.asElement();
        const childFrame = el ? await el.contentFrame() : null;
        await handle.dispose();
        if (childFrame) child = await runPartialRecursive(childFrame, frameContext, options, readyMs, count, false);
      } catch {
        /* the frame went away: counted below */
      }
      if (!child) {
        count.failed++;
        children.push(async () => [null]);
      } else children.push(child);
    }
    return async () => {
      let parent: Partial;
      try {
        parent = await own;
        count.audited++;
      } catch (err) {
        if (initiator) throw err;
        count.failed++;
        return [null];
      }
      const rest = await Promise.all(children.map((c) => c()));
      return [parent, ...rest.flat(1)];
    };
  } catch (err) {
    if (initiator) throw err;
    return async () => [null];
  }
}

const cap = (s: string | undefined, n: number) => (s && s.length > n ? s.slice(0, n) + '…' : s ?? '');

export function formatTarget(target: (string | string[])[]): string {
  return target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' → ');
}

function normalise(r: AxeRawResult): AxeRuleResult {
  const nodes: AxeNode[] = r.nodes.slice(0, MAX_NODES).map((n) => ({
    target: n.target,
    selector: formatTarget(n.target),
    html: cap(n.html, 300),
    impact: n.impact ?? null,
    ...(n.failureSummary ? { failureSummary: cap(n.failureSummary, 400) } : {}),
  }));
  return { id: r.id, impact: r.impact ?? null, tags: r.tags, help: r.help, description: r.description, helpUrl: r.helpUrl, nodes, nodeCount: r.nodes.length };
}

/** Runs axe (WCAG 2.1 A + AA by default) on the page and all its frames. */
export async function runAxe(page: Page, utility: UtilityPages, o: AxeOptions = {}): Promise<AxeSummary> {
  const tags = [...(o.tags ?? WCAG_TAGS)];
  const options = JSON.stringify({ runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'], elementRef: false, ancestry: false, xpath: false });
  const locale = o.locale ?? 'zh_CN';
  const readyMs = o.frameReadyMs ?? 2000;
  const count: Counter = { audited: 0, failed: 0 };
  const top = page.mainFrame();
  const context = { exclude: [] };
  const first = await enter(top, context, options, readyMs);
  let raw: RawResults;

  if (first.contexts.length === 0) {
    // No frames: one axe.run in the page, no partial results to carry to a finishing page.
    if (first.locale !== locale) await top.evaluate(configureScript(locale));
    raw = (await top.evaluate(`axe.run(${JSON.stringify(context)}, Object.assign(${options}, { iframes: false })).then(${STRIP})`)) as RawResults;
    count.audited = 1;
  } else {
    const partials = await (await runPartialRecursive(top, context, options, readyMs, count, true, first.contexts))();
    const blank = await utility.borrowUtilityPage();
    try {
      const main = blank.mainFrame();
      // The report's texts (help, failure summaries) are made here, in the configured language.
      if (readyUtility.get(blank) !== locale) {
        await main.evaluate(`(() => { if (typeof window.axe !== 'object' || window.axe === null) { ${AXE_SOURCE} } return true; })()`);
        await main.evaluate(configureScript(locale));
        readyUtility.set(blank, locale);
      }
      raw = (await main.evaluate(`axe.finishRun(${JSON.stringify(partials)}, ${options}).then(${STRIP})`)) as RawResults;
    } finally {
      utility.giveBack(blank);
    }
  }
  return {
    version: raw.testEngine?.version ?? axeCore.version,
    tags,
    violations: raw.violations.map(normalise),
    incomplete: raw.incomplete.map(normalise),
    passes: raw.passes.length,
    inapplicable: raw.inapplicable.length,
    framesAudited: count.audited,
    framesFailed: count.failed,
  };
}

export const AXE_VERSION = axeCore.version;
