/**
 * The --redis value, checked before anything connects, and the error a CLI exits 3 with when
 * Redis cannot be reached. No Redis client here: the CLI loads BullMQ and ioredis only for the
 * commands that use them.
 */
import { UsageError } from '../config/errors.ts';

/** Redis cannot be reached (refused, unknown host, not Redis, auth): exit 3, the line says what to do. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** The URL as it may be printed: a password in it is masked. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Checks a --redis value: redis:// or rediss://, a host, a port in range, an optional database number. */
export function parseRedisUrl(value: string): string {
  const bad = (why: string) => new UsageError(`--redis 地址无效 ${JSON.stringify(value)}：${why}，应写作 redis://主机:端口[/库号]，如 redis://127.0.0.1:6379（invalid Redis URL）`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw bad('不是网址');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`协议应为 redis:// 或 rediss://，不是 ${u.protocol}//`);
  if (!u.hostname) throw bad('缺少主机');
  if (u.port && (Number(u.port) < 1 || Number(u.port) > 65535)) throw bad(`端口 ${u.port} 超出范围`);
  if (u.pathname && u.pathname !== '/' && !/^\/\d{1,2}$/.test(u.pathname)) throw bad(`库号应为数字，不是 ${u.pathname.slice(1)}`);
  return value;
}

