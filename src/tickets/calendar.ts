/**
 * Working days of the official calendar (国务院办公厅 holiday notices; standards §7):
 * Monday–Friday, minus the year's days off, plus its make-up working days (调休).
 *
 * Data, in order of precedence (a later source replaces a whole year of an earlier one):
 *  1. the chinese-days package (2004 – 2026 in 1.5.7);
 *  2. audits/rules/holidays.json (shipped, editable: add a year when the notice is out);
 *  3. each JSON file in the config's tickets.calendar.files;
 *  4. the config's tickets.calendar.years.
 * A date in a year none of these covers throws CalendarMissingError, never a weekday guess.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import chineseDays from 'chinese-days';
import { z } from 'zod';
import { UsageError, describeZodError } from '../config/errors.ts';
import { packagePath } from '../package-root.ts';

export const SHIPPED_HOLIDAYS = packagePath('audits', 'rules', 'holidays.json');

export interface YearCalendar {
  year: number;
  /** Every day off the notice lists (weekends inside a holiday included). */
  daysOff: Set<string>;
  /** Saturdays/Sundays that are working days (调休上班). */
  workdays: Set<string>;
  source: string;
}

export class CalendarMissingError extends Error {
  override name = 'CalendarMissingError';
  constructor(
    readonly year: number,
    known: number[],
  ) {
    const range = known.length ? `${Math.min(...known)}–${Math.max(...known)}` : 'none';
    super(
      `no holiday calendar for ${year} (known years: ${range}), so working days cannot be counted. ` +
        `Add ${year}'s days off and make-up working days from the 国务院办公厅 节假日安排 notice: ` +
        `in the config under tickets.calendar.years."${year}" = { "daysOff": ["${year}-01-01", "${year}-02-06..${year}-02-13", …], "workdays": ["${year}-02-14", …] }, ` +
        `or in a JSON file { "years": { "${year}": { … } } } listed in tickets.calendar.files (or in audits/rules/holidays.json). ` +
        `缺少 ${year} 年节假日安排数据：请按国务院办公厅通知在配置 tickets.calendar.years 中补充放假日期（daysOff）和调休上班日期（workdays）。`,
    );
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayOrRange = z.string().regex(/^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/, 'expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD');

export const calendarYearSchema = z.strictObject({
  /** Days off as published, single days or ranges "2027-02-06..2027-02-13". */
  daysOff: z.array(dayOrRange).default([]),
  /** Make-up working days (调休上班), usually a Saturday or Sunday. */
  workdays: z.array(dayOrRange).default([]),
  /** Where the dates come from, e.g. 国办发明电〔2026〕7号. */
  source: z.string().optional(),
});
export type CalendarYearInput = z.input<typeof calendarYearSchema>;

export const calendarFileSchema = z.strictObject({
  $comment: z.unknown().optional(),
  years: z.record(z.string().regex(/^\d{4}$/, 'expected a year such as "2027"'), calendarYearSchema).default({}),
});

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const ms = (day: string) => Date.parse(day + 'T00:00:00Z');

export function addDays(day: string, n: number): string {
  return ymd(ms(day) + n * 86_400_000);
}

export function isWeekend(day: string): boolean {
  const w = new Date(ms(day)).getUTCDay();
  return w === 0 || w === 6;
}

function validDay(day: string): boolean {
  return DAY.test(day) && !Number.isNaN(ms(day)) && ymd(ms(day)) === day;
}

function expand(entries: string[], year: number, where: string): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const [a, b = a] = e.split('..');
    if (!validDay(a) || !validDay(b)) throw new UsageError(`${where}：${e} 不是有效日期 (not a valid date)`);
    if (Number(a.slice(0, 4)) !== year || Number(b.slice(0, 4)) !== year) throw new UsageError(`${where}：${e} 不在 ${year} 年内 (not in ${year})`);
    if (b < a) throw new UsageError(`${where}：${e} 的结束日期早于开始日期 (ends before it starts)`);
    for (let d = a; d <= b; d = addDays(d, 1)) out.push(d);
  }
  return out;
}

