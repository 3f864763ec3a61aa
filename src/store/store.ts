/**
 * The store's one query layer, for SQLite (the embedded default) and PostgreSQL (a shared store
 * for many writers). Queries are written once with Kysely's query builder, compiled for the
 * store's database and run synchronously — better-sqlite3 on SQLite, a worker thread holding
 * the `pg` connection on PostgreSQL (src/store/postgres.ts) — so callers keep the synchronous
 * shape they have with better-sqlite3: a transaction is a plain function, and nothing else in
 * the process runs between its statements.
 */
import {
  DummyDriver, Kysely, sql, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Compilable, type RawBuilder,
} from 'kysely';
import type { Tables } from './tables.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface TxOptions {
  exclusive?: boolean;
  retries?: number;
}

export interface Store {
  readonly dialect: Dialect;
  /** Where the store is, for messages: the file, or the URL without its password. */
  readonly where: string;
  /** Builds queries for this store's database (it executes nothing: pass what it builds to all/get/run). */
  readonly q: Kysely<Tables>;
  all<R>(query: Compilable<R>): R[];
  get<R>(query: Compilable<R>): R | undefined;
  /** Runs a statement; returns the number of rows it changed. */
  run(query: Compilable<unknown>): number;
  /**
   * Runs `fn` in a transaction (a savepoint when nested): all of it is stored or none. `fn` must
   * be synchronous. `exclusive` serialises it against every other exclusive transaction on the
   * store, from any process (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction advisory lock).
   * An outer transaction the store could not run for another writer (SQLite still busy after the
   * busy timeout; PostgreSQL's deadlock or serialization failure) is tried `retries` more times
   * (default 1), then it is one clear line (StoreBusyError).
   */
  tx<T>(fn: () => T, opts?: TxOptions): T;
  close(): void;
}

/** A Kysely that only compiles queries for `dialect` (its driver never connects). */
export function queryBuilder(dialect: Dialect): Kysely<Tables> {
  const pg = dialect === 'postgres';
  return new Kysely<Tables>({
    dialect: {
      createAdapter: () => (pg ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (pg ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (pg ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
  });
}

/**
 * Rows split into batches small enough for one multi-row INSERT on both databases (SQLite binds
 * at most 32,766 parameters a statement, PostgreSQL 65,535): one round trip per batch, not per row.
 */
export function batches<T extends object>(rows: T[], columns: number, max = 500): T[][] {
  const size = Math.max(1, Math.min(max, Math.floor(30_000 / Math.max(1, columns))));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Rows with one row per key, the last one winning (PostgreSQL refuses one INSERT … ON CONFLICT that hits a key twice). */
export function lastPerKey<T>(rows: T[], key: (r: T) => string): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    m.delete(k);
    m.set(k, r);
  }
  return [...m.values()];
}

/** A `sql` template (for what the builder cannot say) as a query for all/get/run, compiled for the store's database. */
export function raw<R>(store: Pick<Store, 'q'>, query: RawBuilder<R>): Compilable<R> {
  return { compile: () => query.compile(store.q) };
}

/**
 * A text column to sort by byte order, as SQLite's BINARY collation does: PostgreSQL sorts text by
 * the database's locale otherwise, and a report must list URLs in the same order on both.
 */
export function bytewise(store: Pick<Store, 'dialect'>, column: string): RawBuilder<string> {
  return store.dialect === 'postgres' ? sql<string>`${sql.ref(column)} COLLATE "C"` : sql<string>`${sql.ref(column)}`;
}

/** `SET col = excluded.col` for each column: the DO UPDATE of an upsert that replaces the row's values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each column takes its own type; the names are checked by C
export function excludedAll<C extends string>(cols: C[]): Record<C, RawBuilder<any>> {
  return Object.fromEntries(cols.map((c) => [c, sql.ref(`excluded.${c}`)])) as Record<C, RawBuilder<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
