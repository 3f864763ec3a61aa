/** `zhaocuo annual --year 2026`: the 政府网站工作年度报表, prefilled from the store, as HTML and xlsx. */
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
  if (!/^\d{4}$/.test(v) || n < 2000 || n > 2100) throw new InvalidArgumentError('expected a year, e.g. 2026');
  return n;
};

function atomicWrite(path: string, data: string | Buffer): void {
  writeFileSync(`${path}.tmp-${process.pid}`, data);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

export function registerAnnual(program: Command): void {
  program
    .command('annual')
    .description('the annual work report form (政府网站工作年度报表) for a year, prefilled from the stored runs and tickets; the rest left for the webmaster')
    .requiredOption('--year <yyyy>', 'the year the form covers', year)
    .option('--site <origin>', 'one site (default: every site in the database)')
    .option('--format <list>', 'comma-separated: html,xlsx', 'html,xlsx')
    .option('-o, --out <dir>', 'folder for the files', 'reports/annual')
    .option('--db <file>', 'SQLite database', 'data/zhaocuo.db')
    .option('-c, --config <file>', 'site config (ticket time zone)')
    .action(async (o: { year: number; site?: string; format: string; out: string; db: string; config?: string }) => {
      const formats = parseFormats(o.format, ['html', 'xlsx']);
      const { config } = await loadConfig(o.config);
      const out = ensureWritableDir(o.out);
      const db = openDb(o.db);
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
          return `  ${f.origin}: ${f.runs.length} run(s) in ${o.year}; ${fields.filter((x) => !isBlank(x)).length}/${fields.length} fields prefilled`;
        });
        const left = forms.leftOut?.length ? [`  left out (no audit run in ${o.year}): ${forms.leftOut.join(', ')}`] : [];
        process.stdout.write([`zhaocuo annual ${o.year}`, ...lines, ...left, ...files.map((f) => `  ${f}`)].join('\n') + '\n');
      } finally {
        db.close();
      }
    });
}
