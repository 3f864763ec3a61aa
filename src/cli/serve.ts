/** `zhaocuo serve`: the JSON API and the dashboard over the database (default 127.0.0.1:8787). */
import type { Command } from 'commander';
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
import { InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/load.ts';
import { startServer } from '../server/serve.ts';
import { addScheduleOptions, schedulerFor, type ScheduleFlags } from './schedule.ts';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('应为 0–65535 的端口号（0 表示任一空闲端口）');
  return n;
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('启动找错工单的 API 和管理页面（令牌：zhaocuo tokens create）')
    .option('-c, --config <file>', '站点配置文件（默认：当前目录中的 zhaocuo.config.*）')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('--host <host>', '监听地址（默认：server.host，即 127.0.0.1）')
    .option('--port <n>', '端口（默认：server.port，即 8787）', port)
    .option('--no-notify', '本进程不发送 webhook 通知')
    .option('--schedule', '同时按计划检查已登记的网站（同 zhaocuo schedule；--max-parallel …）');
  addScheduleOptions(cmd).action(async (opts: ScheduleFlags & { config?: string; db?: string; host?: string; port?: number; notify: boolean; schedule?: boolean }) => {
      const { config } = await loadConfig(opts.config);
      const s = await startServer({ db: storeTarget(opts.db, config), config, host: opts.host, port: opts.port, notify: opts.notify });
      process.stdout.write(`zhaocuo：管理页面 ${s.url}/ ，JSON 接口 ${s.url}/api ，数据库 ${s.db.where}\n`);
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
