/**
 * Schedules of registered sites: cron lines (croner, five fields) read in Beijing time, and
 * the default nightly slot. The default spreads sites over a quiet window by a hash of the
 * origin, so hundreds of sites registered at once do not all start at 02:00, and a site keeps
 * its slot however many sites are added or removed around it.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';

/** Every schedule is read in this zone (the inspection's and the webmasters' clock). */
export const SCHEDULE_TZ = 'Asia/Shanghai';

/** The default window for nightly audits, Beijing time: 01:00 up to (not including) 05:00. */
export const QUIET_WINDOW = { fromHour: 1, hours: 4 } as const;

/** Thrown for a cron line croner refuses, or one that never fires. */
export class CronLineError extends Error {
  override name = 'CronLineError';
}

/** Parsed lines by text: a scheduler asks for the same few lines on every tick. */
const parsed = new Map<string, Cron>();

/** A parsed schedule; throws CronLineError with a Chinese message first (English in brackets). */
export function parseCron(expr: string): Cron {
  const line = expr.trim();
  const known = parsed.get(line);
  if (known) return known;
  let c: Cron;
  try {
    c = new Cron(line, { timezone: SCHEDULE_TZ, paused: true, mode: '5-part' });
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern:\s*/, '');
    throw new CronLineError(`不是有效的 cron 表达式 ${JSON.stringify(line)}：应为“分 时 日 月 周”五段，如 "30 2 * * *" 表示每天 02:30（北京时间）（not a valid cron line: ${why}）`);
  }
  if (!c.nextRun(new Date())) throw new CronLineError(`cron 表达式 ${JSON.stringify(line)} 永远不会触发（never fires）`);
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(line, c);
  return c;
}

/** Deterministic default: minute m of the quiet window, m from the origin's hash. */
export function defaultSchedule(origin: string): string {
  const h = createHash('sha256').update(origin.toLowerCase()).digest();
  const n = h.readUInt32BE(0) % (QUIET_WINDOW.hours * 60);
  return `${n % 60} ${QUIET_WINDOW.fromHour + Math.floor(n / 60)} * * *`;
}

/** The schedule a site runs on: its own cron line, else its default nightly slot. */
export function effectiveSchedule(site: { origin: string; schedule: string | null }): string {
  return site.schedule ?? defaultSchedule(site.origin);
}

/**
 * Per line, the last slot found and the one after it: while `now` lies between them the answer
 * is known without asking croner again (a few hundred µs a call with a zone; a scheduler asks
 * for every site each minute).
 */
const spans = new Map<string, { from: number; to: number; slot: Date }>();

/** The latest slot strictly before `now` (null if the schedule has none before it). */
export function previousSlot(schedule: string, now: Date): Date | null {
  const t = now.getTime();
  const span = spans.get(schedule);
  if (span && t > span.from && t <= span.to) return span.slot;
  const c = parseCron(schedule);
  const slot = c.previousRuns(1, now)[0] ?? null;
  if (!slot) return null;
  const next = c.nextRun(slot);
  if (next) {
    if (spans.size > 10_000) spans.clear();
    spans.set(schedule, { from: slot.getTime(), to: next.getTime(), slot });
  }
  return slot;
}

/** The next slot after `now`. */
export function nextSlot(schedule: string, now: Date): Date | null {
  return parseCron(schedule).nextRun(now);
}
