/**
 * `npm start` (= `zhaocuo start`): serves the bundled sample portal on loopback (IPv4 and IPv6)
 * under its own name, hyj.example.gov.cn, answered by a DNS server on loopback, audits it,
 * prints the summary and the report path, and exits 0 — a first look without a real site.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { auditSite } from '../run/audit-site.ts';
import { todayIn } from '../tickets/zoned.ts';
import { Log } from './log.ts';
import { positiveInt } from './options.ts';
import { summaryText } from './summary.ts';

export const SAMPLE_HOST = 'hyj.example.gov.cn';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('serve the bundled sample portal (示例省海洋与渔业局) on loopback and audit it')
    .option('--pages <n>', 'size of the sample portal', positiveInt, 300)
    .option('--seed <n>', 'generator seed', positiveInt, 1)
    .option('-o, --out <dir>', 'report folder', 'reports/sample')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('--port <n>', 'port of the sample portal (a fixed one keeps its runs together in the database, for the trends); busy: any free port', positiveInt, 8360)
    .option('--no-browser', 'skip the browser audits (accessibility, age-friendly, Lighthouse)')
    .option('-q, --quiet', 'print only the summary')
    .action(async (opts: { pages: number; seed: number; out: string; db: string; quiet?: boolean; browser: boolean; port: number }) => {
      const log = Log.pick(opts);
      const { config } = await loadConfig(undefined);
      const today = config.today ?? todayIn(config.tickets.timezone);
      // Loaded on demand: only `start` needs the generator and the DNS server.
      const { startSamplePortal } = await import('../sample-portal/server.ts');
      const { startDnsServer } = await import('../sample-portal/dns.ts');
      const serve = (port: number) => startSamplePortal({ pages: opts.pages, seed: opts.seed, today, host: 'both', port });
      const portal = await serve(opts.port).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        log.event('warning', { port: opts.port }, `zhaocuo: port ${opts.port} is busy; the sample portal takes a free one (its runs are not added to the earlier ones' trends)`);
        return serve(0);
      });
      const dns = await startDnsServer({
        [SAMPLE_HOST]: { A: ['127.0.0.1'], AAAA: ['::1'] },
        'example.gov.cn': { NS: ['ns1.example.gov.cn'] },
        'ns1.example.gov.cn': { A: ['127.0.0.1'], AAAA: ['::1'] },
      });
      try {
        const url = `http://${SAMPLE_HOST}:${portal.port}/`;
        log.event('portal', { url, dns: dns.server }, `sample portal: ${url} (names from the loopback DNS server ${dns.server})`);
        config.today ??= today;
        config.dnsServer ??= dns.server;
        config.site.name ??= '示例省海洋与渔业局';
        if (!opts.browser) config.browser.enabled = false;
        const res = await auditSite({
          startUrl: url,
          config,
          db: opts.db,
          outDir: opts.out,
          onProgress: log.progress,
          onWarning: (m) => log.event('warning', { message: m }, `zhaocuo: warning: ${m}`),
          onBrowserProgress: (p) => {
            if (p.done === 0) log.event('browser', { ...p }, p.phase === 'pages' ? `zhaocuo: browser: opening ${p.total} sampled pages` : `zhaocuo: browser: Lighthouse on ${p.total} page(s)`);
          },
        });
        log.clear();
        process.stdout.write(summaryText(res.report, res.files) + '\n');
      } finally {
        await dns.close();
        await portal.close();
      }
    });
}
