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
  /** Creates the tables and their indexes. */
  setup(db: ReadModelDatabase): void;
  apply(db: ReadModelDatabase, event: LedgerEvent): void;
}
