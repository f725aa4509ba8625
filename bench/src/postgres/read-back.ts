import type { Check } from '../scenario.js';
import { check } from '../scenario.js';

/**
 * What a read of the whole log delivered, against what the table holds: every stored event once, none twice, in
 * ascending position. Used after the concurrent scenario, where commits and positions can disagree.
 */
export class ReadBack {
  private readonly seen = new Map<string, number>();
  private delivered = 0;
  private descents = 0;
  private last = Number.NEGATIVE_INFINITY;

  see(eventId: string, position: number): void {
    this.delivered += 1;
    this.seen.set(eventId, (this.seen.get(eventId) ?? 0) + 1);
    if (position <= this.last) this.descents += 1;
    this.last = position;
  }

  /** `stored`: the event ids the table holds, read with a plain SELECT. */
  findings(stored: readonly string[]): { checks: Check[]; summary: string } {
    const storedIds = new Set(stored);
    let repeated = 0;
    for (const count of this.seen.values()) if (count > 1) repeated += count - 1;
    const missing = stored.filter((id) => !this.seen.has(id)).length;
    const unknown = [...this.seen.keys()].filter((id) => !storedIds.has(id)).length;
    const summary =
      `${this.delivered} delivered of ${stored.length} stored: ${repeated} repeated, ${missing} missing, ` +
      `${unknown} not in the table, ${this.descents} not after the one before`;
    return {
      summary,
      checks: [
        check('read-all after the concurrent run: every stored event once', repeated === 0 && missing === 0 && unknown === 0, summary),
        check('read-all after the concurrent run: positions ascending', this.descents === 0, summary),
      ],
    };
  }
}
