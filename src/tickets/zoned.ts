/**
 * Wall-clock time in a time zone (office hours are Asia/Shanghai whatever the server's TZ):
 * an instant → local date + minutes, and a local date + HH:MM → the instant. Uses Intl only.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function fmt(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    fmt(tz);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  /** Minutes since local midnight. */
  minutes: number;
  seconds: number;
}

export function toLocal(instant: Date, tz: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of fmt(tz).formatToParts(instant)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${String(hour).padStart(2, '0')}:${parts.minute}`,
    minutes: hour * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetAt(ms: number, tz: string): number {
  const l = toLocal(new Date(ms), tz);
  const [y, m, d] = l.date.split('-').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, Math.floor(l.minutes / 60), l.minutes % 60, l.seconds);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the clocks of `tz` show `date` `time` (HH:MM or HH:MM:SS). */
export function fromLocal(date: string, time: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm, ss] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm, ss || 0);
  let t = guess - offsetAt(guess, tz);
  const again = guess - offsetAt(t, tz);
  if (again !== t) t = again;
  return new Date(t);
}

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** "2025-10-10 17:30" in the zone: how the dashboard, exports and messages print times. */
export function formatLocal(iso: string | null | undefined, tz: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const l = toLocal(d, tz);
  return `${l.date} ${l.time}`;
}

/** The zone as a reader names it: 北京时间 for Asia/Shanghai (and its aliases), else the IANA name. */
export function zoneName(tz: string): string {
  return /^(Asia\/(Shanghai|Chongqing|Chungking|Harbin)|PRC)$/.test(tz) ? '北京时间' : `${tz} 时间`;
}

/** "2025-10-10 17:30 北京时间": a time a reader sees on its own (headers, windows), zone named. */
export function formatZoned(iso: string | null | undefined, tz: string): string {
  const s = formatLocal(iso, tz);
  return s ? `${s} ${zoneName(tz)}` : '';
}

/** Today's date (YYYY-MM-DD) on the clocks of `tz`, whatever the server's TZ. */
export function todayIn(tz: string, now = new Date()): string {
  return toLocal(now, tz).date;
}
