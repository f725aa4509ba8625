// The read-model suites run twice: on SQLite (the embedded default) and on a throwaway PostgreSQL cluster.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresReadModelStore, openSqliteReadModelStore } from '@quanze/projections';
import type { ReadModelSql, ReadModelStore, SqlDialect } from '@quanze/projections';
import { usePostgresCluster } from './postgres.js';

export interface ReadModelTarget {
  readonly dialect: SqlDialect;
  /** A new, empty read-model database (closed by the caller). */
  open(): Promise<ReadModelStore>;
  /**
   * Where a new, empty read-model database is, for `openReadModelStore`, which more than one store (or process) may
   * open: a file in a temporary folder removed after the suite, or a new database of the suite's cluster.
   */
  newLocation(): Promise<string>;
}

/**
 * Defines the suite once for each database the read models can live in. The PostgreSQL copy starts a cluster for
 * the suite (skipped with a reason without PostgreSQL installed; a failure on CI).
 */
export function describeOnEachReadModelStore(title: string, define: (target: ReadModelTarget) => void): void {
  describe(`${title} (SQLite)`, () => {
    let folder: string | undefined;
    let files = 0;
    after(async () => {
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    });
    define({
      dialect: 'sqlite',
      open: () => Promise.resolve(openSqliteReadModelStore(':memory:')),
      async newLocation() {
        folder ??= await mkdtemp(join(tmpdir(), 'quanze-readmodels-'));
        files += 1;
        return join(folder, `readmodels-${String(files)}.sqlite`);
      },
    });
  });
  describe(`${title} (PostgreSQL)`, () => {
    const postgres = usePostgresCluster();
    let databases = 0;
    // A database ordering text as a Chinese city's would (ICU zh: Han by pinyin, before Latin, case-blind), so that
    // any ordering the read models leave to the database's collation shows up as a difference from SQLite.
    async function newLocation(): Promise<string> {
      databases += 1;
      const name = `readmodels_zh_${String(databases)}`;
      await postgres.cluster.adminQuery(
        `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'`,
      );
      return `postgres://postgres@127.0.0.1:${String(postgres.cluster.port)}/${name}`;
    }
    define({
      dialect: 'postgres',
      open: async () => openPostgresReadModelStore({ connectionString: await newLocation() }),
      newLocation,
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
