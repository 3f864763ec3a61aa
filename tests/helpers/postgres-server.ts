/**
 * A real PostgreSQL for tests and benchmarks: initdb into a temporary folder, the server on a
 * free 127.0.0.1 port (TCP only: its socket file stays in that folder), trust auth for the
 * user `zhaocuo`, stopped and removed afterwards. PostgreSQL refuses to run as root, so as
 * root both run as the `postgres` user Debian's package creates (else `nobody`), in a folder
 * handed to that user. Durability settings are off: a test database need not survive a
 * power cut, and initdb + start then take about a second.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.ts';

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!majors.length) throw new Error('PostgreSQL not found under /usr/lib/postgresql: run npm run setup (apt-get install postgresql)');
  return join(root, majors[0], 'bin');
}

/** uid/gid to run PostgreSQL as: ourselves unless root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch { /* no such user */ }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export interface LocalPostgres {
  /** postgres://zhaocuo@127.0.0.1:PORT/zhaocuo */
  url: string;
  port: number;
  /** A connection URL to another database on this server (created by `createDatabase`). */
  urlFor(db: string): string;
  createDatabase(name: string): Promise<string>;
  start(): Promise<void>;
  /** Fast shutdown (SIGINT): clients are disconnected, as when the server is stopped under them. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => { for (const p of running) p.kill('SIGKILL'); });

/**
 * `passwordUsers`: users who must log in with a password over TCP (scram-sha-256), for tests of
 * a wrong password; each is created (LOGIN, CREATEDB) with its password. Everyone else: trust.
 */
export async function startPostgres(opts: { passwordUsers?: Record<string, string> } = {}): Promise<LocalPostgres> {
  const bin = postgresBin();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'zhaocuo', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'], { ...ids, cwd: dir, stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${e.stderr?.toString() || e.message}`);
  }
  const pwUsers = Object.entries(opts.passwordUsers ?? {});
  for (const [name] of pwUsers) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad user name ${name}`);
  if (pwUsers.length) {
    // pg_hba.conf is read top down: these lines come before initdb's "trust" ones.
    const hba = join(data, 'pg_hba.conf');
    writeFileSync(hba, pwUsers.map(([name]) => `host all ${name} 127.0.0.1/32 scram-sha-256\n`).join('') + readFileSync(hba, 'utf8'));
  }
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    log = '';
    const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
    const p = spawn(join(bin, 'postgres'), args, { ...ids, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d) => (log += d));
    p.stderr!.on('data', (d) => (log += d));
    running.add(p);
    p.once('exit', () => running.delete(p));
    proc = p;
    try {
      await waitForPort(port, 20_000, () => p.exitCode === null);
      // The port opens a moment before the server accepts logins ("the database system is starting up").
      const until = Date.now() + 20_000;
      for (;;) {
        try {
          execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'zhaocuo', '-d', 'postgres'], { stdio: 'ignore' });
          break;
        } catch {
          if (Date.now() > until) throw new Error('pg_isready never answered');
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } catch (err) {
      throw new Error(`postgres did not start: ${(err as Error).message}\n${log}`);
    }
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGINT');
    await gone;
  };
  await start();
  const urlFor = (db: string) => `postgres://zhaocuo@127.0.0.1:${port}/${db}`;
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'zhaocuo', name], { stdio: 'pipe' });
    return urlFor(name);
  };
  await createDatabase('zhaocuo');
  for (const [name, password] of pwUsers) {
    const sqlText = `CREATE ROLE ${name} LOGIN CREATEDB PASSWORD '${password.replace(/'/g, "''")}'`;
    execFileSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'zhaocuo', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sqlText], { stdio: 'pipe' });
  }
  return {
    url: urlFor('zhaocuo'),
    port,
    urlFor,
    createDatabase,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
