import type { RecordedEvent } from '@quanze/events';
import type { EventStoreError } from './errors.js';
import { StoreClosed } from './errors.js';
import type { ReadRange } from './read-options.js';

export interface PageQuery<TRow> extends ReadRange {
  readonly pageSize: number;
  /** Rows from `from` (inclusive) in the query's direction, at most `count`. */
  readonly fetch: (from: number, count: number) => TRow[];
  readonly keyOf: (row: TRow) => number;
}

export interface PagedReaderOptions<TRow> {
  readonly isClosed: () => boolean;
  readonly translate: (error: unknown) => EventStoreError;
  readonly toEvent: (row: TRow) => RecordedEvent;
}

/**
 * Streams a keyed range page by page. No cursor stays open between pages, so a consumer that pauses
 * holds no lock and no more than one page in memory, and appends go on meanwhile.
 */
export function createPagedReader<TRow>(options: PagedReaderOptions<TRow>) {
  return {
    read(query: PageQuery<TRow>): AsyncIterable<RecordedEvent> {
      return {
        [Symbol.asyncIterator]: () => new PagedIterator(query, options),
      };
    },
  };
}

class PagedIterator<TRow> implements AsyncIterator<RecordedEvent> {
  private page: TRow[] = [];
  private index = 0;
  private nextKey: number;
  private remaining: number;
  private exhausted = false;

  constructor(
    private readonly query: PageQuery<TRow>,
    private readonly options: PagedReaderOptions<TRow>,
  ) {
    this.nextKey = query.start;
    this.remaining = query.limit ?? Number.POSITIVE_INFINITY;
  }

  // Not an async generator: a plain iterator answering from its page costs one resolved promise per
  // event, which matters when a projection replays millions.
  next(): Promise<IteratorResult<RecordedEvent>> {
    if (this.index >= this.page.length && !this.exhausted) {
      try {
        this.fetchPage();
      } catch (error) {
        this.exhausted = true;
        return Promise.reject(this.options.translate(error));
      }
    }
    const row = this.page[this.index];
    if (row === undefined || this.remaining <= 0) return Promise.resolve({ done: true, value: undefined });
    this.index += 1;
    this.remaining -= 1;
    return Promise.resolve({ done: false, value: this.options.toEvent(row) });
  }

  return(): Promise<IteratorResult<RecordedEvent>> {
    this.exhausted = true;
    this.page = [];
    return Promise.resolve({ done: true, value: undefined });
  }

  private fetchPage(): void {
    if (this.options.isClosed()) throw new StoreClosed();
    const count = Math.min(this.query.pageSize, this.remaining);
    this.page = count > 0 && this.nextKey >= 1 ? this.query.fetch(this.nextKey, count) : [];
    this.index = 0;
    const last = this.page.at(-1);
    if (last === undefined || this.page.length < count) this.exhausted = true;
    if (last !== undefined) this.nextKey = this.query.keyOf(last) + (this.query.backwards ? -1 : 1);
  }
}
