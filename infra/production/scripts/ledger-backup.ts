import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { z } from 'zod';
import { SQLITE_FILE_NAME } from '@quanze/eventstore';
import { INTEGRITY_FILE_NAME, LOG_VERIFIER_KEYS_FILE } from '@quanze/integrity';
import { DEFAULT_READ_MODELS_SCHEMA } from '@quanze/projections';
import { RELAY_FILE_NAME } from '@quanze/relay';

const run = promisify(execFile);

/** What a backup holds and how to check it: `manifest.json` at its root. */
export const BackupManifest = z
  .object({
    format: z.literal('quanze.backup'),
    version: z.literal(1),
    createdAt: z.string(),
    store: z.enum(['sqlite', 'postgres']),
    /** Every event at or below this position is in the backup (for SQLite it is the backup's exact head). */
    eventsThrough: z.number().int().nonnegative(),
    /** The relay's outbox position (relay.sqlite), null when the data folder had no relay. */
    relayOutboxPosition: z.number().int().nonnegative().nullable(),
    includesSecrets: z.boolean(),
    files: z.array(z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()),
  })
  .strict();
export type BackupManifest = z.infer<typeof BackupManifest>;

export const MANIFEST_FILE = 'manifest.json';
export const POSTGRES_DUMP_FILE = 'postgres.dump';
const KEYS_FOLDER = 'keys';

/** The backup cannot be used as it is: a file is missing, or its bytes are not those the manifest recorded. */
export class DamagedBackup extends Error {
  readonly code = 'backup.damaged';
  constructor(
    readonly folder: string,
    readonly problems: readonly string[],
  ) {
    super(`the backup in ${folder} is damaged: ${problems.join('; ')}`);
    this.name = 'DamagedBackup';
  }
}

