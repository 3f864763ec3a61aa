/**
 * A damaged, foreign, locked or unreachable database file is one clear line on stderr (Chinese
 * first, what to fix) and exit 2 — through `runs`, `audit` and `serve` — never a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../src/store/db.ts';
import { beginRun } from '../src/store/runs.ts';

/** Each case starts the CLI (tsx) once or twice: seconds on a loaded 2-core machine. */
const T = 90_000;
const BIN = join(import.meta.dirname, '..', 'bin', 'zhaocuo.js');
let dir: string;

function zhaocuo(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One line, no stack frames ("    at …"), no "unexpected error". */
function oneClearLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/unexpected error|SqliteError/);
  return lines[0];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zc-dberr-'));
  writeFileSync(join(dir, 'random.db'), randomBytes(64 * 1024));
  // A real store whose pages after the first (the header and schema) are overwritten: SQLITE_CORRUPT on the first query.
  const good = join(dir, 'corrupt.db');
  const db = openDb(good);
  for (let i = 0; i < 200; i++) beginRun(db, `http://127.0.0.1:${1000 + i}`, `http://127.0.0.1:${1000 + i}/`, '2026-12-04');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = statSync(good).size;
  const fd = openSync(good, 'r+');
  for (let off = 4096 * 2; off < size; off += 4096) writeSync(fd, randomBytes(4096), 0, 4096, off);
  closeSync(fd);
  mkdirSync(join(dir, 'a-folder.db'));
});

describe('a database file that is not SQLite', () => {
  it('zhaocuo runs: one line that says to restore or pass --db a new file, exit 2', async () => {
    const r = await zhaocuo(['runs', '--db', 'random.db']);
    expect(r.code).toBe(2);
    const line = oneClearLine(r.stderr);
    expect(line).toMatch(/^zhaocuo: 数据库文件已损坏或不是 SQLite 文件：.*random\.db。请从备份恢复，或用 --db 指定一个新文件/);
  }, T);

  it('zhaocuo audit: the same line, before any crawl', async () => {
    const r = await zhaocuo(['audit', 'http://127.0.0.1:9/', '--db', 'random.db', '--no-browser', '--no-ipv6', '-q']);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toContain('数据库文件已损坏或不是 SQLite 文件');
  }, T);

  it('zhaocuo serve: the same line, and it does not start listening', async () => {
    const r = await zhaocuo(['serve', '--db', 'random.db', '--port', '0']);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toContain('数据库文件已损坏或不是 SQLite 文件');
    expect(r.stdout).not.toContain('serving');
  }, T);
});

describe('a damaged SQLite file (valid header, garbage pages)', () => {
  it('zhaocuo runs: one line, exit 2', async () => {
    const r = await zhaocuo(['runs', '--db', 'corrupt.db']);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toContain('数据库文件已损坏或不是 SQLite 文件');
  }, T);
});

describe('a path that cannot be opened', () => {
  it('--db naming a folder: one line that says to check --db', async () => {
    const r = await zhaocuo(['runs', '--db', 'a-folder.db']);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toMatch(/无法打开数据库文件：.*a-folder\.db。请检查 --db 的路径/);
  }, T);
});

describe('a database another process is writing', () => {
  let holder: Database.Database;
  beforeAll(() => {
    const file = join(dir, 'busy.db');
    openDb(file).close();
    holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('INSERT INTO sites (origin, created_at) VALUES (?, ?)').run('http://held.example', new Date().toISOString());
  });
  afterAll(() => {
    holder.exec('ROLLBACK');
    holder.close();
  });

  it('a write that waits past the busy timeout: one line that says to try again, exit 2', async () => {
    const r = await zhaocuo(['sites', 'add', 'http://127.0.0.1:9/', '--name', '测试站', '--db', 'busy.db'], { ZHAOCUO_DB_TIMEOUT_MS: '200' });
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toMatch(/^zhaocuo: 数据库正被另一个进程写入，等待 [\d.]+ 秒后仍未释放.*请稍后重试/);
  }, T);

  it('reading is not blocked by the writer (WAL): zhaocuo runs answers', async () => {
    const r = await zhaocuo(['runs', '--db', 'busy.db'], { ZHAOCUO_DB_TIMEOUT_MS: '200' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, T);
});

describe('a new store opened by several processes at once', () => {
  it('every one of them gets the newest schema (the migrations run once, none fails)', async () => {
    // Five real processes wait at a barrier (a file appearing), then open the same new file.
    const file = join(dir, 'together.db');
    const go = join(dir, 'together.go');
    const script = `
      import { existsSync } from 'node:fs';
      import { openDb } from ${JSON.stringify(join(import.meta.dirname, '..', 'src', 'store', 'db.ts'))};
      process.stdout.write('ready\\n');
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
      const db = openDb(${JSON.stringify(file)});
      process.stdout.write('version ' + db.pragma('user_version', { simple: true }) + '\\n');
      db.close();`;
    const kids = Array.from({ length: 5 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] }));
    const outs = kids.map((k) => {
      const o = { out: '', err: '', code: null as number | null };
      k.stdout!.on('data', (d) => (o.out += d));
      k.stderr!.on('data', (d) => (o.err += d));
      return { o, exited: new Promise<void>((r) => k.once('exit', (c) => ((o.code = c), r()))) };
    });
    for (let i = 0; i < 600 && !outs.every(({ o }) => o.out.includes('ready')); i++) await new Promise((r) => setTimeout(r, 100));
    writeFileSync(go, '');
    await Promise.all(outs.map((x) => x.exited));
    const newest = (openDb(file).pragma('user_version', { simple: true }) as number);
    for (const { o } of outs) {
      expect(o.err).toBe('');
      expect(o.code).toBe(0);
      expect(o.out).toContain(`version ${newest}`);
    }
  }, T);
});
