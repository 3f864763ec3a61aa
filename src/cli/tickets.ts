/** `zhaocuo tickets …`: list, show, import the national platform's export, export, notify, sync a run, stats. */
import { writeFileSync } from 'node:fs';
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
  db: string;
  config?: string;
  json?: boolean;
}

async function open(o: Common): Promise<{ db: DB; ctx: TicketContext }> {
  const { config } = await loadConfig(o.config);
  return { db: openDb(o.db), ctx: ticketContext(config) };
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

const common = (cmd: Command) => cmd.option('--db <file>', 'SQLite database', 'data/zhaocuo.db').option('-c, --config <file>', 'site config');

function filters(cmd: Command): Command {
  return cmd
    .option('--status <list>', `comma-separated: ${STATUSES.join(',')}`)
    .option('--division <name>', 'responsible division')
    .option('--overdue', 'open and past the deadline')
    .option('--due-today', 'open and due today')
    .option('--open', 'only open tickets');
}

function filterOf(o: { status?: string; division?: string; overdue?: boolean; dueToday?: boolean; open?: boolean }): TicketFilter {
  const status = o.status ? o.status.split(',').map((s) => s.trim()) : [];
  for (const s of status) if (!(STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status: unknown status ${s} (one of ${STATUSES.join(', ')})`);
  return { status: status as Status[], division: o.division, overdue: o.overdue, dueToday: o.dueToday, open: o.open ? true : undefined, limit: 10000 };
}

export function registerTickets(program: Command): void {
  const t = program.command('tickets').description('找错 tickets: list, import, export, notify');

  filters(common(t.command('list').description('list tickets (open first, by deadline)')))
    .option('--json', 'print JSON')
    .action((o: Common & Parameters<typeof filterOf>[0]) =>
      withStore(o, (db, ctx) => {
        const tz = ctx.config.tickets.timezone;
        const { items, total } = listTickets(db, filterOf(o), { now: ctx.now(), timezone: tz });
        if (o.json) return void process.stdout.write(JSON.stringify({ total, items }, null, 1) + '\n');
        if (!items.length) return void process.stdout.write('no tickets\n');
        for (const x of items) {
          const due = x.dueAt ? formatLocal(x.dueAt, tz) : 'no deadline (calendar data missing)';
          process.stdout.write(`${x.number}  ${x.status}  ${x.division}  due ${due}  ${timeliness(x, ctx.now())}  ${x.category}  ${x.description.slice(0, 60)}\n`);
        }
      }),
    );

  common(t.command('show').description('one ticket with its history').argument('<number>', 'ZC-2026-000123 or id'))
    .option('--json', 'print JSON')
    .action((key: string, o: Common) =>
      withStore(o, (db, ctx) => {
        const x = getTicket(db, key);
        if (!x) throw new UsageError(`no ticket ${key}`);
        const history = ticketHistory(db, x.id);
        if (o.json) return void process.stdout.write(JSON.stringify({ ...x, history }, null, 1) + '\n');
        const tz = ctx.config.tickets.timezone;
        process.stdout.write(`${x.number}  ${x.status}  ${x.category}\n${x.description}\npage: ${x.pageUrl ?? '-'}\ndivision: ${x.division}\nreceived: ${formatLocal(x.receivedAt, tz)}  due: ${x.dueAt ? formatLocal(x.dueAt, tz) : x.dueError}\n`);
        for (const h of history) process.stdout.write(`  ${formatLocal(h.at, tz)}  ${h.actor}  ${h.action}${h.field ? ` ${h.field}: ${h.oldValue ?? ''} → ${h.newValue ?? ''}` : ''}${h.note ? `  (${h.note})` : ''}\n`);
      }),
    );

  common(t.command('import').description("import the national platform's message export (CSV or xlsx); running it twice files nothing twice").argument('<file>', '.csv or .xlsx'))
    .option('--json', 'print JSON')
    .action((file: string, o: Common) =>
      withStore(o, async (db, ctx) => {
        const r = await importMessages(db, ctx, file);
        if (o.json) return void process.stdout.write(JSON.stringify(r, null, 1) + '\n');
        process.stdout.write(`${file}: ${r.rows} rows, ${r.created} new tickets, ${r.duplicates} already imported, ${r.errors.length} errors\n`);
        for (const e of r.errors) process.stdout.write(`  row ${e.row}: ${e.message}\n`);
        if (r.errors.length) process.exitCode = 1;
      }),
    );

  filters(common(t.command('export').description('export tickets to xlsx or CSV (Chinese headers)')))
    .requiredOption('-o, --out <file>', 'tickets.xlsx or tickets.csv')
    .action((o: Common & Parameters<typeof filterOf>[0] & { out: string }) =>
      withStore(o, async (db, ctx) => {
        const tz = ctx.config.tickets.timezone;
        const { items } = listTickets(db, filterOf(o), { now: ctx.now(), timezone: tz });
        const ext = extname(o.out).toLowerCase();
        if (ext === '.xlsx') writeFileSync(o.out, await ticketsXlsx(items, tz, ctx.now()));
        else if (ext === '.csv') writeFileSync(o.out, ticketsCsv(items, tz, ctx.now()));
        else throw new UsageError('--out must end in .xlsx or .csv');
        process.stdout.write(`${items.length} tickets → ${o.out}\n`);
      }),
    );

  common(t.command('notify').description('one notification round: queue due-today/overdue notices, deliver the outbox (for cron when serve is not running)'))
    .option('--json', 'print JSON')
    .action((o: Common) =>
      withStore(o, async (db, ctx) => {
        recomputeMissingDue(db, ctx);
        const queued = enqueueDueNotices(db, ctx);
        const sent = await deliverOutbox(db, ctx);
        const dead = listOutbox(db, 'dead').length;
        if (o.json) return void process.stdout.write(JSON.stringify({ queued, ...sent, deadTotal: dead }) + '\n');
        process.stdout.write(`queued ${queued.dueToday} due-today and ${queued.overdue} overdue notices; sent ${sent.sent}, to retry ${sent.failed}, given up ${sent.dead}${dead ? ` (${dead} undeliverable in the outbox)` : ''}\n`);
      }),
    );

  common(t.command('sync').description("file, update and verify tickets from a stored run's findings (done automatically after each audit)"))
    .requiredOption('--run <id>', 'run number', positiveInt)
    .action((o: Common & { run: number }) =>
      withStore(o, (db, ctx) => {
        const r = syncRunTickets(db, ctx, o.run);
        process.stdout.write(`run #${r.runId}: ${r.created} new, ${r.updated} still found, ${r.reopened} reopened, ${r.verified} fix verified\n`);
      }),
    );

  common(t.command('stats').description('on-time rate per period and per division (task 20: 100%)'))
    .option('--period <p>', 'day, month or year', 'month')
    .option('--json', 'print JSON')
    .action((o: Common & { period: string }) =>
      withStore(o, (db, ctx) => {
        if (!['day', 'month', 'year'].includes(o.period)) throw new UsageError('--period: day, month or year');
        const s = onTimeStats(db, ctx, { period: o.period as 'month' });
        if (o.json) return void process.stdout.write(JSON.stringify(s, null, 1) + '\n');
        process.stdout.write(`on time: ${pct(s.total.rate)} (${s.total.onTime}/${s.total.counted}; ${s.total.overdueOpen} overdue and open; ${s.total.pending} not yet due)\n`);
        for (const r of s.periods) process.stdout.write(`  ${r.key}  ${pct(r.rate)}  ${r.onTime}/${r.counted}\n`);
        for (const r of s.divisions) process.stdout.write(`  ${r.key}  ${pct(r.rate)}  ${r.onTime}/${r.counted}\n`);
      }),
    );
}
