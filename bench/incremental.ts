/**
 * npm run bench:incremental — a re-audit against the first audit of the same site.
 * Serves a 10,000-page sample portal (ETag + Last-Modified, answers 304) on loopback, audits it
 * with `zhaocuo audit --no-browser` into a fresh SQLite file, revises 2% of its pages, and
 * audits it again with the same database (conditional requests, stored pages reused).
 * Prints the wall-time ratio second/first (target ≤ 0.20), the CPU-time ratio (steadier than wall
 * time on a shared machine), the bytes the portal sent for each run (target ≤ 0.10) and whether
 * the findings are identical apart from the changed pages.
 *   npm run bench:incremental -- --pages 2000 --changed 0.02
 *   npm run bench:incremental -- --profile /tmp/prof   (a CPU profile of the second run: node --cpu-prof)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSamplePortal } from '../src/sample-portal/server.ts';
import { exactPeak, watchPeak } from './proc-tree.ts';
import { BIN, ensureCliBuilt } from './cli-built.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '10000' }, changed: { type: 'string', default: '0.02' }, concurrency: { type: 'string', default: '32' }, profile: { type: 'string' } } });
const root = join(import.meta.dirname, '..');
ensureCliBuilt();
const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-bench-incr-'));
const portal = await startSamplePortal({ pages: Number(values.pages), host: '127.0.0.1' });
const start = portal.url + '/';
console.log(`sample portal: ${portal.manifest.htmlPageCount} pages at ${start}`);

interface Run { seconds: number; cpuSeconds: number | null; portalCpuSeconds: number; peakMb: number; bytes: number; code: number | null; report: Report }
interface Report { summary: { pages: number; bytes?: number; durationMs: number; incremental?: { notModified: number; sameContent: number; changed: number; fresh: number } }; findings: { fingerprint: string; url?: string; severity: string; message: string }[] }

function audit(name: string, profile?: string): Promise<Run> {
  const sent0 = portal.bytesSent();
  // The bin itself, as users run it (its #! line sets malloc's thresholds). Node 20 refuses --cpu-prof in
  // NODE_OPTIONS, so a profiled run starts node directly with the same malloc thresholds the #! line sets.
  const args = ['audit', start, '--no-browser', '--db', join(dir, 'z.db'), '--out', join(dir, name), '--exclude', '/calendar.html', '--max-pages', '100000', '--concurrency', values.concurrency!, '--per-host', values.concurrency!, '--quiet', '--fail-on', 'critical'];
  return new Promise((resolve) => {
    const t0 = performance.now();
    // This process serves the portal while the audit runs: its CPU time is the server's work (and a little sampling).
    const cpu0 = process.cpuUsage();
    const shebang = binShebang();
    const exact = exactPeak(profile ? { ...process.env, ...shebang.env } : process.env);
    const [cmd, argv] = profile ? [process.execPath, [...shebang.nodeFlags, '--cpu-prof', `--cpu-prof-dir=${profile}`, BIN, ...args]] : [BIN, args];
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: exact.env });
    const stop = watchPeak(child.pid!);
    child.on('close', (code) => {
      const cpuSeconds = exact.cpuSeconds();
      const used = process.cpuUsage(cpu0);
      const portalCpuSeconds = (used.user + used.system) / 1e6;
      const peakMb = Math.max(stop(), exact.read() ?? 0);
      resolve({ seconds: (performance.now() - t0) / 1000, cpuSeconds, portalCpuSeconds, peakMb, bytes: portal.bytesSent() - sent0, code, report: JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')) });
    });
  });
}

/** The env settings and node flags of the bin's `#!/usr/bin/env -S … node …` line, read from the bin so they cannot drift. */
function binShebang(): { env: Record<string, string>; nodeFlags: string[] } {
  const words = readFileSync(BIN, 'utf8').split('\n', 1)[0]!.split(/\s+/);
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, node).filter((w) => /^\w+=/.test(w)).map((w) => w.split('=', 2) as [string, string]));
  return { env, nodeFlags: words.slice(node + 1) };
}

const first = await audit('first');
const changed = new Set(portal.revisions.mutate({ fraction: Number(values.changed) }).map((p) => portal.url + p));
const second = await audit('second', values.profile);
await portal.close();

// A finding as a reader sees it, leaving out the pages that changed between the runs.
const key = (f: Report['findings'][number]) => JSON.stringify([f.fingerprint, f.severity, f.url ?? '', f.message]);
const kept = (r: Report) => r.findings.filter((f) => !f.url || !changed.has(f.url)).map(key).sort();
const a = kept(first.report), b = kept(second.report);
const setA = new Set(a), setB = new Set(b);
const onlyA = a.filter((k) => !setB.has(k)), onlyB = b.filter((k) => !setA.has(k));

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const line = (name: string, r: Run) => `${name.padEnd(7)} ${r.seconds.toFixed(1).padStart(6)} s  CPU ${(r.cpuSeconds ?? NaN).toFixed(1).padStart(5)} s  portal CPU ${r.portalCpuSeconds.toFixed(1).padStart(5)} s  sent ${mb(r.bytes).padStart(9)}  peak RSS ${r.peakMb} MB  ${r.report.summary.pages} pages (crawl ${(r.report.summary.durationMs / 1000).toFixed(1)} s), ${r.report.findings.length} findings (exit ${r.code})`;
console.log(line('first', first));
console.log(line('second', second));
const inc = second.report.summary.incremental;
if (inc) console.log(`  second run: ${inc.notModified} answered 304, ${inc.sameContent} same body, ${inc.changed} changed, ${inc.fresh} new (${changed.size} pages revised)`);
console.log(`ratio second/first time: ${(second.seconds / first.seconds).toFixed(3)} (target ≤ 0.20)`);
if (first.cpuSeconds && second.cpuSeconds) console.log(`ratio second/first CPU time: ${(second.cpuSeconds / first.cpuSeconds).toFixed(3)}`);
console.log(`ratio second/first bytes sent by the portal: ${(second.bytes / first.bytes).toFixed(3)} (target ≤ 0.10)`);
console.log(`findings apart from the ${changed.size} changed pages: ${onlyA.length + onlyB.length === 0 ? 'identical' : `differ (${onlyA.length} only in the first, ${onlyB.length} only in the second)`}`);
for (const k of [...onlyA.slice(0, 5).map((k) => '- ' + k), ...onlyB.slice(0, 5).map((k) => '+ ' + k)]) console.log('  ' + k);
