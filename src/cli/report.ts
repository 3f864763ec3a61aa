/** `zhaocuo report`: the site report of a stored run (HTML, PDF, xlsx, CSV, JSON) with the trends over the runs before it. */
import type { Command } from 'commander';
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
import { join } from 'node:path';
import { loadConfig } from '../config/load.ts';
import { openDb } from '../store/db.ts';
import { getRun } from '../store/runs.ts';
import { UsageError } from '../config/errors.ts';
import { LEAGUE_FORMATS, writeLeague } from '../report/league.ts';
import { REPORT_FORMATS, parseFormats, pickRun, writeSiteReport } from '../report/site.ts';
import { TASK_STATE_ZH, taskCounts } from '../report/tasks.ts';
import { positiveInt } from './options.ts';

interface ReportFlags {
  site?: string;
  run?: number;
  tag?: string;
  last: number;
  format: string;
  out?: string;
  db: string;
  config?: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('按已保存的运行写出网站报告：检查结论、近几次运行的趋势、任务对照、各检查项；格式为 HTML、PDF、xlsx、CSV、JSON')
    .option('--site <origin>', '网站（取其最近一次完成的运行），例如 https://hyj.example.gov.cn')
    .option('--run <id>', '指定运行（默认：--site 最近一次完成的运行）', positiveInt)
    .option('--tag <value>', '改为输出带此标签（如 福建省）的所有已登记网站的排名表，按省级检查的方式排名；html,xlsx,json')
    .option('--last <n>', '趋势中包含的运行数（本次及之前的）', positiveInt, 10)
    .option('--format <list>', `逗号分隔：${REPORT_FORMATS.join(',')}`, 'html,xlsx')
    .option('-o, --out <dir>', '输出目录（默认：reports/<主机>/report-<运行>）')
    .option('--db <file|url>', DB_OPTION_HELP)
    .option('-c, --config <file>', '站点配置文件（工单时区和节假日）')
    .option('--json', '以 JSON 输出写出的文件和主要数字')
    .action(async (o: ReportFlags) => {
      if (o.tag !== undefined) return league(o);
      const formats = parseFormats(o.format);
      const { config } = await loadConfig(o.config);
      const db = openDb(storeTarget(o.db, config));
      try {
        const runId = pickRun(db, { run: o.run, site: o.site });
        const run = getRun(db, runId)!;
        const out = o.out ?? join('reports', new URL(run.startUrl).host.replace(/[:\[\]]/g, '_'), `report-${runId}`);
        const r = await writeSiteReport(db, { runId, last: o.last, outDir: out, formats, timezone: config.tickets.timezone });
        const v = r.report.audits.find((a) => a.id === 'verdict')?.data as { verdict?: string; score?: number } | undefined;
        const n = taskCounts(r.tasks);
        if (o.json) {
          return void process.stdout.write(JSON.stringify({ runId, files: r.files, verdict: v?.verdict ?? null, score: v?.score ?? null, newSince: r.trends.newSince.length, fixedSince: r.trends.fixedSince.length, tasks: n }, null, 1) + '\n');
        }
        const lines = [
          `zhaocuo 报告 — ${r.report.site.name ?? r.report.site.host} 运行 #${runId}（${run.today}）${v?.verdict ? `：${v.verdict} ${v.score} 分` : ''}`,
          `  趋势含 ${r.trends.points.length} 次运行；与运行 #${r.trends.previousRunId ?? '—'} 相比：新发现 ${r.trends.newSince.length} 个，已整改 ${r.trends.fixedSince.length} 个`,
          `  任务：${TASK_STATE_ZH.met} ${n.met} · ${TASK_STATE_ZH['not-met']} ${n['not-met']} · ${TASK_STATE_ZH['not-checkable']} ${n['not-checkable']} · ${TASK_STATE_ZH.manual} ${n.manual}`,
          ...Object.values(r.files).map((f) => `  ${f}`),
        ];
        if (r.refused?.length) lines.push(`  警告：打印时页面试图发出 ${r.refused.length} 个请求，均已拒绝`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        db.close();
      }
    });
}

/** `zhaocuo report --tag 福建省`: the league table of the tag's sites. */
async function league(o: ReportFlags): Promise<void> {
  if (o.site || o.run !== undefined) throw new UsageError('--tag 与 --site / --run 不能同时使用：--tag 写一个标签下所有网站的排名表（--tag cannot be combined with --site or --run）');
  const formats = parseFormats(o.format, LEAGUE_FORMATS);
  const { config } = await loadConfig(o.config);
  const db = openDb(storeTarget(o.db, config));
  try {
    const out = o.out ?? join('reports', `league-${o.tag!.trim().replace(/[\\/:*?"<>|\s]+/g, '_')}`);
    const { league: l, files } = await writeLeague(db, { tag: o.tag!, outDir: out, formats });
    if (o.json) return void process.stdout.write(JSON.stringify({ tag: l.tag, files, counts: l.counts, rows: l.rows }, null, 1) + '\n');
    const c = l.counts;
    const lines = [
      `zhaocuo report — ${l.tag}：${c.sites} 个网站，参与排名 ${c.ranked} 个，单项否决 ${c.vetoed} 个，未检查 ${c.unchecked} 个`,
      ...l.rows.slice(0, 10).map((r) => `  ${String(r.rank ?? '—').padStart(3)}  ${r.name}  ${r.score ?? '—'}  ${r.verdict}${r.vetoes.length ? `（${r.vetoes.join('、')}）` : ''}`),
      ...(l.rows.length > 10 ? [`  … 另 ${l.rows.length - 10} 个`] : []),
      ...Object.values(files).map((f) => `  ${f}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    db.close();
  }
}
