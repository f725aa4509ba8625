import type { ReadModelStore } from './read-model-store.js';

interface Memory<TValue> {
  /** What the current batch has read or written. */
  batch: Map<string, TValue>;
  /** What earlier batches left, the least recently used first. */
  readonly kept: Map<string, TValue>;
}

/**
 * What a projection remembers of its own rows between events, so that it need not read them again: the rows of a
 * subject whose events come one after another (a case's steps, an officer's certificates).
 *
 * - the batch's entries: what the current batch has read or written, held until the batch ends (`endBatch`). A
 *   projection keeps them exactly as the database has them — or will have them, for rows it holds back — by writing
 *   through them.
 * - the kept entries: what earlier batches left, at most `capacity`, the least recently used forgotten first: rows as
 *   they were committed, taken into the batch when it needs them again.
 *
 * The runner tells a projection to forget everything (`forget`) whenever the database may no longer be what it
 * remembers: a batch rolled back, another runner applied events to the same file; so does a rebuild (`setup`).
 */
export class ReadMemory<TValue> {
  private readonly memories = new WeakMap<ReadModelStore, Memory<TValue>>();
  // A projection works on one database at a time: the last one's memory is found without the WeakMap.
  private last: { readonly db: ReadModelStore; readonly memory: Memory<TValue> } | null = null;

  constructor(private readonly capacity: number) {}

  private memoryOf(db: ReadModelStore): Memory<TValue> {
    if (this.last?.db === db) return this.last.memory;
    let memory = this.memories.get(db);
    if (memory === undefined) {
      memory = { batch: new Map(), kept: new Map() };
      this.memories.set(db, memory);
    }
    this.last = { db, memory };
    return memory;
  }

  /** The entry as the batch has it, or as an earlier batch left it (then taken into this batch); undefined: unknown. */
  get(db: ReadModelStore, key: string): TValue | undefined {
    const memory = this.memoryOf(db);
    const current = memory.batch.get(key);
    if (current !== undefined) return current;
    const kept = memory.kept.get(key);
    if (kept !== undefined) memory.batch.set(key, kept);
    return kept;
  }

  set(db: ReadModelStore, key: string, value: TValue): void {
    this.memoryOf(db).batch.set(key, value);
  }

  /** An entry that is no longer known (its rows changed in a way not remembered): read again when next needed. */
  delete(db: ReadModelStore, key: string): void {
    const memory = this.memoryOf(db);
    memory.batch.delete(key);
    memory.kept.delete(key);
  }

  /** The batch committed: its entries are kept, the most recent last; past the capacity the oldest go. */
  endBatch(db: ReadModelStore, settle?: (value: TValue) => TValue): void {
    const memory = this.memoryOf(db);
    const { batch, kept } = memory;
    memory.batch = new Map();
    for (const [key, value] of batch) {
      kept.delete(key);
      kept.set(key, settle === undefined ? value : settle(value));
    }
    let excess = kept.size - this.capacity;
    for (const key of kept.keys()) {
      if (excess <= 0) break;
      kept.delete(key);
      excess -= 1;
    }
  }

  forget(db: ReadModelStore): void {
    this.memories.delete(db);
    if (this.last?.db === db) this.last = null;
  }
}
