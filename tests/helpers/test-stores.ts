/**
 * The store tests run on both databases (describe.each over STORE_KINDS): SQLite files in a
 * temp folder, and databases on one real PostgreSQL per test file (tests/helpers/postgres-server.ts),
 * started when a test first asks for one and stopped by `close()`.
 */
import { join } from 'node:path';
import { openDb, type DB } from '../../src/store/db.ts';
import { startPostgres, type LocalPostgres } from './postgres-server.ts';

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface TestStores {
  /** Where a new, empty store named `name` is: a file path, or a postgres:// URL of a new database. */
  target(kind: StoreKind, name: string): Promise<string>;
  open(kind: StoreKind, name: string): Promise<DB>;
  /** The server, once started (for tests that stop it). */
  server(): Promise<LocalPostgres>;
  close(): Promise<void>;
}

export function testStores(dir: string): TestStores {
  let pg: Promise<LocalPostgres> | undefined;
  let n = 0;
  const server = () => (pg ??= startPostgres());
  const target = async (kind: StoreKind, name: string) => {
    if (kind === 'sqlite') return join(dir, `${name}.db`);
    return (await server()).createDatabase(`${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${++n}`);
  };
  return {
    target,
    open: async (kind, name) => openDb(await target(kind, name)),
    server,
    close: async () => {
      if (pg) await (await pg).close();
    },
  };
}
