import type { LedgerEvent } from './ledger-event.js';
import type { ReadModelSql, ReadModelStore } from './read-model-store.js';

/**
 * A read model: tables it owns, and how one event changes them. `apply` runs inside the runner's transaction,
 * together with the checkpoint, so a crash leaves both or neither: every event takes effect exactly once. It must
 * be deterministic — the same events always give the same rows, on SQLite as on PostgreSQL — because a rebuild
 * must reproduce the read model row for row (`dumpProjection`).
 */
export interface Projection {
  /** Stable and unique: the checkpoint's key and the prefix of the projection's tables. */
  readonly name: string;
  /** Bumped when the tables or `apply` change meaning: a stored read model of another version is rebuilt. */
  readonly version: number;
  /** Every table (and only those) the projection owns: dropped on rebuild, dumped for comparison. */
  readonly tables: readonly string[];
  /** Creates the tables and the indexes `apply` reads through (SQLite's dialect: see `ReadModelSql.exec`). */
  setup(tx: ReadModelSql): Promise<void>;
  /**
   * The indexes only queries read through, never `apply`: `CREATE [UNIQUE] INDEX IF NOT EXISTS …` statements. The
   * runner creates them after `setup`, except while it replays the log into an empty read model: then it creates
   * them once caught up, one sorted build instead of a scattered insert into each of them for every row.
   */
  readonly queryIndexes?: readonly string[];
  apply(tx: ReadModelSql, event: LedgerEvent): Promise<void>;
  /**
   * Called once every event of a batch is applied, in the batch's transaction, before the checkpoints are written:
   * a projection that holds rows back in `apply`, to write them together, writes them here.
   */
  endBatch?(tx: ReadModelSql): Promise<void>;
  /**
   * The database may no longer be what the projection remembers of it (read-memory.ts): a batch failed and was
   * rolled back, or another runner applied events to the same database. Forget every row held back or remembered.
   */
  forget?(store: ReadModelStore): void;
}
