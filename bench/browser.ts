/**
 * npm run bench:browser — axe-core on 200 pages of the sample portal, two ways in one run:
 *
 *  1. zhaocuo's pool: one Chromium, N isolated pages at once, every page checked the way an
 *     audit run checks it (rendered text, 适老化 facts, axe in every frame; no settle wait, no
 *     screenshots);
 *  2. a plain sequential puppeteer loop (new page, goto, inject axe, axe.run, close) — the way
 *     pa11y-ci works; pa11y-ci itself cannot be installed on this machine (it pulls full
 *     puppeteer, whose install downloads Chrome), so the loop stands in for it.
 *
 * Prints pages/min and the peak memory of the whole process tree (this process + every
 * Chromium process, from /proc): RSS summed over the processes as asked (it counts shared
 * pages once per process, so it overstates), and PSS (shared pages divided) beside it. Target on a 2-core machine: ≥ 120 pages/min and
 * ≥ 2× the sequential rate.
 *
 *   npm run bench:browser -- [--pages 200] [--pool 3] [--no-sequential]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import puppeteer from 'puppeteer-core';
import { startSamplePortal } from '../src/sample-portal/server.ts';
import { findBrowser } from '../src/gather/browser/find.ts';
import { checkPage } from '../src/gather/browser/gather.ts';
import { BrowserPool } from '../src/gather/browser/pool.ts';
import { WCAG_TAGS } from '../src/gather/browser/axe.ts';
import { BASE_ARGS } from '../src/gather/browser/flags.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = arg('pages', 200);
const POOL = arg('pool', Math.min(4, Math.max(2, cpus().length + 1)));
const SEQUENTIAL = !args.includes('--no-sequential');

// --- process-tree memory and CPU from /proc ---------------------------------------------------------

/** The process and all its descendants, walked through /proc/<pid>/task/<tid>/children. */
function tree(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) stack.push(Number(k));
      }
    } catch {
      /* the process ended */
    }
  }
  return out;
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Sum of RSS over the tree (shared pages counted in every process that maps them). */
function treeRss(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) sum += Number(statFields(pid)?.[21] ?? 0) * 4096; // field 24: rss pages
  return sum;
}

/** Sum of PSS over the tree (shared pages divided among the processes): the memory really used. */
function treePss(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) sum += Number(m[1]) * 1024;
    } catch {
      /* gone */
    }
  }
  return sum;
}

/** CPU seconds of the tree: live processes plus the children they already reaped. */
function treeCpu(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
  }
  return ticks / 100;
}

interface Measured<T> {
  ms: number;
  peakRss: number;
  peakPss: number;
  cpu: number;
  result: T;
}

async function measure<T>(label: string, fn: () => Promise<T>): Promise<Measured<T>> {
  let peakRss = 0;
  let peakPss = 0;
  let n = 0;
  // Walking the tree reads a file per thread: the pid list is refreshed every 0.5 s, RSS read
  // every 0.1 s, PSS (smaps_rollup, dearer) every 0.5 s — so the sampler does not slow the run.
  let pids = tree(process.pid);
  const sample = () => {
    if (n % 5 === 0) pids = tree(process.pid);
    peakRss = Math.max(peakRss, treeRss(pids));
    if (n % 5 === 0) peakPss = Math.max(peakPss, treePss(pids));
    n++;
  };
  sample();
  const timer = setInterval(sample, 100);
  const cpu0 = treeCpu(tree(process.pid));
  const t0 = performance.now();
  try {
    const result = await fn();
    const ms = performance.now() - t0;
    const cpu = treeCpu(tree(process.pid)) - cpu0;
    process.stderr.write(`  ${label}: done in ${(ms / 1000).toFixed(1)} s\n`);
    return { ms, peakRss, peakPss, cpu, result };
  } finally {
    clearInterval(timer);
  }
}

// --- the two ways -----------------------------------------------------------------------------------

async function pooled(executablePath: string, urls: string[]) {
  const pool = new BrowserPool({ executablePath, size: POOL, pageTimeoutMs: 30_000 });
  await pool.start();
  let violations = 0;
  let failed = 0;
  try {
    await Promise.all(
      urls.map(async (url) => {
        try {
          const r = await pool.withPage((page) => checkPage(page, { url, navigateTo: url, reasons: ['all'] }, { pageTimeoutMs: 30_000, settleMs: 0, axeLocale: 'zh_CN' }, pool, null));
          violations += r.page.axe?.violations.length ?? 0;
        } catch {
          failed++;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { violations, failed };
}

async function sequential(executablePath: string, urls: string[]) {
  const require = createRequire(import.meta.url);
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await puppeteer.launch({ executablePath, headless: true, args: [...BASE_ARGS] });
  let violations = 0;
  let failed = 0;
  try {
    for (const url of urls) {
      const page = await browser.newPage();
      try {
        await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
        await page.evaluate(axeSource);
        violations += (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_TAGS)} } }).then((r) => r.violations.length)`)) as number;
      } catch {
        failed++;
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { violations, failed };
}

// --- run ---------------------------------------------------------------------------------------------

const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const perMin = (n: number, ms: number) => (n / ms) * 60_000;

const executablePath = findBrowser();
const portal = await startSamplePortal({ host: '127.0.0.1', pages: Math.max(220, Math.ceil(N * 1.15)) });
try {
  const html = portal.manifest.pages.filter((p) => p.depth !== null && !/\?/.test(p.path));
  if (html.length < N) throw new Error(`the sample portal has ${html.length} reachable pages, fewer than ${N}`);
  const urls = html.slice(0, N).map((p) => portal.url + p.path);
  console.log(`bench:browser — ${N} pages of the sample portal, Chromium ${executablePath}, ${cpus().length} cores, pool ${POOL}`);

  const warm = await measure('warm-up', () => sequential(executablePath, urls.slice(0, 3)));
  void warm;
  const p = await measure(`pool of ${POOL}`, () => pooled(executablePath, urls));
  const rows = [{ name: `zhaocuo pool (${POOL} pages, isolated contexts)`, ...p }];
  if (SEQUENTIAL) {
    const s = await measure('sequential loop', () => sequential(executablePath, urls));
    rows.push({ name: 'sequential puppeteer loop (pa11y-ci stand-in)', ...s });
  }
  console.log('');
  console.log('| way | pages | failed | seconds | pages/min | CPU s | peak RSS (tree, summed) | peak PSS (tree) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${N} | ${r.result.failed} | ${(r.ms / 1000).toFixed(1)} | ${perMin(N - r.result.failed, r.ms).toFixed(0)} | ${r.cpu.toFixed(1)} | ${mb(r.peakRss)} | ${mb(r.peakPss)} |`);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`(load average at the end: ${load}; other work on the machine slows both ways alike)`);
  const pool = perMin(N - p.result.failed, p.ms);
  console.log('');
  console.log(`pool: ${pool.toFixed(0)} pages/min (target ≥ 120: ${pool >= 120 ? 'met' : 'NOT met'})`);
  if (rows[1]) {
    const seq = perMin(N - rows[1].result.failed, rows[1].ms);
    const x = pool / seq;
    console.log(`pool ÷ sequential: ${x.toFixed(2)}× (target ≥ 2×: ${x >= 2 ? 'met' : 'NOT met'})`);
  }
} finally {
  await portal.close();
}
