/**
 * SQLite errors a user can fix (a damaged file, a file another process holds, a read-only or
 * unreachable path) become one UsageError line that says what to do, instead of a stack trace.
 * The codes are better-sqlite3's `SqliteError.code` (extended codes such as SQLITE_BUSY_SNAPSHOT
 * or SQLITE_READONLY_DBMOVED start with the primary code).
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

/** A UsageError for an SQLite error the user can fix; undefined for any other error (a bug). */
export function dbUsageError(err: unknown, file?: string): UsageError | undefined {
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
