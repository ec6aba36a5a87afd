/**
 * Calendar (trading) dates, carried as `YYYY-MM-DD` text end to end, and the arithmetic on them: the
 * one implementation every layer uses. Days are UTC days; nothing here reads the clock.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether a text is a real calendar date `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Midnight UTC of a date; throws on anything that is not a real calendar date. */
export function startOfDay(date: string): Date {
  const match = DATE_PATTERN.exec(date);
  const start = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  // Date.UTC rolls 2026-02-30 over into March; the round trip catches it.
  if (!start || toDateString(start) !== date) throw new RangeError("not a YYYY-MM-DD date");
  return start;
}

/** The UTC date of an instant. */
export function toDateString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return toDateString(new Date(startOfDay(date).getTime() + n * DAY_MS));
}

/** `date` plus n weekdays (Saturdays and Sundays skipped). */
export function addWeekdays(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    const day = startOfDay(d).getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return d;
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Calendar months from `start` to `asOf`, less one when asOf's day of month is before start's (SPEC §3). */
export function wholeMonthsBetween(start: string, asOf: string): number {
  const from = startOfDay(start);
  const to = startOfDay(asOf);
  if (from > to) return 0;
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  return to.getUTCDate() < from.getUTCDate() ? months - 1 : months;
}
