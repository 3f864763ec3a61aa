/**
 * npm run bench — the audit runner against linkinator on the same generated portal, same run.
 * Serves a 10,000-page sample portal on loopback (in this process), then runs, one after the
 * other as child processes: (a) `zhaocuo audit` with every non-browser audit, (b) the
 * linkinator CLI with --recurse. Prints pages/s, links/s, peak RSS of each process tree and
 * the time ratio a/b (target ≤ 1.0, peak RSS ≤ 400 MB).
 * Then the IPv6 case: a 20,000-page portal under a name with A and AAAA (127.0.0.1, ::1, from a
 * loopback DNS server), audited with and without the IPv6 pass (--no-ipv6): the pass must
 * cost time linear in links, a fraction of the crawl, not a multiple of it.
 * The size case (`--only size`, not part of the default run): a 50,000-page portal audited with
 * `--no-browser` into a SQLite store, as a nightly run would be: peak RSS (target ≤ 450 MB,
 * flat in site size) and wall time. Peak RSS is the kernel's high-water mark of the audit
 * process (ru_maxrss, written at its exit by bench/max-rss.mjs), not a sample.
 *   npm run bench -- --pages 2000 --ipv6-pages 5000
 *   npm run bench -- --only ipv6        (or --only linkinator)
 *   npm run bench -- --only size        (--size-pages 50000 by default)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSamplePortal } from '../src/sample-portal/server.ts';
import { startDnsServer } from '../src/sample-portal/dns.ts';
import { exactPeak, watchPeak } from './proc-tree.ts';
import { BIN, ensureCliBuilt } from './cli-built.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '32' }, 'ipv6-pages': { type: 'string', default: '20000' }, 'size-pages': { type: 'string', default: '50000' }, only: { type: 'string' } } });
const pages = Number(values.pages);
const root = join(import.meta.dirname, '..');
ensureCliBuilt();

interface Measure {
  seconds: number;
  peakMb: number;
  code: number | null;
  stdout: string;
}

function measure(cmd: string, args: string[]): Promise<Measure> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const exact = exactPeak();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: exact.env });
    const stop = watchPeak(child.pid!);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => undefined);
    // The sampled tree peak counts child processes too; the exact one is the process's own.
    child.on('close', (code) => {
      const sampled = stop();
      resolve({ seconds: (performance.now() - t0) / 1000, peakMb: Math.max(sampled, exact.read() ?? 0), code, stdout });
    });
  });
}

const line = (name: string, m: Measure, p: number, l: number) =>
  `${name.padEnd(11)} ${m.seconds.toFixed(1).padStart(6)} s  ${(p / m.seconds).toFixed(0).padStart(5)} pages/s  ${(l / m.seconds).toFixed(0).padStart(6)} links/s  peak RSS ${String(m.peakMb).padStart(4)} MB  (${p} pages, ${l} links, exit ${m.code})`;

if (values.only === 'size') await sizeCase(Number(values['size-pages']));
else {
  if (values.only !== 'ipv6') await linkinatorCase();
  if (values.only !== 'linkinator') await ipv6Case(Number(values['ipv6-pages']));
}

async function linkinatorCase(): Promise<void> {
const portal = await startSamplePortal({ pages, host: '127.0.0.1' });
const start = portal.url + '/';
console.log(`sample portal: ${portal.manifest.htmlPageCount} pages at ${start}`);
const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-bench-'));

// Both skip the endless calendar (a crawler trap linkinator would follow forever).
const a = await measure(BIN, ['audit', start, '--no-browser', '--no-db', '--out', join(dir, 'zhaocuo'), '--exclude', '/calendar.html', '--max-pages', '100000', '--concurrency', values.concurrency!, '--per-host', values.concurrency!, '--quiet', '--fail-on', 'critical']);
const report = JSON.parse(readFileSync(join(dir, 'zhaocuo', 'report.json'), 'utf8'));
portal.resetCounts();
const b = await measure(process.execPath, [join(root, 'node_modules', 'linkinator', 'build', 'src', 'cli.js'), start, '--recurse', '--skip', 'calendar\\.html', '--format', 'json', '--concurrency', values.concurrency!]);
let lk = { links: 0, pages: 0 };
try {
  const out = JSON.parse(b.stdout) as { links: { url: string; state: string; parent?: string }[] };
  // linkinator reports each unique URL once; its pages are the same-origin HTML ones it scanned.
  lk = { links: out.links.length, pages: out.links.filter((l) => l.url.startsWith(portal.url) && !/\.(pdf|docx?|xlsx?|png|gif|jpe?g|css|js|ico)(\?|$)/i.test(l.url) && l.state === 'OK').length };
} catch { /* printed below as 0 */ }
await portal.close();

