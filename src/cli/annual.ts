/** `zhaocuo annual --year 2026`: the 政府网站工作年度报表, prefilled from the store, as HTML and xlsx. */
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { openDb } from '../store/db.ts';
import { annualForms, isBlank } from '../report/annual.ts';
import { renderAnnualHtml } from '../report/sections/annual.ts';
import { parseFormats } from '../report/site.ts';
import { ensureWritableDir } from '../report/write.ts';
import { annualXlsx } from '../report/xlsx.ts';

const year = (v: string): number => {
  const n = Number(v);
  if (!/^\d{4}$/.test(v) || n < 2000 || n > 2100) throw new InvalidArgumentError('应为年份，例如 2026');
  return n;
};

function atomicWrite(path: string, data: string | Buffer): void {
  writeFileSync(`${path}.tmp-${process.pid}`, data);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

export function registerAnnual(program: Command): void {
  program
    .command('annual')
    .description('政府网站工作年度报表：按已保存的运行和工单预填，其余由网站管理员填写')
    .requiredOption('--year <yyyy>', '报表所属年份', year)
    .option('--site <origin>', '只填一个网站（默认：数据库中的每个网站）')
    .option('--format <list>', '逗号分隔：html,xlsx', 'html,xlsx')
    .option('-o, --out <dir>', '输出目录', 'reports/annual')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('-c, --config <file>', '站点配置文件（工单时区）')
    .action(async (o: { year: number; site?: string; format: string; out: string; db?: string; config?: string }) => {
      const formats = parseFormats(o.format, ['html', 'xlsx']);
      const { config } = await loadConfig(o.config);
      const out = ensureWritableDir(o.out);
      const db = openDb(storeTarget(o.db, config));
      try {
        const forms = annualForms(db, { year: o.year, site: o.site, timezone: config.tickets.timezone });
        const files: string[] = [];
        if (formats.includes('html')) {
          const f = join(out, `annual-${o.year}.html`);
          atomicWrite(f, renderAnnualHtml(forms));
          files.push(f);
        }
        if (formats.includes('xlsx')) {
          const f = join(out, `annual-${o.year}.xlsx`);
          atomicWrite(f, await annualXlsx(forms));
          files.push(f);
        }
        const lines = forms.map((f) => {
          const fields = f.blocks.flatMap((b) => b.fields).filter((x) => !x.extra);
          return `  ${f.origin}：${o.year} 年运行 ${f.runs.length} 次；已预填 ${fields.filter((x) => !isBlank(x)).length}/${fields.length} 项`;
        });
        const left = forms.leftOut?.length ? [`  未列入（${o.year} 年没有检查运行）：${forms.leftOut.join('、')}`] : [];
        process.stdout.write([`zhaocuo 年度报表 ${o.year}`, ...lines, ...left, ...files.map((f) => `  ${f}`)].join('\n') + '\n');
      } finally {
        db.close();
      }
    });
}
