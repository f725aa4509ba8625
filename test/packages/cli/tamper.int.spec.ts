import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import {
  INTEGRITY_FILE_NAME,
  createSealer,
  createSqliteIntegrityStore,
  generateNoteKey,
  parseCheckpoint,
  parseSignerKey,
  recordLogVerifierKey,
  signCheckpoint,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';
import { run } from '@quanze/cli';
import { ORIGIN, copyOf, quanze, sealedFolder, type SealedFolder } from './fixture.js';

function withDatabase(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    change(db);
  } finally {
    db.close();
  }
}

function bodyAt(db: Database.Database, position: number): string {
  const body = db.prepare<[number], string>('SELECT body FROM events WHERE position = ?').pluck().get(position);
  if (body === undefined) throw new Error(`no event at ${position}`);
  return body;
}

/** In-process, for speed; one test per kind of verdict also runs the real command. */
async function verifyInProcess(folder: string): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => ((stdout += text), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream,
    env: {},
    cwd: process.cwd(),
  };
  const code = await run(['verify', '--data', folder], io);
  return { code, stdout: stdout + stderr };
}

describe('quanze verify on a real SQLite data folder', function () {
  this.timeout(60_000);
  let original: SealedFolder;
  let copy: SealedFolder & { remove(): Promise<void> };
  let events: string;
  let integrity: string;

  before(async function () {
    original = await sealedFolder();
  });

  after(async function () {
    await rm(original.folder, { recursive: true, force: true });
  });

  beforeEach(async function () {
    copy = await copyOf(original);
    events = join(copy.folder, SQLITE_FILE_NAME);
    integrity = join(copy.folder, INTEGRITY_FILE_NAME);
  });

  afterEach(async function () {
    await copy.remove();
  });

  it('finds an intact ledger intact and exits 0 (the real command)', async function () {
    const result = await quanze(['verify', '--data', copy.folder]);
    expect(result.stdout).to.match(/^INTACT: 40 events/);
    expect(result.stdout).to.contain('3 signed checkpoints match (latest size 40)');
    expect(result.code).to.equal(0);
  });

  it('trusts only the key it is given: the right one passes, another fails every checkpoint', async function () {
    expect((await quanze(['verify', '--data', copy.folder, '--key', original.verifierKey])).code).to.equal(0);
    const stranger = generateNoteKey(ORIGIN).verifierKey;
    const refused = await run(['verify', '--data', copy.folder, '--key', stranger], {
      stdout: { write: () => true } as unknown as NodeJS.WritableStream,
      stderr: { write: () => true } as unknown as NodeJS.WritableStream,
      env: {},
      cwd: process.cwd(),
    });
    expect(refused).to.equal(1);
  });

  describe('when one byte of one event’s body is changed in events.sqlite', function () {
    it('names that position and exits 1 (the real command)', async function () {
      withDatabase(events, (db) => {
        const body = bodyAt(db, 17);
        const at = body.indexOf('"event 17"') + 2;
        const changed = `${body.slice(0, at)}E${body.slice(at + 1)}`;
        expect(changed.length).to.equal(body.length);
        db.prepare('UPDATE events SET body = ? WHERE position = 17').run(changed);
      });
      const result = await quanze(['verify', '--data', copy.folder]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: position 17: its content hash no longer matches the leaf sealed for it/);
    });
  });

  describe('when one byte of the recorded time (a column, not the body) is changed', function () {
    it('names that position', async function () {
      withDatabase(events, (db) => {
        const recordedAt = db.prepare<[], string>('SELECT recorded_at FROM events WHERE position = 5').pluck().get() ?? '';
        db.prepare('UPDATE events SET recorded_at = ? WHERE position = 5').run(recordedAt.replace(/.Z$/, (last) => `${last[0] === '9' ? '8' : '9'}Z`));
      });
      const result = await verifyInProcess(copy.folder);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: position 5: /);
    });
  });

  describe('when an event is deleted', function () {
    it('names the missing position', async function () {
      withDatabase(events, (db) => db.prepare('DELETE FROM events WHERE position = 12').run());
      const result = await quanze(['verify', '--data', copy.folder]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: position 12: it is missing: the next event is at position 13/);
    });
  });

  describe('when two events’ bodies are swapped', function () {
    it('names the first of them', async function () {
      withDatabase(events, (db) => {
        const first = bodyAt(db, 20);
        const second = bodyAt(db, 21);
        db.prepare('UPDATE events SET body = ? WHERE position = ?').run(second, 20);
        db.prepare('UPDATE events SET body = ? WHERE position = ?').run(first, 21);
      });
      const result = await verifyInProcess(copy.folder);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: position 20: /);
    });
  });

  describe('when the log is truncated', function () {
    it('names the first missing position and the checkpoints it can no longer back', async function () {
      withDatabase(events, (db) => db.prepare('DELETE FROM events WHERE position > 30').run());
      const result = await quanze(['verify', '--data', copy.folder]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: position 31: it is missing: the log ends at position 30, but 40 events were sealed/);
      expect(result.stdout).to.contain('checkpoint #3 (size 40)');
    });
  });

  describe('when a checkpoint is replaced by one signed with another key', function () {
    it('names that checkpoint', async function () {
      const impostor = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
      withDatabase(integrity, (db) => {
        const note = db.prepare<[], string>('SELECT note FROM checkpoints WHERE id = 2').pluck().get() ?? '';
        const body = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
        db.prepare('UPDATE checkpoints SET note = ? WHERE id = 2').run(signCheckpoint(body, [impostor]));
      });
      const result = await quanze(['verify', '--data', copy.folder]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: checkpoint #2 \(size 25\): its signature does not verify with the log's verifier keys/);
    });
  });

  describe('when a forked checkpoint (same size, another root) is presented, signed with the log’s own key', function () {
    it('names the fork, whose root the events do not give', async function () {
      const signer = parseSignerKey((await import('node:fs')).readFileSync(join(copy.folder, 'keys', 'log-signing-key.txt'), 'utf8').trim());
      const otherRoot = new Uint8Array(32).fill(7);
      withDatabase(integrity, (db) => {
        const note = signCheckpoint({ origin: ORIGIN, size: 25, rootHash: otherRoot }, [signer]);
        db.prepare("INSERT INTO checkpoints (size, root, note, created_at) VALUES (25, ?, ?, '2026-11-25T10:00:00.000Z')").run(otherRoot, note);
      });
      const result = await quanze(['verify', '--data', copy.folder]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: checkpoint #4 \(size 25\): /);
      expect(result.stdout).to.match(/checkpoint #4 \(size 25\): it states root BwcHBwcH[A-Za-z0-9+/=]* for 25 events, but the events give /);
    });
  });

  describe('when a stored subtree is changed (proofs would be served from it)', function () {
    it('names the subtree', async function () {
      withDatabase(integrity, (db) => db.prepare('UPDATE nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 1').run());
      const result = await verifyInProcess(copy.folder);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^TAMPERED: stored subtree level 2, index 1: /);
    });
  });

  describe('after the log key was rotated', function () {
    it('verifies old checkpoints with the old key and new ones with the new, both listed; with the new key alone the old ones fail', async function () {
      const next = generateNoteKey(ORIGIN);
      const store = await openEventStore(`sqlite:${copy.folder}`);
      const log = createSqliteIntegrityStore({ path: integrity });
      await recordLogVerifierKey(copy.folder, parseSignerKey(next.signerKey));
      const sealer = createSealer({ store, integrity: log, signer: parseSignerKey(next.signerKey), everyEvents: 1_000_000, everyMs: 60_000 });
      await sealer.start();
      await store.appendToStream(newStreamId(), proposedEvents(2));
      await sealer.sealedThrough(42);
      await sealer.stop();
      await store.close();
      await log.close();

      const listed = await verifyInProcess(copy.folder);
      expect(listed.stdout).to.match(/^INTACT: 42 events, .* 5 signed checkpoints match \(latest size 42\)/);
      const both = await quanze(['verify', '--data', copy.folder, '--key', original.verifierKey, '--key', next.verifierKey]);
      expect(both.code).to.equal(0);
      const newOnly = await quanze(['verify', '--data', copy.folder, '--key', next.verifierKey]);
      expect(newOnly.code).to.equal(1);
      expect(newOnly.stdout).to.match(/^TAMPERED: checkpoint #1 \(size 10\): its signature does not verify/);
    });
  });

  it('refuses to verify a folder without a ledger, with exit 2', async function () {
    const result = await quanze(['verify', '--data', join(copy.folder, 'nothing-here')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('no event store');
  });
});
