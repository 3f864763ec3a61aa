/**
 * The PostgreSQL store: a shared store for many writers (audits, workers and the server on
 * several machines), with the schema and queries of the SQLite one (src/store/store.ts). The
 * `pg` connection lives in a worker thread (src/store/pg-worker.mjs); each call posts a request
 * and blocks on Atomics.wait until the reply is there, so the store stays synchronous like
 * better-sqlite3 — one connection, one statement at a time, which is also what a process of
 * zhaocuo does with a SQLite file. The blocking is per statement and a loopback round trip is
 * a fraction of a millisecond; batches keep a run's thousands of rows to a few round trips.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { sql, type Compilable } from 'kysely';
import { MIGRATIONS, migrationSql } from './migrations.ts';
import { queryBuilder, raw, type Store, type TxOptions } from './store.ts';
import { UsageError } from '../config/errors.ts';
import { packagePath } from '../package-root.ts';
import { checkPostgresUrl, postgresError, redactUrl, StoreUnavailableError, withBusyRetry } from './db-errors.ts';

interface Reply {
  rows: Record<string, unknown>[];
  changes: number;
  error?: { message: string; code: string | null; lost: boolean; detail: string | null };
  /** The number of the request this answers. */
  id?: number;
}

/** How long a statement may take before the store gives up on it (the server may be hung, not gone). */
const QUERY_TIMEOUT_MS = 120_000;
/**
 * How long connecting may take, TCP and PostgreSQL's start-up exchange together. A server on a
 * LAN answers in milliseconds; the limit is for a host that says nothing (it drops the SYN, or
 * accepts and never answers: a hung server, another service, a proxy), which blocks every
 * synchronous statement this long. ZHAOCUO_PG_CONNECT_TIMEOUT_MS overrides it for a slow link.
 */
export function connectTimeoutMs(): number {
  const env = Number(process.env.ZHAOCUO_PG_CONNECT_TIMEOUT_MS);
  return process.env.ZHAOCUO_PG_CONNECT_TIMEOUT_MS && Number.isFinite(env) && env > 0 ? Math.floor(env) : 3_000;
}
/** Advisory lock keys: one for exclusive transactions, one for migrations. */
const EXCLUSIVE_KEY = 0x7a6863; // "zhc"
const MIGRATE_KEY = 0x7a686d; // "zhm"

