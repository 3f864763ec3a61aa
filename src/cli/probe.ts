/**
 * `zhaocuo probe <url>`: availability monitoring of a homepage for the 站点无法访问 veto.
 * Long-lived (`--every 60m`, the default) or one round for cron (`--once`). Each round probes
 * over IPv4 and IPv6, stores both in the database, and prints the 7-day rule.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/load.ts';
import { UsageError, describeZodError } from '../config/errors.ts';
import { NameResolver } from '../gather/dns.ts';
import { availabilityOptions } from '../../audits/availability.ts';
import { openDb } from '../store/db.ts';
import { validateStartUrl } from '../run/audit-site.ts';
import type { ProbeResult } from '../probe/fetch.ts';
import type { AvailabilityResult } from '../probe/rule.ts';
import { maxIntervalMs, parseInterval, probeRound, schedule, type RoundResult } from '../probe/run.ts';
import { Log } from './log.ts';
import { hostPort, seconds } from './options.ts';

function interval(v: string): number {
  const ms = parseInterval(v);
  if (ms === undefined) throw new InvalidArgumentError('expected an interval such as 60m, 1h or 90s');
  return ms;
}

function families(v: string): (4 | 6)[] {
  const out = [...new Set(v.split(',').map((s) => s.trim().toLowerCase().replace(/^(ip)?v/, '')))];
  if (!out.length || out.some((f) => f !== '4' && f !== '6')) throw new InvalidArgumentError('expected v4, v6 or v4,v6');
  return out.map(Number) as (4 | 6)[];
}

interface ProbeFlags {
  every: number;
  once?: boolean;
  db: string;
  dnsServer?: string;
  config?: string;
  timeout?: number;
  family: (4 | 6)[];
  quiet?: boolean;
  log?: string;
}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('probe a homepage on a schedule over IPv4 and IPv6, store each probe and judge 站点无法访问 over the last 7 days')
    .argument('<url>', 'the homepage, e.g. https://hyj.example.gov.cn/')
    .addOption(new Option('--every <interval>', 'time between probes (60m, 1h, 90s); at most 72m, for ≥ 20 probes a day').argParser(interval).default(3_600_000, '60m'))
    .option('--once', 'one round of probes, then exit (for cron)')
    .option('--db <file>', 'SQLite database that keeps the probes', 'data/zhaocuo.db')
    .option('--dns-server <host:port>', 'resolve the name through this DNS server', hostPort)
    .option('-c, --config <file>', 'site config (its audits.availability.options set the rule)')
    .option('--timeout <s>', 'seconds a probe may take to load (default: the rule\'s 15)', seconds)
    .addOption(new Option('--family <list>', 'families to probe: v4, v6 or v4,v6').argParser(families).default([4, 6], 'v4,v6'))
    .option('-q, --quiet', 'print only the rule line of each round')
    .option('--log <format>', 'json: JSON lines on stderr (for cron)')
    .action(async (rawUrl: string, f: ProbeFlags) => {
      const url = validateStartUrl(rawUrl);
      const log = Log.pick(f);
      const { config } = await loadConfig(f.config);
      const parsed = availabilityOptions.safeParse(config.audits.availability?.options ?? {});
      if (!parsed.success) throw new UsageError(describeZodError(parsed.error, 'config audits.availability.options'));
      const rule = parsed.data;
      if (!f.once && f.every > maxIntervalMs(rule.minPerDay)) {
        throw new UsageError(`--every ${Math.round(f.every / 60_000)}m gives fewer than ${rule.minPerDay} probes a day; the 站点无法访问 rule needs at least ${rule.minPerDay} (every ${Math.floor(maxIntervalMs(rule.minPerDay) / 60_000)}m or more often)`);
      }
      const resolver = new NameResolver(f.dnsServer ?? config.dnsServer);
      const db = openDb(f.db);
      const opts = { url, db, resolver, families: f.family, timeoutMs: f.timeout ? Math.round(f.timeout * 1000) : rule.loadLimitMs, userAgent: config.crawl.userAgent, rule };
      const print = (r: RoundResult) => {
        log.event('probe', { probes: r.probes.map(({ body: _b, ...p }) => p), rule: ruleFields(r.rule) });
        if (log.mode === 'json') return;
        if (!f.quiet) process.stdout.write(r.probes.map(probeLine).join('\n') + '\n');
        process.stdout.write(ruleLine(r.rule) + '\n');
      };
      try {
        if (f.once) {
          print(await probeRound(opts));
          return;
        }
        log.event('start', { url, everyMs: f.every }, `zhaocuo: probing ${url} every ${formatInterval(f.every)} (Ctrl-C stops)`);
        const s = schedule({ ...opts, everyMs: f.every, onRound: print, onError: (e) => log.error(e.message) });
        const stop = () => s.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await s.done;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      } finally {
        db.close();
      }
    });
}

function probeLine(p: ProbeResult): string {
  const when = p.at.slice(0, 19).replace('T', ' ');
  const what = p.error ? `failed: ${p.error}` : `HTTP ${p.status}`;
  return `${when}Z  IPv${p.family}  ${what}  ${p.loadMs} ms${p.address ? `  ${p.address}` : ''}`;
}

function ruleLine(r: AvailabilityResult): string {
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const state = !r.evaluated ? `not evaluated: ${r.total}/${r.required} probes` : r.hit ? 'VETO 站点无法访问' : 'ok';
  return `  7-day rule (IPv${r.family}): ${r.failed}/${r.total} not loaded (${pct(r.failedShare)}) — ${state} · IPv6 ${r.v6.failed}/${r.v6.total} not loaded`;
}

function ruleFields(r: AvailabilityResult) {
  const { failures: _f, sparseDays: _s, ...rest } = r;
  return rest;
}

function formatInterval(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}
