/** The CLI as a webmaster's cron job runs it: exit codes, one-line errors, runs kept in SQLite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from './helpers/http-server.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zhaocuo.js');

function run(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Browser and IPv6 passes have their own tests; here only the CLI contract matters.
    const fast = args[0] === 'audit' ? ['--no-browser', '--no-ipv6'] : [];
    execFile(process.execPath, [BIN, ...args, ...fast], { cwd: cwd ?? dir, timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let srv: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zhaocuo-cli-'));
  srv = await startServer({
    '/': '<html lang="zh-CN"><title>首页</title><a href="/a.html">A</a><a href="/gone.html">失效</a></html>',
    '/a.html': '<html><title>A</title><a href="/">首页</a></html>',
  });
});
afterAll(() => srv?.close());

describe('usage and config errors exit 2 with one clear line', () => {
  it('an invalid URL', async () => {
    const r = await run(['audit', 'not a url', '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^zhaocuo: 不是有效的网址："not a url"，请写成 https:\/\/www\.example\.gov\.cn\/ 的形式/);
  });
  it('an unknown key in the config names the key', async () => {
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ crawl: { maxPagez: 3 } }));
    const r = await run(['audit', srv.url, '--config', cfg, '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/有误（is invalid）/);
    expect(r.stderr).toMatch(/crawl\.maxPagez：未知的配置项，请检查拼写/);
  });
  it('a wrong type in the config names the key and the problem', async () => {
    const cfg = join(dir, 'bad2.yaml');
    writeFileSync(cfg, 'crawl:\n  maxPages: lots\n');
    const r = await run(['audit', srv.url, '--config', cfg, '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/crawl\.maxPages：无效输入：期望 数字/);
  });
  it('malformed JSON', async () => {
    const cfg = join(dir, 'bad3.json');
    writeFileSync(cfg, '{ "crawl": ');
    const r = await run(['audit', srv.url, '--config', cfg, '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/无法读取配置文件 .*bad3\.json/);
  });
  it('an unwritable out dir fails before the crawl', async () => {
    const r = await run(['audit', srv.url, '--out', '/proc/zhaocuo-cannot-write', '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/无法把报告写入 \/proc\/zhaocuo-cannot-write/);
  });
  it('an unknown audit in --only', async () => {
    const r = await run(['audit', srv.url, '--only', 'linkz', '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--only：没有检查项 linkz；可用的有：links（链接可用性）/);
  });
  it('a bad option value', async () => {
    const r = await run(['audit', srv.url, '--max-pages', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/错误：选项 --max-pages <n> 的值“many”无效：应为正整数/);
  });
  it('an unknown option and a missing argument are said in Chinese', async () => {
    const a = await run(['runs', '--bogus']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/错误：未知选项 --bogus/);
    const b = await run(['tickets', 'show']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/错误：缺少参数 <number>/);
  });
});

describe('help is Chinese', () => {
  /** Help text of zhaocuo and of every command: headings, descriptions and option texts all Chinese. */
  it('zhaocuo --help and every command\'s --help', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^用法： zhaocuo/);
    expect(top.stdout).toContain('命令：');
    const commands = [...top.stdout.matchAll(/^  (\w+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['audit', 'probe', 'runs', 'start', 'serve', 'tickets', 'tokens', 'report', 'annual', 'sites', 'schedule']));
    // One process shows the help as it prints; every command's and subcommand's help is the same
    // renderer, read in-process (spawning 25 processes is slow on a loaded machine).
    const { buildProgram } = await import('../src/cli/index.ts');
    const helps = [top.stdout];
    for (const c of (await buildProgram()).commands) {
      helps.push(c.helpInformation());
      for (const s of c.commands) if (s.name() !== 'help') helps.push(s.helpInformation());
    }
    expect(helps.length).toBeGreaterThan(20);
    for (const h of helps) {
      expect(h).toContain('选项：');
      // Every description line (after the flags column) holds Chinese; no English sentence is left.
      for (const line of h.split('\n').filter((l) => /^  \S/.test(l))) {
        const text = line.replace(/^\s+(-\S+(, )?)*(--?[\w-]+( <[^>]+>)?)?\s*|^\s+\S+( \[options\])?( <[^>]+>)?\s+/, '');
        if (text) expect(text, line).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(h).not.toMatch(/display help|output the version|\(default:/);
    }
  }, 120_000);
});

describe('runs', () => {
  it('an unreachable site exits 3 and leaves no report behind', async () => {
    const out = join(dir, 'unreachable');
    const r = await run(['audit', 'http://127.0.0.2:59999/', '--out', out, '--db', join(dir, 'z.db'), '--timeout', '2']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/无法打开起始网址 .*连接被拒绝/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });

  it('exit 1 when a finding reaches --fail-on, 0 below it; both runs are kept', { timeout: 30_000 }, async () => {
    const db = join(dir, 'z.db');
    const a = await run(['audit', srv.url + '/', '--out', join(dir, 'r1'), '--db', db, '--fail-on', 'medium', '--quiet']);
    expect(a.code).toBe(1);
    expect(a.stdout).toMatch(/不可用 1/);
    expect(a.stdout).toMatch(/报告：.*index\.html/);
    const b = await run(['audit', srv.url + '/', '--out', join(dir, 'r2'), '--db', db, '--fail-on', 'critical', '--only', 'links', '--quiet']);
    expect(b.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r2', 'report.json'), 'utf8'));
    expect(report.links.find((l: { url: string }) => l.url.endsWith('/gone.html'))).toMatchObject({ state: 'broken', status: 404 });
    const runs = await run(['runs', '--db', db, '--json']);
    const list = JSON.parse(runs.stdout) as { status: string; origin: string }[];
    expect(list.filter((x) => x.status === 'complete' && x.origin === srv.url)).toHaveLength(2);
    expect(list.some((x) => x.status === 'failed')).toBe(true);
  });

  it('--log json prints one JSON event a line for cron', { timeout: 30_000 }, async () => {
    const r = await run(['audit', srv.url + '/', '--no-db', '--out', join(dir, 'r3'), '--log', 'json']);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['start', 'done']));
    expect(events.find((e) => e.event === 'done').summary.pages).toBe(2);
  });
});