export function yearFromInput(year: number, input: CalendarYearInput, where: string): YearCalendar {
  const parsed = calendarYearSchema.parse(input);
  const daysOff = new Set(expand(parsed.daysOff, year, `${where}.daysOff`));
  const workdays = new Set(expand(parsed.workdays, year, `${where}.workdays`));
  for (const d of workdays) if (daysOff.has(d)) throw new UsageError(`${where}：${d} 同时列为放假日和调休上班日 (both a day off and a working day)`);
  return { year, daysOff, workdays, source: parsed.source ?? where };
}

/** The packaged year, or undefined when chinese-days has no data for it. */
export function packagedYear(year: number): YearCalendar | undefined {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  const off = chineseDays.getHolidaysInRange(start, end, false);
  // Every published year has weekday holidays (元旦, 春节 …); none means no data.
  if (!off.length) return undefined;
  const work = chineseDays.getWorkdaysInRange(start, end, true).filter(isWeekend);
  return { year, daysOff: new Set(off), workdays: new Set(work), source: 'chinese-days' };
}

export function readCalendarFile(path: string): YearCalendar[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`无法读取节假日文件 ${path}：${(err as Error).message} (cannot read the holiday calendar)`);
  }
  const res = calendarFileSchema.safeParse(raw);
  if (!res.success) throw new UsageError(describeZodError(res.error, `节假日文件 ${path}`));
  return Object.entries(res.data.years).map(([y, v]) => yearFromInput(Number(y), v, `${path} years.${y}`));
}

export interface CalendarConfig {
  years?: Record<string, CalendarYearInput>;
  files?: string[];
}

export class WorkCalendar {
  private readonly years = new Map<number, YearCalendar | null>();
  private readonly overrides = new Map<number, YearCalendar>();

  constructor(overrides: YearCalendar[] = [], readonly usePackage = true) {
    for (const y of overrides) this.overrides.set(y.year, y);
  }

  /** Packaged data + audits/rules/holidays.json + the config's files and years. */
  static load(cfg: CalendarConfig = {}, o: { cwd?: string; shipped?: string | null } = {}): WorkCalendar {
    const list: YearCalendar[] = [];
    const shipped = o.shipped === undefined ? SHIPPED_HOLIDAYS : o.shipped;
    if (shipped && existsSync(shipped)) list.push(...readCalendarFile(shipped));
    for (const f of cfg.files ?? []) list.push(...readCalendarFile(resolve(o.cwd ?? process.cwd(), f)));
    for (const [y, v] of Object.entries(cfg.years ?? {})) list.push(yearFromInput(Number(y), v, `config tickets.calendar.years.${y}`));
    return new WorkCalendar(list);
  }

  year(year: number): YearCalendar | undefined {
    const o = this.overrides.get(year);
    if (o) return o;
    if (!this.years.has(year)) this.years.set(year, this.usePackage ? (packagedYear(year) ?? null) : null);
    return this.years.get(year) ?? undefined;
  }

  hasYear(year: number): boolean {
    return this.year(year) !== undefined;
  }

  /** Years with data among 2000–2100 (for messages). */
  knownYears(): number[] {
    const out: number[] = [];
    for (let y = 2000; y <= 2100; y++) if (this.hasYear(y)) out.push(y);
    return out;
  }

  isWorkingDay(day: string): boolean {
    const y = this.year(Number(day.slice(0, 4)));
    if (!y) throw new CalendarMissingError(Number(day.slice(0, 4)), this.knownYears());
    if (y.workdays.has(day)) return true;
    if (y.daysOff.has(day)) return false;
    return !isWeekend(day);
  }

  /** The first working day strictly after `day`. */
  nextWorkingDay(day: string): string {
    let d = addDays(day, 1);
    for (let i = 0; i < 400 && !this.isWorkingDay(d); i++) d = addDays(d, 1);
    return d;
  }

  /** The n-th working day after `day` (n = 0: `day` itself). */
  addWorkingDays(day: string, n: number): string {
    let d = day;
    for (let i = 0; i < n; i++) d = this.nextWorkingDay(d);
    return d;
  }

  /** Working days in (from, to]: how late a ticket was, in working days. */
  workingDaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkingDay(d)) n++;
    return n;
  }
}
