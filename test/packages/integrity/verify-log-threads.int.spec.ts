import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import {
  INTEGRITY_FILE_NAME,
  createSealer,
  createSqliteIntegrityStore,
  generateNoteKey,
  parseSignerKey,
  parseVerifierKey,
  verifyLog,
  type LogVerdict,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';

const EVENTS = 2_500;
const key = generateNoteKey('quanze.threads/ledger');

/** Data with nested members out of order, digits as member names, escapes and astral text: the fast path and its fallback. */
const dataOf = (index: number) => ({
  z: index,
  title: `事项 ${String(index)} 😀`,
  nested: { b: [1.5, -0, 1e21], a: index % 7 === 0 ? { '10': 'ten', '9': 'nine' } : null },
  note: index % 11 === 0 ? 'tab\there "quoted" \\ back' : 'plain',
});

describe('verifyLog on worker threads over events.sqlite', function () {
  this.timeout(60_000);
  let folder: string;
  let events: string;

  before(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-verify-threads-'));
    events = join(folder, SQLITE_FILE_NAME);
    const store = await openEventStore(`sqlite:${folder}`);
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), everyEvents: 1_000, everyMs: 60_000 });
    await sealer.start();
    for (let first = 0; first < EVENTS; first += 50) await store.appendToStream(newStreamId(), proposedEvents(50, (index) => dataOf(first + index)));
    await sealer.sealedThrough(EVENTS);
    await sealer.stop();
    await integrity.close();
    await store.close();
  });

  after(async function () {
    await rm(folder, { recursive: true, force: true });
  });

  /** Both ways on the same files: through the store's port, and on two threads in pages of 256 (many pages, ahead). */
  async function bothWays(): Promise<{ port: LogVerdict; threads: LogVerdict }> {
    const store = await openEventStore(`sqlite:${folder}`);
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME), readonly: true });
    try {
      const verifiers = [parseVerifierKey(key.verifierKey)];
      const port = await verifyLog({ store, integrity, verifiers });
      const threads = await verifyLog({ store, integrity, verifiers, sqliteFile: events, threads: 2, pageSize: 256 });
      // The workers also compare the stored subtrees inside their pages of 256 (levels 0 to 8).
      const nodes = await verifyLog({ store, integrity, verifiers, sqliteFile: events, sqliteIntegrityFile: join(folder, INTEGRITY_FILE_NAME), threads: 2, pageSize: 256 });
      expect(nodes.problems).to.deep.equal(threads.problems);
      expect(nodes).to.include({ intact: threads.intact, verifiedThrough: threads.verifiedThrough });
      return { port, threads };
    } finally {
      await integrity.close();
      await store.close();
    }
  }

  function change(sql: string, ...parameters: unknown[]): void {
    changeIn(events, sql, ...parameters);
  }

  function changeIn(file: string, sql: string, ...parameters: unknown[]): void {
    const db = new Database(file);
    try {
      db.prepare(sql).run(...parameters);
    } finally {
      db.close();
    }
  }

  it('finds the sealed log intact, as the store port does: its rows are hashed as the store gives them back', async function () {
    const { port, threads } = await bothWays();
    expect(port.problems).to.deep.equal([]);
    expect(threads).to.deep.equal(port);
    expect(threads).to.include({ intact: true, eventsChecked: EVENTS, verifiedThrough: EVENTS });
  });

  it('names the same stored subtree when one inside a page, one above the pages, or a stored leaf is changed', async function () {
    const integrityFile = join(folder, INTEGRITY_FILE_NAME);
    const cases: [number, number, LogVerdict['problems'][number]['kind']][] = [
      [3, 40, 'node'],
      [10, 1, 'node'],
      [0, 1_999, 'event'],
    ];
    for (const [level, index, kind] of cases) {
      const db = new Database(integrityFile);
      const original = db.prepare<[number, number], Buffer>('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck().get(level, index);
      db.close();
      changeIn(integrityFile, 'UPDATE nodes SET hash = zeroblob(32) WHERE level = ? AND idx = ?', level, index);
      try {
        const { port, threads } = await bothWays();
        const expected = kind === 'event' ? { kind, position: index + 1 } : { kind, level, index };
        expect(port.problems[0], `level ${String(level)}`).to.include(expected);
        expect(threads.problems[0], `level ${String(level)}`).to.include(expected);
      } finally {
        changeIn(integrityFile, 'UPDATE nodes SET hash = ? WHERE level = ? AND idx = ?', original, level, index);
      }
    }
  });

  it('names the same position when a body is changed, an event is deleted, a body is no JSON, or the log is cut', async function () {
    // Each change on top of the previous: the first bad position moves down the log.
    const steps: [string, unknown[], number, RegExp][] = [
      [`UPDATE events SET body = replace(body, '"plain"', '"plain!"') WHERE position = ?`, [2_301], 2_301, /no longer matches the leaf/],
      ['DELETE FROM events WHERE position = ?', [1_700], 1_700, /^it is missing: the next event is at position 1701$/],
      [`UPDATE events SET body = '{"occurredAt":' WHERE position = ?`, [1_024], 1_024, /^it cannot be read back: /],
      ['DELETE FROM events WHERE position > ?', [600], 601, /^it is missing: the log ends at position 600, but 2500 events were sealed/],
    ];
    for (const [sql, parameters, position, reason] of steps) {
      change(sql, ...parameters);
      const { port, threads } = await bothWays();
      expect(port.problems[0], sql).to.include({ kind: 'event', position });
      expect(port.problems[0]).to.have.property('reason').that.matches(reason);
      expect(threads.problems[0], sql).to.include({ kind: 'event', position });
      expect(threads.problems[0]).to.have.property('reason').that.matches(reason);
      // (How far past a changed leaf the tree was folded depends on the page size: eventsChecked may differ.)
      expect(threads.intact).to.equal(false);
    }
  });
});
