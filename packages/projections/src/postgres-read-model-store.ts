import { createHash } from 'node:crypto';
import pg from 'pg';
import { postgresSchema, postgresStatement } from './postgres-dialect.js';
import type { ReadModelSql, ReadModelStore, SqlParams } from './read-model-store.js';

/** The schema the read models live in, unless told otherwise: beside the event log's tables, apart from them. */
export const DEFAULT_READ_MODELS_SCHEMA = 'quanze_read_models';

const MAX_NAMED_STATEMENTS = 2_000;

export interface PostgresReadModelStoreOptions {
  readonly connectionString: string;
  readonly schema?: string;
  readonly maxConnections?: number;
}

const INT8 = 20;
const NUMERIC = 1700;
const JSON_OID = 114;
const JSONB_OID = 3802;

/** Counts and positions come back as numbers, as from SQLite; past 2^53 they would not be exact, so they fail. */
function exactNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) && Number.isInteger(value)) throw new RangeError(`${text} is beyond what a read model can count exactly`);
  return value;
}

type TextParser = (text: string) => unknown;
const builtInParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => TextParser;

function parserOf(oid: number, format?: 'text' | 'binary'): TextParser {
  if (oid === INT8 || oid === NUMERIC) return exactNumber;
  // JSON comes back as text, as SQLite's JSON functions give it: the caller parses it, whichever database answered.
  if (oid === JSON_OID || oid === JSONB_OID) return (text) => text;
  return builtInParser(oid, format);
}
const types: pg.CustomTypesConfig = { getTypeParser: parserOf };

/**
 * The read models in a schema of a PostgreSQL database (by default the event log's, schema `quanze_read_models`),
 * which several accountability instances may share: one runner applies a batch at a time (a transaction-scoped
 * advisory lock, taken before the checkpoints are read), the others find the checkpoints moved and skip what was
 * applied. Queries read one snapshot (REPEATABLE READ, READ ONLY).
 */
export async function openPostgresReadModelStore(options: PostgresReadModelStoreOptions): Promise<ReadModelStore> {
  const schema = options.schema ?? DEFAULT_READ_MODELS_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`"${schema}" is not a schema name Quanze uses (lower case, digits, _)`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    options: `-c search_path=${schema}`,
    types,
  });
  // A connection that breaks while idle is dropped by the pool; the next query on a fresh one tells the caller.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // Whoever writes this schema holds this lock for the transaction: one batch at a time, across processes.
  const writeLock = BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`quanze read models ${schema}`).digest('hex').slice(0, 16)}`)).toString();
  const location = redact(options.connectionString, schema);

  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    // Two instances starting together both try; the loser's "already exists" means the schema is there.
    if (!(error instanceof Error && 'code' in error && (error.code === '23505' || error.code === '42P06'))) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  // Named statements are parsed and planned once per connection. Read models use a few hundred texts; past
  // MAX_NAMED_STATEMENTS (SQL built from values, a mistake) the rest are planned each time rather than kept for ever.
  const names = new Map<string, string>();
  function nameOf(text: string): string | undefined {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `qrm_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  }

  function sessionOn(client: pg.PoolClient, ended: () => boolean): ReadModelSql {
    const query = async (sql: string, params: SqlParams, rowMode?: 'array') => {
      // A statement after its transaction settled would run on a connection someone else may hold by now.
      if (ended()) throw new Error('a read-model query outside its transaction (a promise not awaited inside read or write?)');
      const text = postgresStatement(sql);
      const name = nameOf(text);
      return client.query({ ...(name === undefined ? {} : { name }), text, values: params as unknown[], ...(rowMode === undefined ? {} : { rowMode }) });
    };
    return {
      dialect: 'postgres',
      store,
      all: async <TRow>(sql: string, params: SqlParams = []) => (await query(sql, params)).rows as TRow[],
      get: async <TRow>(sql: string, params: SqlParams = []) => (await query(sql, params)).rows[0] as TRow | undefined,
      run: async (sql: string, params: SqlParams = []) => (await query(sql, params)).rowCount ?? 0,
      rows: async (sql: string, params: SqlParams = []) => (await query(sql, params, 'array')).rows as unknown[][],
      async exec(script: string) {
        if (ended()) throw new Error('a read-model statement outside its transaction (a promise not awaited inside read or write?)');
        await client.query(postgresSchema(script));
      },
    };
  }

  async function inTransaction<T>(begin: string, work: (session: ReadModelSql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let ended = false;
    // A connection whose transaction may still be open is closed rather than handed to the next caller.
    const settle = async (ending: 'COMMIT' | 'ROLLBACK') => {
      ended = true;
      let answer: pg.QueryResult;
      try {
        answer = await client.query(ending);
      } catch (error) {
        client.release(true);
        throw error;
      }
      client.release();
      // A statement that failed inside `work`, its error caught there, aborted the transaction: PostgreSQL then
      // answers COMMIT with ROLLBACK. SQLite would have kept the rest; here nothing was kept, and the caller must know.
      if (ending === 'COMMIT' && answer.command !== 'COMMIT') {
        throw new Error('the read models\' transaction was rolled back: a statement in it failed (its error was caught inside the transaction)');
      }
    };
    try {
      await client.query(begin);
    } catch (error) {
      client.release(true);
      throw error;
    }
    let result: T;
    try {
      result = await work(sessionOn(client, () => ended));
    } catch (error) {
      await settle('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await settle('COMMIT');
    return result;
  }

  const store: ReadModelStore = {
    dialect: 'postgres',
    location,
    // READ COMMITTED, on purpose: each statement sees what was committed before it, so the checkpoints read after the
    // lock is granted include the batch of the writer who held it. Under REPEATABLE READ the snapshot would be older.
    write: (work) =>
      inTransaction('BEGIN', async (tx) => {
        await tx.run(`SELECT pg_advisory_xact_lock(${writeLock})`);
        return work(tx);
      }),
    read: (work) => inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work),
    async close() {
      await pool.end();
    },
  };
  return store;
}

function redact(url: string, schema: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return `${parsed.toString()} (schema ${schema})`;
  } catch {
    return `PostgreSQL (schema ${schema})`;
  }
}
