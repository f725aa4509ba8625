import { chinaDayOf, instantAt, weekdayOnOrAfter } from './calendar.js';
import type { Random } from './random.js';

/** One step of a subject's life: at `instant`, `run` records exactly one event (or, when `optional`, none). */
export interface Step {
  readonly instant: number;
  readonly run: (instant: number) => void;
}

/** Office hours in 尚志 (China time): 08:30 to 17:30. */
const OPENS = 8 * 60 + 30;
const CLOSES = 17 * 60 + 30;

/**
 * A subject's steps, laid out when the subject starts: every instant is fixed up front, so the plan knows how many
 * events it will make, when it ends, how long its officers are needed, and exactly how long each deadline ran.
 */
export class Timeline {
  readonly steps: Step[] = [];
  private last: number;

  /** A subject starting on `startDay`: no step of it comes before that day's first minute. */
  constructor(
    private readonly random: Random,
    private readonly startDay: number,
  ) {
    this.last = instantAt(startDay, 0) - 1;
  }

  get lastInstant(): number {
    return this.last;
  }

  /** The day of the last step; the start day while there is none. */
  get lastDay(): number {
    return Math.max(this.startDay, chinaDayOf(this.last));
  }

  /**
   * A step during office hours on `day` (moved to the next weekday unless `anyDay`), never before the previous
   * step: on the same day it comes a few minutes after it.
   */
  onDay(day: number, run: (instant: number) => void, options: { anyDay?: boolean } = {}): number {
    let target = options.anyDay === true ? day : weekdayOnOrAfter(day);
    const lastDay = this.lastDay;
    if (target < lastDay) target = lastDay;
    let instant = instantAt(target, this.random.int(OPENS, CLOSES - 1)) + this.random.int(0, 59) * 1000;
    if (instant <= this.last) instant = this.last + this.random.int(2, 12) * 60_000 + this.random.int(0, 59) * 1000;
    return this.push(instant, run);
  }

  /** A step `minMinutes`–`maxMinutes` after the previous one, whatever the day (police and deadlines in hours). */
  after(minMinutes: number, maxMinutes: number, run: (instant: number) => void): number {
    const instant = this.last + this.random.int(minMinutes, maxMinutes) * 60_000 + this.random.int(0, 59) * 1000;
    return this.push(instant, run);
  }

  private push(instant: number, run: (instant: number) => void): number {
    this.last = instant;
    this.steps.push({ instant, run });
    return instant;
  }
}
