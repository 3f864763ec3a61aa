/**
 * Opening the store: a SQLite file (the embedded default) or, for a `postgres://` URL, a shared
 * PostgreSQL database; either is migrated to the newest schema. See src/store/store.ts for the
 * query layer both share. A store that is damaged, held by another process, read-only,
 * unreachable or refused is one clear line (src/store/db-errors.ts), not a stack trace. Opening
 * marks the runs whose process is gone failed (src/store/stale-runs.ts), so no surface shows a
 * dead run as 'running'.
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { dbUsageError } from './db-errors.ts';
import { migrateSqlite, openSqlite, SqliteStore } from './sqlite.ts';
import { openPostgres, PostgresStore } from './postgres.ts';
import { markStaleRuns } from './stale-runs.ts';

/**
 * The store, as every module takes it. Every module in src/ is on the query layer (all, get,
 * run, tx); the better-sqlite3 calls (prepare, pragma, exec, transaction) remain on a SQLite
 * store for tests and benchmarks that read a file directly; on PostgreSQL they throw a message
 * saying so.
 */
export type DB = SqliteStore | (PostgresStore & Pick<SqliteStore, 'prepare' | 'pragma' | 'exec' | 'transaction'>);

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** Opens `target`: a SQLite file path (or ':memory:'), or a postgres:// URL. */
export function openDb(target: string): DB {
  if (isPostgresUrl(target)) {
    const store = openPostgres(target) as unknown as DB;
    try {
      markStaleRuns(store);
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }
  const file = target === ':memory:' ? target : resolve(target);
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new UsageError(`无法创建数据库所在的文件夹：${dirname(file)}（cannot create the database folder: ${(err as Error).message}; check --db and that its folder is writable）`);
  }
  let db: SqliteStore | undefined;
  try {
    db = openSqlite(file);
    markStaleRuns(db);
    return db;
  } catch (err) {
    db?.close();
    throw dbUsageError(err, file) ?? (err instanceof UsageError ? err : new UsageError(`无法打开数据库：${file}（cannot open the database: ${(err as Error).message}; check --db）`));
  }
}

/** Brings a SQLite file's schema up to `to` (default: the newest); a lower `to` makes an older database, for tests. */
export function migrate(db: Database.Database | SqliteStore, to?: number): void {
  migrateSqlite(db instanceof SqliteStore ? db.raw : db, to);
}

export { withBusyRetry } from './db-errors.ts';
