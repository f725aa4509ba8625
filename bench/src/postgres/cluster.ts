// Throwaway PostgreSQL clusters, for the specs that need one (test/support/postgres.ts) and the PostgreSQL bench:
// Debian's binaries, `initdb` in a temporary folder, a free loopback port, the server run as the `postgres` OS user
// (PostgreSQL refuses to run as root), fsync and synchronous_commit on. Each store handed out is a database of its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly pgDump: string;
  readonly pgRestore: string;
}

export interface PostgresCluster {
  readonly port: number;
  /** The URL of a brand-new, empty database of this cluster; each call makes another one. */
  newDatabaseUrl(prefix?: string): Promise<string>;
  /** Runs one statement as the superuser on the `postgres` database (to look at or poke a cluster in a test). */
  adminQuery<TRow extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<TRow[]>;
  stop(): Promise<void>;
}

const SEARCH_ROOTS = ['/usr/lib/postgresql'];

/** The newest installed major version's `initdb` and `pg_ctl`, or undefined with the reason. */
export function findPostgresBinaries(): PostgresBinaries | string {
  for (const root of SEARCH_ROOTS) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(root, version, 'bin');
      const binaries = {
        initdb: join(bin, 'initdb'),
        pgCtl: join(bin, 'pg_ctl'),
        pgDump: join(bin, 'pg_dump'),
        pgRestore: join(bin, 'pg_restore'),
      };
      if (Object.values(binaries).every((binary) => existsSync(binary))) return binaries;
    }
  }
  return `no PostgreSQL server binaries under ${SEARCH_ROOTS.join(', ')} (install Debian's postgresql package)`;
}

/** `settings`: more postgresql.conf lines, after (so over) the defaults below, e.g. a bench's larger shared_buffers. */
export async function startPostgresCluster(binaries: PostgresBinaries, settings: readonly string[] = []): Promise<PostgresCluster> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-postgres-'));
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  const asServerUser = serverUser();
  if (asServerUser.owner !== undefined) await chown(folder, asServerUser.owner.uid, asServerUser.owner.gid);
  const run = (binary: string, args: string[]) => {
    const [command, ...prefix] = [...asServerUser.prefix, binary];
    return execFileSync(command, [...prefix, ...args], { stdio: 'pipe', encoding: 'utf8' });
  };

  let started = false;
  const stopNow = () => {
    if (!started) return;
    started = false;
    const [command, ...prefix] = [...asServerUser.prefix, binaries.pgCtl];
    spawnSync(command, [...prefix, 'stop', '-D', data, '-m', 'immediate', '-w'], { stdio: 'ignore' });
  };
  // A test run killed before its `after` hooks must not leave servers behind.
  process.once('exit', stopNow);

  try {
    // --no-sync only spares initdb's own final flush of the new folder; the server below runs with fsync on.
    run(binaries.initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    await appendFile(
      join(data, 'postgresql.conf'),
      [
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${folder}'`,
        'fsync = on',
        'synchronous_commit = on',
        'max_connections = 200',
        'shared_buffers = 64MB',
        ...settings,
        '',
      ].join('\n'),
    );
    try {
      run(binaries.pgCtl, ['start', '-D', data, '-l', log, '-w', '-t', '30']);
    } catch (error) {
      const serverLog = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`PostgreSQL did not start: ${String(error)}\n${serverLog}`, { cause: error });
    }
    started = true;

    const admin = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 2 });
    admin.on('error', () => undefined);
    let databases = 0;
    return {
      port,
      async newDatabaseUrl(prefix = 'quanze_test') {
        databases += 1;
        const name = `${prefix}_${databases}`;
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      async adminQuery<TRow extends pg.QueryResultRow>(sql: string, values?: unknown[]) {
        return (await admin.query<TRow>(sql, values)).rows;
      },
      async stop() {
        await admin.end().catch(() => undefined);
        stopNow();
        process.removeListener('exit', stopNow);
        await rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopNow();
    process.removeListener('exit', stopNow);
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Root runs the server as `postgres` through runuser; anyone else runs it as themselves. */
function serverUser(): { prefix: string[]; owner?: { uid: number; gid: number } } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { prefix: ['runuser', '-u', 'postgres', '--'], owner: { uid: id('-u'), gid: id('-g') } };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port was given'));
      });
    });
  });
}
