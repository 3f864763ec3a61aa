/**
 * `npm start` (= `zhaocuo start`): serves the bundled sample portal on loopback (IPv4 and IPv6)
 * under its own name, hyj.example.gov.cn, answered by a DNS server on loopback, audits it,
 * prints the summary, what changed since the last run and the report path, and exits 0 — a
 * first look without a real site. The portal and its external site keep their ports across
 * runs (src/sample-portal/ports.ts), so a second run is the same site: 0 new, 0 fixed.
 */
import type { Command } from 'commander';
import { auditSite } from '../run/audit-site.ts';
import { openDb } from '../store/db.ts';
import { trendsFromStore } from '../report/trends.ts';
import { Log } from './log.ts';
import { sampleOptions, sampleToday, SAMPLE_NAME, startSample } from './sample.ts';
import { summaryText } from './summary.ts';

export { SAMPLE_HOST } from './sample.ts';

export function registerStart(program: Command): void {
  sampleOptions(program.command('start').description(`在本机启动自带的示例网站（${SAMPLE_NAME}）并检查它`))
    .option('-o, --out <dir>', '报告目录', 'reports/sample')
    .option('--no-browser', '不做浏览器检查（无障碍、适老化、Lighthouse）')
    .option('-q, --quiet', '只输出汇总')
    .action(async (opts: { pages: number; seed: number; out: string; db: string; quiet?: boolean; browser: boolean; port?: number }) => {
      const log = Log.pick(opts);
      const { today, config } = await sampleToday();
      const sample = await startSample({ pages: opts.pages, seed: opts.seed, today, db: opts.db, port: opts.port });
      if (sample.movedNote) log.event('warning', { ports: sample.ports }, `zhaocuo：${sample.movedNote}`);
      const db = openDb(opts.db);
      try {
        const url = sample.url;
        log.event('portal', { url, dns: sample.dns.server, ports: sample.ports }, `示例网站：${url}（域名由本机 DNS 服务器 ${sample.dns.server} 解析）`);
        config.today ??= today;
        config.dnsServer ??= sample.dns.server;
        config.site.name ??= SAMPLE_NAME;
        if (!opts.browser) config.browser.enabled = false;
        const res = await auditSite({
          startUrl: url,
          config,
          db,
          outDir: opts.out,
          onProgress: log.progress,
          onWarning: (m) => log.event('warning', { message: m }, `zhaocuo：警告：${m}`),
          onBrowserProgress: (p) => {
            if (p.done === 0) log.event('browser', { ...p }, p.phase === 'pages' ? `zhaocuo：浏览器：正在打开 ${p.total} 个抽样页面` : `zhaocuo：浏览器：正在对 ${p.total} 个页面运行 Lighthouse`);
          },
        });
        log.clear();
        const lines = [summaryText(res.report)];
        if (res.runId !== null) lines.push(sinceLine(trendsFromStore(db, { runId: res.runId, last: 2 }), res.tickets && 'created' in res.tickets ? res.tickets : undefined));
        if (res.files) lines.push(`  报告：${res.files.html}`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        db.close();
        await sample.close();
      }
    });
}

function sinceLine(t: ReturnType<typeof trendsFromStore>, tickets?: { created: number; reopened: number }): string {
  const filed = tickets ? `；工单新建 ${tickets.created} 个${tickets.reopened ? `，重新打开 ${tickets.reopened} 个` : ''}` : '';
  if (t.previousRunId === null) return `  变化：首次检查本网站${filed}`;
  return `  变化：与运行 #${t.previousRunId} 相比，新发现 ${t.newSince.length} 个，已整改 ${t.fixedSince.length} 个${filed}`;
}
