/**
 * `zhaocuo worker --redis redis://… [--concurrency N]`: one worker of a fleet. Takes the site
 * audits `zhaocuo schedule --redis` enqueues, runs them like the embedded scheduler, records
 * them in the store. SIGTERM/Ctrl+C: no new jobs; running audits finish within --grace seconds
 * or go back to the queue for another worker (a second signal hands them back at once).
 */
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { openDb } from '../store/db.ts';
import { parseRedisUrl, shownUrl } from '../distributed/redis-url.ts';
import { positiveInt, seconds } from './options.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('从 Redis 队列（BullMQ）领取 zhaocuo schedule --redis 加入的网站检查；可在共享同一存储的多台机器上运行任意多个')
    .requiredOption('--redis <url>', '集群的 Redis，如 redis://127.0.0.1:6379', (v: string) => parseRedisUrl(v))
    .option('--concurrency <n>', '本 worker 同时进行的检查数', positiveInt, 2)
    .option('--db <file|url>', `集群共享的存储：${DB_OPTION_HELP}`)
    .option('-c, --config <file>', '基础站点配置（默认：当前目录中的 zhaocuo.config.*）')
    .option('--stalled-after <seconds>', 'worker 停止响应超过此秒数，其任务交给其他 worker', seconds, 30)
    .option('--grace <seconds>', '收到 SIGTERM 后，进行中的检查最多再用多少秒完成，之后交还队列', seconds, 60)
    .action(async (o: { redis: string; concurrency: number; db?: string; config?: string; stalledAfter: number; grace: number }) => {
      const { config } = await loadConfig(o.config);
      // Loaded here: BullMQ and ioredis cost start-up time the other commands should not pay.
      const [{ FleetWorker }, { QUEUE_NAME }] = await Promise.all([import('../distributed/worker.ts'), import('../distributed/queue.ts')]);
      const db = openDb(storeTarget(o.db, config));
      const log = (l: string) => process.stderr.write(l + '\n');
      const w = new FleetWorker({ db, redisUrl: o.redis, baseConfig: config, concurrency: o.concurrency, stalledMs: Math.round(o.stalledAfter * 1000), log });
      try {
        await w.start(); // Redis not there: RedisUnavailableError, one line, exit 3
      } catch (err) {
        db.close();
        throw err;
      }
      log(`zhaocuo worker: 已连接 ${shownUrl(o.redis)}，队列 ${QUEUE_NAME}，最多同时 ${o.concurrency} 个检查（pid ${process.pid}）`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      if (w.running) log(`zhaocuo worker: 不再接新任务；等待 ${w.running} 个进行中的检查结束（最多 ${o.grace} 秒，之后交还队列；再按一次 Ctrl+C 立即交还）`);
      const again = new Promise<void>((r) => {
        process.once('SIGINT', r);
        process.once('SIGTERM', r);
      });
      const r = await w.close(o.grace * 1000, again);
      if (r.handedBack) log(`zhaocuo worker: ${r.handedBack} 个未完成的检查已交还队列，将由其他 worker 接手`);
      db.close();
    });
}
