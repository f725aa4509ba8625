/**
 * The rule violations the generator plants on purpose, one per flag the flags read model must raise on the
 * generated history: docs/FLAGS.md is the catalogue (codes, conditions, deadlines, who raised what), and the
 * codes here are its codes. Everything else in the history keeps well clear of every flag.
 */

/** docs/FLAGS.md, in its order. test/seeds/synthetic-flags.int.spec.ts checks this list against the read model's. */
export const FLAG_CODES = [
  'decision.discussion-without-passed-review',
  'decision.head-overrode-majority',
  'decision.short-comment-period',
  'decision.short-legality-review',
  'document.short-comment-period',
  'document.legality-review-outside-window',
  'document.filing-late',
  'document.numbering-gap',
  'case.cites-invalid-document',
  'case.officer-not-certified',
  'inspection.inspector-not-certified',
  'case.decision-overdue',
  'case.publication-late',
  'case.withdrawal-late',
  'case.transfer-approval-late',
  'case.transfer-dispatch-late',
  'case.transfer-receipt-late',
  'case.police-decision-late',
  'case.penalty-instead-of-transfer',
  'inspection.results-publication-late',
] as const;

export type FlagCode = (typeof FLAG_CODES)[number];

/** Codes whose deadline or condition counts working days: planted only inside the calendar's years. */
export const WORKING_DAY_CODES: readonly FlagCode[] = [
  'decision.short-legality-review',
  'document.legality-review-outside-window',
  'case.publication-late',
  'inspection.results-publication-late',
];

/**
 * The years the working-day calendar covers (chinese-days 1.5.7, docs/FLAGS.md): a flag counted in working days on
 * a day outside them is undetermined and not listed, so none is planted there. The flags spec checks this against
 * the read model's `workingDayCalendarRange()`.
 */
export const WORKING_DAY_CALENDAR = { first: '2004-01-01', last: '2026-12-31' } as const;

export type FlagSubjectKind = 'decision' | 'document' | 'case' | 'inspection' | 'register';

/** One flag the read model must raise, as docs/FLAGS.md describes it. */
export interface PlantedFlag {
  /** `<code>:<the event judged, or that started the deadline>[:<discriminator>]`, as the read model makes it. */
  readonly flagId: string;
  readonly code: FlagCode;
  readonly subject: { readonly kind: FlagSubjectKind; readonly id: string };
  readonly unitId: string | null;
  /** `raised` (immediate), `late` (a deadline met late), `open` (a deadline not met by the end of the history). */
  readonly status: 'raised' | 'late' | 'open';
  /** The events FLAGS.md names for it, in log order (the order the generator appended them). */
  readonly raisedBy: readonly string[];
  /** The first day the flag stands, where it needs no working-day calendar to say; else null. */
  readonly raisedOn: string | null;
  /** What was planted: the variant, the problem, the reason (as in the flag's `details`). */
  readonly details: Readonly<Record<string, string>>;
}

export class PlantedLog {
  readonly flags: PlantedFlag[] = [];

  add(flag: Omit<PlantedFlag, 'flagId'> & { readonly discriminator?: string }): void {
    const { discriminator, ...rest } = flag;
    const primary = primaryEvent(flag.code, flag.raisedBy, flag.status);
    const flagId = discriminator === undefined ? `${flag.code}:${primary}` : `${flag.code}:${primary}:${discriminator}`;
    this.flags.push({ flagId, ...rest });
  }

  countsByCode(): Record<FlagCode, number> {
    const counts = Object.fromEntries(FLAG_CODES.map((code) => [code, 0])) as Record<FlagCode, number>;
    for (const flag of this.flags) counts[flag.code] += 1;
    return counts;
  }
}

/**
 * The event a flag's id names: for an immediate flag the event judged, which FLAGS.md lists after the earlier events
 * it names with it (the review before the meeting, the certificate before the step, the document before the case
 * event), so the last; for a deadline the event that started it, so the first.
 */
function primaryEvent(code: FlagCode, raisedBy: readonly string[], status: PlantedFlag['status']): string {
  const event = status === 'raised' ? raisedBy.at(-1) : raisedBy[0];
  if (event === undefined) throw new TypeError(`a planted ${code} names no event`);
  return event;
}
