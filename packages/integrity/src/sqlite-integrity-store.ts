import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidTreeRequest, type NodeId } from './tree-plan.js';
import { ConcurrentSealer, type CheckpointQuery, type IntegrityStore, type StoredCheckpoint } from './integrity-store.js';

/** The file next to `events.sqlite` in the data folder. */
export const INTEGRITY_FILE_NAME = 'integrity.sqlite';

/** `PRAGMA user_version`: one entry per migration, never edited once released. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE nodes (
     level INTEGER NOT NULL,
     idx   INTEGER NOT NULL,
     hash  BLOB NOT NULL,
     PRIMARY KEY (level, idx)
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE tree (
     id   INTEGER PRIMARY KEY CHECK (id = 1),
     size INTEGER NOT NULL
   ) STRICT;
   INSERT INTO tree (id, size) VALUES (1, 0);
   CREATE TABLE event_positions (
     event_id TEXT PRIMARY KEY,
     position INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE checkpoints (
     id         INTEGER PRIMARY KEY,
     size       INTEGER NOT NULL,
     root       BLOB NOT NULL,
     note       TEXT NOT NULL,
     created_at TEXT NOT NULL
   ) STRICT;
   CREATE INDEX checkpoints_by_size ON checkpoints (size, id);`,
  // Witness cosignatures arrive after the checkpoint, one witness at a time: kept beside it, never in its row.
  `CREATE TABLE checkpoint_cosignatures (
     id            INTEGER PRIMARY KEY,
     checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id),
     witness_key   TEXT NOT NULL,
     line          TEXT NOT NULL,
     UNIQUE (checkpoint_id, line)
   ) STRICT;
   CREATE INDEX checkpoint_cosignatures_by_witness ON checkpoint_cosignatures (witness_key, checkpoint_id);`,
];

interface CheckpointRow {
  id: number;
  size: number;
  root: Buffer;
  note: string;
  created_at: string;
}

function toCheckpoint(row: CheckpointRow, cosignatures: readonly string[]): StoredCheckpoint {
  return { id: row.id, size: row.size, rootHash: new Uint8Array(row.root), note: row.note, createdAt: row.created_at, cosignatures };
}

/**
 * The one query that reads `count` nodes by id: a join from the ids to the primary key. (Not `(level, idx) IN
 * (VALUES …)`, for which SQLite scans the whole table: a proof would cost O(n).)
 */
export function sqliteNodesQuery(count: number): string {
  const pairs = Array.from({ length: count }, () => '(?, ?)').join(', ');
  return `SELECT n.level, n.idx, n.hash FROM (VALUES ${pairs}) AS wanted CROSS JOIN nodes n ON n.level = wanted.column1 AND n.idx = wanted.column2`;
}

/** Most node ids per query: SQLite allows 32,766 parameters; a proof needs about 2·log2(n) ids. */
const MAX_IDS_PER_QUERY = 4096;

/**
 * The embedded integrity store: `integrity.sqlite` in the data folder, WAL, `synchronous=FULL` like the event store,
 * so a batch the sealer was told is stored survives a crash. Its API is async so that a PostgreSQL store can
 * implement the same port.
 */
