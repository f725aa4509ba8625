import { readdir } from 'node:fs/promises';
import { expect } from 'chai';
import pg from 'pg';
import { usePostgresCluster } from '../support/postgres.js';
import { startSystem } from '../support/system.js';
import type { RunningSystem } from '../support/system.js';

interface ReadModelsStatus {
  headPosition: number;
  running: boolean;
  projections: { name: string; checkpoint: number; lag: number }[];
}

/** `QUANZE_STORE_URL=postgres://… npm start`: the whole ledger — log, Merkle log, read models — in one database. */
describe('npm start on PostgreSQL', function () {
  this.timeout(180_000);
  const postgres = usePostgresCluster();
  let url: string;
  let system: RunningSystem | undefined;

  before(async function () {
    url = await postgres.cluster.newDatabaseUrl('npm_start');
    system = await startSystem({ env: { QUANZE_STORE_URL: url } });
  });
  after(async function () {
    await system?.dispose();
  });

  async function get<T>(path: string): Promise<T> {
    if (system === undefined) throw new Error('npm start did not start');
    const response = await fetch(`${system.url}${path}`, { headers: { authorization: `Bearer ${system.adminToken}` } });
    expect(response.status, `GET ${path}: ${await response.clone().text()}`).to.equal(200);
    return (await response.json()) as T;
  }

  async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('keeps the read models in the store’s database, caught up with the seeded log, and nothing of them in the data folder', async function () {
    const status = await get<ReadModelsStatus>('/read-models');
    expect(status.headPosition).to.be.greaterThan(0);
    // At most the record of this very query (access.queried.v1) is not applied yet.
    expect(status.projections.every((projection) => projection.lag <= 1), JSON.stringify(status.projections)).to.equal(true);
    const checkpoints = await query<{ name: string; position: string }>('SELECT name, position FROM quanze_read_models.projection_checkpoints ORDER BY name');
    expect(checkpoints.map((row) => row.name)).to.deep.equal(['access', 'activity', 'flags', 'organization', 'public', 'transfers']);
    expect(checkpoints.every((row) => Number(row.position) > 0)).to.equal(true);
    expect(await readdir(system?.dataFolder ?? '')).to.not.include('readmodels.sqlite');
  });

  it('answers the supervision bureau’s queries from them', async function () {
    const chain = await get<{ steps: { type: string }[] }>('/chains/measure/ap2016-s3-m1?consistent=true');
    expect(chain.steps.map((step) => step.type)).to.include.members(['measure.defined.v1', 'responsibility.assigned.v1']);
    const units = await query<{ n: string }>('SELECT count(*) AS n FROM quanze_read_models.organization_units');
    expect(Number(units[0]?.n)).to.be.greaterThan(10);
  });

  it('started again, resumes from the stored checkpoints instead of rebuilding', async function () {
    if (system === undefined) throw new Error('npm start did not start');
    const before = await query<{ name: string; position: string }>('SELECT name, position FROM quanze_read_models.projection_checkpoints ORDER BY name');
    // A rebuild drops and creates the tables again: new tables, new object ids.
    const tables = () => query<{ oid: string }>(`SELECT 'quanze_read_models.organization_units'::regclass::oid AS oid`);
    const tablesBefore = await tables();
    expect(await system.stop()).to.equal(0);
    system = await startSystem({ dataFolder: system.dataFolder, env: { QUANZE_STORE_URL: url } });
    const status = await get<ReadModelsStatus>('/read-models');
    // Seeding ran again and found the seeds in the ledger; the access records of the queries above are all that is new.
    for (const { name, position } of before) {
      expect(status.projections.find((projection) => projection.name === name)?.checkpoint, name).to.be.at.least(Number(position));
    }
    expect(await tables(), 'the same tables: not rebuilt').to.deep.equal(tablesBefore);
  });
});
