/**
 * The calendar day in China (YYYY-MM-DD) of an ISO instant: the day every rule counts in — certificates valid
 * "that day", steps "not after today", deadlines. A case handled at 07:00 in 尚志 is still the previous day in UTC.
 * China has kept UTC+8 without daylight saving since 1991, so a fixed offset gives the time-zone database's day
 * without depending on it.
 */
export function chinaDateOf(instant: string): string {
  return new Date(Date.parse(instant) + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;
