import { z } from 'zod';

/** How many items a page holds: 50 unless asked, at most 200. */
export const PageLimit = z.coerce.number().int().min(1).max(200).default(50).describe('items per page, 1–200 (default 50)');

/**
 * A page cursor: the sort key of the last item of the previous page, as base64url JSON. Opaque to clients, which
 * pass back the `nextCursor` of a page to get the next; checked against the key's shape, so a forged or stale
 * cursor is a 400 naming `cursor`, never a query over garbage.
 */
export function cursorOf<TKey>(key: z.ZodType<TKey>) {
  return z
    .string()
    .max(1000)
    .transform((text, context): TKey => {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      } catch {
        decoded = undefined;
      }
      const parsed = key.safeParse(decoded);
      if (!parsed.success) {
        context.addIssue({ code: 'custom', message: 'not a cursor of this list: pass back a `nextCursor` as given' });
        return z.NEVER;
      }
      return parsed.data;
    })
    .describe('the `nextCursor` of the previous page');
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A page of a list: its items, and the cursor of the next page (null on the last). */
export interface Page<TItem> {
  readonly items: readonly TItem[];
  readonly nextCursor: string | null;
}

export function pageOf<TItem>(items: readonly TItem[], next: unknown): Page<TItem> {
  return { items, nextCursor: next === null ? null : encodeCursor(next) };
}

/** The OpenAPI shape of a page. */
export function PageSchema(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
