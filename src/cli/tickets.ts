/** `zhaocuo tickets …`: list, show, import the national platform's export, export, notify, sync a run, stats. */
import { writeFileSync } from 'node:fs';
import { DB_OPTION_HELP, storeTarget } from '../store/target.ts';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { openDb, type DB } from '../store/db.ts';
import { ticketContext, type TicketContext } from '../tickets/context.ts';
import { ticketsCsv, ticketsXlsx, timeliness } from '../tickets/export.ts';
import { syncRunTickets } from '../tickets/from-audit.ts';
import { importMessages } from '../tickets/import.ts';
import { STATUSES, TicketError, type Status } from '../tickets/model.ts';
import { deliverOutbox, enqueueDueNotices, listOutbox } from '../tickets/notify.ts';
import { recomputeMissingDue } from '../tickets/service.ts';
import { onTimeStats, pct } from '../tickets/stats.ts';
import { getTicket, listTickets, ticketHistory, type TicketFilter } from '../tickets/store.ts';
import { formatLocal } from '../tickets/zoned.ts';
import { positiveInt } from './options.ts';

interface Common {
  db?: string;
  config?: string;
  json?: boolean;
}

async function open(o: Common): Promise<{ db: DB; ctx: TicketContext }> {
  const { config } = await loadConfig(o.config);
  return { db: openDb(storeTarget(o.db, config)), ctx: ticketContext(config) };
}

async function withStore<T>(o: Common, fn: (db: DB, ctx: TicketContext) => Promise<T> | T): Promise<T> {
  const { db, ctx } = await open(o);
  try {
    return await fn(db, ctx);
  } catch (err) {
    if (err instanceof TicketError) throw new UsageError(err.message);
    throw err;
  } finally {
    db.close();
  }
}

const common = (cmd: Command) => cmd.option('--db <file|url>', DB_OPTION_HELP).option('-c, --config <file>', '站点配置文件');

function filters(cmd: Command): Command {
  return cmd
    .option('--status <list>', `逗号分隔：${STATUSES.join(',')}`)
    .option('--division <name>', '责任处室')
    .option('--overdue', '未办结且已超期')
    .option('--due-today', '未办结且今日到期')
    .option('--open', '只列未办结的工单');
}

