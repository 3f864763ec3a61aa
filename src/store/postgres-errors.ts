/**
 * What a PostgreSQL failure means for the person running zhaocuo: which server, what to start
 * or fix, and — for a connection lost mid-run — that what was stored before is kept (every
 * committed transaction is) and the unfinished one was rolled back. Passwords never appear.
 */
import { UsageError } from '../config/errors.ts';

/** The store cannot be reached or used as configured; the CLI prints the message and exits 2. */
export class StoreUnavailableError extends UsageError {
  override name = 'StoreUnavailableError';
  constructor(message: string, readonly code: string | null, readonly lost: boolean) {
    super(message);
  }
}

const FIX = 'in --db or store.url';

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export function checkPostgresUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`PostgreSQL 地址无效 (not a valid URL: ${redactUrl(url)}; write it as postgres://user:password@host:5432/database ${FIX})`);
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new UsageError(`PostgreSQL 地址须以 postgres:// 开头 (${u.protocol} is not postgres: ${FIX})`);
  if (!u.pathname.replace(/^\//, '')) throw new UsageError(`PostgreSQL 地址缺少数据库名 (no database in ${redactUrl(url)}: add it, as postgres://user@host:5432/zhaocuo, ${FIX})`);
}

export function postgresError(e: { message: string; code: string | null; lost: boolean }, url: string, what: string): Error {
  const where = redactUrl(url);
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch { /* checked when opened */ }
  const host = u ? `${u.hostname}:${u.port || 5432}` : where;
  const user = u?.username ? decodeURIComponent(u.username) : '(default user)';
  const db = u ? decodeURIComponent(u.pathname.replace(/^\//, '')) : '';
  const fail = (msg: string, lost = false) => new StoreUnavailableError(msg, e.code, lost);
  if (e.lost) {
    return fail(
      `与 PostgreSQL ${host} 的连接中断 (the connection to ${where} was lost mid-run: ${e.message}. Start PostgreSQL again or fix the network to it, then rerun; ` +
        'the unfinished write was rolled back, everything stored before it is kept)',
      true,
    );
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return fail(`无法连接 PostgreSQL ${host}：连接被拒绝 (connection refused: start PostgreSQL there, e.g. systemctl start postgresql, or fix the host and port ${FIX})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`找不到 PostgreSQL 主机 ${u?.hostname ?? host} (host not found: fix the host ${FIX})`);
    case '28P01':
      return fail(`PostgreSQL 拒绝登录：用户 ${user} 的密码错误 (password authentication failed for user "${user}" at ${host}: fix the password ${FIX})`);
    case '28000':
      return fail(`PostgreSQL 拒绝登录 (${e.message} at ${host}: fix the user ${FIX}, or allow it in the server's pg_hba.conf)`);
    case '3D000':
      return fail(`PostgreSQL ${host} 上没有数据库 ${db} (database "${db}" does not exist: create it, e.g. createdb ${db}, or fix the name ${FIX})`);
    case '42501':
      return fail(`PostgreSQL 用户 ${user} 无权操作 (${e.message}: grant the user rights on database ${db}, or use its owner ${FIX})`);
    case '53300':
      return fail(`PostgreSQL ${host} 连接数已满 (${e.message}: raise max_connections or run fewer workers)`);
  }
  if (/timeout/i.test(e.message)) return fail(`PostgreSQL ${host} 无应答 (${e.message}: check that the server is up and reachable ${FIX})`);
  // The SQLSTATE stays on the error (deadlocks and serialization failures are retried: src/store/db-errors.ts).
  return Object.assign(new Error(`PostgreSQL: ${e.message} (in ${what.slice(0, 200)})`), { pgCode: e.code });
}
