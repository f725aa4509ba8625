import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import pg from 'pg';
import { run } from '@quanze/cli';
import type { EventStore } from '@quanze/eventstore';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import type { LedgerLog } from '@quanze/integrity';
import { ledgerLogConfig, openLedgerLog } from '@quanze/integrity';
import { OUTBOX_CHECKPOINT, RELAY_FILE_NAME, openRelayCheckpointStore } from '@quanze/relay';
import {
  BackupManifest,
  BackupRefused,
  DamagedBackup,
  MANIFEST_FILE,
  POSTGRES_DUMP_FILE,
  backupLedger,
  restoreLedger,
} from '../../infra/production/scripts/ledger-backup.js';
import { newStreamId, proposedEvents } from '../support/events.js';
import { startPostgresCluster, usePostgresCluster, type PostgresCluster } from '../support/postgres.js';

const ORIGIN = 'quanze.backup-test/ledger';
const SEALING = { QUANZE_LOG_ORIGIN: ORIGIN, QUANZE_SEAL_EVERY_EVENTS: '40', QUANZE_SEAL_EVERY_MS: '100' };

const folders: string[] = [];
async function newFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** `quanze verify` in this process, as an operator runs it after a restore. */
async function verify(data: string, storeUrl?: string): Promise<{ code: number; output: string }> {
  let output = '';
  const sink = { write: (text: string) => ((output += text), true) } as unknown as NodeJS.WritableStream;
  const args = ['verify', '--data', data, '--no-progress', ...(storeUrl === undefined ? [] : ['--store', storeUrl])];
  const code = await run(args, { stdout: sink, stderr: sink, env: {}, cwd: process.cwd() });
  return { code, output };
}

/** A running ledger: the store, the sealer signing checkpoints, and (optionally) a relay checkpoint following the head. */
async function openLedger(storeUrl: string, data: string): Promise<{ store: EventStore; log: LedgerLog; close(): Promise<void> }> {
  const store = await openEventStore(storeUrl);
  const log = await openLedgerLog({ config: ledgerLogConfig({ dataFolder: data, storeUrl }, SEALING) });
  return {
    store,
    log,
    async close() {
      await log.close();
      await store.close();
    },
  };
}

/**
 * Writers that go on appending single events, each to a stream of its own, until stopped; `acknowledged` holds the
 * ids of the appends that returned, in the order they returned.
 */
function keepAppending(store: EventStore, writers: number): { acknowledged: string[]; stop(): Promise<void> } {
  const acknowledged: string[] = [];
  let running = true;
  const loops = Array.from({ length: writers }, async () => {
    while (running) {
      const events = proposedEvents(1 + Math.floor(Math.random() * 3));
      await store.appendToStream(newStreamId(), events, { expectedVersion: 'no_stream' });
      acknowledged.push(...events.map((event) => event.eventId));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    }
  });
  return {
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * The relay's outbox, simulated: its checkpoint, where a relay on this store keeps it (relay.sqlite, or the
 * PostgreSQL database), follows the head of the log, as a relay that keeps up does.
 */
async function keepRelayCheckpointAtHead(store: EventStore, storeUrl: string, data: string): Promise<{ stop(): Promise<void> }> {
  const checkpoints = await openRelayCheckpointStore({ storeUrl, dataFolder: data });
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      await checkpoints.write(OUTBOX_CHECKPOINT, await store.headPosition());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      await checkpoints.close();
    },
  };
}

const BACKUP_SCRIPT = fileURLToPath(new URL('../../infra/production/scripts/backup.ts', import.meta.url));

/** `backup.ts …` as a child process; resolves with the manifest it prints. */
function backupCommand(args: readonly string[]): Promise<BackupManifest> {
  return new Promise((resolve, reject) => {
    const { QUANZE_DATA: _data, QUANZE_STORE_URL: _store, ...env } = process.env;
    execFile(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', BACKUP_SCRIPT, ...args], { env }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`backup.ts failed: ${stderr}`, { cause: error }));
      else resolve(BackupManifest.parse(JSON.parse(stdout)));
    });
  });
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function allEventIds(store: EventStore): Promise<{ ids: string[]; positions: number[] }> {
  const ids: string[] = [];
  const positions: number[] = [];
  for await (const event of store.readAll()) {
    ids.push(event.eventId);
    positions.push(event.position);
  }
  return { ids, positions };
}

