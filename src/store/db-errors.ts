/**
 * Store errors a user can fix become one UsageError line (Chinese first, then English in
 * brackets) that says what to start or fix, instead of a stack trace; the CLI exits 2.
 *  - SQLite: a damaged file, a file another process holds, a read-only or unreachable path.
 *    The codes are better-sqlite3's `SqliteError.code` (extended codes such as
 *    SQLITE_BUSY_SNAPSHOT or SQLITE_READONLY_DBMOVED start with the primary code).
 *  - PostgreSQL: a bad URL, a refused connection, an unknown host, a wrong password, user or
 *    database, missing rights, a full server, and a connection lost mid-run (what was stored
 *    before is kept: every committed transaction is; the unfinished one was rolled back).
 *    Passwords never appear in a message.
 */
import { UsageError } from '../config/errors.ts';

/** The SQLite primary code of an error ("SQLITE_BUSY" for SQLITE_BUSY_SNAPSHOT), or undefined. */
export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  return code.match(/^SQLITE_[A-Z]+/)![0];
}

/** Another writer holds the store: SQLite's busy or locked, or PostgreSQL's deadlock or serialization failure (both safe to retry). */
export function isBusy(err: unknown): boolean {
  const c = sqliteCode(err);
  if (c === 'SQLITE_BUSY' || c === 'SQLITE_LOCKED') return true;
  const pg = (err as { pgCode?: unknown })?.pgCode;
  return pg === '40P01' || pg === '40001';
}

/** How long to wait for another writer before giving up (ms); ZHAOCUO_DB_TIMEOUT_MS overrides it. */
export function busyTimeoutMs(): number {
  const env = Number(process.env.ZHAOCUO_DB_TIMEOUT_MS);
  return process.env.ZHAOCUO_DB_TIMEOUT_MS && Number.isFinite(env) && env >= 0 ? Math.floor(env) : 10_000;
}

export function busyMessage(file: string | undefined, waitedMs: number): string {
  const where = file ? `：${file}` : '';
  return `数据库正被另一个进程写入，等待 ${Math.round(waitedMs / 100) / 10} 秒后仍未释放${where}。请稍后重试，或结束卡住的 zhaocuo 进程（the database is locked by another process: try again later, or stop the process that holds it）`;
}

/** A UsageError for a store error the user can fix; undefined for any other error (a bug). */
export function dbUsageError(err: unknown, file?: string): UsageError | undefined {
  if (err instanceof StoreUnavailableError || err instanceof StoreBusyError) return err;
  const code = sqliteCode(err);
  if (!code) return undefined;
  const where = file ? `：${file}` : '';
  const detail = (err as Error).message;
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new UsageError(`数据库文件已损坏或不是 SQLite 文件${where}。请从备份恢复，或用 --db 指定一个新文件（the database file is damaged or not an SQLite file: ${detail}; restore it from a backup or pass --db a new file）`);
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new UsageError(busyMessage(file, busyTimeoutMs()));
    case 'SQLITE_READONLY':
      return new UsageError(`数据库文件只读，无法写入${where}。请检查该文件及其所在文件夹的写权限，或用 --db 指定一个可写的文件（the database is read-only: ${detail}; make the file and its folder writable or pass --db another file）`);
    case 'SQLITE_CANTOPEN':
      return new UsageError(`无法打开数据库文件${where}。请检查 --db 的路径，以及所在文件夹是否存在且可写（cannot open the database: ${detail}; check --db and that its folder exists and is writable）`);
    case 'SQLITE_FULL':
      return new UsageError(`磁盘已满，数据库无法写入${where}。请腾出磁盘空间后重试（the disk is full: ${detail}）`);
    default:
      return undefined;
  }
}

/** The store stayed busy through the retries (withBusyRetry): one clear line, exit 2. */
export class StoreBusyError extends UsageError {
  override name = 'StoreBusyError';
}

/**
 * A write that must not be lost to a moment of contention: better-sqlite3 already waits the busy
 * timeout (PostgreSQL waits for its locks); if another process still holds the file, or
 * PostgreSQL broke a deadlock or a serialization conflict, the write is tried `retries` more
 * times, then it is one clear line (exit 2 in the CLI) rather than a stack.
 */
export function withBusyRetry<T>(db: { readonly where: string }, fn: () => T, retries = 1): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (attempt >= retries) throw new StoreBusyError(busyMessage(db.where, busyTimeoutMs() * (attempt + 1)));
    }
  }
}

// --- PostgreSQL ------------------------------------------------------------------------------

/** The PostgreSQL store cannot be reached or used as configured; the CLI prints the message and exits 2, the server answers 503. */
export class StoreUnavailableError extends UsageError {
  override name = 'StoreUnavailableError';
  constructor(message: string, readonly code: string | null, readonly lost: boolean) {
    super(message);
  }
}

const FIX = '请在 --db 或配置的 store.url 中改正';
const FIX_EN = 'in --db or store.url';

