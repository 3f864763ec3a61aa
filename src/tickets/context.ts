/** What ticket operations need besides the database: the config, the holiday calendar, a clock. */
import type { Config } from '../config/schema.ts';
import { WorkCalendar } from './calendar.ts';
import { ticketsSchema } from './config.ts';
import { CalendarMissingError } from './calendar.ts';
import { dueAt, type DeadlineRule } from './deadline.ts';

export interface TicketContext {
  config: Config;
  calendar: WorkCalendar;
  now: () => Date;
}

export function ticketContext(config: Config, o: { cwd?: string; now?: () => Date; calendar?: WorkCalendar } = {}): TicketContext {
  // A config built by hand (not through parseConfig) may lack the block: use its defaults.
  if (!config.tickets) config = { ...config, tickets: ticketsSchema.parse({}) };
  const calendar = o.calendar ?? WorkCalendar.load(config.tickets.calendar, { cwd: o.cwd });
  return { config, calendar, now: o.now ?? (() => new Date()) };
}

export function deadlineRule(config: Config): DeadlineRule {
  const t = config.tickets;
  return { workingDays: t.workingDays, timezone: t.timezone, officeHours: t.officeHours };
}

/** The deadline, or the reason it cannot be computed (a year without calendar data). */
export function computeDue(ctx: TicketContext, received: Date): { dueAt: string | null; dueError: string | null } {
  try {
    return { dueAt: dueAt(received, ctx.calendar, deadlineRule(ctx.config)).toISOString(), dueError: null };
  } catch (err) {
    if (err instanceof CalendarMissingError) return { dueAt: null, dueError: err.message };
    throw err;
  }
}
