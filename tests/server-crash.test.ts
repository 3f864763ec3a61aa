/**
 * Kill the server in the middle of writes: `zhaocuo serve` runs as a child process, takes a
 * stream of ticket filings (while this process also writes to the same database, as a
 * nightly audit would), is SIGKILLed mid-stream and restarted. Every ticket the server
 * acknowledged (201) is still there, intact, and numbering continues without collisions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDb } from '../src/store/db.ts';
import { createToken } from '../src/server/tokens.ts';
import { parseConfig } from '../src/config/load.ts';
import { ticketContext } from '../src/tickets/context.ts';
import { createTicket } from '../src/tickets/service.ts';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'zc-crash-'));
const dbFile = join(dir, 'crash.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/index.ts'), 'serve', '--db', dbFile, '--port', String(port), '--no-notify'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /管理页面 (http:\/\/\S+?)\/ /.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url };
}

describe('SIGKILL in the middle of writes', () => {
  it('every acknowledged ticket survives the crash', async () => {
    const db = openDb(dbFile);
    const { token } = createToken(db, { name: '管理员', role: 'admin' });
    const ctx = ticketContext(parseConfig({}));

    const { child, url } = await serve();
    const acked = new Map<string, string>(); // number → description
    let sent = 0;
    let failed = 0;
    let killed = false;
    const direct: string[] = [];

    const worker = async () => {
      while (!killed) {
        const description = `崩溃测试 ${++sent}`;
        try {
          const r = await fetch(url + '/api/tickets', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ category: '其他', description, pageUrl: 'https://hyj.example.gov.cn/zwgk/x.html' }),
          });
          if (r.status === 201) acked.set(((await r.json()) as { number: string }).number, description);
        } catch {
          failed++;
          if (killed) return;
        }
      }
    };
    // this process writes too, like an audit run on the same database
    const auditor = (async () => {
      for (let i = 0; !killed; i++) {
        direct.push(createTicket(db, ctx, { source: 'audit', category: '内容无法访问', description: `audit ${i}` }, { name: 'audit' }).ticket.number);
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const workers = Array.from({ length: 8 }, worker);
    while (acked.size < 80) await new Promise((r) => setTimeout(r, 5));
    // The writers go on until the server is dead (not just signalled), so requests are in flight
    // when it dies: a request answered between the signal and the death is acknowledged too.
    const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    child.kill('SIGKILL');
    await exited;
    killed = true;
    await Promise.all([...workers, auditor]);
    expect(child.signalCode).toBe('SIGKILL');
    expect(failed).toBeGreaterThan(0); // requests really were in flight when it died

    // restart on the same file: everything acknowledged is there, unchanged
    const again = await serve();
    const list = (await (await fetch(again.url + '/api/tickets?limit=10000', { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { number: string; description: string }[] };
    const stored = new Map(list.items.map((t) => [t.number, t.description]));
    for (const [number, description] of acked) expect(stored.get(number), number).toBe(description);
    for (const n of direct) expect(stored.has(n), n).toBe(true);
    expect(new Set(list.items.map((t) => t.number)).size).toBe(list.items.length);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    // and it keeps working: the next number follows the highest one
    const next = (await (
      await fetch(again.url + '/api/tickets', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ category: '其他', description: 'after restart' }) })
    ).json()) as { number: string };
    expect(stored.has(next.number)).toBe(false);
    expect(next.number > [...stored.keys()].sort().at(-1)!).toBe(true);
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
    expect(again.child.exitCode).toBe(0);
    db.close();
  }, 30_000);
});