export function createSqliteIntegrityStore(options: { readonly path: string; readonly readonly?: boolean }): IntegrityStore {
  if (options.readonly !== true) mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
  db.pragma('busy_timeout = 5000');
  if (options.readonly !== true) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const version = db.pragma('user_version', { simple: true }) as number;
    db.transaction(() => {
      for (let i = version; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i] as string);
      db.pragma(`user_version = ${MIGRATIONS.length}`);
    }).immediate();
  }

  const statements = {
    size: db.prepare<[], number>('SELECT size FROM tree WHERE id = 1').pluck(),
    setSize: db.prepare<[number, number]>('UPDATE tree SET size = ? WHERE id = 1 AND size = ?'),
    insertNode: db.prepare<[number, number, Uint8Array]>('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
    insertPosition: db.prepare<[string, number]>('INSERT INTO event_positions (event_id, position) VALUES (?, ?)'),
    nodeRange: db.prepare<[number, number, number], { idx: number; hash: Buffer }>('SELECT idx, hash FROM nodes WHERE level = ? AND idx BETWEEN ? AND ? ORDER BY idx'),
    positionOf: db.prepare<[string], number>('SELECT position FROM event_positions WHERE event_id = ?').pluck(),
    insertCheckpoint: db.prepare<[number, Uint8Array, string, string], CheckpointRow>(
      'INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?) RETURNING *',
    ),
    latest: db.prepare<[], CheckpointRow>('SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1'),
    ofSize: db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE size = ? ORDER BY id DESC LIMIT 1'),
    page: db.prepare<[number, number, number, number], CheckpointRow>(
      'SELECT * FROM checkpoints WHERE id < ? AND size >= ? AND size <= ? ORDER BY id DESC LIMIT ?',
    ),
    covering: db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE size >= ? ORDER BY size, id DESC LIMIT 1'),
    checkpointExists: db.prepare<[number], number>('SELECT 1 FROM checkpoints WHERE id = ?').pluck(),
  };
  // A read-only store may predate the cosignatures table (a verifier is not to migrate it): it has none, then.
  const hasCosignatures = (db.pragma('user_version', { simple: true }) as number) >= 2;
  const withCosignatures = (row: CheckpointRow) => toCheckpoint(row, hasCosignatures ? cosignatureStatements().lines.all(row.id) : []);
  let cosignatureQueries: ReturnType<typeof prepareCosignatureStatements> | null = null;
  function prepareCosignatureStatements() {
    return {
      insert: db.prepare<[number, string, string]>(
        'INSERT INTO checkpoint_cosignatures (checkpoint_id, witness_key, line) VALUES (?, ?, ?) ON CONFLICT (checkpoint_id, line) DO NOTHING',
      ),
      lines: db.prepare<[number], string>('SELECT line FROM checkpoint_cosignatures WHERE checkpoint_id = ? ORDER BY id').pluck(),
      lastSize: db
        .prepare<[string], number | null>(
          'SELECT max(c.size) FROM checkpoint_cosignatures s JOIN checkpoints c ON c.id = s.checkpoint_id WHERE s.witness_key = ?',
        )
        .pluck(),
    };
  }
  const cosignatureStatements = () => (cosignatureQueries ??= prepareCosignatureStatements());
  const addCosignatures = db.transaction((checkpointId: number, witnessKey: string, lines: readonly string[]) => {
    if (statements.checkpointExists.get(checkpointId) === undefined) throw new RangeError(`no checkpoint ${checkpointId} is stored`);
    for (const line of lines) cosignatureStatements().insert.run(checkpointId, witnessKey, line);
  });
  const nodeQueries = new Map<number, Database.Statement<number[], { level: number; idx: number; hash: Buffer }>>();
  const nodeQuery = (count: number) => {
    let statement = nodeQueries.get(count);
    if (statement === undefined) {
      statement = db.prepare(sqliteNodesQuery(count));
      nodeQueries.set(count, statement);
    }
    return statement;
  };

  const integrate = db.transaction((batch: Parameters<IntegrityStore['integrate']>[0]) => {
    const changed = statements.setSize.run(batch.size, batch.from).changes;
    if (changed !== 1) throw new ConcurrentSealer(batch.from, statements.size.get() ?? 0);
    for (const node of batch.nodes) statements.insertNode.run(node.level, node.index, node.hash);
    batch.eventIds.forEach((eventId, i) => statements.insertPosition.run(eventId, batch.from + 1 + i));
  });

  function readNodes(ids: readonly NodeId[]): Uint8Array[] {
    const found = new Map<string, Uint8Array>();
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_QUERY) {
      const part = ids.slice(start, start + MAX_IDS_PER_QUERY);
      for (const row of nodeQuery(part.length).all(...part.flatMap((id) => [id.level, id.index]))) {
        found.set(`${row.level}/${row.idx}`, new Uint8Array(row.hash));
      }
    }
    return ids.map(({ level, index }) => {
      const hash = found.get(`${level}/${index}`);
      if (hash === undefined) throw new InvalidTreeRequest(`no stored subtree at level ${level}, index ${index}`);
      return hash;
    });
  }

  let closed = false;
  return {
    treeSize: () => Promise.resolve(statements.size.get() ?? 0),
    nodes: (ids) => Promise.resolve(readNodes(ids)),
    nodeRange: (level, from, to) =>
      Promise.resolve(statements.nodeRange.all(level, from, to).map((row) => ({ index: row.idx, hash: new Uint8Array(row.hash) }))),
    integrate(batch) {
      if (batch.size - batch.from !== batch.eventIds.length) {
        return Promise.reject(new InvalidTreeRequest(`a batch from ${batch.from} to ${batch.size} must name ${batch.size - batch.from} event ids`));
      }
      try {
        integrate.immediate(batch);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    positionOf: (eventId) => Promise.resolve(statements.positionOf.get(eventId) ?? null),
    addCheckpoint: ({ size, rootHash, note, createdAt }) => {
      const row = statements.insertCheckpoint.get(size, rootHash, note, createdAt);
      if (row === undefined) return Promise.reject(new Error('the checkpoint insert returned no row'));
      return Promise.resolve(toCheckpoint(row, []));
    },
    addCosignatures(checkpointId, witnessKey, lines) {
      try {
        addCosignatures.immediate(checkpointId, witnessKey, lines);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    lastCosignedSize: (witnessKey) => Promise.resolve(hasCosignatures ? (cosignatureStatements().lastSize.get(witnessKey) ?? 0) : 0),
    checkpointCovering: (position) => {
      const row = statements.covering.get(position);
      return Promise.resolve(row === undefined ? null : withCosignatures(row));
    },
    latestCheckpoint: () => {
      const row = statements.latest.get();
      return Promise.resolve(row === undefined ? null : withCosignatures(row));
    },
    checkpoints: (query: CheckpointQuery) =>
      Promise.resolve(
        statements.page
          .all(query.beforeId ?? Number.MAX_SAFE_INTEGER, query.minSize ?? 0, query.maxSize ?? Number.MAX_SAFE_INTEGER, query.limit)
          .map(withCosignatures),
      ),
    checkpointOfSize: (size) => {
      const row = statements.ofSize.get(size);
      return Promise.resolve(row === undefined ? null : withCosignatures(row));
    },
    close() {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}
