import { createRequire } from 'node:module';

/**
 * Working days (工作日) by the State Council holiday calendar, with its adjusted working days (调休), from the data
 * of the maintained `chinese-days` library. Days are China calendar days, `YYYY-MM-DD`.
 *
 * Counting follows 民法典 第201条: the day a period starts from is not counted.
 * - `workingDaysBetween(from, to)`: working days d with from < d ≤ to.
 * - `addWorkingDays(from, n)`: the n-th working day after `from`.
 *
 * The library's functions read dates in the process's time zone, and west of UTC they shift its holidays by a day;
 * so its published data (`dist/chinese-days.json`: the holidays and the adjusted working days) is read here, and
 * the weekday is computed in UTC: the same answer on a server in 尚志, in UTC or in California.
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day the library has no holiday data for: any answer would be a guess, so none is given. */
export class WorkingDayCalendarOutOfRange extends RangeError {
  constructor(
    readonly day: string,
    readonly range: { readonly first: string; readonly last: string },
  ) {
    super(`working days are known from ${range.first} to ${range.last} (chinese-days); ${day} is outside that range`);
    this.name = 'WorkingDayCalendarOutOfRange';
  }
}

function parts(day: string): [number, number, number] {
  const match = DATE.exec(day);
  if (match === null) throw new TypeError(`not a calendar day (YYYY-MM-DD): ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

interface Calendar {
  /** 法定节假日 and the rest days around them, by day. */
  readonly holidays: ReadonlySet<string>;
  /** 调休: weekend days that are working days. */
  readonly workdays: ReadonlySet<string>;
  readonly first: string;
  readonly last: string;
}

function isDayMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.keys(value).every((key) => DATE.test(key));
}

/**
 * The library's data, and the years it knows: those whose 1 January it lists as a holiday (元旦 is every year's
 * first). Found from the data rather than written here, so an upgraded library extends the range by itself.
 */
function loadCalendar(): Calendar {
  const data: unknown = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');
  if (typeof data !== 'object' || data === null || !('holidays' in data) || !('workdays' in data)) {
    throw new Error('chinese-days/dist/chinese-days.json has no holidays and workdays: cannot count working days');
  }
  const { holidays, workdays } = data;
  if (!isDayMap(holidays) || !isDayMap(workdays)) throw new Error('chinese-days/dist/chinese-days.json: days are not YYYY-MM-DD');
  const years = Object.keys(holidays)
    .filter((day) => day.endsWith('-01-01'))
    .map((day) => Number(day.slice(0, 4)))
    .sort((a, b) => a - b);
  const first = years[0];
  if (first === undefined) throw new Error('chinese-days knows no year: cannot count working days');
  let last = first;
  while (years.includes(last + 1)) last += 1;
  return {
    holidays: new Set(Object.keys(holidays)),
    workdays: new Set(Object.keys(workdays)),
    first: `${String(first)}-01-01`,
    last: `${String(last)}-12-31`,
  };
}

let calendar: Calendar | null = null;

function calendarData(): Calendar {
  calendar ??= loadCalendar();
  return calendar;
}

/** The first and last day the calendar covers (chinese-days 1.5.7: 2004-01-01 to 2026-12-31). */
export function workingDayCalendarRange(): { readonly first: string; readonly last: string } {
  const { first, last } = calendarData();
  return { first, last };
}

// Answers already worked out, by day: the rules ask about the same few thousand days over and over (a replay asks
// millions of times). Only answers are kept, never errors, and only for well-formed days, so each map holds at most
// a few entries per day of the calendar a history touches; past MEMO_LIMIT, a map starts again.
const MEMO_LIMIT = 200_000;
const nextDays = new Map<string, string>();
const workingDays = new Map<string, boolean>();

function remember<TValue>(memo: Map<string, TValue>, key: string, value: TValue): TValue {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** Calendar arithmetic on days, in UTC so that no time zone or DST shifts a day. */
export function addDays(day: string, days: number): string {
  if (days === 1) {
    const next = nextDays.get(day);
    if (next !== undefined) return next;
  }
  const [year, month, date] = parts(day);
  const result = new Date(Date.UTC(year, month - 1, date) + days * DAY_MS).toISOString().slice(0, 10);
  return days === 1 ? remember(nextDays, day, result) : result;
}

/** Calendar days from `from` to `to` (the first day not counted): 2025-01-01 → 2025-01-31 is 30. */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}

export function isWorkingDay(day: string): boolean {
  const remembered = workingDays.get(day);
  if (remembered !== undefined) return remembered;
  const [year, month, date] = parts(day);
  const known = calendarData();
  if (day < known.first || day > known.last) throw new WorkingDayCalendarOutOfRange(day, known);
  if (known.workdays.has(day)) return remember(workingDays, day, true);
  if (known.holidays.has(day)) return remember(workingDays, day, false);
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay();
  return remember(workingDays, day, weekday !== 0 && weekday !== 6);
}

/** The number of working days d with from < d ≤ to; 0 when to ≤ from. */
export function workingDaysBetween(from: string, to: string): number {
  if (to <= from) {
    parts(from);
    parts(to);
    return 0;
  }
  isWorkingDay(to);
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day)) count += 1;
  return count;
}

/** The n-th working day after `from` (n ≥ 1); `from` itself is never counted. */
export function addWorkingDays(from: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`addWorkingDays counts at least one working day, not ${String(n)}`);
  parts(from);
  let day = from;
  let counted = 0;
  while (counted < n) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) counted += 1;
  }
  return day;
}
