import pg from 'pg';
import { InvalidTreeRequest, type NodeId } from './tree-plan.js';
import { ConcurrentSealer, type IntegrityStore, type StoredCheckpoint } from './integrity-store.js';

/** Held while the tables are created: two processes opening one new database must not both create them. */
const SCHEMA_LOCK = '7120546398514790105';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS quanze_integrity_nodes (
    level smallint NOT NULL,
    idx   bigint   NOT NULL,
    hash  bytea    NOT NULL,
    PRIMARY KEY (level, idx)
  );
  CREATE TABLE IF NOT EXISTS quanze_integrity_tree (
    id   smallint PRIMARY KEY CHECK (id = 1),
    size bigint   NOT NULL
  );
  INSERT INTO quanze_integrity_tree (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
  CREATE TABLE IF NOT EXISTS quanze_integrity_event_positions (
    event_id text   PRIMARY KEY,
    position bigint NOT NULL
  );
  CREATE TABLE IF NOT EXISTS quanze_integrity_checkpoints (
    id         bigserial PRIMARY KEY,
    size       bigint    NOT NULL,
    root       bytea     NOT NULL,
    note       text      NOT NULL,
    created_at text      NOT NULL
  );
  CREATE INDEX IF NOT EXISTS quanze_integrity_checkpoints_by_size ON quanze_integrity_checkpoints (size, id);
  CREATE TABLE IF NOT EXISTS quanze_integrity_cosignatures (
    id            bigserial PRIMARY KEY,
    checkpoint_id bigint    NOT NULL REFERENCES quanze_integrity_checkpoints (id),
    witness_key   text      NOT NULL,
    line          text      NOT NULL,
    UNIQUE (checkpoint_id, line)
  );
  CREATE INDEX IF NOT EXISTS quanze_integrity_cosignatures_by_witness ON quanze_integrity_cosignatures (witness_key, checkpoint_id);`;

interface CheckpointRow {
  cosignatures?: string[];
  id: string;
  size: string;
  root: Buffer;
  note: string;
  created_at: string;
}

function toCheckpoint(row: CheckpointRow, cosignatures: readonly string[]): StoredCheckpoint {
  return { id: Number(row.id), size: Number(row.size), rootHash: new Uint8Array(row.root), note: row.note, createdAt: row.created_at, cosignatures };
}

/** Each checkpoint's columns with its cosignature lines, in the order they were added, as one array. */
const CHECKPOINT_COLUMNS = `c.*, ARRAY(SELECT s.line FROM quanze_integrity_cosignatures s WHERE s.checkpoint_id = c.id ORDER BY s.id) AS cosignatures`;

/**
 * The integrity store in PostgreSQL, in the database of the event log (tables `quanze_integrity_*`): the same port as
 * the SQLite one. A proof's nodes are read in one query (`unnest` of the ids); a batch is one transaction.
 */
export async function createPostgresIntegrityStore(options: { readonly connectionString: string; readonly maxConnections?: number }): Promise<IntegrityStore> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4, connectionTimeoutMillis: 10_000 });
  // An idle connection that breaks is dropped by the pool; the next query reports it if the server is gone.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const treeSize = async () => Number((await pool.query<{ size: string }>('SELECT size FROM quanze_integrity_tree WHERE id = 1')).rows[0]?.size ?? 0);
  const oneCheckpoint = async (sql: string, values: unknown[] = []) => {
    const row = (await pool.query<CheckpointRow>(sql, values)).rows[0];
    return row === undefined ? null : toCheckpoint(row, row.cosignatures ?? []);
  };
  let closing: Promise<void> | null = null;

  return {
    treeSize,
    async nodes(ids: readonly NodeId[]) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<{ level: number; idx: string; hash: Buffer }>(
        `SELECT n.level, n.idx, n.hash FROM quanze_integrity_nodes n
           JOIN unnest($1::smallint[], $2::bigint[]) AS wanted(level, idx) ON n.level = wanted.level AND n.idx = wanted.idx`,
        [ids.map((id) => id.level), ids.map((id) => String(id.index))],
      );
      const found = new Map(rows.map((row) => [`${row.level}/${row.idx}`, new Uint8Array(row.hash)]));
      return ids.map(({ level, index }) => {
        const hash = found.get(`${level}/${index}`);
        if (hash === undefined) throw new InvalidTreeRequest(`no stored subtree at level ${level}, index ${index}`);
        return hash;
      });
    },
    async nodeRange(level, from, to) {
      const { rows } = await pool.query<{ idx: string; hash: Buffer }>(
        'SELECT idx, hash FROM quanze_integrity_nodes WHERE level = $1 AND idx BETWEEN $2 AND $3 ORDER BY idx',
        [level, String(from), String(to)],
      );
      return rows.map((row) => ({ index: Number(row.idx), hash: new Uint8Array(row.hash) }));
    },
    async integrate(batch) {
      if (batch.size - batch.from !== batch.eventIds.length) {
        throw new InvalidTreeRequest(`a batch from ${batch.from} to ${batch.size} must name ${batch.size - batch.from} event ids`);
      }
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const moved = await client.query('UPDATE quanze_integrity_tree SET size = $1 WHERE id = 1 AND size = $2', [batch.size, batch.from]);
        if (moved.rowCount !== 1) throw new ConcurrentSealer(batch.from, Number((await client.query<{ size: string }>('SELECT size FROM quanze_integrity_tree')).rows[0]?.size ?? 0));
        await client.query(
          'INSERT INTO quanze_integrity_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])',
          [batch.nodes.map((node) => node.level), batch.nodes.map((node) => String(node.index)), batch.nodes.map((node) => Buffer.from(node.hash))],
        );
        await client.query(
          'INSERT INTO quanze_integrity_event_positions (event_id, position) SELECT * FROM unnest($1::text[], $2::bigint[])',
          [batch.eventIds, batch.eventIds.map((_, i) => String(batch.from + 1 + i))],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async positionOf(eventId) {
      const row = (await pool.query<{ position: string }>('SELECT position FROM quanze_integrity_event_positions WHERE event_id = $1', [eventId])).rows[0];
      return row === undefined ? null : Number(row.position);
    },
    async addCheckpoint({ size, rootHash, note, createdAt }) {
      const checkpoint = await oneCheckpoint(
        'INSERT INTO quanze_integrity_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
        [size, Buffer.from(rootHash), note, createdAt],
      );
      if (checkpoint === null) throw new Error('the checkpoint insert returned no row');
      return checkpoint;
    },
    async addCosignatures(checkpointId, witnessKey, lines) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const exists = await client.query('SELECT 1 FROM quanze_integrity_checkpoints WHERE id = $1', [checkpointId]);
        if (exists.rowCount !== 1) throw new RangeError(`no checkpoint ${checkpointId} is stored`);
        await client.query(
          `INSERT INTO quanze_integrity_cosignatures (checkpoint_id, witness_key, line)
             SELECT $1, $2, line FROM unnest($3::text[]) WITH ORDINALITY AS l(line, n) ORDER BY n
             ON CONFLICT (checkpoint_id, line) DO NOTHING`,
          [checkpointId, witnessKey, [...lines]],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async lastCosignedSize(witnessKey) {
      const { rows } = await pool.query<{ size: string | null }>(
        `SELECT max(c.size) AS size FROM quanze_integrity_cosignatures s JOIN quanze_integrity_checkpoints c ON c.id = s.checkpoint_id
          WHERE s.witness_key = $1`,
        [witnessKey],
      );
      return Number(rows[0]?.size ?? 0);
    },
    checkpointCovering: (position) =>
      oneCheckpoint(`SELECT ${CHECKPOINT_COLUMNS} FROM quanze_integrity_checkpoints c WHERE c.size >= $1 ORDER BY c.size, c.id DESC LIMIT 1`, [position]),
    latestCheckpoint: () => oneCheckpoint(`SELECT ${CHECKPOINT_COLUMNS} FROM quanze_integrity_checkpoints c ORDER BY c.id DESC LIMIT 1`),
    async checkpoints(query) {
      const { rows } = await pool.query<CheckpointRow>(
        `SELECT ${CHECKPOINT_COLUMNS} FROM quanze_integrity_checkpoints c WHERE c.id < $1 AND c.size >= $2 AND c.size <= $3 ORDER BY c.id DESC LIMIT $4`,
        [query.beforeId ?? Number.MAX_SAFE_INTEGER, query.minSize ?? 0, query.maxSize ?? Number.MAX_SAFE_INTEGER, query.limit],
      );
      return rows.map((row) => toCheckpoint(row, row.cosignatures ?? []));
    },
    checkpointOfSize: (size) =>
      oneCheckpoint(`SELECT ${CHECKPOINT_COLUMNS} FROM quanze_integrity_checkpoints c WHERE c.size = $1 ORDER BY c.id DESC LIMIT 1`, [size]),
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
