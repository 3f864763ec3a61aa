/**
 * `zhaocuo probe <url>`: availability monitoring of a homepage for the 站点无法访问 veto.
 * Long-lived (`--every 60m`, the default) or one round for cron (`--once`). Each round probes
 * over IPv4 and IPv6, stores both in the database, and prints the 7-day rule.
 */
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
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
  if (ms === undefined) throw new InvalidArgumentError('应为时间间隔，例如 60m、1h 或 90s');
  return ms;
}

function families(v: string): (4 | 6)[] {
  const out = [...new Set(v.split(',').map((s) => s.trim().toLowerCase().replace(/^(ip)?v/, '')))];
  if (!out.length || out.some((f) => f !== '4' && f !== '6')) throw new InvalidArgumentError('应为 v4、v6 或 v4,v6');
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
    .description('定时经 IPv4 和 IPv6 探测首页，保存每次探测，按近 7 天判定“站点无法访问”')
    .argument('<url>', '首页网址，例如 https://hyj.example.gov.cn/')
    .addOption(new Option('--every <interval>', '探测间隔（60m、1h、90s）；最长 72m，保证每天至少 20 次').argParser(interval).default(3_600_000, '60m'))
    .option('--once', '探测一轮后退出（供定时任务使用）')
    .option('--db <file|url>', `保存探测记录的存储：${DB_OPTION_HELP}`)
    .option('--dns-server <host:port>', '经此 DNS 服务器解析域名', hostPort)
    .option('-c, --config <file>', '站点配置文件（其中 audits.availability.options 设定判定规则）')
    .option('--timeout <s>', '每次探测允许的加载秒数（默认：规则规定的 15 秒）', seconds)
    .addOption(new Option('--family <list>', '探测的协议：v4、v6 或 v4,v6').argParser(families).default([4, 6], 'v4,v6'))
    .option('-q, --quiet', '每轮只输出判定结果一行')
    .option('--log <format>', 'json：在 stderr 上逐行输出 JSON（供定时任务使用）')
    .action(async (rawUrl: string, f: ProbeFlags) => {
      const url = validateStartUrl(rawUrl);
      const log = Log.pick(f);
      const { config } = await loadConfig(f.config);
      const parsed = availabilityOptions.safeParse(config.audits.availability?.options ?? {});
      if (!parsed.success) throw new UsageError(describeZodError(parsed.error, '配置 audits.availability.options'));
      const rule = parsed.data;
      if (!f.once && f.every > maxIntervalMs(rule.minPerDay)) {
        throw new UsageError(`--every ${Math.round(f.every / 60_000)}m 每天探测不足 ${rule.minPerDay} 次；“站点无法访问”的判定每天至少需要 ${rule.minPerDay} 次（间隔 ${Math.floor(maxIntervalMs(rule.minPerDay) / 60_000)}m 或更短）`);
      }
      const resolver = new NameResolver(f.dnsServer ?? config.dnsServer);
      const db = openDb(storeTarget(f.db, config));
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
        log.event('start', { url, everyMs: f.every }, `zhaocuo：每 ${formatInterval(f.every)} 探测一次 ${url}（按 Ctrl-C 停止）`);
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
  const what = p.error ? `失败：${p.error}` : `HTTP ${p.status}`;
  return `${when}Z  IPv${p.family}  ${what}  ${p.loadMs} ms${p.address ? `  ${p.address}` : ''}`;
}

function ruleLine(r: AvailabilityResult): string {
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const state = !r.evaluated ? `未评估：探测 ${r.total}/${r.required} 次` : r.hit ? '单项否决：站点无法访问' : '正常';
  return `  近 7 天判定（IPv${r.family}）：${r.failed}/${r.total} 次未打开（${pct(r.failedShare)}）— ${state} · IPv6 ${r.v6.failed}/${r.v6.total} 次未打开`;
}

function ruleFields(r: AvailabilityResult) {
  const { failures: _f, sparseDays: _s, ...rest } = r;
  return rest;
}

function formatInterval(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}
