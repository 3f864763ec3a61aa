/**
 * The SQLite store (better-sqlite3, WAL): the embedded default. WAL + a busy timeout let the
 * nightly audit and the server write to one file without losing a write; a run's rows go in
 * one transaction, so a crash never leaves half a run. Until every module is on the query layer
 * (src/store/store.ts), the better-sqlite3 calls they make (prepare, pragma, exec, transaction)
 * are passed through here.
 */
import Database from 'better-sqlite3';
import type { Compilable, CompiledQuery } from 'kysely';
import { MIGRATIONS, migrationSql } from './migrations.ts';
import { UsageError } from '../config/errors.ts';
import { busyTimeoutMs, withBusyRetry } from './db-errors.ts';
import { queryBuilder, type Store, type TxOptions } from './store.ts';

const CACHE_MAX = 500;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly q = queryBuilder('sqlite');
  readonly prepare: Database.Database['prepare'];
  readonly pragma: Database.Database['pragma'];
  readonly exec: Database.Database['exec'];
  readonly transaction: Database.Database['transaction'];
  private statements = new Map<string, Database.Statement>();

  constructor(readonly raw: Database.Database, readonly where: string) {
    this.prepare = raw.prepare.bind(raw) as Database.Database['prepare'];
    this.pragma = raw.pragma.bind(raw) as Database.Database['pragma'];
    this.exec = raw.exec.bind(raw) as Database.Database['exec'];
    this.transaction = raw.transaction.bind(raw) as Database.Database['transaction'];
  }

  private statement(c: CompiledQuery): { stmt: Database.Statement; params: unknown[] } {
    let stmt = this.statements.get(c.sql);
    if (!stmt) {
      if (this.statements.size >= CACHE_MAX) this.statements.clear();
      stmt = this.raw.prepare(c.sql);
      this.statements.set(c.sql, stmt);
    }
    // better-sqlite3 binds neither booleans nor undefined.
    const params = c.parameters.map((p) => (p === undefined ? null : typeof p === 'boolean' ? Number(p) : p));
    return { stmt, params };
  }

  all<R>(query: Compilable<R>): R[] {
    const { stmt, params } = this.statement(query.compile());
    return stmt.all(...params) as R[];
  }

  get<R>(query: Compilable<R>): R | undefined {
    const { stmt, params } = this.statement(query.compile());
    return stmt.get(...params) as R | undefined;
  }

  run(query: Compilable<unknown>): number {
    const { stmt, params } = this.statement(query.compile());
    return stmt.run(...params).changes;
  }

  /**
   * Every transaction is a write transaction and IMMEDIATE: the write lock is taken (or waited
   * for) up front, never upgraded half-way, so `exclusive` is what SQLite always does. An outer
   * transaction still busy after the busy timeout is tried once more, then one clear line.
   */
  tx<T>(fn: () => T, opts: TxOptions = {}): T {
    const t = this.raw.transaction(fn);
    if (this.raw.inTransaction) return t.immediate();
    return withBusyRetry(this, () => t.immediate(), opts.retries);
  }

  close(): void {
    this.raw.close();
  }
}

export function openSqlite(file: string): SqliteStore {
  // The busy timeout is the constructor's: it holds from the first statement on (the pragmas too).
  const raw = new Database(file, { timeout: busyTimeoutMs() });
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    migrateSqlite(raw);
  } catch (err) {
    raw.close();
    throw err;
  }
  return new SqliteStore(raw, file);
}

/** Brings the schema up to `to` (default: the newest); PRAGMA user_version records how far a file is. */
export function migrateSqlite(db: Database.Database, to = MIGRATIONS.length): void {
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
      db.exec(migrationSql(MIGRATIONS[v], 'sqlite'));
      db.pragma(`user_version = ${v + 1}`);
      return false;
    }).immediate();
    if (done) return;
  }
}