/** The URL without its password, for messages. */
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
    throw new UsageError(`PostgreSQL 地址无效：${redactUrl(url)}，请写成 postgres://用户:密码@主机:5432/数据库（not a valid URL: write it as postgres://user:password@host:5432/database ${FIX_EN}）`);
  }
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new UsageError(`PostgreSQL 地址须以 postgres:// 开头，${FIX}（${u.protocol} is not postgres: ${FIX_EN}）`);
  if (!u.pathname.replace(/^\//, '')) throw new UsageError(`PostgreSQL 地址缺少数据库名：${redactUrl(url)}，请加上，例如 postgres://用户@主机:5432/zhaocuo（no database in the URL: add it ${FIX_EN}）`);
}

/** A PostgreSQL failure (as the store's worker thread reports it) as the error to throw: a clear StoreUnavailableError, or an Error carrying its SQLSTATE (pgCode). */
export function postgresError(e: { message: string; code: string | null; lost: boolean; detail?: string | null }, url: string, what: string): Error {
  const where = redactUrl(url);
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch { /* checked when opened */ }
  const host = u ? `${u.hostname}:${u.port || 5432}` : where;
  const user = u?.username ? decodeURIComponent(u.username) : '（默认用户）';
  const db = u ? decodeURIComponent(u.pathname.replace(/^\//, '')) : '';
  const fail = (msg: string, lost = false) => new StoreUnavailableError(msg, e.code, lost);
  if (e.lost) {
    return fail(
      `与 PostgreSQL ${host} 的连接中断：请重新启动 PostgreSQL 或修复到它的网络，然后重新运行；未完成的写入已回滚，之前保存的内容都在` +
        `（the connection to ${where} was lost mid-run: ${e.message}; start PostgreSQL again or fix the network to it, then rerun; the unfinished write was rolled back, everything stored before it is kept）`,
      true,
    );
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return fail(`无法连接 PostgreSQL ${host}：连接被拒绝。请启动 PostgreSQL（例如 systemctl start postgresql），或${FIX.slice(1)}主机和端口（connection refused: start PostgreSQL there, or fix the host and port ${FIX_EN}）`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`找不到 PostgreSQL 主机 ${u?.hostname ?? host}：${FIX}主机名（host not found: fix the host ${FIX_EN}）`);
    case '28P01':
      return fail(`PostgreSQL 拒绝登录：用户 ${user} 的密码错误，${FIX}密码（password authentication failed for user "${user}" at ${host}: fix the password ${FIX_EN}）`);
    case '28000':
      return fail(`PostgreSQL 拒绝用户 ${user} 登录：${FIX}用户，或在服务器的 pg_hba.conf 中允许它（${e.message} at ${host}: fix the user ${FIX_EN}, or allow it in pg_hba.conf）`);
    case '3D000':
      return fail(`PostgreSQL ${host} 上没有数据库 ${db}：请先创建（例如 createdb ${db}），或${FIX.slice(1)}数据库名（database "${db}" does not exist: create it, or fix the name ${FIX_EN}）`);
    case '42501':
      return fail(`PostgreSQL 用户 ${user} 权限不足：请授予它数据库 ${db} 上的权限，或改用数据库的所有者（${e.message}: grant the user rights on ${db}, or use its owner ${FIX_EN}）`);
    case 'ZC_SILENT':
      return fail(`PostgreSQL ${host} 接受了连接，但 ${e.detail} 秒内没有应答：请检查该主机上的 PostgreSQL 是否卡住或过载、这个端口是否确实是 PostgreSQL（而不是别的服务、防火墙或代理），或${FIX.slice(1)}主机和端口（${host} accepted the connection but did not answer within ${e.detail} s: check that PostgreSQL there is not hung and that the port is PostgreSQL's, or fix the host and port ${FIX_EN}）`);
    case 'ZC_NO_ANSWER':
      return fail(`无法连接 PostgreSQL ${host}：${e.detail} 秒内主机没有应答。请检查该主机是否开机、网络和防火墙是否放行端口 ${u?.port || 5432}，或${FIX.slice(1)}主机和端口（${host} did not answer within ${e.detail} s: check that the host is up and the network and firewall let the port through, or fix the host and port ${FIX_EN}）`);
    case '53300':
      return fail(`PostgreSQL ${host} 连接数已满：请调高 max_connections，或减少同时运行的 worker（${e.message}）`);
  }
  if (/timeout/i.test(e.message)) return fail(`PostgreSQL ${host} 无应答：请检查服务器是否在运行、网络是否可达，以及 --db 或 store.url 中的地址（${e.message}）`);
  // The SQLSTATE stays on the error (deadlocks and serialization failures are retried: withBusyRetry).
  return Object.assign(new Error(`PostgreSQL: ${e.message} (in ${what.slice(0, 200)})`), { pgCode: e.code });
}
