/**
 * Working days and deadlines against the published 国务院办公厅 schedules (standards §7):
 * 2025 and 2026 days off and make-up days, the eve of a long holiday, a window across a
 * make-up Saturday, after-hours receipt, and a year without data (an error, never a guess).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalendarMissingError, WorkCalendar, addDays, isWeekend } from '../src/tickets/calendar.ts';
import { dueAt, effectiveReceiptDay } from '../src/tickets/deadline.ts';
import { parseConfig } from '../src/config/load.ts';
import { ticketContext, computeDue } from '../src/tickets/context.ts';
import { formatLocal, fromLocal } from '../src/tickets/zoned.ts';
import { UsageError } from '../src/config/errors.ts';

const cal = WorkCalendar.load({}, { shipped: null });
const range = (a: string, b: string) => {
  const out: string[] = [];
  for (let d = a; d <= b; d = addDays(d, 1)) out.push(d);
  return out;
};
const at = (local: string) => fromLocal(local.slice(0, 10), local.slice(11), 'Asia/Shanghai');
const due = (local: string, c = cal, days = 2, end = '17:30') => formatLocal(dueAt(at(local), c, { workingDays: days, timezone: 'Asia/Shanghai', officeHours: { start: '08:30', end } }).toISOString(), 'Asia/Shanghai');

// standards.md §7, as published
const PUBLISHED = {
  2025: {
    off: ['2025-01-01', ...range('2025-01-28', '2025-02-04'), ...range('2025-04-04', '2025-04-06'), ...range('2025-05-01', '2025-05-05'), ...range('2025-05-31', '2025-06-02'), ...range('2025-10-01', '2025-10-08')],
    work: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    off: [...range('2026-01-01', '2026-01-03'), ...range('2026-02-15', '2026-02-23'), ...range('2026-04-04', '2026-04-06'), ...range('2026-05-01', '2026-05-05'), ...range('2026-06-19', '2026-06-21'), ...range('2026-09-25', '2026-09-27'), ...range('2026-10-01', '2026-10-07')],
    work: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

describe('the packaged calendar matches the published 2025 and 2026 schedules', () => {
  for (const [year, p] of Object.entries(PUBLISHED)) {
    it(`${year}: every day of the year`, () => {
      const off = new Set(p.off);
      const work = new Set(p.work);
      for (const d of range(`${year}-01-01`, `${year}-12-31`)) {
        const expected = work.has(d) ? true : off.has(d) ? false : !isWeekend(d);
        expect(cal.isWorkingDay(d), d).toBe(expected);
      }
      for (const d of p.work) expect(isWeekend(d), `${d} is a weekend make-up day`).toBe(true);
    });
  }
});

describe('deadline: received + 2 working days, at the end of the working day (17:30 Asia/Shanghai)', () => {
  it('on the eve of the National Day holiday (Tue 2025-09-30): due Fri 2025-10-10', () => {
    expect(due('2025-09-30T10:00')).toBe('2025-10-10 17:30');
  });
  it('after hours on the eve: counts from Thu Oct 9, due on the make-up Saturday Oct 11', () => {
    expect(effectiveReceiptDay(at('2025-09-30T18:00'), cal)).toBe('2025-10-09');
    expect(due('2025-09-30T18:00')).toBe('2025-10-11 17:30');
  });
  it('on the make-up Sunday 2025-09-28 a ticket is received on a working day', () => {
    expect(due('2025-09-28T09:00')).toBe('2025-09-30 17:30');
  });
  it('Fri 2026-02-13: the window crosses the make-up Saturday 02-14 and the Spring Festival, due Tue 02-24', () => {
    expect(due('2026-02-13T10:00')).toBe('2026-02-24 17:30');
  });
  it('Fri 2026-02-13 after hours: counts from Sat 02-14 (make-up day), due Wed 02-25', () => {
    expect(due('2026-02-13T17:30')).toBe('2026-02-25 17:30');
  });
  it('received during the Spring Festival (2026-02-18): counts from Tue 02-24, due Thu 02-26', () => {
    expect(due('2026-02-18T11:00')).toBe('2026-02-26 17:30');
  });
  it('received on a plain Saturday counts from Monday', () => {
    expect(due('2025-11-15T10:00')).toBe('2025-11-19 17:30');
  });
  it('received early in the morning counts that day', () => {
    expect(due('2025-11-17T07:00')).toBe('2025-11-19 17:30');
  });
  it('the number of working days and the office hours are settings (3 days, end 18:00)', () => {
    expect(due('2025-09-30T10:00', cal, 3, '18:00')).toBe('2025-10-11 18:00');
  });
  it('a server in another time zone gets the same answer (instants, not local clocks)', () => {
    const d = dueAt(new Date('2025-09-30T02:00:00Z'), cal);
    expect(d.toISOString()).toBe('2025-10-10T09:30:00.000Z');
  });
});

describe('a year without calendar data', () => {
  it('2026-12-30: the window reaches 2027, which has no data → an error that says how to add it', () => {
    let err: unknown;
    try {
      due('2026-12-30T10:00');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalendarMissingError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/no holiday calendar for 2027/);
    expect(msg).toMatch(/tickets\.calendar\.years/);
    expect(msg).toMatch(/tickets\.calendar\.files/);
  });
  it('never a silent weekday guess: a ticket gets no deadline and says why', () => {
    const ctx = ticketContext(parseConfig({}), { calendar: cal });
    const r = computeDue(ctx, at('2026-12-30T10:00'));
    expect(r.dueAt).toBeNull();
    expect(r.dueError).toMatch(/2027/);
  });
  it('2027 added in the config: due Mon 2027-01-04 (Jan 1 off, then the weekend)', () => {
    const config = parseConfig({ tickets: { calendar: { years: { '2027': { daysOff: ['2027-01-01', '2027-02-06..2027-02-13'], workdays: ['2027-02-14'] } } } } });
    const c = ticketContext(config).calendar;
    expect(due('2026-12-30T10:00', c)).toBe('2027-01-04 17:30');
    expect(c.isWorkingDay('2027-02-14')).toBe(true);
    expect(c.isWorkingDay('2027-02-08')).toBe(false);
  });
  it('2027 added from a JSON data file listed in the config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zc-cal-'));
    writeFileSync(join(dir, 'h2027.json'), JSON.stringify({ years: { '2027': { daysOff: ['2027-01-01'], workdays: [], source: 'test' } } }));
    const c = WorkCalendar.load({ files: ['h2027.json'] }, { cwd: dir, shipped: null });
    expect(due('2026-12-31T09:00', c)).toBe('2027-01-05 17:30');
  });
  it('the shipped audits/rules/holidays.json loads (and adds nothing before the notice is out)', () => {
    const c = WorkCalendar.load({});
    expect(c.isWorkingDay('2026-10-10')).toBe(true);
    expect(() => c.isWorkingDay('2027-03-01')).toThrow(CalendarMissingError);
  });
  it('a config year that replaces the packaged data wins', () => {
    const c = WorkCalendar.load({ years: { '2026': { daysOff: ['2026-03-02'], workdays: [] } } }, { shipped: null });
    expect(c.isWorkingDay('2026-03-02')).toBe(false);
    expect(c.isWorkingDay('2026-10-05')).toBe(true); // only the given year's list counts now
  });
  it('bad calendar data is a config error naming the key', () => {
    expect(() => WorkCalendar.load({ years: { '2027': { daysOff: ['2028-01-01'] } } }, { shipped: null })).toThrow(UsageError);
    expect(() => WorkCalendar.load({ years: { '2027': { daysOff: ['2027-01-01'], workdays: ['2027-01-01'] } } }, { shipped: null })).toThrow(/同时列为放假日和调休上班日/);
    expect(() => parseConfig({ tickets: { officeHours: { start: '8:30' } } })).toThrow(/tickets\.officeHours\.start/);
    expect(() => parseConfig({ tickets: { timezone: 'Mars/Olympus' } })).toThrow(/time zone/);
  });
});
