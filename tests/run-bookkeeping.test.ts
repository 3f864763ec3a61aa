/**
 * No run stays 'running': a killed audit is marked failed on the next open of the store, a
 * heartbeat keeps a live one running, a failure after the run was stored does not undo it,
 * a busy store is one clear line, and report folders keep no temp files of dead writers. The
 * bookkeeping runs on both stores (SQLite files, and one real PostgreSQL this file starts); on
 * PostgreSQL also: a killed audit, and the server going away under a running audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServer, type TestServer } from './helpers/http-server.ts';
import { parseConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { UsageError } from '../src/config/errors.ts';
import { auditSite } from '../src/run/audit-site.ts';
import { openDb, type DB } from '../src/store/db.ts';
import { beginRun, failRun, getRun } from '../src/store/runs.ts';
import { markStaleRuns, RUN_INTERRUPTED, RUN_STALE_MS } from '../src/store/stale-runs.ts';
import { StartUrlError } from '../src/gather/crawl.ts';
import { STORE_KINDS, testStores, type StoreKind, type TestStores } from './helpers/test-stores.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zhaocuo.js');
/** Cases that start the CLI (tsx) take seconds on a loaded 2-core machine. */
const T = 120_000;
let dir: string;
let site: TestServer;
let config: Config;
let one: Config; // a crawl of the one page /only
let stores: TestStores;
const links = ['/only', ...Array.from({ length: 3 }, (_, i) => `/p${i}.html`)];

function zhaocuo(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 90_000, env: { ...process.env, FORCE_COLOR: '0', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pid that was alive a moment ago and is not now (a child that has exited and been reaped). */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zc-runs-'));
  stores = testStores(dir);
  site = await startServer({
    '/': `<html lang="zh-CN"><title>测试局</title>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}</html>`,
    '/only': '<html><title>一页</title></html>',
    // A page that answers slowly: an in-process audit is under way long enough to see heartbeats.
    '/p0.html': (_req, res) => void setTimeout(() => res.end('<html><title>慢</title></html>'), 1500),
  });
  config = parseConfig({ today: '2026-12-04', ipv6: { enabled: false }, browser: { enabled: false }, crawl: { retries: 0 } });
  one = parseConfig({ today: '2026-12-04', ipv6: { enabled: false }, browser: { enabled: false }, crawl: { retries: 0, maxPages: 1 } });
}, T);
afterAll(async () => {
  await site?.close();
  await stores?.close();
});

/** The running run's process as the store has it. */
const runningRow = (db: DB) => db.get(db.q.selectFrom('runs').select(['status', 'pid', 'host']).where('status', '=', 'running'));

