/** Calendar-day arithmetic of the documents' rules; days are China's (`chinaDateOf` in the service kit). */
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
