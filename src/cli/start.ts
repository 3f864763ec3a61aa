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
    .description('在本机启动自带的示例网站（示例省海洋与渔业局）并检查它')
    .option('--pages <n>', '示例网站的页面数', positiveInt, 300)
    .option('--seed <n>', '生成器随机种子', positiveInt, 1)
    .option('-o, --out <dir>', '报告目录', 'reports/sample')
    .option('--db <file>', 'SQLite 数据库', 'data/zhaocuo.db')
    .option('--port <n>', '示例网站的端口（固定端口让多次运行在数据库中归为同一网站，便于看趋势）；被占用时换一个空闲端口', positiveInt, 8360)
    .option('--no-browser', '不做浏览器检查（无障碍、适老化、Lighthouse）')
    .option('-q, --quiet', '只输出汇总')
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
        log.event('warning', { port: opts.port }, `zhaocuo：端口 ${opts.port} 已被占用，示例网站改用空闲端口（本次运行不计入之前的趋势）`);
        return serve(0);
      });
      const dns = await startDnsServer({
        [SAMPLE_HOST]: { A: ['127.0.0.1'], AAAA: ['::1'] },
        'example.gov.cn': { NS: ['ns1.example.gov.cn'] },
        'ns1.example.gov.cn': { A: ['127.0.0.1'], AAAA: ['::1'] },
      });
      try {
        const url = `http://${SAMPLE_HOST}:${portal.port}/`;
        log.event('portal', { url, dns: dns.server }, `示例网站：${url}（域名由本机 DNS 服务器 ${dns.server} 解析）`);
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
          onWarning: (m) => log.event('warning', { message: m }, `zhaocuo：警告：${m}`),
          onBrowserProgress: (p) => {
            if (p.done === 0) log.event('browser', { ...p }, p.phase === 'pages' ? `zhaocuo：浏览器：正在打开 ${p.total} 个抽样页面` : `zhaocuo：浏览器：正在对 ${p.total} 个页面运行 Lighthouse`);
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
