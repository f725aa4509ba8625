// The read-model suites run twice: on SQLite (the embedded default) and on a throwaway PostgreSQL cluster.
import { openPostgresReadModelStore, openSqliteReadModelStore } from '@quanze/projections';
import type { ReadModelSql, ReadModelStore, SqlDialect } from '@quanze/projections';
import { usePostgresCluster } from './postgres.js';

export interface ReadModelTarget {
  readonly dialect: SqlDialect;
  /** A new, empty read-model database (closed by the caller). */
  open(): Promise<ReadModelStore>;
}

/**
 * Defines the suite once for each database the read models can live in. The PostgreSQL copy starts a cluster for
 * the suite (skipped with a reason without PostgreSQL installed; a failure on CI).
 */
export function describeOnEachReadModelStore(title: string, define: (target: ReadModelTarget) => void): void {
  describe(`${title} (SQLite)`, () => {
    define({ dialect: 'sqlite', open: () => Promise.resolve(openSqliteReadModelStore(':memory:')) });
  });
  describe(`${title} (PostgreSQL)`, () => {
    const postgres = usePostgresCluster();
    define({
      dialect: 'postgres',
      open: async () => openPostgresReadModelStore({ connectionString: await postgres.cluster.newDatabaseUrl('readmodels') }),
    });
  });
}

/**
 * A session for a test's queries, each statement in a snapshot of its own. Fine while nothing writes meanwhile;
 * services query through `ReadModelStore.read`, one snapshot for a whole answer.
 */
export function statementwise(store: ReadModelStore): ReadModelSql {
  return {
    dialect: store.dialect,
    store,
    all: (sql, params) => store.read((q) => q.all(sql, params)),
    get: (sql, params) => store.read((q) => q.get(sql, params)),
    run: (sql, params) => store.write((q) => q.run(sql, params)),
    rows: (sql, params) => store.read((q) => q.rows(sql, params)),
    exec: (script) => store.write((q) => q.exec(script)),
  };
}
