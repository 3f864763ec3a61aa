/**
 * Lighthouse 12 on the pool's own Chromium (it connects to the DevTools port), one page at a
 * time with nothing else running, so its performance timings are not disturbed. The full
 * Lighthouse JSON is returned for saving beside the report; the artifact keeps the scores and
 * the audits that did not pass.
 */
import type { LighthouseCategory, LighthouseFailure, LighthouseRun } from './types.ts';

export const LH_CATEGORIES: LighthouseCategory[] = ['performance', 'accessibility', 'best-practices', 'seo'];
const PASS = 0.9;
const MAX_FAILING = 60;

export interface LighthouseOptions {
  port: number;
  formFactor: 'mobile' | 'desktop';
  timeoutMs: number;
  categories?: LighthouseCategory[];
}

interface LhAudit {
  id: string;
  title: string;
  score: number | null;
  scoreDisplayMode: string;
  displayValue?: string;
}
interface LhResult {
  lighthouseVersion: string;
  finalDisplayedUrl?: string;
  fetchTime: string;
  runtimeError?: { code: string; message: string };
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<string, LhAudit>;
}

/** Scores and failing audits from a Lighthouse result (pure; exported for tests). */
export function summarise(lhr: LhResult, url: string, formFactor: 'mobile' | 'desktop'): LighthouseRun {
  const scores: LighthouseRun['scores'] = {};
  const failing = new Map<string, LighthouseFailure>();
  for (const cat of LH_CATEGORIES) {
    const c = lhr.categories[cat];
    if (!c) continue;
    scores[cat] = c.score;
    for (const ref of c.auditRefs) {
      const a = lhr.audits[ref.id];
      if (!a || a.score === null || a.score >= PASS) continue;
      if (!['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode)) continue;
      const f = failing.get(a.id);
      if (f) {
        if (!f.categories.includes(cat)) f.categories.push(cat);
        f.weight = Math.max(f.weight, ref.weight);
        continue;
      }
      failing.set(a.id, {
        id: a.id,
        title: a.title,
        categories: [cat],
        score: a.score,
        scoreDisplayMode: a.scoreDisplayMode,
        ...(a.displayValue ? { displayValue: a.displayValue } : {}),
        weight: ref.weight,
      });
    }
  }
  const list = [...failing.values()].sort((x, y) => y.weight - x.weight || (x.score ?? 0) - (y.score ?? 0)).slice(0, MAX_FAILING);
  return {
    url,
    finalUrl: lhr.finalDisplayedUrl,
    lighthouseVersion: lhr.lighthouseVersion,
    fetchTime: lhr.fetchTime,
    formFactor,
    scores,
    failing: list,
    ...(lhr.runtimeError ? { runtimeError: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` } : {}),
  };
}

/** Runs Lighthouse on one URL; never throws (a failed run is a run with `error`). */
export async function runLighthouse(url: string, o: LighthouseOptions): Promise<{ run: LighthouseRun; json?: string }> {
  const started = performance.now();
  try {
    // Imported on first use: Lighthouse takes a while to load and most runs need it once.
    const mod = await import('lighthouse');
    const lighthouse = mod.default;
    const config = o.formFactor === 'desktop' ? mod.desktopConfig : undefined;
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      lighthouse(
        url,
        {
          port: o.port,
          hostname: '127.0.0.1',
          output: 'json',
          logLevel: 'error',
          // Audit titles and values in Chinese, like the rest of the report.
          locale: 'zh',
          onlyCategories: o.categories ?? LH_CATEGORIES,
          maxWaitForLoad: Math.min(o.timeoutMs, 45_000),
        },
        config,
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Lighthouse did not finish in ${o.timeoutMs} ms`)), o.timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!result) throw new Error('Lighthouse returned no result');
    const run = summarise(result.lhr as unknown as LhResult, url, o.formFactor);
    run.durationMs = Math.round(performance.now() - started);
    const json = typeof result.report === 'string' ? result.report : JSON.stringify(result.lhr);
    return { run, json };
  } catch (err) {
    return { run: { url, formFactor: o.formFactor, scores: {}, failing: [], error: (err as Error).message, durationMs: Math.round(performance.now() - started) } };
  }
}
