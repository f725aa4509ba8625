import { z } from 'zod';

/**
 * A lone surrogate cannot be stored as UTF-8 (it would come back as U+FFFD, another text than the one given) and
 * has no canonical JSON (RFC 8785), so no event hash could cover it.
 */
export const WELL_FORMED = 'must be well-formed Unicode (no lone surrogates)';
export function isWellFormed(text: string): boolean {
  return !/\p{Surrogate}/u.test(text);
}

/** Identifiers of units, persons, posts, decisions…: opaque, stable, URL-safe. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an id is 1–128 characters of letters, digits, ".", "_", ":" or "-"');

/** An instant, always in UTC with a `Z`, so that string order is time order. */
export const Instant = z.iso.datetime({ offset: false, precision: 3 }).describe('ISO 8601 UTC instant, millisecond precision');

/** A calendar date (YYYY-MM-DD), for days that are not instants: issue dates, validity, deadlines. */
export const CalendarDate = z.iso.date();

/** SHA-256 as lowercase hex: how evidence, materials and documents are referenced (全过程记录). */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest is 64 lowercase hex characters');

/** Human text: trimmed, never empty, bounded so that one field cannot swamp an event. */
export const Text = (max = 2000) => z.string().trim().min(1).max(max).refine(isWellFormed, WELL_FORMED);
