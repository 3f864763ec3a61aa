/**
 * The SQLite store (better-sqlite3, WAL): every run, page, link, finding (and, later, ticket).
 * WAL + a busy timeout let the nightly audit and the server write to one file without losing
 * a write; each run's rows go in one transaction, so a crash never leaves half a run.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { MIGRATIONS } from './migrations.ts';

export type DB = Database.Database;

export function openDb(path: string): DB {
  const file = path === ':memory:' ? path : resolve(path);
  let db: DB;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (err) {
    throw new UsageError(`cannot open the database ${file}: ${(err as Error).message} (check --db and that its folder is writable)`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/** Brings the schema up to `to` (default: the newest); a lower `to` makes an older database, for tests. */
export function migrate(db: DB, to = MIGRATIONS.length): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new UsageError(`the database was written by a newer zhaocuo (schema ${version}, this one knows ${MIGRATIONS.length}); upgrade zhaocuo`);
  }
  for (let v = version; v < Math.min(to, MIGRATIONS.length); v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