/** Atomics.waitAsync (Node 16+; ES2024's lib, newer than this project's). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { value: Promise<string> | string } }).waitAsync;

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly q = queryBuilder('postgres');
  readonly where: string;
  private worker: Worker;
  private port: MessagePort;
  private flag: Int32Array;
  private requests = 0;
  private depth = 0;
  private closed = false;
  /** Requests a non-blocking ping waits for: a synchronous call that meets their reply keeps it here for them. */
  private readonly pending = new Map<number, Reply | null>();

  constructor(readonly url: string) {
    this.where = redactUrl(url);
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(packagePath('src', 'store', 'pg-worker.mjs'), {
      workerData: { port: port2, signal, url, queryTimeoutMs: QUERY_TIMEOUT_MS, connectTimeoutMs: connectTimeoutMs() },
      transferList: [port2],
      // The worker is plain JavaScript: no TypeScript loader needed there.
      execArgv: [],
    });
    // The worker never keeps the process alive: it only works while the main thread waits on it.
    this.worker.unref();
  }

  private call(msg: Record<string, unknown>): Reply {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
    // Each request has a number and its reply carries it: after a request given up on (below),
    // its late reply must not be taken for the next request's.
    const id = ++this.requests;
    this.port.postMessage({ ...msg, id });
    // Beyond the statement timeout (plus connecting), the worker itself is stuck or gone.
    const deadline = Date.now() + QUERY_TIMEOUT_MS + 30_000;
    for (;;) {
      // The worker posts a reply, then counts it in `flag`: a count seen means its reply is in the port.
      const seen = Atomics.load(this.flag, 0);
      let got: { message: Reply } | undefined;
      while ((got = receiveMessageOnPort(this.port) as { message: Reply } | undefined)) {
        if (got.message.id !== id) {
          // A ping's reply is kept for it; any other is a late reply to a request given up on.
          if (this.pending.has(got.message.id!)) this.pending.set(got.message.id!, got.message);
          continue;
        }
        const reply = got.message;
        if (reply.error) throw postgresError(reply.error, this.url, String(msg.sql ?? msg.op));
        return reply;
      }
      if (Date.now() > deadline) throw new StoreUnavailableError(`PostgreSQL ${this.where} 超过 ${Math.round((QUERY_TIMEOUT_MS + 30_000) / 1000)} 秒无应答：请检查服务器及到它的网络（did not answer: check the server and the network to it）`, null, false);
      Atomics.wait(this.flag, 0, seen, 1_000);
    }
  }

  /**
   * Asks the server without blocking the event loop (SELECT 1, connecting first if need be):
   * resolves once it answers, rejects with the store's line when it cannot be reached. For
   * waiting on a store that went away (a fleet worker asks every few seconds) while other work
   * of the process goes on: a synchronous call would hold the whole process up to the connect
   * timeout each time against a host that says nothing.
   */
  async ping(): Promise<void> {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
    const id = ++this.requests;
    this.pending.set(id, null);
    this.port.postMessage({ op: 'query', sql: 'SELECT 1', params: [], id });
    const deadline = Date.now() + connectTimeoutMs() + QUERY_TIMEOUT_MS;
    try {
      for (;;) {
        const seen = Atomics.load(this.flag, 0);
        let got: { message: Reply } | undefined;
        while (!this.pending.get(id) && (got = receiveMessageOnPort(this.port) as { message: Reply } | undefined)) {
          if (this.pending.has(got.message.id!)) this.pending.set(got.message.id!, got.message);
        }
        const reply = this.pending.get(id);
        if (reply) {
          if (reply.error) throw postgresError(reply.error, this.url, 'SELECT 1');
          return;
        }
        if (Date.now() > deadline) throw new StoreUnavailableError(`PostgreSQL ${this.where} 无应答：请检查服务器及到它的网络（did not answer: check the server and the network to it）`, null, false);
        await waitAsync(this.flag, 0, seen, 1_000).value;
      }
    } finally {
      this.pending.delete(id);
    }
  }

  private exec(compiled: { sql: string; parameters: readonly unknown[] }): Reply {
    const reply = this.call({ op: 'query', sql: compiled.sql, params: compiled.parameters });
    // bytea arrives as a Uint8Array (the structured clone of a Buffer): Buffer again, as better-sqlite3 gives it.
    for (const row of reply.rows) {
      for (const k in row) {
        const v = row[k];
        if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      }
    }
    return reply;
  }

  all<R>(query: Compilable<R>): R[] {
    return this.exec(query.compile()).rows as R[];
  }

  get<R>(query: Compilable<R>): R | undefined {
    return this.exec(query.compile()).rows[0] as R | undefined;
  }

  run(query: Compilable<unknown>): number {
    return this.exec(query.compile()).changes;
  }

  /** Statements without parameters, several at once (migrations). */
  execScript(sql: string): void {
    this.call({ op: 'exec', sql });
  }

  /** A transaction PostgreSQL broke off (a deadlock, a serialization failure) is tried once more, then one clear line. */
  tx<T>(fn: () => T, opts: TxOptions = {}): T {
    if (this.depth > 0) return this.txOnce(fn, opts);
    return withBusyRetry(this, () => this.txOnce(fn, opts), opts.retries);
  }

  private txOnce<T>(fn: () => T, opts: TxOptions): T {
    const outer = this.depth === 0;
    const savepoint = `zc_${this.depth}`;
    if (outer) {
      this.call({ op: 'begin' });
      if (opts.exclusive) this.get(raw(this, sql`SELECT pg_advisory_xact_lock(${EXCLUSIVE_KEY})`));
    } else {
      this.call({ op: 'query', sql: `SAVEPOINT ${savepoint}`, params: [] });
    }
    this.depth++;
    let result: T;
    try {
      result = fn();
      if (result && typeof (result as { then?: unknown }).then === 'function') throw new Error('a store transaction must be synchronous (it returned a promise)');
    } catch (err) {
      this.depth--;
      try {
        if (outer) this.call({ op: 'rollback' });
        else this.call({ op: 'query', sql: `ROLLBACK TO SAVEPOINT ${savepoint}`, params: [] });
      } catch { /* the first error says what went wrong */ }
      throw err;
    }
    this.depth--;
    if (outer) {
      try {
        this.call({ op: 'commit' });
      } catch (err) {
        this.call({ op: 'rollback' });
        throw err;
      }
    } else {
      this.call({ op: 'query', sql: `RELEASE SAVEPOINT ${savepoint}`, params: [] });
    }
    return result;
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } catch { /* closing a store whose server is gone */ }
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  // The better-sqlite3 calls (only tests and benchmarks that read a SQLite file make them): they say so, not fail obscurely.
  prepare(): never {
    throw new UsageError(`这项功能暂不支持 PostgreSQL 存储 (this command does not work with a PostgreSQL store yet: use a SQLite file with --db)`);
  }
  pragma(): never {
    return this.prepare();
  }
  transaction(): never {
    return this.prepare();
  }
}

export function openPostgres(url: string): PostgresStore {
  checkPostgresUrl(url);
  const store = new PostgresStore(url);
  try {
    migratePostgres(store);
  } catch (err) {
    store.close();
    throw err;
  }
  return store;
}

/**
 * Brings a PostgreSQL store up to `to` (default: the newest), one step a transaction, under an
 * advisory lock so two processes starting at once do not both migrate; zhaocuo_schema records
 * how far it is (PostgreSQL has no user_version).
 */
export function migratePostgres(store: PostgresStore, to = MIGRATIONS.length): void {
  const version = () => Number(store.get(raw<{ v: number | null }>(store, sql`SELECT max(version) AS v FROM zhaocuo_schema`))?.v ?? 0);
  const exists = () => Boolean(store.get(raw<{ t: string | null }>(store, sql`SELECT to_regclass('zhaocuo_schema')::text AS t`))?.t);
  const target = Math.min(to, MIGRATIONS.length);
  if (exists() && version() === target) return;
  store.tx(() => {
    store.get(raw(store, sql`SELECT pg_advisory_xact_lock(${MIGRATE_KEY})`));
    // Created under the lock, like every step: processes opening a new database at once (workers
    // started together) would otherwise race on CREATE TABLE IF NOT EXISTS, which PostgreSQL may
    // fail for one of them (a duplicate key in its catalogue).
    store.execScript('CREATE TABLE IF NOT EXISTS zhaocuo_schema (version BIGINT NOT NULL)');
    const from = version();
    if (from > MIGRATIONS.length) {
      throw new UsageError(`数据库由更新版本的 zhaocuo 写入（结构版本 ${from}，本版本只认识到 ${MIGRATIONS.length}），请升级 zhaocuo（the database was written by a newer zhaocuo; upgrade zhaocuo）`);
    }
    for (let v = from; v < target; v++) store.execScript(migrationSql(MIGRATIONS[v], 'postgres'));
    if (target > from) store.execScript(`DELETE FROM zhaocuo_schema; INSERT INTO zhaocuo_schema (version) VALUES (${target})`);
  });
}
