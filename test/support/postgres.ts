// Throwaway PostgreSQL clusters for the suites that need one: each suite starts its own cluster and removes it after;
// each store it hands out is a database of its own. The cluster itself is shared with the PostgreSQL bench.
import type { PostgresBinaries, PostgresCluster } from '../../bench/src/postgres/cluster.js';
import { findPostgresBinaries, startPostgresCluster } from '../../bench/src/postgres/cluster.js';

export type { PostgresBinaries, PostgresCluster };
export { findPostgresBinaries, startPostgresCluster };

/**
 * Registers hooks on the enclosing `describe` that start a cluster before its tests and remove it after. Without
 * PostgreSQL installed the tests are skipped, saying why; on CI (`CI=true`) that is a failure instead, so that a
 * machine missing the package cannot pass by running nothing.
 */
export function usePostgresCluster(): { readonly cluster: PostgresCluster; readonly binaries: PostgresBinaries } {
  let cluster: PostgresCluster | undefined;
  let found: PostgresBinaries | undefined;
  before(async function () {
    this.timeout(60_000);
    const binaries = findPostgresBinaries();
    if (typeof binaries === 'string') {
      if (process.env['CI'] === 'true') throw new Error(`PostgreSQL suites cannot run on CI: ${binaries}`);
      console.log(`      skipped: ${binaries}; CI=true makes this a failure`);
      this.skip();
    }
    found = binaries;
    cluster = await startPostgresCluster(binaries);
  });
  after(async function () {
    this.timeout(30_000);
    await cluster?.stop();
    cluster = undefined;
  });
  return {
    get cluster() {
      if (cluster === undefined) throw new Error('the PostgreSQL cluster is not running (used outside its suite?)');
      return cluster;
    },
    get binaries() {
      if (found === undefined) throw new Error('no PostgreSQL binaries (used outside its suite?)');
      return found;
    },
  };
}