async function rewriteManifestChecksum(backup: string, name: string): Promise<void> {
  const manifest = BackupManifest.parse(JSON.parse(await readFile(join(backup, MANIFEST_FILE), 'utf8')));
  const bytes = await readFile(join(backup, name));
  const files = manifest.files.map((file) =>
    file.name === name ? { ...file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } : file,
  );
  await writeFile(join(backup, MANIFEST_FILE), JSON.stringify({ ...manifest, files }));
}

interface Backend {
  /** A store URL and a data folder with nothing in them yet. */
  newLedger(): Promise<{ storeUrl: string; data: string }>;
  /** The backup command, in a process of its own as an operator's timer runs it, while this one goes on writing. */
  backup(storeUrl: string, data: string, to: string): Promise<BackupManifest>;
  /** Restores into a new place (for PostgreSQL, a database of another cluster) and gives its store URL. */
  restore(from: string, data: string): Promise<string>;
  /** Changes one event's body inside a copy of a backup, as someone who can write to the backups would. */
  changeEventInBackup(backup: string, position: number): Promise<void>;
}

/**
 * The same specification for each store: a backup taken while writers append, the relay checkpoints and the sealer
 * signs; restored into a new place; verified; complete up to the backup's point; and a ledger that goes on.
 */
function backupAndRestoreSpec(backend: () => Backend): void {
  let original: { storeUrl: string; data: string };
  let manifest: BackupManifest;
  let backupFolder: string;
  let acknowledgedBeforeBackup: string[];
  let verifierKey: string;
  let appendedDuringBackup: number;

  before(async function () {
    this.timeout(60_000);
    original = await backend().newLedger();
    const ledger = await openLedger(original.storeUrl, original.data);
    verifierKey = ledger.log.verifierKey;
    const writers = keepAppending(ledger.store, 6);
    const relay = await keepRelayCheckpointAtHead(ledger.store, original.storeUrl, original.data);
    try {
      await until('a few hundred events and a signed checkpoint', async () => writers.acknowledged.length >= 300 && (await ledger.log.integrity.latestCheckpoint()) !== null);
      acknowledgedBeforeBackup = [...writers.acknowledged];
      backupFolder = join(await newFolder('quanze-backups-'), 'nightly');
      manifest = await backend().backup(original.storeUrl, original.data, backupFolder);
      appendedDuringBackup = writers.acknowledged.length - acknowledgedBeforeBackup.length;
      const atBackup = writers.acknowledged.length;
      await until('appends after the backup', () => Promise.resolve(writers.acknowledged.length >= atBackup + 100));
    } finally {
      await relay.stop();
      await writers.stop();
      await ledger.close();
    }
  });

  it('was taken while the writers went on appending', function () {
    expect(appendedDuringBackup, 'events acknowledged while the backup ran').to.be.above(0);
    expect(manifest.eventsThrough, 'events in the backup').to.be.at.least(acknowledgedBeforeBackup.length);
    expect(manifest.relayOutboxPosition, "the relay's checkpoint").to.be.a('number');
    expect(manifest.relayOutboxPosition ?? Infinity, 'the relay checkpoint never beyond the events').to.be.at.most(manifest.eventsThrough);
  });

  describe('restored into a new place', function () {
    let restored: { storeUrl: string; data: string };

    before(async function () {
      this.timeout(60_000);
      const data = join(await newFolder('quanze-restored-'), 'data');
      restored = { storeUrl: await backend().restore(backupFolder, data), data };
    });

    it('verifies intact with quanze verify', async function () {
      this.timeout(30_000);
      const result = await verify(restored.data, restored.storeUrl.startsWith('sqlite:') ? undefined : restored.storeUrl);
      expect(result.output).to.match(/^INTACT: /);
      expect(result.code).to.equal(0);
    });

    it('holds the relay’s checkpoint where a relay on the restored store reads it: at least the manifest’s, never beyond the events', async function () {
      const checkpoints = await openRelayCheckpointStore({ storeUrl: restored.storeUrl, dataFolder: restored.data });
      const store = await openEventStore(restored.storeUrl);
      try {
        const position = await checkpoints.read(OUTBOX_CHECKPOINT);
        // Exact for SQLite (the file copied is the one read); for PostgreSQL the manifest's is read just before the
        // dump's snapshot, which holds the checkpoint and the events together.
        if (manifest.store === 'sqlite') expect(position).to.equal(manifest.relayOutboxPosition);
        else expect(position).to.be.at.least(manifest.relayOutboxPosition ?? Infinity);
        expect(position).to.be.at.most(await store.headPosition());
      } finally {
        await checkpoints.close();
        await store.close();
      }
      // On PostgreSQL it travels inside the dump: the data folder holds no relay state.
      if (manifest.store === 'postgres') expect(manifest.files.map((file) => file.name)).to.not.include(RELAY_FILE_NAME);
    });

    it('holds every event acknowledged before the backup began, at positions 1, 2, 3, … without a gap', async function () {
      const store = await openEventStore(restored.storeUrl);
      try {
        const { ids, positions } = await allEventIds(store);
        const held = new Set(ids);
        expect(acknowledgedBeforeBackup.filter((id) => !held.has(id)), 'acknowledged before the backup and missing').to.deep.equal([]);
        expect(positions).to.deep.equal(Array.from({ length: positions.length }, (_, index) => index + 1));
        expect(positions.length).to.be.at.least(manifest.eventsThrough);
        if (manifest.store === 'sqlite') expect(positions.length, 'a SQLite backup is exact').to.equal(manifest.eventsThrough);
      } finally {
        await store.close();
      }
    });

    it('goes on: new events are appended after the restored head, sealed and signed with the same key, and verify again', async function () {
      this.timeout(30_000);
      const ledger = await openLedger(restored.storeUrl, restored.data);
      let head: number;
      try {
        expect(ledger.log.keyCreated, 'the log key came back with the backup').to.equal(false);
        expect(ledger.log.verifierKey).to.equal(verifierKey);
        const before = await ledger.store.headPosition();
        const appended = await ledger.store.appendToStream(newStreamId(), proposedEvents(10));
        expect(appended.positions[0]).to.equal(before + 1);
        head = before + 10;
        await ledger.log.sealer.sealedThrough(head);
        await ledger.log.sealer.checkpointNow();
      } finally {
        await ledger.close();
      }
      const result = await verify(restored.data, restored.storeUrl.startsWith('sqlite:') ? undefined : restored.storeUrl);
      expect(result.output).to.match(new RegExp(`^INTACT: ${head} events`));
      expect(result.code).to.equal(0);
    });
  });

  describe('a damaged backup', function () {
    it('is refused before anything is restored when a file no longer matches its manifest', async function () {
      this.timeout(30_000);
      const copy = join(await newFolder('quanze-damaged-'), 'backup');
      await cp(backupFolder, copy, { recursive: true });
      const name = manifest.store === 'sqlite' ? SQLITE_FILE_NAME : POSTGRES_DUMP_FILE;
      const bytes = await readFile(join(copy, name));
      bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
      await writeFile(join(copy, name), bytes);

      const data = join(await newFolder('quanze-restored-'), 'data');
      const failure = await restoreLedger({ from: copy, data }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(DamagedBackup);
      expect((failure as DamagedBackup).problems).to.deep.equal([`${name} does not have the SHA-256 the manifest recorded`]);
    });

    it('that was changed together with its manifest restores, and quanze verify names the changed event', async function () {
      this.timeout(60_000);
      // A manifest is only as safe as the folder it lies in: whoever can change a file can rewrite its checksum.
      // The ledger's own hashes and signed checkpoints are what such an edit cannot get past.
      const copy = join(await newFolder('quanze-damaged-'), 'backup');
      await cp(backupFolder, copy, { recursive: true });
      await backend().changeEventInBackup(copy, 7);
      const data = join(await newFolder('quanze-restored-'), 'data');
      const storeUrl = await backend().restore(copy, data);
      const result = await verify(data, storeUrl.startsWith('sqlite:') ? undefined : storeUrl);
      expect(result.output).to.match(/^TAMPERED: position 7: /);
      expect(result.code).to.equal(1);
    });
  });
}

describe('backing up and restoring the ledger (infra/production/scripts)', function () {
  after(async function () {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  describe('on SQLite', function () {
    backupAndRestoreSpec(() => ({
      async newLedger() {
        const data = await newFolder('quanze-ledger-');
        return { storeUrl: `sqlite:${data}`, data };
      },
      backup: (_storeUrl, data, to) => backupCommand(['--data', data, '--to', to, '--include-secrets']),
      async restore(from, data) {
        await restoreLedger({ from, data });
        return `sqlite:${data}`;
      },
      async changeEventInBackup(backup, position) {
        const db = new Database(join(backup, SQLITE_FILE_NAME));
        try {
          db.prepare("UPDATE events SET body = json_set(body, '$.data.n', 999) WHERE position = ?").run(position);
        } finally {
          db.close();
        }
        await rewriteManifestChecksum(backup, SQLITE_FILE_NAME);
      },
    }));

    it('refuses to write over a folder that holds a ledger, and to back up into an existing folder', async function () {
      const data = await newFolder('quanze-ledger-');
      const store = await openEventStore(`sqlite:${data}`);
      await store.appendToStream(newStreamId(), proposedEvents(1));
      await store.close();
      await expect(backupLedger({ data, to: data })).to.be.rejectedWith(BackupRefused, /exists already/);
      await expect(backupLedger({ data, to: join(data, 'backup') })).to.be.rejectedWith(BackupRefused, /no integrity\.sqlite/);
      await expect(restoreLedger({ from: data, data })).to.be.rejectedWith(DamagedBackup, /manifest\.json/);
    });

    it('leaves the secret keys out unless asked', async function () {
      this.timeout(30_000);
      const data = await newFolder('quanze-ledger-');
      const ledger = await openLedger(`sqlite:${data}`, data);
      await ledger.store.appendToStream(newStreamId(), proposedEvents(3));
      await ledger.log.sealer.sealedThrough(3);
      await ledger.close();
      const manifest = await backupLedger({ data, to: join(await newFolder('quanze-backups-'), 'b') });
      expect(manifest.includesSecrets).to.equal(false);
      expect(manifest.files.map((file) => file.name)).to.deep.equal(['events.sqlite', 'integrity.sqlite', 'keys/log-verifier-keys.txt']);
    });
  });

  describe('on PostgreSQL', function () {
    const postgres = usePostgresCluster();
    let other: PostgresCluster | null = null;

    after(async function () {
      this.timeout(30_000);
      await other?.stop();
    });

    backupAndRestoreSpec(() => ({
      async newLedger() {
        return { storeUrl: await postgres.cluster.newDatabaseUrl('quanze_backup'), data: await newFolder('quanze-ledger-') };
      },
      backup: (storeUrl, data, to) => backupCommand(['--data', data, '--store', storeUrl, '--to', to, '--include-secrets', '--pg-dump', postgres.binaries.pgDump]),
      async restore(from, data) {
        // A new cluster, as after losing the old one: its transaction ids start far below the old cluster's.
        other ??= await startPostgresCluster(postgres.binaries);
        const storeUrl = await other.newDatabaseUrl('quanze_restored');
        await restoreLedger({ from, data, storeUrl, pgRestore: postgres.binaries.pgRestore });
        return storeUrl;
      },
      async changeEventInBackup(backup, position) {
        // The dump is restored into a scratch database, edited there, and dumped over the original.
        const scratch = await postgres.cluster.newDatabaseUrl('quanze_scratch');
        const dump = join(backup, POSTGRES_DUMP_FILE);
        execFileSync(postgres.binaries.pgRestore, ['--exit-on-error', `--dbname=${scratch}`, dump]);
        const client = new pg.Client({ connectionString: scratch });
        await client.connect();
        try {
          await client.query(`UPDATE quanze_events SET body = json_build_object('tampered', true) WHERE position = $1`, [position]);
        } finally {
          await client.end();
        }
        execFileSync(postgres.binaries.pgDump, ['--format=custom', `--file=${dump}`, `--dbname=${scratch}`]);
        await rewriteManifestChecksum(backup, POSTGRES_DUMP_FILE);
      },
    }));
  });
});
