/**
 * `zhaocuo schedule`: audits the registered sites when they are due, on this machine, at most
 * --max-parallel at once; with --once, what is due now and then exit (for a crontab line).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { DB } from '../store/db.ts';
import { openDb } from '../store/db.ts';
import { nextSlot, SCHEDULE_TZ } from '../sites/cron.ts';
import { listRegistered } from '../sites/registry.ts';
import { Scheduler } from '../sites/scheduler.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { positiveInt } from './options.ts';
import type { DuePolicy } from '../sites/due.ts';
import { parseRedisUrl, shownUrl } from '../distributed/redis-url.ts';

export interface ScheduleFlags {
  maxParallel: number;
  retries: number;
  retryAfter: number;
  catchUp: number;
  interval: number;
}

const nonNegative = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('应为不小于 0 的整数');
  return n;
};

export function addScheduleOptions(cmd: Command): Command {
  return cmd
    .option('--max-parallel <n>', '本机同时进行的检查数', positiveInt, 2)
    .option('--retries <n>', '检查失败后的重试次数（每个时段）', (v: string) => nonNegative(v), 2)
    .option('--retry-after <minutes>', '第一次重试前等待的分钟数（每次加倍，最长 2 小时）', positiveInt, 15)
    .option('--catch-up <hours>', '错过超过此小时数的时段（如机器关机）等下一个时段', positiveInt, 6)
    .option('--interval <seconds>', '每隔多少秒查看到期的网站', positiveInt, 60);
}

export function policyFor(f: ScheduleFlags): DuePolicy {
  const retryBaseMs = f.retryAfter * 60_000;
  return { maxAttempts: f.retries + 1, retryBaseMs, retryMaxMs: Math.max(retryBaseMs, 2 * 3600_000), catchUpMs: f.catchUp * 3600_000 };
}

export function schedulerFor(db: DB, config: Config, f: ScheduleFlags, log?: (l: string) => void): Scheduler {
  return new Scheduler({ db, baseConfig: config, maxParallel: f.maxParallel, log, policy: policyFor(f) });
}

/** --redis: due sites go to the queue for `zhaocuo worker`s, nothing is audited here. */
async function enqueueForWorkers(db: DB, f: ScheduleFlags & { redis: string; once?: boolean }, sites: number): Promise<void> {
  const log = (l: string) => process.stderr.write(l + '\n');
  // Loaded here: BullMQ and ioredis cost start-up time the other commands should not pay.
  const { Enqueuer } = await import('../distributed/enqueuer.ts');
  const q = new Enqueuer(db, f.redis, policyFor(f), log);
  await q.open();
  try {
    if (f.once) {
      const out = await q.tick();
      const added = out.filter((e) => e.added).length;
      log(`zhaocuo schedule: 加入队列 ${added} 个${out.length - added ? `，已在队列中 ${out.length - added} 个` : ''}${out.length ? '' : '（当前没有到期的检查 nothing is due）'}`);
      return;
    }
    log(`zhaocuo schedule: ${sites} 个网站，到期的检查交给 ${shownUrl(f.redis)} 上的 worker（zhaocuo worker --redis …）`);
    q.start(f.interval * 1000);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await q.close();
  }
}

export function registerSchedule(program: Command): void {
  addScheduleOptions(
    program
      .command('schedule')
      .description('按计划检查已登记的网站（zhaocuo sites），同时进行的数量有上限；失败的稍后重试')
      .option('--db <file|url>', DB_OPTION_HELP)
      .option('-c, --config <file>', '基础站点配置（默认：当前目录中的 zhaocuo.config.*）')
      .option('--once', '检查当前到期的网站，完成后退出（有检查失败时退出码为 3）；与 --redis 同用：把到期的网站加入队列后退出')
      .option('--redis <url>', '分布式模式：把到期的网站放入此 Redis 队列，由 zhaocuo worker 检查，本机不检查', (v: string) => parseRedisUrl(v)),
  ).action(async (o: ScheduleFlags & { db?: string; config?: string; once?: boolean; redis?: string }) => {
    const { config } = await loadConfig(o.config);
    const db = openDb(storeTarget(o.db, config));
    const sites = listRegistered(db, { enabledOnly: true });
    if (!sites.length) process.stderr.write('zhaocuo schedule: 还没有登记网站：zhaocuo sites add <网址> --name <名称>，或 zhaocuo sites import sites.yaml（no registered sites）\n');
    if (o.redis) {
      try {
        return await enqueueForWorkers(db, { ...o, redis: o.redis }, sites.length);
      } finally {
        db.close();
      }
    }
    const sched = schedulerFor(db, config, o);
    try {
      if (o.once) {
        const started = sched.tick();
        if (!started.length) process.stderr.write('zhaocuo schedule: 当前没有到期的检查（nothing is due）\n');
        await sched.idle();
        const failed = sched.results.filter((r) => !r.ok).length;
        if (sched.results.length) process.stderr.write(`zhaocuo schedule: 完成 ${sched.results.length - failed} 个，失败 ${failed} 个\n`);
        if (failed) process.exitCode = 3;
        return;
      }
      const now = new Date();
      const next = sites.map((s) => nextSlot(s.effectiveSchedule, now)).filter((d): d is Date => !!d).sort((a, b) => a.getTime() - b.getTime())[0];
      process.stderr.write(`zhaocuo schedule: ${sites.length} 个网站，最多同时 ${o.maxParallel} 个${next ? `；下一次 ${formatLocal(next.toISOString(), SCHEDULE_TZ)}（北京时间）` : ''}\n`);
      sched.start(o.interval * 1000);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      if (sched.active) process.stderr.write(`zhaocuo schedule: 等待 ${sched.active} 个进行中的检查结束（再按一次 Ctrl+C 立即退出）\n`);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      await sched.stop();
    } finally {
      db.close();
    }
  });
}
