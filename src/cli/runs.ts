/** `zhaocuo runs`: the runs kept in the database, newest first. */
import { DB_OPTION_HELP, storeFor } from '../store/target.ts';
import type { Command } from 'commander';
import { openDb } from '../store/db.ts';
import { listRuns } from '../store/runs.ts';
import { positiveInt } from './options.ts';

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('列出数据库中保存的检查运行')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('--site <origin>', '只列此网站的运行')
    .option('-n, --limit <n>', '列出多少条', positiveInt, 20)
    .option('--json', '输出 JSON')
    .action(async (opts: { db?: string; site?: string; limit: number; json?: boolean }) => {
      const db = openDb(await storeFor(opts.db));
      const runs = listRuns(db, { site: opts.site, limit: opts.limit });
      db.close();
      if (opts.json) return void process.stdout.write(JSON.stringify(runs, null, 1) + '\n');
      if (!runs.length) return void process.stdout.write('还没有检查记录：zhaocuo audit <网址>\n');
      for (const r of runs) {
        const s = r.summary as { pages?: number; broken?: number; findingsTotal?: number } | null;
        const figures = s ? `pages ${s.pages} · broken ${s.broken} · findings ${s.findingsTotal}` : (r.error ?? '');
        process.stdout.write(`#${r.id}  ${r.startedAt.slice(0, 19).replace('T', ' ')}  ${r.status.padEnd(8)}  ${r.origin}  ${figures}${r.reportDir ? `  ${r.reportDir}` : ''}\n`);
      }
    });
}
