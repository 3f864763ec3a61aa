/**
 * The SQLite store (better-sqlite3, WAL): every run, page, link, finding (and, later, ticket).
 * WAL + a busy timeout let the nightly audit and the server write to one file without losing
 * a write; each run's rows go in one transaction, so a crash never leaves half a run.
 * A file that is damaged, held by another process, read-only or unreachable is one clear
 * line (src/store/db-errors.ts), not a stack trace. Opening marks the runs whose process is
 * gone failed (src/store/stale-runs.ts), so no surface shows a dead run as 'running'.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { busyMessage, busyTimeoutMs, dbUsageError, isBusy } from './db-errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { markStaleRuns } from './stale-runs.ts';

export type DB = Database.Database;

export function openDb(path: string): DB {
  const file = path === ':memory:' ? path : resolve(path);
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new UsageError(`无法创建数据库所在的文件夹：${dirname(file)}（cannot create the database folder: ${(err as Error).message}; check --db and that its folder is writable）`);
  }
  let db: DB | undefined;
  try {
    // The busy timeout is the constructor's: it holds from the first statement on (the pragmas too).
    db = new Database(file, { timeout: busyTimeoutMs() });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    markStaleRuns(db);
    return db;
  } catch (err) {
    db?.close();
    throw dbUsageError(err, file) ?? (err instanceof UsageError ? err : new UsageError(`无法打开数据库：${file}（cannot open the database: ${(err as Error).message}; check --db）`));
  }
}

/** Brings the schema up to `to` (default: the newest); a lower `to` makes an older database, for tests. */
export function migrate(db: DB, to = MIGRATIONS.length): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new UsageError(`数据库由更新版本的 zhaocuo 写入（结构版本 ${version}，本版本只认识到 ${MIGRATIONS.length}），请升级 zhaocuo（the database was written by a newer zhaocuo; upgrade zhaocuo）`);
  }
  const target = Math.min(to, MIGRATIONS.length);
  if (version >= target) return;
  // The version is read again under the write lock: two processes opening a new file at once
  // (two workers started together) would otherwise both run migration 1, and the second fail.
  for (;;) {
    const done = db.transaction(() => {
      const v = db.pragma('user_version', { simple: true }) as number;
      if (v >= target) return true;
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
      return false;
    }).immediate();
    if (done) return;
  }
}

/**
 * A write that must not be lost to a moment of contention: better-sqlite3 already waits the busy
 * timeout; if another process still holds the file, the write is tried `retries` more times, then
 * it is one clear line (exit 2 in the CLI) rather than an SqliteError stack.
 */
export function withBusyRetry<T>(db: DB, fn: () => T, retries = 1): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (attempt >= retries) throw new UsageError(busyMessage(db.name, busyTimeoutMs() * (attempt + 1)));
    }
  }
}
