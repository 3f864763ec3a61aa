/**
 * npm run bench:browser — axe-core on 200 pages of the sample portal, in one run:
 *
 *  1. zhaocuo's pool: one Chromium (the headless shell `npm run setup` installs), N isolated
 *     pages at once, every page checked the way an audit run checks it (rendered text, 适老化
 *     facts, axe in every frame; no settle wait, no screenshots);
 *  2. pa11y-ci 4 (the named peer), the same URLs one after another as it runs them by default
 *     (concurrency 1, a new incognito context and page per URL, networkidle2), its axe runner at
 *     WCAG2AA with axe's best-practice rules ignored (so both check the same WCAG rules), on
 *     the full system Chromium (puppeteer's default headless mode);
 *  3. a plain sequential puppeteer loop (new page, goto until load, inject axe, axe.run, close)
 *     on the full Chromium — the floor of "one after another";
 *  4. the same loop on the headless shell, so the table shows what the binary alone gives and
 *     what the pool adds.
 *
 * Prints pages/min, the CPU the whole machine spent (from /proc/stat: Chromium's processes
 * are reaped by its zygote, so a process-tree sum misses most of them) and the peak memory of
 * the whole process tree (this process + every Chromium process, from /proc): RSS summed over
 * the processes as asked (it counts shared pages once per process, so it overstates), and PSS
 * (shared pages divided) beside it. Target on a 2-core machine: ≥ 120 pages/min and ≥ 2× the
 * rate of pa11y-ci.
 *
 *   npm run bench:browser -- [--pages 200] [--pool 3] [--no-pa11y] [--no-loops]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import puppeteer from 'puppeteer-core';
import { startSamplePortal } from '../src/sample-portal/server.ts';
import { findBrowser, findFullBrowser } from '../src/gather/browser/find.ts';
import { checkPage } from '../src/gather/browser/gather.ts';
import { BrowserPool } from '../src/gather/browser/pool.ts';
import { WCAG_TAGS } from '../src/gather/browser/axe.ts';
import { BASE_ARGS, headlessMode } from '../src/gather/browser/flags.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = arg('pages', 200);
const POOL = arg('pool', Math.min(4, Math.max(2, cpus().length + 1)));
const LOOPS = !args.includes('--no-loops') && !args.includes('--no-sequential');
const PA11Y = !args.includes('--no-pa11y');

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

/** Busy CPU seconds of the whole machine (all cores) so far, from /proc/stat. */
function machineCpu(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((x, y) => x + y, 0);
  return (total - f[3] - f[4]) / 100; // minus idle and iowait; USER_HZ is 100 on Linux
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
  const cpu0 = machineCpu();
  const t0 = performance.now();
  try {
    const result = await fn();
    const ms = performance.now() - t0;
    const cpu = machineCpu() - cpu0;
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
  const browser = await puppeteer.launch({ executablePath, headless: headlessMode(executablePath), args: [...BASE_ARGS] });
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

/**
 * pa11y-ci as its users run it, in a child process (its tree is measured with ours). Its
 * puppeteer launches the given Chromium; best-practice rules are ignored so that it checks the
 * WCAG 2.1 A/AA rules zhaocuo checks.
 */
async function pa11yCi(executablePath: string, urls: string[]) {
  const require = createRequire(import.meta.url);
  const axe = require('axe-core') as { getRules(tags?: string[]): { ruleId: string; tags: string[] }[] };
  const ignore = axe.getRules(['best-practice']).filter((r) => !r.tags.some((t) => (WCAG_TAGS as readonly string[]).includes(t))).map((r) => r.ruleId);
  const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-pa11yci-'));
  const config = join(dir, 'pa11yci.json');
  writeFileSync(config, JSON.stringify({ defaults: { chromeLaunchConfig: { executablePath, args: [...BASE_ARGS] }, runners: ['axe'], standard: 'WCAG2AA', ignore, timeout: 30_000, concurrency: 1 }, urls }));
  try {
    const child = spawn(process.execPath, [require.resolve('pa11y-ci/bin/pa11y-ci.js'), '--config', config, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    let report: { total: number; results: Record<string, { code?: string; type?: string; message?: string }[]> };
    try {
      report = JSON.parse(out);
    } catch {
      throw new Error(`pa11y-ci exited with ${code} without a JSON report: ${(err || out).slice(0, 500)}`);
    }
    let violations = 0;
    let failed = 0;
    for (const issues of Object.values(report.results)) {
      if (issues.some((i) => !i.code)) failed++; // a page pa11y could not test: an error object, not an issue
      violations += issues.filter((i) => i.code && i.type === 'error').length;
    }
    failed += urls.length - Object.keys(report.results).length;
    return { violations, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- run ---------------------------------------------------------------------------------------------

const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const perMin = (n: number, ms: number) => (n / ms) * 60_000;

const executablePath = findBrowser();
let fullPath: string | null = null;
try {
  fullPath = findFullBrowser();
} catch {
  /* no full Chromium: pa11y-ci and the loop run on the shell */
}
const peerPath = fullPath ?? executablePath;
const portal = await startSamplePortal({ host: '127.0.0.1', pages: Math.max(220, Math.ceil(N * 1.15)) });
try {
  const html = portal.manifest.pages.filter((p) => p.depth !== null && !/\?/.test(p.path));
  if (html.length < N) throw new Error(`the sample portal has ${html.length} reachable pages, fewer than ${N}`);
  const urls = html.slice(0, N).map((p) => portal.url + p.path);
  console.log(`bench:browser — ${N} pages of the sample portal, ${cpus().length} cores, pool ${POOL}`);
  console.log(`  zhaocuo: ${executablePath}; peers: ${peerPath}`);

  await measure('warm-up', () => sequential(executablePath, urls.slice(0, 3)));
  const rows: ({ name: string; key: string } & Measured<{ violations: number; failed: number }>)[] = [];
  rows.push({ name: `zhaocuo pool (${POOL} pages, isolated contexts, headless shell)`, key: 'pool', ...(await measure(`pool of ${POOL}`, () => pooled(executablePath, urls))) });
  if (PA11Y) rows.push({ name: 'pa11y-ci 4.1.1, axe runner, defaults (full Chromium)', key: 'pa11y', ...(await measure('pa11y-ci', () => pa11yCi(peerPath, urls))) });
  if (LOOPS) {
    rows.push({ name: 'sequential puppeteer loop (full Chromium)', key: 'loop', ...(await measure('sequential loop', () => sequential(peerPath, urls))) });
    if (peerPath !== executablePath) rows.push({ name: 'sequential puppeteer loop (headless shell)', key: 'loop-shell', ...(await measure('sequential loop, shell', () => sequential(executablePath, urls))) });
  }
  console.log('');
  console.log('| way | pages | failed | seconds | pages/min | CPU s (machine) | peak RSS (tree, summed) | peak PSS (tree) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${N} | ${r.result.failed} | ${(r.ms / 1000).toFixed(1)} | ${perMin(N - r.result.failed, r.ms).toFixed(0)} | ${r.cpu.toFixed(1)} | ${mb(r.peakRss)} | ${mb(r.peakPss)} |`);
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`(load average at the end: ${load}; other work on the machine slows every way alike)`);
  const rate = (key: string) => {
    const r = rows.find((x) => x.key === key);
    return r ? perMin(N - r.result.failed, r.ms) : null;
  };
  const pool = rate('pool')!;
  console.log('');
  console.log(`pool: ${pool.toFixed(0)} pages/min (target ≥ 120: ${pool >= 120 ? 'met' : 'NOT met'})`);
  const pa = rate('pa11y');
  if (pa) console.log(`pool ÷ pa11y-ci: ${(pool / pa).toFixed(2)}× (target ≥ 2×: ${pool / pa >= 2 ? 'met' : 'NOT met'})`);
  for (const [key, what] of [['loop', 'plain loop, full Chromium'], ['loop-shell', 'plain loop, same headless shell']] as const) {
    const x = rate(key);
    if (x) console.log(`pool ÷ ${what}: ${(pool / x).toFixed(2)}×`);
  }
} finally {
  await portal.close();
}
