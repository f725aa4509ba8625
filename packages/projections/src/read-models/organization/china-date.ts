/**
 * The calendar day in China (YYYY-MM-DD) of an ISO instant. A copy of `chinaDateOf` in @quanze/service-kit, kept
 * here because packages/projections depends on events and eventstore only: China has kept UTC+8 without daylight
 * saving since 1991, so a fixed offset gives the time-zone database's day.
 */
export function chinaDateOf(instant: string): string {
  return new Date(Date.parse(instant) + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;
