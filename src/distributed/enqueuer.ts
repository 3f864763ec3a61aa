/**
 * The scheduler's distributed side (zhaocuo schedule --redis): every tick, the due sites become
 * queue jobs for the workers instead of audits on this machine. Its connection fails fast while
 * Redis is away (no offline queue): that tick says so in one line and the next tick tries again,
 * since a site stays due in the store until a worker has audited it.
 */
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DB } from '../store/db.ts';
import type { DuePolicy } from '../sites/due.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { SCHEDULE_TZ } from '../sites/cron.ts';
import { enqueueDue, siteQueue, type Enqueued, type SiteJob } from './queue.ts';
import { checkRedis, shownUrl, watchConnection } from './redis.ts';
import { KEY_PREFIX } from './worker.ts';

export class Enqueuer {
  private conn: Redis | null = null;
  private queue: Queue<SiteJob> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<Enqueued[]> | null = null;

  constructor(private readonly db: DB, private readonly redisUrl: string, private readonly policy: DuePolicy, private readonly log: (line: string) => void, private readonly clock: () => Date = () => new Date()) {}

  /** Connects; throws RedisUnavailableError (one line) when Redis is not there. */
  async open(): Promise<void> {
    await checkRedis(this.redisUrl);
    this.conn = new Redis(this.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(500 * n, 5000) });
    this.conn.on('error', () => {});
    watchConnection(this.conn, this.redisUrl, (l) => this.log(`zhaocuo schedule: ${l}`));
    this.queue = siteQueue(this.conn, KEY_PREFIX);
    this.queue.on('error', () => {});
    await this.queue.waitUntilReady();
  }

  /** Enqueues the sites due now; a Redis outage is one line, not a crash. */
  async tick(): Promise<Enqueued[]> {
    if (this.ticking) return this.ticking; // one round at a time
    this.ticking = this.round().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async round(): Promise<Enqueued[]> {
    try {
      const out = await enqueueDue(this.db, this.queue!, this.clock(), this.policy);
      for (const e of out.filter((x) => x.added)) this.log(`zhaocuo schedule: 已加入队列 ${e.name}（${formatLocal(e.slotAt.toISOString(), SCHEDULE_TZ).slice(11)} 时段，任务 ${e.jobId}）`);
      return out;
    } catch (err) {
      const down = /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|max retries/i.test(String((err as Error).message));
      const why = down ? '连接不可用，请启动 redis-server 或检查 --redis（Redis unavailable）' : (err as Error).message.split('\n')[0];
      this.log(`zhaocuo schedule: 本轮未能加入队列（${shownUrl(this.redisUrl)}）：${why}；下一轮再试`);
      return [];
    }
  }

  start(intervalMs: number): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking?.catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    this.conn?.disconnect();
  }
}
