/** `zhaocuo serve`: the JSON API and the dashboard over the database (default 127.0.0.1:8787). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/load.ts';
import { startServer } from '../server/serve.ts';
import { addScheduleOptions, schedulerFor, type ScheduleFlags } from './schedule.ts';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0–65535 (0 = any free port)');
  return n;
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve the 找错 tickets API and dashboard (tokens: zhaocuo tokens create)')
    .option('-c, --config <file>', 'site config (default: zhaocuo.config.* in the current folder)')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('--host <host>', 'address to listen on (default: server.host, 127.0.0.1)')
    .option('--port <n>', 'port (default: server.port, 8787)', port)
    .option('--no-notify', 'do not send webhook notifications from this process')
    .option('--schedule', 'also audit the registered sites when due (as zhaocuo schedule; --max-parallel …)');
  addScheduleOptions(cmd).action(async (opts: ScheduleFlags & { config?: string; db: string; host?: string; port?: number; notify: boolean; schedule?: boolean }) => {
      const { config } = await loadConfig(opts.config);
      const s = await startServer({ db: opts.db, config, host: opts.host, port: opts.port, notify: opts.notify });
      process.stdout.write(`zhaocuo: serving ${s.url}/ (dashboard) and ${s.url}/api (JSON API) on ${opts.db}\n`);
      const sched = opts.schedule ? schedulerFor(s.db, config, opts) : null;
      sched?.start(opts.interval * 1000);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sched?.stop();
      await s.close();
    });
}