/** A backup or restore that cannot start as asked (a target that is not empty, a data folder without a ledger). */
export class BackupRefused extends Error {
  readonly code = 'backup.refused';
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

export interface BackupOptions {
  /** The data folder (QUANZE_DATA): the SQLite files, the relay's checkpoint, the log's keys. */
  readonly data: string;
  /** A folder that does not exist yet: the backup is written beside it and renamed into place when complete. */
  readonly to: string;
  /** QUANZE_STORE_URL; default `sqlite:<data>`. With `postgres://…` the event log and the integrity tables are dumped. */
  readonly storeUrl?: string;
  /**
   * Also copy the secret keys of the data folder's `keys/` (the log's signing key, a development token key). Off by
   * default: secrets belong in a backup of their own, kept and encrypted apart from the ledger's.
   */
  readonly includeSecrets?: boolean;
  /** The `pg_dump` to run (default: the one on the PATH; it must be as new as the server). */
  readonly pgDump?: string;
  readonly clock?: () => Date;
}

/**
 * An online backup of the ledger while the services go on writing. Order matters, because the stores are separate
 * files or a file and a database: first what lags the event log (the relay's checkpoint, the integrity store), then
 * the event log, then the list of verifier keys (it only grows). So the backup's relay position and sealed tree never
 * lie beyond its events: a restored relay republishes a few transfers rather than skip any, and a restored sealer
 * finds every event it sealed. Each SQLite file is copied with `VACUUM INTO`, one read transaction: a consistent
 * snapshot that does not hold writers up (WAL). Read models are not backed up: they are rebuilt from the events.
 */
export async function backupLedger(options: BackupOptions): Promise<BackupManifest> {
  const data = resolve(options.data);
  const storeUrl = options.storeUrl ?? `sqlite:${data}`;
  const postgres = /^postgres(ql)?:\/\//.test(storeUrl);
  const target = resolve(options.to);
  if (existsSync(target)) throw new BackupRefused(`${target} exists already: a backup goes into a new folder`);
  const sqliteFolder = postgres ? null : resolve(storeUrl.slice('sqlite:'.length));
  if (sqliteFolder !== null) {
    for (const file of [join(sqliteFolder, SQLITE_FILE_NAME), join(data, INTEGRITY_FILE_NAME)]) {
      if (!existsSync(file)) throw new BackupRefused(`no ${basename(file)} at ${file}: is this a data folder the services and the sealer have run on?`);
    }
  }

  const partial = join(dirname(target), `.${basename(target)}.partial`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true, mode: 0o700 });
  try {
    let relayOutboxPosition: number | null;
    let eventsThrough: number;
    if (sqliteFolder === null) {
      // The relay's checkpoint is a table of the same database (docs/RELAY.md): read before the head, it is never
      // beyond it, and the dump's one snapshot holds it with the events it points into.
      relayOutboxPosition = await postgresRelayPosition(storeUrl);
      // Every event acknowledged before the dump's snapshot is in it; pg_dump takes one snapshot for all tables.
      eventsThrough = await postgresHead(storeUrl);
      await pgDump(options.pgDump ?? 'pg_dump', storeUrl, join(partial, POSTGRES_DUMP_FILE));
    } else {
      const relayFile = join(data, RELAY_FILE_NAME);
      relayOutboxPosition = existsSync(relayFile) ? snapshotSqlite(relayFile, join(partial, RELAY_FILE_NAME), relayPosition) : null;
      snapshotSqlite(join(data, INTEGRITY_FILE_NAME), join(partial, INTEGRITY_FILE_NAME), () => null);
      eventsThrough = snapshotSqlite(join(sqliteFolder, SQLITE_FILE_NAME), join(partial, SQLITE_FILE_NAME), eventsHead);
      const sealed = treeSize(join(partial, INTEGRITY_FILE_NAME));
      if (sealed > eventsThrough) throw new Error(`the integrity store's tree (${sealed}) is ahead of the events (${eventsThrough}): the copy order was broken`);
    }
    await copyKeys(data, partial, options.includeSecrets ?? false);

    const files = [];
    for (const name of await listFiles(partial)) {
      const path = join(partial, name);
      await fsyncFile(path);
      files.push({ name, bytes: (await stat(path)).size, sha256: await sha256(path) });
    }
    const manifest: BackupManifest = {
      format: 'quanze.backup',
      version: 1,
      createdAt: (options.clock ?? (() => new Date()))().toISOString(),
      store: postgres ? 'postgres' : 'sqlite',
      eventsThrough,
      relayOutboxPosition,
      includesSecrets: options.includeSecrets ?? false,
      files,
    };
    await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await fsyncFile(join(partial, MANIFEST_FILE));
    await fsyncFolder(partial);
    await rename(partial, target);
    await fsyncFolder(dirname(target));
    return manifest;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Reads a backup's manifest and checks every file against it; throws `DamagedBackup` naming each problem. */
export async function checkBackup(folder: string): Promise<BackupManifest> {
  const from = resolve(folder);
  let text: string;
  try {
    text = await readFile(join(from, MANIFEST_FILE), 'utf8');
  } catch (error) {
    throw new DamagedBackup(from, [`no readable ${MANIFEST_FILE}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let parsed;
  try {
    parsed = BackupManifest.safeParse(JSON.parse(text));
  } catch (error) {
    throw new DamagedBackup(from, [`${MANIFEST_FILE} is not JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (!parsed.success) throw new DamagedBackup(from, parsed.error.issues.map((issue) => `${MANIFEST_FILE} ${issue.path.join('.')}: ${issue.message}`));
  const manifest = parsed.data;
  const problems: string[] = [];
  for (const file of manifest.files) {
    const path = join(from, file.name);
    if (!existsSync(path)) {
      problems.push(`${file.name} is missing`);
      continue;
    }
    const size = (await stat(path)).size;
    if (size !== file.bytes) problems.push(`${file.name} has ${size} bytes, the manifest says ${file.bytes}`);
    else if ((await sha256(path)) !== file.sha256) problems.push(`${file.name} does not have the SHA-256 the manifest recorded`);
  }
  const required = manifest.store === 'postgres' ? [POSTGRES_DUMP_FILE] : [SQLITE_FILE_NAME, INTEGRITY_FILE_NAME];
  for (const name of required) if (!manifest.files.some((file) => file.name === name)) problems.push(`the manifest lists no ${name}`);
  if (problems.length > 0) throw new DamagedBackup(from, problems);
  return manifest;
}

export interface RestoreOptions {
  readonly from: string;
  /** The new data folder: absent or empty. */
  readonly data: string;
  /** For a PostgreSQL backup: an empty database of the new cluster. */
  readonly storeUrl?: string;
  readonly pgRestore?: string;
}

/**
 * Puts a checked backup into a new data folder (and, for PostgreSQL, into an empty database). It never writes over a
 * ledger: the folder must be empty, the database without Quanze's tables. What it does not do is say whether the
 * ledger is intact: run `quanze verify` on the result, which recomputes every event's hash and the whole tree. The
 * read models are rebuilt by the accountability service when it starts on the new folder.
 */
export async function restoreLedger(options: RestoreOptions): Promise<BackupManifest> {
  const from = resolve(options.from);
  const manifest = await checkBackup(from);
  const data = resolve(options.data);
  if (existsSync(data) && (await readdir(data)).length > 0) throw new BackupRefused(`${data} is not empty: restore into a new data folder`);
  if (manifest.store === 'postgres' && options.storeUrl === undefined) throw new BackupRefused('a PostgreSQL backup needs the URL of an empty database to restore into');
  if (manifest.store === 'sqlite' && options.storeUrl !== undefined && !options.storeUrl.startsWith('sqlite:')) {
    throw new BackupRefused('a SQLite backup restores into a data folder, not into PostgreSQL');
  }
  await mkdir(data, { recursive: true, mode: 0o700 });
  if (manifest.store === 'postgres' && options.storeUrl !== undefined) {
    if ((await postgresHasLedger(options.storeUrl))) throw new BackupRefused('the target database already holds a Quanze ledger: restore into an empty one');
    await pgRestore(options.pgRestore ?? 'pg_restore', options.storeUrl, join(from, POSTGRES_DUMP_FILE));
  }
  for (const file of manifest.files) {
    if (file.name === POSTGRES_DUMP_FILE) continue;
    const path = join(data, file.name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await copyFile(join(from, file.name), path);
    // The keys folder holds secrets when the backup did: as the services create them, readable by their owner only.
    if (file.name.startsWith(`${KEYS_FOLDER}/`)) await chmod(path, 0o600);
    await fsyncFile(path);
  }
  await fsyncFolder(data);
  return manifest;
}

function snapshotSqlite<T>(source: string, target: string, read: (db: Database.Database) => T): T {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(target);
  } finally {
    db.close();
  }
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy of ${source} fails quick_check: ${String(check)}`);
    return read(copy);
  } finally {
    copy.close();
  }
}

function eventsHead(db: Database.Database): number {
  return db.prepare<[], number | null>('SELECT max(position) FROM events').pluck().get() ?? 0;
}

function treeSize(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], number | null>('SELECT size FROM tree WHERE id = 1').pluck().get() ?? 0;
  } finally {
    db.close();
  }
}

function relayPosition(db: Database.Database): number | null {
  const hasTable = db.prepare<[], number>("SELECT count(*) FROM sqlite_master WHERE name = 'relay_checkpoints'").pluck().get() === 1;
  if (!hasTable) return null;
  return db.prepare<[], number | undefined>("SELECT position FROM relay_checkpoints WHERE name = 'outbox'").pluck().get() ?? null;
}

/** The connection for libpq's tools: the password goes through the environment, never onto a command line (ps). */
function libpqConnection(storeUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(storeUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env: password === '' ? { ...process.env } : { ...process.env, PGPASSWORD: password } };
}

async function withPg<T>(storeUrl: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: storeUrl });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

function postgresHead(storeUrl: string): Promise<number> {
  return withPg(storeUrl, async (client) => {
    const { rows } = await client.query<{ head: string | null }>('SELECT max(position)::text AS head FROM quanze_events');
    return Number(rows[0]?.head ?? 0);
  });
}

/** The outbox's position in `quanze_relay_checkpoints`; null when no relay has run on this database. */
function postgresRelayPosition(storeUrl: string): Promise<number | null> {
  return withPg(storeUrl, async (client) => {
    const { rows: table } = await client.query<{ found: boolean }>("SELECT to_regclass('quanze_relay_checkpoints') IS NOT NULL AS found");
    if (table[0]?.found !== true) return null;
    const { rows } = await client.query<{ position: string }>("SELECT position::text AS position FROM quanze_relay_checkpoints WHERE name = 'outbox'");
    return rows[0] === undefined ? null : Number(rows[0].position);
  });
}

function postgresHasLedger(storeUrl: string): Promise<boolean> {
  return withPg(storeUrl, async (client) => {
    const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass('quanze_events') IS NOT NULL AS found");
    return rows[0]?.found === true;
  });
}

async function pgDump(binary: string, storeUrl: string, file: string): Promise<void> {
  const { dbname, env } = libpqConnection(storeUrl);
  // Custom format: compressed, restorable table by table; one snapshot, so the integrity tables match the events.
  // The read models are left out, as readmodels.sqlite is: the accountability service rebuilds them from the log.
  await run(
    binary,
    ['--format=custom', '--no-owner', '--no-privileges', `--exclude-schema=${DEFAULT_READ_MODELS_SCHEMA}`, `--file=${file}`, `--dbname=${dbname}`],
    { env },
  );
}

async function pgRestore(binary: string, storeUrl: string, file: string): Promise<void> {
  const { dbname, env } = libpqConnection(storeUrl);
  await run(binary, ['--exit-on-error', '--single-transaction', '--no-owner', '--no-privileges', `--dbname=${dbname}`, file], { env });
}

async function copyKeys(data: string, target: string, includeSecrets: boolean): Promise<void> {
  const keys = join(data, KEYS_FOLDER);
  if (!existsSync(keys)) return;
  const verifierKeys = basename(LOG_VERIFIER_KEYS_FILE);
  for (const name of await readdir(keys)) {
    if (name !== verifierKeys && !includeSecrets) continue;
    const source = join(keys, name);
    if (!(await stat(source)).isFile()) continue;
    await mkdir(join(target, KEYS_FOLDER), { recursive: true, mode: 0o700 });
    await copyFile(source, join(target, KEYS_FOLDER, name));
    await chmod(join(target, KEYS_FOLDER, name), 0o600);
  }
}

async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(join(folder, prefix), { withFileTypes: true })) {
    const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) names.push(...(await listFiles(folder, name)));
    else names.push(name);
  }
  return names.sort();
}

async function sha256(file: string): Promise<string> {
  // Streamed: a city's events.sqlite is gigabytes.
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
