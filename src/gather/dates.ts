/**
 * Dates as Chinese government sites print them in lists and article headers:
 * 2026-11-18, [2026-11-18], (2026/11/18), 2026.11.18, 2026年11月18日, 2026-1-8.
 * Pure; shared by the crawl, the audits and the extension.
 */

const DATE_RE = /(?<![\d])((?:19|20)\d{2})\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)(?![\d])/g;

function valid(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Every valid date in the text, in order, as YYYY-MM-DD. */
export function findDates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    const y = Number(m[1]);
    const mo = Number(m[3] ?? m[5]);
    const d = Number(m[4] ?? m[6]);
    if (valid(y, mo, d)) out.push(`${y}-${pad(mo)}-${pad(d)}`);
  }
  return out;
}

export function firstDate(text: string): string | undefined {
  return findDates(text)[0];
}

/** Whole days from a to b (b − a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
}

/** today − n days, as YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  const t = new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000);
  return t.toISOString().slice(0, 10);
}

/** The local calendar date as YYYY-MM-DD (the audit's default "today"). */
export function localToday(now = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
