import type Database from 'better-sqlite3';
import type { LedgerEvent } from './ledger-event.js';

export type ReadModelDatabase = Database.Database;

/**
 * A read model: tables it owns, and how one event changes them. `apply` is synchronous and runs inside the
 * runner's transaction, together with the checkpoint, so a crash leaves both or neither: every event takes
 * effect exactly once. It must be deterministic — the same events always give the same rows — because a rebuild
 * must reproduce the read model byte for byte.
 */
export interface Projection {
  /** Stable and unique: the checkpoint's key and the prefix of the projection's tables. */
  readonly name: string;
  /** Bumped when the tables or `apply` change meaning: a stored read model of another version is rebuilt. */
  readonly version: number;
  /** Every table (and only those) the projection owns: dropped on rebuild, dumped for comparison. */
  readonly tables: readonly string[];
  /** Creates the tables and the indexes `apply` reads through. */
  setup(db: ReadModelDatabase): void;
  /**
   * The indexes only queries read through, never `apply`: `CREATE [UNIQUE] INDEX IF NOT EXISTS …` statements. The
   * runner creates them after `setup`, except while it replays the log into an empty read model: then it creates
   * them once caught up, one sorted build instead of a scattered insert into each of them for every row.
   */
  readonly queryIndexes?: readonly string[];
  apply(db: ReadModelDatabase, event: LedgerEvent): void;
  /**
   * Called once every event of a batch is applied, in the batch's transaction, before the checkpoints are written:
   * a projection that holds rows back in `apply`, to write them together, writes them here.
   */
  endBatch?(db: ReadModelDatabase): void;
  /**
   * The database may no longer be what the projection remembers of it (read-memory.ts): a batch failed and was
   * rolled back, or another runner applied events to the same file. Forget every row held back or remembered.
   */
  forget?(db: ReadModelDatabase): void;
}