// Links = unique link targets checked, the same count for both tools.
console.log(line('zhaocuo', a, report.summary.pages, report.links.length));
console.log(`  (zhaocuo crawl phase ${(report.summary.durationMs / 1000).toFixed(1)} s; the rest is start-up, audits and writing the report)`);
console.log(line('linkinator', b, lk.pages, lk.links));
console.log(`ratio zhaocuo/linkinator time: ${(a.seconds / b.seconds).toFixed(2)} (target ≤ 1.0); zhaocuo peak RSS ${a.peakMb} MB (target ≤ 400 MB)`);
console.log(`zhaocuo also ran: ${report.audits.filter((x: { status: string }) => x.status === 'ran').map((x: { id: string }) => x.id).join(', ')}`);
}

/** The same portal audited with and without the IPv6 pass, over a name that has AAAA. */
async function ipv6Case(n: number): Promise<void> {
  const portal = await startSamplePortal({ pages: n, host: 'both' });
  const host = 'bench.example.gov.cn';
  const dns = await startDnsServer({ [host]: { A: ['127.0.0.1'], AAAA: ['::1'] }, 'example.gov.cn': { NS: ['ns1.example.gov.cn'] }, 'ns1.example.gov.cn': { A: ['127.0.0.1'], AAAA: ['::1'] } });
  const start = `http://${host}:${portal.port}/`;
  console.log(`\nIPv6 case: ${portal.manifest.htmlPageCount} pages at ${start} (A 127.0.0.1, AAAA ::1 from ${dns.server})`);
  const out = mkdtempSync(join(tmpdir(), 'zhaocuo-bench-v6-'));
  const args = (dir: string, extra: string[]) => ['audit', start, '--no-browser', '--no-db', '--dns-server', dns.server, '--out', join(out, dir), '--exclude', '/calendar.html', '--max-pages', '100000', '--concurrency', values.concurrency!, '--per-host', values.concurrency!, '--quiet', '--fail-on', 'critical', ...extra];
  const without = await measure(BIN, args('no-ipv6', ['--no-ipv6']));
  const withV6 = await measure(BIN, args('ipv6', []));
  await dns.close();
  await portal.close();
  const rep = JSON.parse(readFileSync(join(out, 'ipv6', 'report.json'), 'utf8'));
  const v6 = rep.ipv6 ?? {};
  console.log(line('no IPv6', without, rep.summary.pages, rep.links.length));
  console.log(line('with IPv6', withV6, rep.summary.pages, rep.links.length));
  console.log(`  IPv6 pass: ${((v6.durationMs ?? 0) / 1000).toFixed(1)} s, ${v6.requests ?? '?'} requests over IPv6, ${(v6.hosts ?? []).length} hosts, ${(v6.urls ?? []).length} 二级/三级 URLs judged`);
  console.log(`ratio with/without IPv6: ${(withV6.seconds / without.seconds).toFixed(2)} (the pass adds ${(withV6.seconds - without.seconds).toFixed(1)} s)`);
}

/** Memory at size: a big portal audited as a nightly run would be (store, report), without a browser. */
async function sizeCase(n: number): Promise<void> {
  const t0 = performance.now();
  const portal = await startSamplePortal({ pages: n, host: '127.0.0.1' });
  const start = portal.url + '/';
  console.log(`size case: ${portal.manifest.htmlPageCount} pages at ${start} (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-bench-size-'));
  const m = await measure(BIN, ['audit', start, '--no-browser', '--db', join(dir, 'z.db'), '--out', join(dir, 'report'), '--exclude', '/calendar.html', '--max-pages', String(n * 2), '--concurrency', values.concurrency!, '--per-host', values.concurrency!, '--quiet', '--fail-on', 'critical']);
  await portal.close();
  const rep = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8'));
  console.log(line('zhaocuo', m, rep.summary.pages, rep.links.length));
  console.log(`  (crawl phase ${(rep.summary.durationMs / 1000).toFixed(1)} s, ${rep.findings.length} findings)`);
  console.log(`peak RSS ${m.peakMb} MB for ${rep.summary.pages} pages (target ≤ 450 MB): ${m.peakMb <= 450 ? 'met' : 'missed'}`);
}
