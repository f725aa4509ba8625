/** A value a read model's SQL binds or returns: SQLite's and PostgreSQL's common ground (booleans are 0 and 1). */
export type SqlValue = string | number | bigint | null;
export type SqlParams = readonly SqlValue[];

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * One session on the read models' database: a write transaction while the runner applies a batch, a consistent
 * snapshot while a query answers. SQL is written with `?` placeholders; the PostgreSQL store numbers them. Where
 * the dialects differ (JSON functions, `greatest`), the SQL asks `dialect`.
 */
export interface ReadModelSql {
  readonly dialect: SqlDialect;
  /** The database the session belongs to: stable for its life, what projections key their memory by. */
  readonly store: ReadModelStore;
  all<TRow>(sql: string, params?: SqlParams): Promise<TRow[]>;
  get<TRow>(sql: string, params?: SqlParams): Promise<TRow | undefined>;
  /** Runs a statement; how many rows it changed. */
  run(sql: string, params?: SqlParams): Promise<number>;
  /** Rows as arrays of their column values, in the statement's column order. */
  rows(sql: string, params?: SqlParams): Promise<unknown[][]>;
  /**
   * Runs a script of statements without parameters: schema, written in SQLite's dialect (`STRICT`, `WITHOUT
   * ROWID`, `INTEGER`, `TEXT`), which the PostgreSQL store translates (ddl.ts).
   */
  exec(script: string): Promise<void>;
}

/**
 * The read models' database: SQLite beside the embedded store (`<data>/readmodels.sqlite`), or a schema of a
 * PostgreSQL database that several accountability instances may share. It holds nothing that is not in the log:
 * it can be dropped and rebuilt at any time.
 */
export interface ReadModelStore {
  readonly dialect: SqlDialect;
  /** Where it is, for logs: a path, or a URL without its password. */
  readonly location: string;
  /**
   * Runs `work` in a write transaction, committed if it resolves and rolled back if it rejects. One writer at a
   * time across every process that shares the database: a second waits for the first to commit.
   */
  write<T>(work: (tx: ReadModelSql) => Promise<T>): Promise<T>;
  /**
   * Runs `work` on one consistent view of the database: a batch the runner commits meanwhile is either wholly in
   * it or not at all. `work` should only query: the embedded store holds the runner back while it runs.
   */
  read<T>(work: (q: ReadModelSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
