/**
 * The handling deadline (seed task 20): received + N working days, at the end of that
 * working day. A ticket received after office hours, or on a day off, counts as received on
 * the next working day. Times are wall-clock in the configured zone (Asia/Shanghai).
 */
import type { WorkCalendar } from './calendar.ts';
import { fromLocal, minutesOf, toLocal } from './zoned.ts';

export interface DeadlineRule {
  workingDays: number;
  timezone: string;
  officeHours: { start: string; end: string };
}

export const DEFAULT_RULE: DeadlineRule = { workingDays: 2, timezone: 'Asia/Shanghai', officeHours: { start: '08:30', end: '17:30' } };

/** The working day a ticket counts as received on (YYYY-MM-DD, local). */
export function effectiveReceiptDay(received: Date, cal: WorkCalendar, rule: DeadlineRule = DEFAULT_RULE): string {
  const l = toLocal(received, rule.timezone);
  if (!cal.isWorkingDay(l.date) || l.minutes >= minutesOf(rule.officeHours.end)) return cal.nextWorkingDay(l.date);
  return l.date;
}

/** When the ticket must be handled and answered. Throws CalendarMissingError for a year without data. */
export function dueAt(received: Date, cal: WorkCalendar, rule: DeadlineRule = DEFAULT_RULE): Date {
  const base = effectiveReceiptDay(received, cal, rule);
  const day = cal.addWorkingDays(base, rule.workingDays);
  return fromLocal(day, rule.officeHours.end, rule.timezone);
}
