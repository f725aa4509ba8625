import type { ReadModelDatabase } from './projection.js';

/**
 * What a projection remembers of its own rows between events, so that it need not read them again: the rows of a
 * subject whose events come one after another (a case's steps, an officer's certificates).
 *
 * - `batch`: what the current batch has read or written, held until the batch ends (`endBatch`). A projection keeps
 *   it exactly as the database has it — or will have it, for rows it holds back — by writing through it.
 * - `kept`: what earlier batches left, at most `capacity` entries, the least recently used forgotten first: rows as
 *   they were committed, taken into the batch when it needs them again.
 *
 * The runner tells a projection to forget everything (`forget`) whenever the database may no longer be what it
 * remembers: a batch rolled back, another runner applied events to the same file, a rebuild dropped the tables.
 */
export class ReadMemory<TValue> {
  private readonly batches = new WeakMap<ReadModelDatabase, Map<string, TValue>>();
  private readonly kept = new WeakMap<ReadModelDatabase, Map<string, TValue>>();

  constructor(private readonly capacity: number) {}

  /** The batch's entries (created empty). */
  batch(db: ReadModelDatabase): Map<string, TValue> {
    let batch = this.batches.get(db);
    if (batch === undefined) {
      batch = new Map();
      this.batches.set(db, batch);
    }
    return batch;
  }

  /** The entry as the batch has it, or as an earlier batch left it (then taken into this batch); undefined: unknown. */
  get(db: ReadModelDatabase, key: string): TValue | undefined {
    const batch = this.batch(db);
    const current = batch.get(key);
    if (current !== undefined) return current;
    const kept = this.kept.get(db)?.get(key);
    if (kept !== undefined) batch.set(key, kept);
    return kept;
  }

  set(db: ReadModelDatabase, key: string, value: TValue): void {
    this.batch(db).set(key, value);
  }

  /** An entry that is no longer known (its rows changed in a way not remembered): read again when next needed. */
  delete(db: ReadModelDatabase, key: string): void {
    this.batch(db).delete(key);
    this.kept.get(db)?.delete(key);
  }

  /** The batch committed: its entries are kept, the most recent last; past the capacity the oldest go. */
  endBatch(db: ReadModelDatabase, settle?: (value: TValue) => TValue): void {
    const batch = this.batches.get(db);
    this.batches.delete(db);
    if (batch === undefined) return;
    let kept = this.kept.get(db);
    if (kept === undefined) {
      kept = new Map();
      this.kept.set(db, kept);
    }
    for (const [key, value] of batch) {
      kept.delete(key);
      kept.set(key, settle === undefined ? value : settle(value));
    }
    if (kept.size > this.capacity) {
      let excess = kept.size - this.capacity;
      for (const key of kept.keys()) {
        if (excess === 0) break;
        kept.delete(key);
        excess -= 1;
      }
    }
  }

  forget(db: ReadModelDatabase): void {
    this.batches.delete(db);
    this.kept.delete(db);
  }
}