function filterOf(o: { status?: string; division?: string; overdue?: boolean; dueToday?: boolean; open?: boolean }): TicketFilter {
  const status = o.status ? o.status.split(',').map((s) => s.trim()) : [];
  for (const s of status) if (!(STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status：没有状态“${s}”，可用：${STATUSES.join('、')} (unknown status)`);
  return { status: status as Status[], division: o.division, overdue: o.overdue, dueToday: o.dueToday, open: o.open ? true : undefined, limit: 10000 };
}

export function registerTickets(program: Command): void {
  const t = program.command('tickets').description('找错工单：列出、导入、导出、通知');

  filters(common(t.command('list').description('列出工单（未办结的在前，按办理时限排序）')))
    .option('--json', '输出 JSON')
    .action((o: Common & Parameters<typeof filterOf>[0]) =>
      withStore(o, (db, ctx) => {
        const tz = ctx.config.tickets.timezone;
        const { items, total } = listTickets(db, filterOf(o), { now: ctx.now(), timezone: tz });
        if (o.json) return void process.stdout.write(JSON.stringify({ total, items }, null, 1) + '\n');
        if (!items.length) return void process.stdout.write('没有工单\n');
        for (const x of items) {
          const due = x.dueAt ? formatLocal(x.dueAt, tz) : 'no deadline (calendar data missing)';
          process.stdout.write(`${x.number}  ${x.status}  ${x.division}  时限 ${due}  ${timeliness(x, ctx.now())}  ${x.category}  ${x.description.slice(0, 60)}\n`);
        }
      }),
    );

  common(t.command('show').description('一个工单及其处理记录').argument('<number>', '工单编号（如 ZC-2026-000123）或序号'))
    .option('--json', '输出 JSON')
    .action((key: string, o: Common) =>
      withStore(o, (db, ctx) => {
        const x = getTicket(db, key);
        if (!x) throw new UsageError(`没有工单 ${key} (no such ticket)`);
        const history = ticketHistory(db, x.id);
        if (o.json) return void process.stdout.write(JSON.stringify({ ...x, history }, null, 1) + '\n');
        const tz = ctx.config.tickets.timezone;
        process.stdout.write(`${x.number}  ${x.status}  ${x.category}\n${x.description}\n页面：${x.pageUrl ?? '-'}\n责任处室：${x.division}\n受理：${formatLocal(x.receivedAt, tz)}  时限：${x.dueAt ? formatLocal(x.dueAt, tz) : x.dueError}\n`);
        for (const h of history) process.stdout.write(`  ${formatLocal(h.at, tz)}  ${h.actor}  ${h.action}${h.field ? ` ${h.field}: ${h.oldValue ?? ''} → ${h.newValue ?? ''}` : ''}${h.note ? `  (${h.note})` : ''}\n`);
      }),
    );

  common(t.command('import').description('导入国家平台导出的留言（CSV 或 xlsx）；重复导入不会重复登记').argument('<file>', '.csv 或 .xlsx'))
    .option('--json', '输出 JSON')
    .action((file: string, o: Common) =>
      withStore(o, async (db, ctx) => {
        const r = await importMessages(db, ctx, file);
        if (o.json) return void process.stdout.write(JSON.stringify(r, null, 1) + '\n');
        process.stdout.write(`${file}：${r.rows} 行，新登记工单 ${r.created} 个，已导入过 ${r.duplicates} 个，出错 ${r.errors.length} 行\n`);
        for (const e of r.errors) process.stdout.write(`  第 ${e.row} 行：${e.message}\n`);
        if (r.errors.length) process.exitCode = 1;
      }),
    );

  filters(common(t.command('export').description('导出工单为 xlsx 或 CSV（中文表头）')))
    .requiredOption('-o, --out <file>', '输出文件 tickets.xlsx 或 tickets.csv')
    .action((o: Common & Parameters<typeof filterOf>[0] & { out: string }) =>
      withStore(o, async (db, ctx) => {
        const tz = ctx.config.tickets.timezone;
        const { items } = listTickets(db, filterOf(o), { now: ctx.now(), timezone: tz });
        const ext = extname(o.out).toLowerCase();
        if (ext === '.xlsx') writeFileSync(o.out, await ticketsXlsx(items, tz, ctx.now()));
        else if (ext === '.csv') writeFileSync(o.out, ticketsCsv(items, tz, ctx.now()));
        else throw new UsageError('--out 的文件名须以 .xlsx 或 .csv 结尾');
        process.stdout.write(`${items.length} 个工单 → ${o.out}\n`);
      }),
    );

  common(t.command('notify').description('通知一轮：登记今日到期和超期提醒并发送待发通知（serve 未运行时供定时任务使用）'))
    .option('--json', '输出 JSON')
    .action((o: Common) =>
      withStore(o, async (db, ctx) => {
        recomputeMissingDue(db, ctx);
        const queued = enqueueDueNotices(db, ctx);
        const sent = await deliverOutbox(db, ctx);
        const dead = listOutbox(db, 'dead').length;
        if (o.json) return void process.stdout.write(JSON.stringify({ queued, ...sent, deadTotal: dead }) + '\n');
        process.stdout.write(`已登记今日到期提醒 ${queued.dueToday} 条、超期提醒 ${queued.overdue} 条；已发送 ${sent.sent} 条，待重试 ${sent.failed} 条，放弃 ${sent.dead} 条${dead ? `（待发队列中有 ${dead} 条无法送达）` : ''}\n`);
      }),
    );

  common(t.command('sync').description('按已保存运行的问题登记、更新和核验工单（每次检查后自动进行）'))
    .requiredOption('--run <id>', '运行编号', positiveInt)
    .action((o: Common & { run: number }) =>
      withStore(o, (db, ctx) => {
        const r = syncRunTickets(db, ctx, o.run);
        process.stdout.write(`运行 #${r.runId}：新登记 ${r.created} 个，仍存在 ${r.updated} 个，重新打开 ${r.reopened} 个，核验已整改 ${r.verified} 个\n`);
      }),
    );

  common(t.command('stats').description('按期间和处室统计按时办结率（任务20：100%）'))
    .option('--period <p>', 'day（日）、month（月）或 year（年）', 'month')
    .option('--json', '输出 JSON')
    .action((o: Common & { period: string }) =>
      withStore(o, (db, ctx) => {
        if (!['day', 'month', 'year'].includes(o.period)) throw new UsageError('--period 只能是 day、month 或 year');
        const s = onTimeStats(db, ctx, { period: o.period as 'month' });
        if (o.json) return void process.stdout.write(JSON.stringify(s, null, 1) + '\n');
        process.stdout.write(`按时办结率：${pct(s.total.rate)}（${s.total.onTime}/${s.total.counted}；超期未办结 ${s.total.overdueOpen} 个；未到期 ${s.total.pending} 个）\n`);
        for (const r of s.periods) process.stdout.write(`  ${r.key}  ${pct(r.rate)}  ${r.onTime}/${r.counted}\n`);
        for (const r of s.divisions) process.stdout.write(`  ${r.key}  ${pct(r.rate)}  ${r.onTime}/${r.counted}\n`);
      }),
    );
}
