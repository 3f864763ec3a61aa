/**
 * `zhaocuo start` twice is the same site: the sample portal and its external site keep their
 * ports (stored in the data dir after the first choice), so the second run shows 0 new, 0 fixed
 * and files no ticket; `zhaocuo sample serve` serves the same portal on the same ports until Ctrl-C.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { candidatePorts, DEFAULT_SAMPLE_PORTS, derivedPorts, readStoredPorts, storePorts } from '../src/sample-portal/ports.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zhaocuo.js');

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Holds 127.0.0.1:port (taken already by someone else is as good). */
function hold(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('stable sample ports', () => {
  it('defaults first, then a fallback derived from the data dir, the same every time; a stored pair first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-ports-'));
    const c = candidatePorts(dir);
    expect(c[0]).toEqual(DEFAULT_SAMPLE_PORTS);
    expect(candidatePorts(dir)).toEqual(c);
    expect(new Set(c.map((p) => p.portal)).size).toBe(c.length);
    for (const p of c.slice(1)) {
      expect(p.external).toBe(p.portal + 1);
      expect(p.portal).toBeGreaterThanOrEqual(20000);
      expect(p.external).toBeLessThan(32768);
    }
    expect(derivedPorts(join(dir, 'other'), 0)).not.toEqual(derivedPorts(dir, 0));
    storePorts(dir, c[2]);
    expect(readStoredPorts(dir)).toEqual(c[2]);
    expect(candidatePorts(dir)[0]).toEqual(c[2]);
    expect(candidatePorts(dir, { portal: 9000, external: 9001 })[0]).toEqual({ portal: 9000, external: 9001 });
    rmSync(dir, { recursive: true });
  });
});

describe('zhaocuo start twice, then zhaocuo sample serve', () => {
  let dir: string;
  let db: string;
  const held: (net.Server | null)[] = [];
  const release = async () => {
    await Promise.all(held.splice(0).map((s) => s && new Promise((r) => s.close(r))));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhaocuo-start-'));
    db = join(dir, 'data', 'zhaocuo.db');
    // The usual pair is taken (here by the test, as by a second `npm start` or another service):
    // the first run moves to the data dir's own pair and stores it.
    held.push(await hold(DEFAULT_SAMPLE_PORTS.portal), await hold(DEFAULT_SAMPLE_PORTS.external));
  });
  afterAll(async () => {
    await release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the second run is the same site: 0 new, 0 fixed, no ticket filed twice', async () => {
    const args = (out: string) => ['start', '--no-browser', '--pages', '80', '--db', db, '-o', join(dir, out)];
    const first = await run(args('r1'), dir);
    expect(first.stderr + first.stdout).not.toMatch(/意外错误|内部错误/);
    expect(first.code).toBe(0);
    const stored = readStoredPorts(join(dir, 'data'));
    expect(stored).toEqual(candidatePorts(join(dir, 'data'))[0]);
    expect(stored).not.toEqual(DEFAULT_SAMPLE_PORTS);
    expect(first.stderr).toContain(`端口 ${DEFAULT_SAMPLE_PORTS.portal}/${DEFAULT_SAMPLE_PORTS.external} 已被占用，示例网站改用 ${stored!.portal}/${stored!.external}`);
    expect(first.stdout).toContain(`http://hyj.example.gov.cn:${stored!.portal}/`);
    expect(first.stdout).toMatch(/变化：首次检查本网站；工单新建 [1-9]\d* 个/);

    const store = new Database(db, { readonly: true });
    const ticketsAfter1 = store.prepare('SELECT id, fingerprint, status FROM tickets ORDER BY id').all() as { id: number; fingerprint: string; status: string }[];
    store.close();
    expect(ticketsAfter1.length).toBeGreaterThan(5);

    // The usual pair is free again: the run still keeps the stored pair, so it is the same site.
    await release();
    const second = await run(args('r2'), dir);
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/已被占用/);
    expect(second.stdout).toContain(`http://hyj.example.gov.cn:${stored!.portal}/`);
    expect(second.stdout).toMatch(/变化：与运行 #1 相比，新发现 0 个，已整改 0 个；工单新建 0 个/);
    expect(second.stdout).toMatch(/复查：\d+ 个页面未变.*0 个有变化，0 个新页面/);

    const s = new Database(db, { readonly: true });
    const sites = s.prepare('SELECT origin FROM sites').all() as { origin: string }[];
    const ticketsAfter2 = s.prepare('SELECT id, fingerprint, status FROM tickets ORDER BY id').all() as { id: number; fingerprint: string; status: string }[];
    const runs = s.prepare("SELECT id, site_id FROM runs WHERE status = 'complete'").all() as { id: number; site_id: number }[];
    s.close();
    expect(sites.map((x) => x.origin)).toEqual([`http://hyj.example.gov.cn:${stored!.portal}`]);
    expect(new Set(runs.map((r) => r.site_id)).size).toBe(1);
    expect(ticketsAfter2).toEqual(ticketsAfter1); // none filed, none closed as fixed
    expect(new Set(ticketsAfter2.map((t) => t.fingerprint)).size).toBe(ticketsAfter2.length);
    const html = readFileSync(join(dir, 'r2', 'index.html'), 'utf8');
    expect(html).toMatch(/新发现 <b class="pass">0<\/b> 个，已整改（本次未再发现）<b class="pass">0<\/b> 个/);
  }, 240_000);

  it('zhaocuo sample serve keeps the same portal up on the same ports until Ctrl-C', async () => {
    const stored = readStoredPorts(join(dir, 'data'))!;
    expect(stored).toBeTruthy();
    const child = spawn(process.execPath, [BIN, 'sample', 'serve', '--pages', '80', '--db', db], { cwd: dir, env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const until = Date.now() + 60_000;
      while (!out.includes('按 Ctrl-C 停止') && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(err).toBe('');
      expect(out).toContain('示例网站（示例省海洋与渔业局，');
      expect(out).toContain(`网址：http://127.0.0.1:${stored.portal}/`);
      expect(out).toContain(`外部网站：http://127.0.0.1:${stored.external}/`);
      expect(out).toContain(`http://hyj.example.gov.cn:${stored.portal}/`);
      expect(out).toMatch(/zhaocuo audit http:\/\/hyj\.example\.gov\.cn:\d+\/ --dns-server 127\.0\.0\.1:\d+/);
      const home = await fetch(`http://127.0.0.1:${stored.portal}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('示例省海洋与渔业局');
      expect((await fetch(`http://[::1]:${stored.portal}/`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${stored.external}/ok.html`)).status).toBe(200);
      // Still up a moment later: it serves until stopped.
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('示例网站已停止。');
    await expect(fetch(`http://127.0.0.1:${stored.portal}/`)).rejects.toThrow();
    expect(existsSync(join(dir, 'data', 'sample-ports.json'))).toBe(true);
  }, 90_000);
});
