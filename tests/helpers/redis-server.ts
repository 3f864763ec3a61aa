/**
 * A real redis-server for tests and benchmarks: its own port on 127.0.0.1 and its own folder,
 * append-only file fsynced on every write (so a restart keeps every job, as a production Redis
 * with AOF would), stopped and removed afterwards. `stop()` + `start()` again on the same
 * port and folder is Redis going away and coming back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.ts';

export const REDIS_BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface LocalRedis {
  url: string;
  port: number;
  dir: string;
  /** Starts it again (after stop/kill) on the same port with the same data. */
  start(): Promise<void>;
  /** Graceful stop (SIGTERM: Redis writes its files and exits). */
  stop(): Promise<void>;
  /** SIGKILL: Redis dies as a crashed machine would (the AOF keeps what was fsynced). */
  kill(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => { for (const p of running) p.kill('SIGKILL'); });

export async function startRedis(): Promise<LocalRedis> {
  if (!existsSync(REDIS_BIN)) throw new Error(`redis-server not found at ${REDIS_BIN}: run npm run setup (apt-get install redis-server)`);
  const dir = mkdtempSync(join(tmpdir(), 'zhaocuo-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    log = '';
    const p = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no', '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d) => (log += d));
    p.stderr!.on('data', (d) => (log += d));
    running.add(p);
    p.once('exit', () => running.delete(p));
    proc = p;
    try {
      await waitForPort(port, 10_000, () => p.exitCode === null);
    } catch (err) {
      throw new Error(`redis-server did not start: ${(err as Error).message}\n${log}`);
    }
  };
  const end = async (signal: NodeJS.Signals) => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await gone;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    close: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
