/**
 * Per-host spacing across every worker of a fleet: one Redis key per host holds when its next
 * request may go. A turn is two steps, both timed by Redis's own clock (so clocks of different
 * machines do not matter):
 *   reserve — if the host's time has come, the key becomes a lease (this turn's token) and the
 *             turn is granted; otherwise the wait is returned and the caller asks again then;
 *   sent    — called the moment the request goes out: the host's next time becomes Redis-now
 *             + interval. Reserve of the next turn sees it only after that, so two sends to one
 *             host, from any workers, are at least the interval apart.
 * A worker that dies between the two leaves a lease that lapses after LEASE_MS. In a process,
 * turns of one host queue locally first (one reserve in flight per host per process).
 * With the link to Redis down, turns wait for it to come back rather than go unpaced.
 */
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HostQueue, sleep, type HostPacer } from '../gather/pacer.ts';

const LEASE_MS = 10_000;

const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('GET', KEYS[1])
if v then
  local untilMs = tonumber(string.match(v, '^(%d+)'))
  if untilMs and untilMs > now then return untilMs - now end
end
redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[2])) .. ' ' .. ARGV[1], 'PX', tonumber(ARGV[2]) + 1000)
return 0`;

const SENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextMs = now + tonumber(ARGV[2])
local v = redis.call('GET', KEYS[1])
if v then
  local untilMs, tok = string.match(v, '^(%d+) (.*)$')
  -- another turn holds the key (our lease lapsed): keep theirs unless ours ends later
  if tok ~= ARGV[1] and tonumber(untilMs) >= nextMs then return 0 end
end
redis.call('SET', KEYS[1], tostring(nextMs) .. ' -', 'PX', tonumber(ARGV[2]) + 1000)
return 1`;

type PacedRedis = Redis & {
  paceReserve(key: string, token: string, leaseMs: number): Promise<number>;
  paceSent(key: string, token: string, intervalMs: number): Promise<number>;
};

export class RedisPacer implements HostPacer {
  private readonly redis: PacedRedis;
  private readonly queue = new HostQueue();
  /** ZHAOCUO_PACE_TRACE=<file>: each paced send appended as "ms host pid" (for tests and debugging). */
  private readonly trace = process.env.ZHAOCUO_PACE_TRACE;

  constructor(redis: Redis, private readonly prefix = 'zhaocuo:pace') {
    redis.defineCommand('paceReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('paceSent', { numberOfKeys: 1, lua: SENT });
    this.redis = redis as PacedRedis;
  }

  async turn(host: string, intervalMs: number): Promise<() => void> {
    const leave = await this.queue.enter(host);
    const key = `${this.prefix}:${host}`;
    const token = randomUUID();
    try {
      for (;;) {
        const wait = Number(await this.redis.paceReserve(key, token, LEASE_MS));
        if (wait <= 0) break;
        await sleep(Math.min(wait, LEASE_MS));
      }
    } catch (err) {
      leave();
      throw err;
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (this.trace) appendFileSync(this.trace, `${Date.now()} ${host} ${process.pid}\n`);
      // Not awaited: the request is already on its way; the next turn of this process for
      // the host waits for the key update (queued after it on the same connection).
      const update = this.redis.paceSent(key, token, intervalMs).catch(() => undefined);
      void update.finally(leave);
    };
  }
}
