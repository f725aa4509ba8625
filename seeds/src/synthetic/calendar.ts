/**
 * The simulated calendar. A day is an integer: days since 1970-01-01, counted in China's calendar (UTC+8, no
 * daylight saving since 1991), the day every rule of the ledger counts in. An instant is milliseconds since the
 * epoch. A step done at 09:30 in 尚志 on day d happened at UTC 01:30 of the same date.
 */

export const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Day number of a YYYY-MM-DD date. */
export function dayOf(date: string): number {
  const ms = Date.parse(`${date}T00:00:00.000Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${date}`);
  return Math.round(ms / DAY_MS);
}

/** YYYY-MM-DD of a day number. */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The instant of minute `minuteOfDay` (China time) on `day`. */
export function instantAt(day: number, minuteOfDay: number): number {
  return day * DAY_MS + minuteOfDay * 60_000 - CHINA_OFFSET_MS;
}

/** The China day of an instant. */
export function chinaDayOf(instant: number): number {
  return Math.floor((instant + CHINA_OFFSET_MS) / DAY_MS);
}

export function isoOf(instant: number): string {
  return new Date(instant).toISOString();
}

export function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Day of 1 January of `year`. */
export function firstDayOfYear(year: number): number {
  return dayOf(`${String(year).padStart(4, '0')}-01-01`);
}

/** The same month and day `years` later (29 February → 1 March), the way validity periods are counted. */
export function addYears(day: number, years: number): number {
  const date = new Date(day * DAY_MS);
  const target = Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate());
  return Math.round(target / DAY_MS);
}

/** Saturday or Sunday: plain weekends, where no office records a step in the ordinary course. */
export function isWeekend(day: number): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The first weekday on or after `day`. */
export function weekdayOnOrAfter(day: number): number {
  let result = day;
  while (isWeekend(result)) result += 1;
  return result;
}
