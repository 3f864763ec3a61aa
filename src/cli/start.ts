/**
 * `npm start` (= `zhaocuo start`): serves the bundled sample portal on loopback, audits it,
 * prints the summary and the report path, and exits 0 — a first look without a real site.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { auditSite } from '../run/audit-site.ts';
import { localToday } from '../gather/dates.ts';
import { Log } from './log.ts';
import { positiveInt } from './options.ts';
import { summaryText } from './summary.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('serve the bundled sample portal (示例省海洋与渔业局) on loopback and audit it')
    .option('--pages <n>', 'size of the sample portal', positiveInt, 300)
    .option('--seed <n>', 'generator seed', positiveInt, 1)
    .option('-o, --out <dir>', 'report folder', 'reports/sample')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('-q, --quiet', 'print only the summary')
    .action(async (opts: { pages: number; seed: number; out: string; db: string; quiet?: boolean }) => {
      const log = Log.pick(opts);
      const today = localToday();
      // Loaded on demand: only `start` needs the generator.
      const { startSamplePortal } = await import('../sample-portal/server.ts');
      const portal = await startSamplePortal({ pages: opts.pages, seed: opts.seed, today, host: 'both' });
      try {
        log.event('portal', { url: portal.url }, `sample portal: ${portal.url} (also ${portal.urlV6})`);
        const { config } = await loadConfig(undefined);
        config.today ??= today;
        config.site.name ??= '示例省海洋与渔业局';
        const res = await auditSite({ startUrl: portal.url + '/', config, db: opts.db, outDir: opts.out, onProgress: log.progress });
        log.clear();
        process.stdout.write(summaryText(res.report, res.files) + '\n');
      } finally {
        await portal.close();
      }
    });
}