describe.each(STORE_KINDS)('a killed audit (%s)', (kind) => {
  it('SIGKILLed mid-run: zhaocuo runs shows it failed 「运行中断（进程已退出）」', async () => {
    // A site that accepts and never answers: the child is mid-crawl when it is killed.
    const hang = http.createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
    const target = await stores.target(kind, 'killed');
    const db = openDb(target);
    const child = spawn(process.execPath, [BIN, 'audit', url, '--db', target, '--no-browser', '--no-ipv6', '--timeout', '120', '-q'], { cwd: dir, stdio: 'ignore' });
    for (let i = 0; i < 1200 && !runningRow(db); i++) await sleep(50);
    expect(runningRow(db)).toEqual({ status: 'running', pid: child.pid, host: hostname() });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    db.close();
    hang.close();
    (hang as unknown as { closeAllConnections(): void }).closeAllConnections();

    const r = await zhaocuo(['runs', '--db', target]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^#1 .* failed .*运行中断（进程已退出）/m);
    const json = JSON.parse((await zhaocuo(['runs', '--db', target, '--json'])).stdout) as { status: string; error: string; finishedAt: string | null }[];
    expect(json[0]).toMatchObject({ status: 'failed', error: RUN_INTERRUPTED.exited });
    expect(json[0].finishedAt).not.toBeNull();
  }, T);
});

describe.each(STORE_KINDS)('which running runs are stale when the store is opened (%s)', (kind: StoreKind) => {
  it('dead pid on this host, or no heartbeat for 10 minutes: failed; a live or fresh one: still running', async () => {
    const file = await stores.target(kind, 'stale');
    const db = openDb(file);
    const now = Date.now();
    const add = (origin: string, pid: number | null, host: string | null, beatAgoMs: number | null) => {
      const id = beginRun(db, origin, origin + '/', '2026-12-04');
      db.run(
        db.q.updateTable('runs')
          .set({ pid, host, heartbeat_at: beatAgoMs === null ? null : new Date(now - beatAgoMs).toISOString(), started_at: new Date(now - (beatAgoMs ?? 3600_000)).toISOString() })
          .where('id', '=', id),
      );
      return id;
    };
    const dead = add('http://dead.example', await deadPid(), hostname(), 1000);
    const silent = add('http://silent.example', 12345, 'another-host', RUN_STALE_MS + 60_000);
    const fresh = add('http://fresh.example', 12345, 'another-host', 60_000);
    const mine = add('http://mine.example', process.pid, hostname(), 5 * 60_000);
    const old = add('http://old.example', null, null, null); // stored before migration 7: started an hour ago
    db.close();

    const again = openDb(file);
    const status = (id: number) => getRun(again, id)!;
    expect(status(dead)).toMatchObject({ status: 'failed', error: RUN_INTERRUPTED.exited });
    expect(status(silent)).toMatchObject({ status: 'failed', error: RUN_INTERRUPTED.silent });
    expect(status(old)).toMatchObject({ status: 'failed', error: RUN_INTERRUPTED.silent });
    expect(status(fresh).status).toBe('running');
    expect(status(mine).status).toBe('running');
    expect(markStaleRuns(again)).toBe(0); // nothing left to mark
    again.close();
  });

  it('failRun marks only a run still running: a complete run stays complete, a failed one keeps its first error', async () => {
    const db = await stores.open(kind, 'failrun');
    const a = beginRun(db, 'http://a.example', 'http://a.example/', '2026-12-04');
    db.run(db.q.updateTable('runs').set({ status: 'complete' }).where('id', '=', a));
    expect(failRun(db, a, 'late')).toBe(false);
    expect(getRun(db, a)).toMatchObject({ status: 'complete', error: null });
    const b = beginRun(db, 'http://b.example', 'http://b.example/', '2026-12-04');
    expect(failRun(db, b, 'first')).toBe(true);
    expect(failRun(db, b, 'second')).toBe(false);
    expect(getRun(db, b)).toMatchObject({ status: 'failed', error: 'first' });
    db.close();
  });
});

describe.each(STORE_KINDS)('the heartbeat of an audit in this process (%s)', (kind) => {
  it('refreshes its heartbeat while it runs, and stops when it ends', async () => {
    const db = await stores.open(kind, 'beat');
    const runningBeat = () => db.get(db.q.selectFrom('runs').select('heartbeat_at as h').where('status', '=', 'running'))?.h;
    const beatOf = (id: number) => db.get(db.q.selectFrom('runs').select('heartbeat_at as h').where('id', '=', id))?.h;
    const seen = new Set<string>();
    const watch = setInterval(() => {
      const h = runningBeat();
      if (h) seen.add(h);
    }, 20);
    const res = await auditSite({ startUrl: site.url + '/', config, db, outDir: null, heartbeatMs: 100 });
    clearInterval(watch);
    expect(getRun(db, res.runId!)!.status).toBe('complete');
    expect(seen.size).toBeGreaterThanOrEqual(3); // the first beat and at least two refreshes over the 1.5 s page
    const last = beatOf(res.runId!);
    await sleep(400);
    expect(beatOf(res.runId!)).toBe(last);
    db.close();
  }, T);
});

describe('an audit in this process', () => {

  it('a report that cannot be written: a clear error, the run stays complete, no temp file left', async () => {
    const db = openDb(join(dir, 'report-fails.db'));
    const out = join(dir, 'out-blocked');
    // index.html is a folder with a file in it: the rename of the finished report onto it fails.
    mkdirSync(join(out, 'index.html'), { recursive: true });
    writeFileSync(join(out, 'index.html', 'keep'), '');
    const err = await auditSite({ startUrl: site.url + '/only', config: one, db, outDir: out }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^报告文件写入失败：.*运行 #1 已完整保存，可用 zhaocuo report --run 1 重新生成/);
    expect(getRun(db, 1)).toMatchObject({ status: 'complete', error: null });
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
    db.close();
  }, T);

  it('removes the temp files a dead writer left in the report folder, and keeps a live writer’s', async () => {
    const out = join(dir, 'out-stale');
    mkdirSync(out, { recursive: true });
    const gone = await deadPid();
    writeFileSync(join(out, `report.json.tmp-${gone}`), '{"half":');
    writeFileSync(join(out, `index.html.tmp-${gone}`), '<html>');
    writeFileSync(join(out, `report.pdf.tmp-${process.pid}`), 'in progress');
    const res = await auditSite({ startUrl: site.url + '/only', config: one, db: null, outDir: out });
    expect(existsSync(res.files!.json)).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-')).sort()).toEqual([`report.pdf.tmp-${process.pid}`]);
  }, T);

  it('marking a run failed that itself fails (the store is busy): one warning line, the audit’s own error is thrown', async () => {
    const file = join(dir, 'fail-busy.db');
    openDb(file).close();
    const holder = new Database(file);
    // The start URL answers 404 once another connection holds the write lock: the crawl fails, and so does marking the run failed.
    const s404 = await startServer({
      '/': (_req, res) => {
        holder.exec('BEGIN IMMEDIATE');
        res.writeHead(404).end();
      },
    });
    const warnings: string[] = [];
    const prev = process.env.ZHAOCUO_DB_TIMEOUT_MS;
    process.env.ZHAOCUO_DB_TIMEOUT_MS = '100';
    try {
      const err = await auditSite({ startUrl: s404.url + '/', config, db: file, outDir: null, onWarning: (m) => warnings.push(m) }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(StartUrlError);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^运行 #1 未能标记为失败（could not mark run #1 failed: 数据库正被另一个进程写入/);
    } finally {
      if (prev === undefined) delete process.env.ZHAOCUO_DB_TIMEOUT_MS;
      else process.env.ZHAOCUO_DB_TIMEOUT_MS = prev;
      holder.exec('ROLLBACK');
      holder.close();
      await s404.close();
    }
  }, T);
});

describe('a store another process is writing', () => {
  it('zhaocuo audit: tried again, then one clear line and exit 2, no stack', async () => {
    const file = join(dir, 'busy.db');
    openDb(file).close();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare('INSERT INTO sites (origin, created_at) VALUES (?, ?)').run('http://held.example', new Date().toISOString());
    const before = site.count('GET', '/only');
    try {
      const r = await zhaocuo(['audit', site.url + '/only', '--db', file, '--no-browser', '--no-ipv6', '-q', '--max-pages', '1'], { ZHAOCUO_DB_TIMEOUT_MS: '200' });
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(r.stderr).not.toMatch(/^\s+at |SqliteError|unexpected error/m);
      // Two attempts of 0.2 s each.
      expect(lines[0]).toMatch(/^zhaocuo: 数据库正被另一个进程写入，等待 0\.4 秒后仍未释放：.*busy\.db。请稍后重试/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(site.count('GET', '/only')).toBe(before); // it never started crawling
  }, T);
});

describe('PostgreSQL going away under a running audit', () => {
  it('the audit stops with one line naming what to start, nothing stored before is lost, and the run is marked interrupted once the server is back', async () => {
    const pg = await stores.server();
    const url = await stores.target('postgres', 'away');
    const first = await zhaocuo(['audit', site.url + '/only', '--db', url, '--no-browser', '--no-ipv6', '-q', '--max-pages', '1', '-o', join(dir, 'away-1')]);
    expect(first.code, first.stderr).not.toBe(2);

    // A site whose one article is held until let go: the audit is surely mid-crawl when the server stops.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = await startServer({
      '/': '<html lang="zh-CN"><title>慢局</title><a href="/a.html">文章</a></html>',
      '/a.html': (_req, res) => void held.then(() => res.end('<html><title>文章</title></html>')),
    });
    const child = spawn(process.execPath, [BIN, 'audit', slow.url + '/', '--db', url, '--no-browser', '--no-ipv6', '-q', '--timeout', '120', '-o', join(dir, 'away-2')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const db = openDb(url);
      for (let i = 0; i < 1200 && !(runningRow(db) && slow.count('GET', '/a.html')); i++) await sleep(50);
      expect(runningRow(db)).toMatchObject({ status: 'running', pid: child.pid });
      db.close();
      await pg.stop();
      release();
      expect(await exited).toBe(2);
    } finally {
      release();
      child.kill('SIGKILL');
      await slow.close();
      await pg.start();
    }
    expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
    expect(stderr).toMatch(/^zhaocuo: 与 PostgreSQL 127\.0\.0\.1:\d+ 的连接中断：请重新启动 PostgreSQL.*之前保存的内容都在/);
    expect(stderr).not.toMatch(/^\s+at |unexpected error/m);

    const r = await zhaocuo(['runs', '--db', url, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout) as { id: number; status: string; error: string | null; summary: unknown }[];
    expect(runs.map((x) => [x.id, x.status])).toEqual([[2, 'failed'], [1, 'complete']]);
    expect(runs[0].error).toBe(RUN_INTERRUPTED.exited);
    expect(runs[1].summary).not.toBeNull(); // the first audit, acknowledged before the server went away, is whole
  }, T);
});
