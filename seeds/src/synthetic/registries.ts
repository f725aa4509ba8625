import type { Random } from './random.js';

/**
 * What subjects need to know of each other: the numbering registers (三统一), the documents a case may cite, the
 * decisions in force, the market entities inspections draw from. Kept in memory, indexed so that no lookup scans
 * the history.
 */

export interface IssuedDocument {
  readonly documentId: string;
  readonly issuingUnitId: string;
  readonly draftingUnitId: string;
  readonly formatted: string;
  readonly number: { readonly authorityCode: string; readonly year: number; readonly serial: number; readonly formatted: string };
  readonly issuedOn: number;
  readonly effectiveFrom: number;
  readonly validUntil: number;
  /** From this day no new case cites it: an abolition or a revision is under way. */
  endingFrom: number | null;
  /** The last day a case citing it decides: it stays valid at least until then. */
  citedUntil: number;
  abolished: boolean;
  /** The first day it is no longer valid, once an abolition is recorded. */
  abolishedOn: number | null;
  expired: boolean;
  readonly issuedEventId: string;
  abolishedEventId: string | null;
  /** Latest clean-up decision day, if any. */
  lastCleanUp: number | null;
}

export interface DecisionInForce {
  readonly decisionId: string;
  readonly leadUnitId: string;
  readonly cooperatingUnitIds: readonly string[];
  /** Not before this day may a follow-up report be recorded (after the plan's own steps). */
  freeFrom: number;
  inForce: boolean;
}

export class Registries {
  /** Subjects started, per kind: the serial part of their ids (c-2017-000123). */
  private readonly sequences = new Map<string, number>();

  nextSequence(kind: string): number {
    const next = (this.sequences.get(kind) ?? 0) + 1;
    this.sequences.set(kind, next);
    return next;
  }

  started(kind: string): number {
    return this.sequences.get(kind) ?? 0;
  }

  /** `docnumber-<code>-<year>`: serials taken so far. */
  private readonly serials = new Map<string, number>();
  readonly documents: IssuedDocument[] = [];
  readonly decisions: DecisionInForce[] = [];
  readonly marketEntities: string[] = [];

  /** The next serial of a register; never reused, never skipped. */
  takeSerial(code: string, year: number): number {
    const key = `${code}-${year}`;
    const serial = (this.serials.get(key) ?? 0) + 1;
    this.serials.set(key, serial);
    return serial;
  }

  /** Serials taken per register (for the report and the gap-free checks). */
  registerSizes(): Record<string, number> {
    return Object.fromEntries([...this.serials.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Documents that no abolition, revision or expiry has touched: where citations are drawn from. */
  private readonly active: IssuedDocument[] = [];
  private readonly activeIndex = new Map<string, number>();

  addDocument(document: IssuedDocument): void {
    this.documents.push(document);
    this.activeIndex.set(document.documentId, this.active.length);
    this.active.push(document);
  }

  /** The document no longer takes new citations (an abolition or revision under way, or it ended). */
  retireFromCitation(document: IssuedDocument): void {
    const index = this.activeIndex.get(document.documentId);
    if (index === undefined) return;
    const last = this.active.pop() as IssuedDocument;
    if (last !== document) {
      this.active[index] = last;
      this.activeIndex.set(last.documentId, index);
    }
    this.activeIndex.delete(document.documentId);
  }

  get activeDocuments(): readonly IssuedDocument[] {
    return this.active;
  }

  /**
   * A document a case opened on `from` and decided by `until` may cite: in force the whole time with a month to
   * spare, no abolition or revision under way. A few random tries, not a scan; null when none fits.
   */
  pickCitable(random: Random, from: number, until: number): IssuedDocument | null {
    for (let attempt = 0; attempt < 8 && this.active.length > 0; attempt += 1) {
      const document = random.pick(this.active);
      if (document.endingFrom === null && document.effectiveFrom <= from && document.validUntil >= until + 30) return document;
    }
    return null;
  }
}
