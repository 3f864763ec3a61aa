/**
 * The Redis behind distributed mode (BullMQ's queue, the per-host pacer): the --redis URL
 * checked before anything connects, a first connection that must answer PING before a worker
 * or the scheduler starts, and every way it can fail turned into one Chinese line that names
 * what to start or fix. Later outages are watched (watchConnection): said once when the link
 * drops, once when it is back; ioredis reconnects and replays what was queued meanwhile.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl, RedisUnavailableError, shownUrl } from './redis-url.ts';

export { parseRedisUrl, RedisUnavailableError, shownUrl };

/**
 * Connection options for long-lived clients (BullMQ requires maxRetriesPerRequest: null):
 * commands wait through an outage and are sent when Redis is back, never dropped.
 */
export function durableOptions(): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(200 * n, 2000) };
}

/** One line for a connection error, naming what to start or fix. */
export function describeRedisError(url: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException & { message: string };
  const code = e?.code ?? '';
  const msg = String(e?.message ?? err);
  const at = shownUrl(url);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) return `无法连接 Redis ${at}：请先启动 redis-server 或检查 --redis（connection refused）`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) return `无法连接 Redis ${at}：找不到主机 ${new URL(url).hostname}，请检查 --redis 的主机名（host not found）`;
  if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(msg)) return `Redis ${at} 拒绝了认证：请在 --redis 中写对用户名和密码，如 redis://:密码@主机:端口（authentication failed）`;
  if (code === 'ZC_SILENT') return `Redis ${at} 接受了连接，但 ${msg.match(/within ([\d.]+) s/)?.[1] ?? '?'} 秒内没有应答：请检查 redis-server 是否卡住、这个端口是否确实是 Redis（而不是别的服务、防火墙或代理），或检查 --redis 的主机和端口（no answer）`;
  if (/Protocol error|Unknown RESP type|unknown reply|not a Redis|EPIPE/i.test(msg) || code === 'EPIPE') return `${at} 上运行的不是 Redis：请检查 --redis 的主机和端口（not a Redis server）`;
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) return `连接 Redis ${at} 超时：请确认 redis-server 在运行、端口可达，或检查 --redis（timed out）`;
  return `无法连接 Redis ${at}：${msg.split('\n')[0]}；请检查 redis-server 与 --redis`;
}

/**
 * Connects once and asks PING, failing fast (no reconnect loop): the caller learns at start-up,
 * in one line, that Redis is not there. A port where something else answers (an HTTP server)
 * answers with an error the client cannot parse (not Redis); one that accepts and says nothing
 * is named as such when the timeout (5 s) passes.
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  parseRedisUrl(url);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  let timer: NodeJS.Timeout | undefined;
  // The first 'error' event is the cause (connect() itself rejects with a bare "Connection is closed").
  // TCP got through ('connect') but no reply came: a hung server, or one that is not Redis and waits for more.
  let accepted = false;
  client.once('connect', () => (accepted = true));
  const failed = new Promise<never>((_, reject) => {
    client.on('error', reject);
    timer = setTimeout(() => reject(accepted ? Object.assign(new Error(`no reply within ${timeoutMs / 1000} s`), { code: 'ZC_SILENT' }) : Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    const pong = await Promise.race([client.connect().then(() => client.ping()), failed]);
    if (pong !== 'PONG') throw new Error(`not a Redis server: PING answered ${String(pong).slice(0, 40)}`);
  } catch (err) {
    // Something that took the connection and dropped it before any Redis reply is not Redis: an
    // HTTP server answers our PING with a 400 and closes, and its reset can reach us before the
    // 400's bytes are read, so a reset after 'connect' is told apart from one at connecting.
    const code = (err as NodeJS.ErrnoException)?.code;
    const dropped = accepted && (code === 'ECONNRESET' || code === 'EPIPE' || /Connection is closed|ECONNRESET/.test(String((err as Error)?.message)));
    throw new RedisUnavailableError(describeRedisError(url, dropped ? new Error('not a Redis server: the connection was dropped without a Redis reply') : err));
  } finally {
    clearTimeout(timer);
    failed.catch(() => undefined);
    client.removeAllListeners('error');
    client.on('error', () => {});
    client.disconnect();
  }
}

/**
 * Says once when a long-lived connection drops (naming what to restart) and once when it is
 * back. `log` gets whole lines.
 */
export function watchConnection(client: Redis, url: string, log: (line: string) => void): void {
  let lost = false;
  let wasReady = client.status === 'ready';
  client.on('ready', () => {
    if (lost) log(`已重新连接 Redis ${shownUrl(url)}，继续处理（reconnected）`);
    lost = false;
    wasReady = true;
  });
  const drop = () => {
    if (lost || !wasReady) return;
    lost = true;
    log(`与 Redis ${shownUrl(url)} 的连接已断开：请重新启动 redis-server 或检查网络（connection lost）；恢复后自动继续，已确认的任务不会丢失`);
  };
  client.on('error', () => drop());
  client.on('close', () => drop());
}
