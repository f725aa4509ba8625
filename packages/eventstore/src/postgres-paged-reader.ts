import type { RecordedEvent } from '@quanze/events';
import type { EventStoreError } from './errors.js';
import { StoreClosed } from './errors.js';
import type { ReadRange } from './read-options.js';

export interface AsyncPageQuery extends ReadRange {
  readonly pageSize: number;
  /** Events from key `from` (inclusive) in the query's direction, at most `count`. */
  readonly fetch: (from: number, count: number) => Promise<RecordedEvent[]>;
  readonly keyOf: (event: RecordedEvent) => number;
}

/**
 * Streams a keyed range page by page, each page one query on whichever pooled connection is free: no cursor
 * or transaction stays open between pages, so a reader that pauses holds no connection and no snapshot.
 * (paged-reader.ts does the same for SQLite's synchronous reads.)
 */
export function readPages(
  query: AsyncPageQuery,
  options: { readonly isClosed: () => boolean; readonly translate: (error: unknown) => EventStoreError },
): AsyncIterable<RecordedEvent> {
  return {
    async *[Symbol.asyncIterator]() {
      let nextKey = query.start;
      let remaining = query.limit ?? Number.POSITIVE_INFINITY;
      while (remaining > 0 && nextKey >= 1) {
        if (options.isClosed()) throw new StoreClosed();
        const count = Math.min(query.pageSize, remaining);
        let page: RecordedEvent[];
        try {
          page = await query.fetch(nextKey, count);
        } catch (error) {
          throw options.isClosed() ? new StoreClosed() : options.translate(error);
        }
        for (const event of page) yield event;
        remaining -= page.length;
        const last = page.at(-1);
        if (last === undefined || page.length < count) return;
        nextKey = query.keyOf(last) + (query.backwards ? -1 : 1);
      }
    },
  };
}
