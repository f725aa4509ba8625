import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SQLITE_FILE_NAME, StoreFailure, openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { eventStoreContract } from '../../contract/event-store.contract.js';
import type { EventStoreFixture } from '../../contract/event-store.contract.js';
import { newStreamId, proposedEvents } from '../../support/events.js';

/** Each store in its own temporary folder, all removed once the suite is done. */
function temporaryFolders(): EventStoreFixture & { newFolder(): Promise<string> } {
  const folders: string[] = [];
  const newFolder = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-eventstore-'));
    folders.push(folder);
    return folder;
  };
  return {
    newFolder,
    newStoreUrl: async () => `sqlite:${await newFolder()}`,
    cleanup: async () => {
      await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
    },
  };
}

eventStoreContract('SQLite', temporaryFolders());

describe('the SQLite event store file', function () {
  const folders = temporaryFolders();
  let store: EventStore | undefined;

  afterEach(async function () {
    await store?.close();
    store = undefined;
  });

  after(async function () {
    await folders.cleanup();
  });

  it('is one database in the folder of the URL, in WAL mode', async function () {
    const folder = await folders.newFolder();
    store = await openEventStore(`sqlite:${folder}`);
    await store.appendToStream(newStreamId(), proposedEvents(3), { expectedVersion: 'no_stream' });

    const databases = (await readdir(folder)).filter((file) => !/-(wal|shm|journal)$/.test(file));
    expect(databases, `files in ${folder}`).to.have.length(1);
    // journal_mode=WAL is kept in the file itself, so another connection sees it. (synchronous=FULL is a setting
    // of the adapter's own connection, which it does not expose: that one is for the crash test to vouch for.)
    const db = new Database(join(folder, databases[0] as string), { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).to.equal(3);
    } finally {
      db.close();
    }
  });

  it('stamps recordedAt from the clock it is given, never going backwards along the log', async function () {
    const folder = await folders.newFolder();
    let now = '';
    store = await openEventStore(`sqlite:${folder}`, { clock: () => new Date(now) });
    const streamId = newStreamId();

    const recordedAt: string[] = [];
    const times = ['2017-03-01T08:00:00.000Z', '2017-02-01T08:00:00.000Z', '2017-03-02T09:30:00.123Z'];
    for (const [version, time] of times.entries()) {
      now = time;
      const result = await store.appendToStream(streamId, proposedEvents(1), { expectedVersion: version });
      recordedAt.push(...result.events.map((event) => event.recordedAt));
    }

    expect(recordedAt).to.deep.equal(['2017-03-01T08:00:00.000Z', '2017-03-01T08:00:00.000Z', '2017-03-02T09:30:00.123Z']);
  });

  it('refuses to open a file that is not a SQLite database, with StoreFailure', async function () {
    const folder = await folders.newFolder();
    await writeFile(join(folder, SQLITE_FILE_NAME), 'these are minutes of a meeting, not a database'.repeat(100));

    await expect(openEventStore(`sqlite:${folder}`)).to.be.rejectedWith(StoreFailure);
  });

  it('refuses to open a database written by a newer Quanze, naming both schema versions', async function () {
    const folder = await folders.newFolder();
    const db = new Database(join(folder, SQLITE_FILE_NAME));
    db.pragma('user_version = 99');
    db.close();

    await expect(openEventStore(`sqlite:${folder}`)).to.be.rejectedWith(StoreFailure, /schema version 99/);
  });
});
