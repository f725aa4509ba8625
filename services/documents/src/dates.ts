/**
 * Calendar days as the documents' rules count them: in China (Asia/Shanghai). China has kept UTC+8 without daylight
 * saving since 1991, so a fixed offset gives the same day as the time-zone database, without depending on it.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The day in China at an instant (ISO 8601, UTC), as YYYY-MM-DD. */
export function chinaDateOf(instant: string): string {
  return new Date(Date.parse(instant) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/**
 * The same day `years` later; 29 February becomes 1 March when the later year has no 29 February, so "at most five
 * years" never ends a day early.
 */
export function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) throw new TypeError(`not a calendar date: ${date}`);
  return new Date(Date.UTC(year + years, month - 1, day)).toISOString().slice(0, 10);
}
