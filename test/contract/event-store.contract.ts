// The contract every EventStore adapter passes unchanged: each adapter's spec calls `eventStoreContract` with a
// fixture that hands out URLs of brand-new, empty stores. Read the port (packages/eventstore/src/event-store.ts)
// beside it: each test here is a sentence of that documentation, made executable. Where the port is silent, the
// test takes the reading a user of an event store would expect, and says so in a comment.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Instant, RecordedEvent } from '@quanze/events';
import type { ProposedEvent } from '@quanze/events';
import {
  DuplicateEventId,
  EventStoreError,
  InvalidAppend,
  InvalidReadOptions,
  StoreClosed,
  WrongExpectedVersion,
  openEventStore,
} from '@quanze/eventstore';
import type { AppendResult, EventStore, ExpectedVersion } from '@quanze/eventstore';
import { newStreamId, proposedEvent, proposedEvents } from '../support/events.js';
import { collect, range, within } from '../support/async.js';

export interface EventStoreFixture {
  /** The URL of a brand-new, empty store, for `openEventStore(url)`; each call gives another one. */
  newStoreUrl(): Promise<string>;
  /** Removes every store the fixture handed out. Runs once, after the whole suite. */
  cleanup(): Promise<void>;
}

/** Every field of a recorded event, and nothing else. */
const ENVELOPE_FIELDS = [
  'eventId',
  'type',
  'streamId',
  'streamVersion',
  'position',
  'occurredAt',
  'recordedAt',
  'actor',
  'causationId',
  'correlationId',
  'commandId',
  'data',
] as const;

/** How far a store's clock may be from this process's (a PostgreSQL server may be another machine). */
const CLOCK_TOLERANCE_MS = 10_000;

const APPEND_UNTIL_KILLED = fileURLToPath(new URL('./append-until-killed.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function eventStoreContract(name: string, fixture: EventStoreFixture): void {
  describe(`the ${name} event store`, function () {
    // Stores a test opened and has not closed: afterEach closes them, also when the test failed.
    const openStores = new Set<EventStore>();

    async function openStore(url: string): Promise<EventStore> {
      const store = await openEventStore(url);
      openStores.add(store);
      return store;
    }

    async function newStore(): Promise<{ store: EventStore; url: string }> {
      const url = await fixture.newStoreUrl();
      return { store: await openStore(url), url };
    }

    async function closeStore(store: EventStore): Promise<void> {
      openStores.delete(store);
      await store.close();
    }

    afterEach(async function () {
      const stores = [...openStores];
      openStores.clear();
      const outcomes = await Promise.allSettled(stores.map((store) => store.close()));
      const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      if (failures.length > 0) throw new AggregateError(failures, 'closing the stores a test left open failed');
    });

    after(async function () {
      await fixture.cleanup();
    });

    describe('appending', function () {
      it('records the first events of a stream at versions 1, 2, 3 and positions 1, 2, 3', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const events = proposedEvents(3);
        const before = Date.now();

        const result = await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });

        const after = Date.now();
        expect(result.nextExpectedVersion).to.equal(3);
        expect(result.positions).to.deep.equal([1, 2, 3]);
        expect(result.idempotentReplay).to.equal(false);
        expect(result.events).to.have.length(3);
        events.forEach((event, index) => {
          expectRecordedAs(result.events[index], event, { streamId, streamVersion: index + 1, position: index + 1 });
        });
        for (const recorded of result.events) {
          expect(Date.parse(recorded.recordedAt), 'recordedAt').to.be.within(
            before - CLOCK_TOLERANCE_MS,
            after + CLOCK_TOLERANCE_MS,
          );
        }
        expect(await collect(store.readStream(streamId))).to.deep.equal(result.events);
        expect(await store.headPosition()).to.equal(3);
      });

      it('continues a stream at the version after its last event', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const earlier = proposedEvents(2);
        await store.appendToStream(streamId, earlier, { expectedVersion: 'no_stream' });
        const events = proposedEvents(3);

        const result = await store.appendToStream(streamId, events, { expectedVersion: 2 });

        expect(result.nextExpectedVersion).to.equal(5);
        expect(result.positions).to.deep.equal([3, 4, 5]);
        expect(result.events.map((event) => event.streamVersion)).to.deep.equal([3, 4, 5]);
        expect((await collect(store.readStream(streamId))).map((event) => event.eventId)).to.deep.equal(
          [...earlier, ...events].map((event) => event.eventId),
        );
      });

      it('numbers positions across all streams from 1, gap-free and strictly increasing', async function () {
        const { store } = await newStore();
        const [a, b, c] = [newStreamId(), newStreamId(), newStreamId()];
        const appended: AppendResult[] = [];
        appended.push(await store.appendToStream(a, proposedEvents(2), { expectedVersion: 'no_stream' }));
        appended.push(await store.appendToStream(b, proposedEvents(1), { expectedVersion: 'no_stream' }));
        appended.push(await store.appendToStream(a, proposedEvents(1), { expectedVersion: 2 }));
        appended.push(await store.appendToStream(c, proposedEvents(3), { expectedVersion: 'no_stream' }));

        expect(appended.map((result) => result.positions)).to.deep.equal([[1, 2], [3], [4], [5, 6, 7]]);
        const all = await collect(store.readAll());
        expect(all.map((event) => event.position)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
        expect(all).to.deep.equal(appended.flatMap((result) => result.events));
        expect(all.map((event) => `${event.streamId}@${event.streamVersion}`)).to.deep.equal([
          `${a}@1`,
          `${a}@2`,
          `${b}@1`,
          `${a}@3`,
          `${c}@1`,
          `${c}@2`,
          `${c}@3`,
        ]);
        expect(await store.headPosition()).to.equal(7);
      });

      it('reports head position 0 while the store is empty', async function () {
        const { store } = await newStore();

        expect(await store.headPosition()).to.equal(0);
        expect(await collect(store.readAll())).to.deep.equal([]);
      });

      it('keeps every event when the store is closed and opened again', async function () {
        const { store, url } = await newStore();
        const streamId = newStreamId();
        const first = await store.appendToStream(streamId, proposedEvents(3), { expectedVersion: 'no_stream' });
        await closeStore(store);

        const reopened = await openStore(url);

        expect(await collect(reopened.readAll())).to.deep.equal(first.events);
        expect(await reopened.headPosition()).to.equal(3);
        const next = await reopened.appendToStream(streamId, proposedEvents(1), { expectedVersion: 3 });
        expect(next.positions).to.deep.equal([4]);
        expect(next.events[0]?.streamVersion).to.equal(4);
      });

      it('rejects an event id that is not a uuid with InvalidAppend and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const event = { ...proposedEvent(), eventId: 'not-a-uuid' };

        const error = await rejectionOf(
          store.appendToStream(streamId, [proposedEvent(), event], { expectedVersion: 'any' }),
          InvalidAppend,
        );

        expect(error.streamId).to.equal(streamId);
        expect(error.path).to.include('eventId');
        expect(await store.headPosition()).to.equal(0);
      });

      it('rejects a malformed stream id with InvalidAppend and writes nothing', async function () {
        const { store } = await newStore();

        const error = await rejectionOf(
          store.appendToStream('Not A Stream', [proposedEvent()], { expectedVersion: 'any' }),
          InvalidAppend,
        );

        expect(error.streamId).to.equal('Not A Stream');
        expect(await store.headPosition()).to.equal(0);
      });
    });

    describe('expected versions', function () {
      const accepted: readonly { title: string; existing: number; expectedVersion: ExpectedVersion }[] = [
        { title: '0 for a new stream', existing: 0, expectedVersion: 0 },
        { title: 'no_stream for a new stream', existing: 0, expectedVersion: 'no_stream' },
        { title: 'any for a new stream', existing: 0, expectedVersion: 'any' },
        { title: 'the last version of an existing stream', existing: 2, expectedVersion: 2 },
        { title: 'stream_exists for an existing stream', existing: 2, expectedVersion: 'stream_exists' },
        { title: 'any for an existing stream', existing: 2, expectedVersion: 'any' },
      ];
      for (const { title, existing, expectedVersion } of accepted) {
        it(`accepts ${title}`, async function () {
          const { store } = await newStore();
          const streamId = newStreamId();
          if (existing > 0) {
            await store.appendToStream(streamId, proposedEvents(existing), { expectedVersion: 'no_stream' });
          }

          const result = await store.appendToStream(streamId, proposedEvents(2), { expectedVersion });

          expect(result.nextExpectedVersion).to.equal(existing + 2);
          expect(result.events.map((event) => event.streamVersion)).to.deep.equal([existing + 1, existing + 2]);
          expect(result.positions).to.deep.equal([existing + 1, existing + 2]);
        });
      }

      const rejected: readonly { title: string; existing: number; expectedVersion: ExpectedVersion }[] = [
        { title: 'a version above 0 for a new stream', existing: 0, expectedVersion: 1 },
        { title: 'stream_exists for a new stream', existing: 0, expectedVersion: 'stream_exists' },
        { title: '0 for an existing stream', existing: 2, expectedVersion: 0 },
        { title: 'no_stream for an existing stream', existing: 2, expectedVersion: 'no_stream' },
        { title: 'a version below the last one', existing: 3, expectedVersion: 2 },
        { title: 'a version above the last one', existing: 3, expectedVersion: 4 },
      ];
      for (const { title, existing, expectedVersion } of rejected) {
        it(`rejects ${title} with WrongExpectedVersion and writes none of the append`, async function () {
          const { store } = await newStore();
          const streamId = newStreamId();
          const otherStreamId = newStreamId();
          await store.appendToStream(otherStreamId, proposedEvents(2), { expectedVersion: 'no_stream' });
          if (existing > 0) {
            await store.appendToStream(streamId, proposedEvents(existing), { expectedVersion: 'no_stream' });
          }
          const before = await snapshot(store, [streamId, otherStreamId]);
          const events = proposedEvents(3);

          const error = await rejectionOf(store.appendToStream(streamId, events, { expectedVersion }), WrongExpectedVersion);

          expect(error).to.include({ streamId, expected: expectedVersion, actual: existing, retriable: false });
          expect(error.code).to.equal('eventstore.wrong-expected-version');
          expect(await snapshot(store, [streamId, otherStreamId])).to.deep.equal(before);
          // Not even the ids were kept: the same events append as new ones at the right version.
          const retried = await store.appendToStream(streamId, events, { expectedVersion: existing });
          expect(retried.idempotentReplay).to.equal(false);
          expect(retried.positions).to.deep.equal([before.head + 1, before.head + 2, before.head + 3]);
        });
      }
    });

    describe('idempotent appends', function () {
      // A retry repeats the original call, expected version included. With `any` the port names no versions; the
      // reading taken is the one a user retrying an unchecked append expects: it is recognised as the same append.
      const retries: readonly { title: string; expectedVersion: ExpectedVersion }[] = [
        { title: 'expected version 0', expectedVersion: 0 },
        { title: 'no_stream', expectedVersion: 'no_stream' },
        { title: 'any', expectedVersion: 'any' },
      ];
      for (const { title, expectedVersion } of retries) {
        it(`replays a retried append with ${title} without writing it again`, async function () {
          const { store } = await newStore();
          const streamId = newStreamId();
          const events = proposedEvents(3);
          const original = await store.appendToStream(streamId, events, { expectedVersion });
          await store.appendToStream(newStreamId(), proposedEvents(1), { expectedVersion: 'no_stream' });
          const before = await snapshot(store, [streamId]);

          const replay = await store.appendToStream(streamId, events, { expectedVersion });

          expect(replay.idempotentReplay).to.equal(true);
          expect(replay.positions).to.deep.equal(original.positions);
          expect(replay.nextExpectedVersion).to.equal(original.nextExpectedVersion);
          expect(replay.events).to.deep.equal(original.events);
          expect(await snapshot(store, [streamId])).to.deep.equal(before);
        });
      }

      // Reading taken: a replay answers exactly what the original append answered, nextExpectedVersion included
      // (not the stream's version now), so that a retry cannot tell whether the first try got through.
      it('replays a retried append after the stream has moved on', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const events = proposedEvents(2);
        const original = await store.appendToStream(streamId, events, { expectedVersion: 0 });
        await store.appendToStream(streamId, proposedEvents(2), { expectedVersion: 2 });
        const before = await snapshot(store, [streamId]);

        const replay = await store.appendToStream(streamId, events, { expectedVersion: 0 });

        expect(replay).to.deep.equal({ ...original, idempotentReplay: true });
        expect(await snapshot(store, [streamId])).to.deep.equal(before);
      });

      // Reading taken: content is compared as JSON values, so the order of an object's keys is not content.
      it('treats data with the same fields in another order as the same content', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const event = proposedEvent({ data: { title: 'a', detail: { first: 1, second: [2, { x: 3, y: 4 }] } } });
        const original = await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
        const reordered = { ...event, data: { detail: { second: [2, { y: 4, x: 3 }], first: 1 }, title: 'a' } };

        const replay = await store.appendToStream(streamId, [reordered], { expectedVersion: 'no_stream' });

        expect(replay.idempotentReplay).to.equal(true);
        expect(replay.positions).to.deep.equal(original.positions);
        expect(await store.headPosition()).to.equal(1);
      });

      it('rejects a stored event id with other data with DuplicateEventId and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const events = proposedEvents(2);
        await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        const before = await snapshot(store, [streamId]);
        const [first, second] = events as [ProposedEvent, ProposedEvent];
        const altered = { ...first, data: { n: 'something else' } };

        const error = await rejectionOf(
          store.appendToStream(streamId, [altered, second], { expectedVersion: 'no_stream' }),
          DuplicateEventId,
        );

        expect(error).to.include({ eventId: first.eventId, streamId, retriable: false });
        expect(error.code).to.equal('eventstore.duplicate-event-id');
        expect(await snapshot(store, [streamId])).to.deep.equal(before);
      });

      it('rejects a stored event id with another type with DuplicateEventId and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const event = proposedEvent();
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
        const before = await snapshot(store, [streamId]);

        const error = await rejectionOf(
          store.appendToStream(streamId, [{ ...event, type: 'test.happenedOtherwise.v1' }], {
            expectedVersion: 'no_stream',
          }),
          DuplicateEventId,
        );

        expect(error).to.include({ eventId: event.eventId, streamId });
        expect(await snapshot(store, [streamId])).to.deep.equal(before);
      });

      it('rejects an event id stored in another stream with DuplicateEventId and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const otherStreamId = newStreamId();
        const event = proposedEvent();
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
        const before = await snapshot(store, [streamId, otherStreamId]);

        const error = await rejectionOf(
          store.appendToStream(otherStreamId, [proposedEvent(), event], { expectedVersion: 'no_stream' }),
          DuplicateEventId,
        );

        expect(error).to.include({ eventId: event.eventId, streamId: otherStreamId });
        expect(await snapshot(store, [streamId, otherStreamId])).to.deep.equal(before);
      });

      it('rejects an event id stored at another version of the stream with DuplicateEventId and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const events = proposedEvents(3);
        await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        const before = await snapshot(store, [streamId]);
        const fresh = proposedEvent();

        const error = await rejectionOf(
          store.appendToStream(streamId, [events[0] as ProposedEvent, fresh], { expectedVersion: 3 }),
          DuplicateEventId,
        );

        // The error names the id that is stored: the one a person has to look up to see what went wrong.
        expect(error).to.include({ eventId: events[0]?.eventId, streamId });
        expect(await snapshot(store, [streamId])).to.deep.equal(before);
      });

      it('rejects a retried append whose expected version would put its events elsewhere', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const events = proposedEvents(3);
        await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        const [first, second, third] = events;
        if (first === undefined || second === undefined || third === undefined) throw new Error('three events expected');

        const misplaced: [ProposedEvent[], ExpectedVersion][] = [
          [[first], 3],
          [[second], 'no_stream'],
          [[second, third], 0],
          [[first], 'stream_exists'],
        ];
        for (const [retried, expectedVersion] of misplaced) {
          await rejectionOf(store.appendToStream(streamId, retried, { expectedVersion }), DuplicateEventId);
        }
        expect(await store.headPosition()).to.equal(3);
      });

      it('rejects a batch that repeats an event id and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const event = proposedEvent();

        const error = await rejectionOf(
          store.appendToStream(streamId, [event, proposedEvent(), event], { expectedVersion: 'no_stream' }),
          EventStoreError,
        );

        // The port does not say which of the two: either names the problem, neither is retriable.
        expect(error).to.satisfy((e: unknown) => e instanceof DuplicateEventId || e instanceof InvalidAppend);
        expect(error.retriable).to.equal(false);
        expect(await store.headPosition()).to.equal(0);
        expect(await collect(store.readStream(streamId))).to.deep.equal([]);
      });
    });

    describe('reading a stream', function () {
      /** A stream of 10 events appended in two parts, with another stream's events between them. */
      async function storeWithStream(): Promise<{ store: EventStore; streamId: string; ids: string[] }> {
        const { store } = await newStore();
        const streamId = newStreamId();
        const first = proposedEvents(6);
        const second = proposedEvents(4);
        await store.appendToStream(streamId, first, { expectedVersion: 'no_stream' });
        await store.appendToStream(newStreamId(), proposedEvents(3), { expectedVersion: 'no_stream' });
        await store.appendToStream(streamId, second, { expectedVersion: 6 });
        return { store, streamId, ids: [...first, ...second].map((event) => event.eventId) };
      }

      it('reads forwards from version 1 by default', async function () {
        const { store, streamId, ids } = await storeWithStream();

        const events = await collect(store.readStream(streamId));

        expect(events.map((event) => event.eventId)).to.deep.equal(ids);
        expect(events.map((event) => event.streamVersion)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(events.map((event) => event.position)).to.deep.equal([1, 2, 3, 4, 5, 6, 10, 11, 12, 13]);
        expect(events.every((event) => event.streamId === streamId)).to.equal(true);
      });

      it('reads forwards from an inclusive fromVersion', async function () {
        const { store, streamId, ids } = await storeWithStream();

        const events = await collect(store.readStream(streamId, { fromVersion: 5 }));

        expect(events.map((event) => event.streamVersion)).to.deep.equal([5, 6, 7, 8, 9, 10]);
        expect(events.map((event) => event.eventId)).to.deep.equal(ids.slice(4));
      });

      it('stops after limit events', async function () {
        const { store, streamId } = await storeWithStream();

        const events = await collect(store.readStream(streamId, { fromVersion: 3, limit: 4 }));

        expect(events.map((event) => event.streamVersion)).to.deep.equal([3, 4, 5, 6]);
      });

      it('reads backwards from the last version by default', async function () {
        const { store, streamId, ids } = await storeWithStream();

        const events = await collect(store.readStream(streamId, { direction: 'backwards' }));

        expect(events.map((event) => event.streamVersion)).to.deep.equal([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        expect(events.map((event) => event.eventId)).to.deep.equal([...ids].reverse());
      });

      it('reads backwards from an inclusive fromVersion, up to limit events', async function () {
        const { store, streamId } = await storeWithStream();

        const events = await collect(store.readStream(streamId, { direction: 'backwards', fromVersion: 7, limit: 3 }));

        expect(events.map((event) => event.streamVersion)).to.deep.equal([7, 6, 5]);
      });

      it('yields nothing for a stream that has no events', async function () {
        const { store } = await storeWithStream();
        const unknown = newStreamId();

        expect(await collect(store.readStream(unknown))).to.deep.equal([]);
        expect(await collect(store.readStream(unknown, { direction: 'backwards' }))).to.deep.equal([]);
      });

      it('yields nothing forwards from a version after the last one', async function () {
        const { store, streamId } = await storeWithStream();

        expect(await collect(store.readStream(streamId, { fromVersion: 11 }))).to.deep.equal([]);
      });
    });

    describe('reading all', function () {
      /** 12 events over three streams, interleaved. */
      async function storeWithEvents(): Promise<{ store: EventStore; ids: string[] }> {
        const { store } = await newStore();
        const streams = [newStreamId(), newStreamId(), newStreamId()];
        const ids: string[] = [];
        for (let round = 0; round < 2; round += 1) {
          for (const streamId of streams) {
            const events = proposedEvents(2);
            await store.appendToStream(streamId, events, { expectedVersion: round * 2 });
            ids.push(...events.map((event) => event.eventId));
          }
        }
        return { store, ids };
      }

      it('reads forwards from position 1 by default', async function () {
        const { store, ids } = await storeWithEvents();

        const events = await collect(store.readAll());

        expect(events.map((event) => event.position)).to.deep.equal(range(1, 12));
        expect(events.map((event) => event.eventId)).to.deep.equal(ids);
      });

      it('reads forwards from an inclusive fromPosition, up to limit events', async function () {
        const { store, ids } = await storeWithEvents();

        const events = await collect(store.readAll({ fromPosition: 5, limit: 4 }));

        expect(events.map((event) => event.position)).to.deep.equal([5, 6, 7, 8]);
        expect(events.map((event) => event.eventId)).to.deep.equal(ids.slice(4, 8));
      });

      it('reads backwards from the head by default', async function () {
        const { store, ids } = await storeWithEvents();

        const events = await collect(store.readAll({ direction: 'backwards' }));

        expect(events.map((event) => event.position)).to.deep.equal(range(1, 12).reverse());
        expect(events.map((event) => event.eventId)).to.deep.equal([...ids].reverse());
      });

      it('reads backwards from an inclusive fromPosition, up to limit events', async function () {
        const { store } = await storeWithEvents();

        const events = await collect(store.readAll({ direction: 'backwards', fromPosition: 9, limit: 3 }));

        expect(events.map((event) => event.position)).to.deep.equal([9, 8, 7]);
      });

      it('yields nothing forwards from a position after the head', async function () {
        const { store } = await storeWithEvents();

        expect(await collect(store.readAll({ fromPosition: 13 }))).to.deep.equal([]);
      });
    });

    describe('streaming reads', function () {
      it('lets a reader of a 5,000-event stream stop after the first event', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const ids = await appendInParts(store, streamId, 5_000);

        const firsts: string[] = [];
        for await (const event of store.readStream(streamId)) {
          firsts.push(event.eventId);
          break;
        }

        expect(firsts).to.deep.equal(ids.slice(0, 1));
        // The abandoned read holds nothing up: the stream can still be appended to and read whole.
        const next = await within(5_000, 'an append after an abandoned read', () =>
          store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 5_000 }),
        );
        expect(next.events[0]?.streamVersion).to.equal(5_001);
        const versions = (await collect(store.readStream(streamId))).map((event) => event.streamVersion);
        expect(versions).to.deep.equal(range(1, 5_001));
      });

      it('lets appends complete while a 5,000-event stream is being read', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const ids = await appendInParts(store, streamId, 5_000);
        const appendedMeanwhile: string[] = [];

        const read: string[] = [];
        for await (const event of store.readStream(streamId)) {
          read.push(event.eventId);
          if (read.length === 1 || read.length === 2_500) {
            const events = proposedEvents(2);
            await within(5_000, `an append while reading, after event ${read.length}`, () =>
              store.appendToStream(streamId, events, { expectedVersion: 5_000 + appendedMeanwhile.length }),
            );
            appendedMeanwhile.push(...events.map((event) => event.eventId));
          }
        }

        // Whether a read sees what was appended after it began is not the port's promise; the order is.
        expect(read.slice(0, 5_000)).to.deep.equal(ids);
        expect(appendedMeanwhile.slice(0, read.length - 5_000)).to.deep.equal(read.slice(5_000));
      });

      it('lets appends complete while a 5,000-event readAll is being iterated', async function () {
        const { store } = await newStore();
        const streams = [newStreamId(), newStreamId()];
        const ids = [
          ...(await appendInParts(store, streams[0] as string, 2_500)),
          ...(await appendInParts(store, streams[1] as string, 2_500)),
        ];
        const appendedMeanwhile: string[] = [];

        const read: { eventId: string; position: number }[] = [];
        for await (const { eventId, position } of store.readAll()) {
          read.push({ eventId, position });
          if (read.length === 1 || read.length === 2_500) {
            const events = proposedEvents(2);
            await within(5_000, `an append while iterating readAll, after event ${read.length}`, () =>
              store.appendToStream(newStreamId(), events, { expectedVersion: 'no_stream' }),
            );
            appendedMeanwhile.push(...events.map((event) => event.eventId));
          }
        }

        expect(read.slice(0, 5_000).map((event) => event.eventId)).to.deep.equal(ids);
        expect(read.map((event) => event.position)).to.deep.equal(range(1, read.length));
        expect(read.slice(5_000).map((event) => event.eventId)).to.deep.equal(
          appendedMeanwhile.slice(0, read.length - 5_000),
        );
        expect(await store.headPosition()).to.equal(5_004);
      });
    });

    describe('payloads', function () {
      it('round-trips a 1 MiB data payload', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const blob = randomText(1024 * 1024);
        const event = proposedEvent({ data: { blob, length: blob.length } });

        const result = await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });

        const [read] = await collect(store.readStream(streamId));
        const [fromAll] = await collect(store.readAll());
        const sources = [['appendToStream', result.events[0]], ['readStream', read], ['readAll', fromAll]] as const;
        for (const [where, recorded] of sources) {
          const data = recorded?.data as { blob?: unknown; length?: unknown } | undefined;
          // Compared as a boolean: a failed deep-equal would print two megabytes of diff.
          expect(data?.blob === blob, `the blob from ${where} is the one appended`).to.equal(true);
          expect(data?.length, `the length from ${where}`).to.equal(blob.length);
        }
      });

      it('round-trips Chinese text and emoji exactly, in data, stream ids and command ids', async function () {
        const { store } = await newStore();
        const streamId = newStreamId('docnumber-尚政规-2017');
        const data = {
          documentNumber: '尚政规〔2017〕3号',
          title: '关于印发《法治政府建设行动方案（2016—2020年）》的通知',
          emoji: '👩‍⚖️ 𠮷 🏛️ 🇨🇳 👨‍👩‍👧‍👦',
          precomposed: '\u00e9',
          decomposed: 'e\u0301',
          fullWidth: '（１２３）　ＡＢＣ',
          '合法性审查': { '结论': '通过', '意见': ['无', '𠮷野家'] },
        };
        const event = proposedEvent({ data, commandId: `命令-${randomUUID()}` });

        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });

        const [read] = await collect(store.readStream(streamId));
        expect(read?.streamId).to.equal(streamId);
        expect(read?.commandId).to.equal(event.commandId);
        expect(read?.data).to.deep.equal(data);
        const readData = read?.data as typeof data;
        expect(readData.precomposed).to.not.equal(readData.decomposed);
        expect((await collect(store.readAll()))[0]).to.deep.equal(read);
      });

      it('round-trips nested objects, arrays, numbers, booleans and nulls', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const data = {
          zero: 0,
          negative: -42.5,
          largestSafeInteger: Number.MAX_SAFE_INTEGER,
          tiny: 1e-7,
          huge: 1.7976931348623157e308,
          yes: true,
          no: false,
          nothing: null,
          empty: { string: '', array: [], object: {} },
          list: [1, 'two', null, false, { three: [3, [3.5]] }],
          nested: { a: { b: { c: { d: { e: 'deep' } } } } },
        };
        const event = proposedEvent({ data, causationId: randomUUID(), correlationId: randomUUID() });

        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });

        const [read] = await collect(store.readStream(streamId));
        expect(read?.data).to.deep.equal(data);
        expect(read).to.deep.include({ causationId: event.causationId, correlationId: event.correlationId });
      });
    });

    describe('many streams', function () {
      it('reads back 200 streams of 5 events appended in interleaved rounds', async function () {
        const { store } = await newStore();
        const streams = Array.from({ length: 200 }, () => ({ streamId: newStreamId(), ids: [] as string[] }));

        for (let round = 0; round < 5; round += 1) {
          await Promise.all(
            streams.map(async (stream) => {
              const event = proposedEvent({ data: { round } });
              await store.appendToStream(stream.streamId, [event], { expectedVersion: round });
              stream.ids.push(event.eventId);
            }),
          );
        }

        for (const { streamId, ids } of streams) {
          const events = await collect(store.readStream(streamId));
          expect(events.map((event) => event.eventId)).to.deep.equal(ids);
          expect(events.map((event) => event.data)).to.deep.equal(range(0, 4).map((round) => ({ round })));
        }
        const all = await collect(store.readAll());
        expect(all.map((event) => event.position)).to.deep.equal(range(1, 1_000));
        const rounds = all.map((event) => (event.data as { round: number }).round);
        expect(rounds).to.deep.equal([...rounds].sort((x, y) => x - y));
      });
    });

    describe('concurrent appenders', function () {
      it('lets exactly one of the appenders racing for a version win it', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const winners: string[] = [];

        for (let version = 0; version < 5; version += 1) {
          const contenders = proposedEvents(8);
          const outcomes = await Promise.allSettled(
            contenders.map((event) => store.appendToStream(streamId, [event], { expectedVersion: version })),
          );

          const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [contenders[index]] : []));
          expect(won, `winners of version ${version + 1}`).to.have.length(1);
          winners.push((won[0] as ProposedEvent).eventId);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') {
              expect(outcome.reason).to.be.instanceOf(WrongExpectedVersion);
              expect(outcome.reason).to.include({ streamId, expected: version, actual: version + 1 });
            }
          }
        }

        expect((await collect(store.readStream(streamId))).map((event) => event.eventId)).to.deep.equal(winners);
        expect(await store.headPosition()).to.equal(5);
      });

      it('loses no event when 8 appenders to one stream retry after each conflict', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const writers = Array.from({ length: 8 }, (_, writer) => ({
          events: proposedEvents(10, (index) => ({ writer, index })),
          conflicts: 0,
        }));

        await Promise.all(
          writers.map(async (writer) => {
            let expectedVersion = 0;
            for (const event of writer.events) {
              for (let attempt = 1; ; attempt += 1) {
                if (attempt > 1_000) throw new Error(`event ${event.eventId} not appended after 1,000 attempts`);
                const outcome = await store.appendToStream(streamId, [event], { expectedVersion }).then(
                  (result) => result,
                  (error: unknown) => {
                    if (!(error instanceof WrongExpectedVersion)) throw error;
                    return error;
                  },
                );
                if (outcome instanceof WrongExpectedVersion) {
                  writer.conflicts += 1;
                  expect(outcome.actual).to.be.above(expectedVersion);
                  expectedVersion = outcome.actual;
                  continue;
                }
                expectedVersion = outcome.nextExpectedVersion;
                break;
              }
            }
          }),
        );

        const stream = await collect(store.readStream(streamId));
        expect(stream.map((event) => event.streamVersion)).to.deep.equal(range(1, 80));
        const ids = stream.map((event) => event.eventId);
        expect(new Set(ids).size).to.equal(80);
        expect(ids).to.have.members(writers.flatMap((writer) => writer.events.map((event) => event.eventId)));
        for (const writer of writers) {
          const own = writer.events.map((event) => event.eventId);
          expect(ids.filter((id) => own.includes(id)), 'a writer’s events in its own order').to.deep.equal(own);
        }
        // All eight began at version 0 at once, so at least seven lost their first try.
        expect(writers.reduce((sum, writer) => sum + writer.conflicts, 0)).to.be.at.least(7);
        expect(await store.headPosition()).to.equal(80);
      });

      it('gives 64 concurrent appenders to different streams distinct, gap-free positions', async function () {
        const { store } = await newStore();
        const appends = Array.from({ length: 64 }, (_, index) => ({
          streamId: newStreamId(),
          events: proposedEvents((index % 3) + 1),
        }));

        const results = await Promise.all(
          appends.map(({ streamId, events }) => store.appendToStream(streamId, events, { expectedVersion: 'no_stream' })),
        );

        results.forEach((result, index) => {
          const { streamId, events } = appends[index] as (typeof appends)[number];
          expect(result.events.map((event) => event.eventId)).to.deep.equal(events.map((event) => event.eventId));
          expect(result.events.every((event) => event.streamId === streamId)).to.equal(true);
          expect(result.events.map((event) => event.streamVersion)).to.deep.equal(range(1, events.length));
          expect(result.positions).to.deep.equal(result.events.map((event) => event.position));
          expect(result.positions).to.deep.equal([...result.positions].sort((x, y) => x - y));
        });
        const total = appends.reduce((sum, { events }) => sum + events.length, 0);
        const positions = results.flatMap((result) => result.positions).sort((x, y) => x - y);
        expect(positions).to.deep.equal(range(1, total));
        const all = await collect(store.readAll());
        expect(all.map((event) => event.eventId)).to.have.members(
          appends.flatMap(({ events }) => events.map((event) => event.eventId)),
        );
        expect(all.map((event) => event.position)).to.deep.equal(range(1, total));
      });

      it('keeps each append’s own outcome when concurrent appends are committed together', async function () {
        const { store } = await newStore();
        const existing = await Promise.all(
          Array.from({ length: 64 }, async () => {
            const streamId = newStreamId();
            const event = proposedEvent();
            await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
            return { streamId, event };
          }),
        );
        type Expected =
          | { readonly kind: 'appended' }
          | { readonly kind: 'WrongExpectedVersion'; readonly error: Partial<WrongExpectedVersion> }
          | { readonly kind: 'DuplicateEventId'; readonly error: Partial<DuplicateEventId> };
        interface Plan {
          readonly streamId: string;
          readonly events: readonly ProposedEvent[];
          readonly expectedVersion: ExpectedVersion;
          readonly expected: Expected;
        }
        const plans = existing.map(({ streamId: existingStreamId, event: existingEvent }, index): Plan => {
          const streamId = newStreamId();
          switch (index % 8) {
            case 1: // a stream that exists, appended to as if it did not
              return {
                streamId: existingStreamId,
                events: proposedEvents(2),
                expectedVersion: 'no_stream',
                expected: {
                  kind: 'WrongExpectedVersion',
                  error: { streamId: existingStreamId, expected: 'no_stream', actual: 1 },
                },
              };
            case 3: // an event already stored in another stream, after a fresh one
              return {
                streamId,
                events: [proposedEvent(), existingEvent],
                expectedVersion: 'no_stream',
                expected: { kind: 'DuplicateEventId', error: { eventId: existingEvent.eventId, streamId } },
              };
            case 5: // a stream that does not exist, appended to as if it did
              return {
                streamId,
                events: proposedEvents(1),
                expectedVersion: 3,
                expected: { kind: 'WrongExpectedVersion', error: { streamId, expected: 3, actual: 0 } },
              };
            case 7: // a stream that exists, appended to at its last version
              return {
                streamId: existingStreamId,
                events: proposedEvents(2),
                expectedVersion: 1,
                expected: { kind: 'appended' },
              };
            default:
              return {
                streamId,
                events: proposedEvents((index % 3) + 1),
                expectedVersion: 'no_stream',
                expected: { kind: 'appended' },
              };
          }
        });

        const outcomes = await Promise.allSettled(
          plans.map(({ streamId, events, expectedVersion }) =>
            store.appendToStream(streamId, events, { expectedVersion }),
          ),
        );

        const appended: string[] = [];
        const positions: number[] = [];
        outcomes.forEach((outcome, index) => {
          const { expected, events, streamId } = plans[index] as Plan;
          const which = `append ${index} (expected: ${expected.kind})`;
          if (expected.kind === 'appended') {
            expect(outcome.status, which).to.equal('fulfilled');
            const result = (outcome as PromiseFulfilledResult<AppendResult>).value;
            expect(result.events.map((event) => event.eventId), which).to.deep.equal(events.map((event) => event.eventId));
            expect(result.events.every((event) => event.streamId === streamId), which).to.equal(true);
            appended.push(...events.map((event) => event.eventId));
            positions.push(...result.positions);
          } else {
            expect(outcome.status, which).to.equal('rejected');
            const reason = (outcome as PromiseRejectedResult).reason as unknown;
            const errorClass = expected.kind === 'DuplicateEventId' ? DuplicateEventId : WrongExpectedVersion;
            expect(reason, which).to.be.instanceOf(errorClass);
            expect(reason, which).to.include(expected.error);
          }
        });
        expect(positions.sort((x, y) => x - y)).to.deep.equal(range(65, 64 + positions.length));
        const written = await collect(store.readAll({ fromPosition: 65 }));
        expect(written.map((event) => event.eventId)).to.have.members(appended);
        expect(written).to.have.length(appended.length);
        for (const [index, plan] of plans.entries()) {
          if (plan.expected.kind === 'appended') continue;
          const kept = existing[index]?.streamId === plan.streamId ? 1 : 0;
          expect(await collect(store.readStream(plan.streamId)), `stream of failed append ${index}`).to.have.length(kept);
        }
      });
    });

    describe('subscribing to all', function () {
      it('delivers the existing events, then new ones as they are appended, each once and in order', async function () {
        const { store } = await newStore();
        const streams = [newStreamId(), newStreamId(), newStreamId()];
        for (const [index, streamId] of streams.entries()) {
          await store.appendToStream(streamId, proposedEvents(index + 3), { expectedVersion: 'no_stream' });
        }
        const subscription = store.subscribeToAll({ batchSize: 4 });
        const events = subscription[Symbol.asyncIterator]();

        const caughtUp = await take(events, 12);

        expect(caughtUp).to.deep.equal(await collect(store.readAll()));
        expect(subscription.lastPosition).to.equal(12);
        const live = handledLater(take(events, 5));
        const appended = [
          ...(await store.appendToStream(streams[0] as string, proposedEvents(2), { expectedVersion: 3 })).events,
          ...(await store.appendToStream(newStreamId(), proposedEvents(3), { expectedVersion: 'no_stream' })).events,
        ];
        expect(await live).to.deep.equal(appended);
        expect(subscription.lastPosition).to.equal(17);
        await subscription.stop();
      });

      it('includes the events appended while it is catching up', async function () {
        const { store } = await newStore();
        for (let part = 0; part < 20; part += 1) {
          await store.appendToStream(newStreamId(), proposedEvents(100), { expectedVersion: 'no_stream' });
        }
        const subscription = store.subscribeToAll({ batchSize: 50 });
        const events = subscription[Symbol.asyncIterator]();
        try {
          const delivered = await take(events, 1);
          const consumerWasAtWhenAcknowledged: number[] = [];

          const writing = (async () => {
            const streamId = newStreamId();
            for (let version = 0; version < 500; version += 5) {
              await store.appendToStream(streamId, proposedEvents(5), { expectedVersion: version });
              consumerWasAtWhenAcknowledged.push(subscription.lastPosition);
            }
          })();
          // A consumer that does some I/O now and then, as projections do, so that the writer gets its turns.
          const consuming = within(15_000, () => `2,500 events (got ${delivered.length})`, async () => {
            while (delivered.length < 2_500) {
              delivered.push(...(await take(events, 1)));
              if (delivered.length % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
            }
          });
          await Promise.all([writing, consuming]);

          expect(consumerWasAtWhenAcknowledged[0], 'where the consumer was when the first append was acknowledged')
            .to.be.below(2_000);
          expect(delivered.map((event) => event.position)).to.deep.equal(range(1, 2_500));
          expect(delivered).to.deep.equal(await collect(store.readAll()));
        } finally {
          await subscription.stop();
        }
      });

      it('starts at an inclusive fromPosition', async function () {
        const { store } = await newStore();
        await store.appendToStream(newStreamId(), proposedEvents(10), { expectedVersion: 'no_stream' });

        const subscription = store.subscribeToAll({ fromPosition: 4 });

        expect(subscription.lastPosition).to.equal(3);
        const events = await take(subscription[Symbol.asyncIterator](), 7);
        expect(events.map((event) => event.position)).to.deep.equal(range(4, 10));
        expect(subscription.lastPosition).to.equal(10);
        await subscription.stop();
      });

      it('reports as lastPosition the last event handed to the consumer, not the last one read ahead', async function () {
        const { store } = await newStore();
        await store.appendToStream(newStreamId(), proposedEvents(100), { expectedVersion: 'no_stream' });
        const subscription = store.subscribeToAll({ batchSize: 10 });
        const events = subscription[Symbol.asyncIterator]();

        expect(subscription.lastPosition).to.equal(0);
        await take(events, 5);
        expect(subscription.lastPosition).to.equal(5);
        await take(events, 1);
        expect(subscription.lastPosition).to.equal(6);
        await take(events, 20);
        expect(subscription.lastPosition).to.equal(26);
        await subscription.stop();
      });

      it('loses nothing while its consumer pauses and 5,000 events are appended', async function () {
        const { store } = await newStore();
        await store.appendToStream(newStreamId(), proposedEvents(100), { expectedVersion: 'no_stream' });
        const subscription = store.subscribeToAll({ batchSize: 10 });
        const events = subscription[Symbol.asyncIterator]();
        const first = await take(events, 5);

        const streamId = newStreamId();
        await appendInParts(store, streamId, 5_000);
        expect(subscription.lastPosition, 'lastPosition while the consumer pauses').to.equal(5);
        const rest = await take(events, 5_095);

        expect([...first, ...rest].map((event) => event.position)).to.deep.equal(range(1, 5_100));
        expect(subscription.lastPosition).to.equal(5_100);
        await subscription.stop();
      });

      it('ends a running for-await loop when stopped', async function () {
        const { store } = await newStore();
        await store.appendToStream(newStreamId(), proposedEvents(3), { expectedVersion: 'no_stream' });
        const subscription = store.subscribeToAll();
        const seen: number[] = [];
        const allSeen = deferred();

        const consuming = handledLater(
          (async () => {
            for await (const event of subscription) {
              seen.push(event.position);
              if (seen.length === 3) allSeen.resolve();
            }
          })(),
        );
        await within(5_000, 'the three existing events', () => allSeen.promise);
        await within(5_000, 'stop()', () => subscription.stop());

        await within(5_000, 'the for-await loop to end after stop()', () => consuming);
        expect(seen).to.deep.equal([1, 2, 3]);
      });

      it('resolves a pending next() as done when stopped, and every later one', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        await store.appendToStream(streamId, proposedEvents(2), { expectedVersion: 'no_stream' });
        const subscription = store.subscribeToAll();
        const events = subscription[Symbol.asyncIterator]();
        await take(events, 2);
        const pending = events.next();

        await subscription.stop();

        expect(await within(5_000, 'the pending next() after stop()', () => pending)).to.deep.include({ done: true });
        await store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 2 });
        expect(await within(5_000, 'a next() after stop()', () => events.next())).to.deep.include({ done: true });
        expect(subscription.lastPosition).to.equal(2);
      });

      it('serves next() calls made together one after another, neither repeating an event nor leaving one pending', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        await store.appendToStream(streamId, proposedEvents(3), { expectedVersion: 'no_stream' });
        const subscription = store.subscribeToAll({ batchSize: 2 });
        const events = subscription[Symbol.asyncIterator]();

        const together = await within(5_000, 'three next() calls made together', () =>
          Promise.all([events.next(), events.next(), events.next()]),
        );
        expect(together.map((result) => (result.done === true ? null : result.value.position))).to.deep.equal([1, 2, 3]);

        const waiting = [events.next(), events.next()];
        await subscription.stop();
        const ended = await within(5_000, 'two pending next() calls after stop()', () => Promise.all(waiting));
        expect(ended.map((result) => result.done)).to.deep.equal([true, true]);
      });

      // A store closed under a subscription is a failure of the store for that subscription: it must be seen.
      it('rejects a running for-await loop with StoreClosed when the store is closed under it', async function () {
        const { store } = await newStore();
        await store.appendToStream(newStreamId(), proposedEvents(5), { expectedVersion: 'no_stream' });
        const subscription = store.subscribeToAll();
        const allSeen = deferred();
        let seen = 0;
        const consuming = handledLater(
          (async () => {
            for await (const event of subscription) {
              seen += 1;
              if (event.position === 5) allSeen.resolve();
            }
          })(),
        );
        await within(5_000, 'the five existing events', () => allSeen.promise);

        await within(5_000, 'close() under a live subscription', () => closeStore(store));

        await within(5_000, 'the for-await loop to fail', () => rejectionOf(consuming, StoreClosed));
        expect(seen).to.equal(5);
        expect(subscription.lastPosition).to.equal(5);
      });

      it('lets a consumer resume from lastPosition + 1 after the store closed under it and see the rest once', async function () {
        const { store, url } = await newStore();
        for (let part = 0; part < 3; part += 1) {
          await store.appendToStream(newStreamId(), proposedEvents(100), { expectedVersion: 'no_stream' });
        }
        const subscription = store.subscribeToAll({ batchSize: 20 });
        const seen: number[] = [];
        let closing: Promise<void> | undefined;

        const consuming = (async () => {
          for await (const event of subscription) {
            seen.push(event.position);
            if (seen.length === 100) closing = handledLater(closeStore(store));
          }
        })();
        await within(10_000, 'the subscription to fail when its store closes', () =>
          rejectionOf(consuming, StoreClosed),
        );
        await within(5_000, 'close()', () => closing ?? Promise.reject(new Error('the store was never closed')));

        expect(subscription.lastPosition).to.equal(seen.at(-1));
        expect(seen).to.deep.equal(range(1, seen.length));
        const reopened = await openStore(url);
        const resumed = reopened.subscribeToAll({ fromPosition: subscription.lastPosition + 1, batchSize: 20 });
        const rest = await take(resumed[Symbol.asyncIterator](), 300 - seen.length);
        expect([...seen, ...rest.map((event) => event.position)]).to.deep.equal(range(1, 300));
        await resumed.stop();
      });
    });

    describe('guarding what it was given', function () {
      it('writes the events as they were when appended, whatever the caller does with its objects afterwards', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const events = proposedEvents(2);
        const data = { n: 1, nested: { text: '原文' } };
        const first = events[0];
        if (first === undefined) throw new Error('proposedEvents(2) gave no first event');
        events[0] = { ...first, data };

        const appending = store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        events.length = 0;
        data.nested.text = '改写';
        const result = await appending;

        expect(result.positions).to.deep.equal([1, 2]);
        const stored = await collect(store.readStream(streamId));
        expect(stored.map((event) => event.data)).to.deep.equal([{ n: 1, nested: { text: '原文' } }, { n: 1 }]);
        expect(result.events.map((event) => event.data)).to.deep.equal(stored.map((event) => event.data));
      });

      it('rejects data that is not JSON with InvalidAppend naming the field, and writes nothing', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;

        for (const data of [{ amount: 10n }, cyclic]) {
          const error = await rejectionOf(
            store.appendToStream(streamId, [proposedEvent({ data })], { expectedVersion: 'any' }),
            InvalidAppend,
          );
          expect(error.path).to.equal('events.0.data');
        }
        expect(await store.headPosition()).to.equal(0);
      });

      it('rejects a stream id with a lone surrogate, which could not come back as it was given', async function () {
        const { store } = await newStore();

        await rejectionOf(store.appendToStream('test-\uD800', [proposedEvent()]), InvalidAppend);
        expect(await store.headPosition()).to.equal(0);
      });

      it('reads forwards from version or position 0 as from the beginning', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        await store.appendToStream(streamId, proposedEvents(3), { expectedVersion: 'no_stream' });

        expect((await collect(store.readStream(streamId, { fromVersion: 0 }))).map((e) => e.streamVersion)).to.deep.equal([1, 2, 3]);
        expect((await collect(store.readAll({ fromPosition: 0 }))).map((e) => e.position)).to.deep.equal([1, 2, 3]);
      });

      it('refuses read options that name no range with InvalidReadOptions', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        const refusals: [string, () => unknown][] = [
          ['limit', () => store.readAll({ limit: 0 })],
          ['fromPosition', () => store.readAll({ fromPosition: -1 })],
          ['fromVersion', () => store.readStream(streamId, { fromVersion: 1.5 })],
          ['batchSize', () => store.subscribeToAll({ batchSize: 0 })],
        ];
        for (const [option, read] of refusals) {
          expect(read).to.throw(InvalidReadOptions).with.property('option', option);
        }
      });
    });

    describe('closing', function () {
      it('fails appends after close with StoreClosed', async function () {
        const { store, url } = await newStore();
        const streamId = newStreamId();
        await store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 'no_stream' });

        const closing = closeStore(store);
        const whileClosing = handledLater(store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 1 }));
        await closing;
        const afterClose = store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 1 });

        await rejectionOf(whileClosing, StoreClosed);
        const error = await rejectionOf(afterClose, StoreClosed);
        expect(error).to.include({ code: 'eventstore.closed', retriable: false });
        const reopened = await openStore(url);
        expect(await reopened.headPosition()).to.equal(1);
      });

      // The port says so of appends only; a user expects the same of reads rather than the driver's own error.
      it('fails reads after close with StoreClosed', async function () {
        const { store } = await newStore();
        const streamId = newStreamId();
        await store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 'no_stream' });

        await closeStore(store);

        await rejectionOf(store.headPosition(), StoreClosed);
        await rejectionOf(lazily(() => collect(store.readStream(streamId))), StoreClosed);
        await rejectionOf(lazily(() => collect(store.readAll())), StoreClosed);
        await rejectionOf(lazily(() => store.subscribeToAll()[Symbol.asyncIterator]().next()), StoreClosed);
      });

      it('lets the appends in flight at close resolve', async function () {
        const { store, url } = await newStore();
        const appends = Array.from({ length: 20 }, (_, index) => ({
          streamId: newStreamId(),
          events: proposedEvents((index % 3) + 1),
        }));

        const inFlight = appends.map(({ streamId, events }) =>
          store.appendToStream(streamId, events, { expectedVersion: 'no_stream' }),
        );
        const closing = closeStore(store);

        const results = await within(10_000, 'the appends in flight at close', () => Promise.all(inFlight));
        await within(10_000, 'close()', () => closing);
        const reopened = await openStore(url);
        const all = await collect(reopened.readAll());
        expect(all).to.deep.equal(results.flatMap((result) => result.events).sort((x, y) => x.position - y.position));
        expect(all).to.have.length(appends.reduce((sum, { events }) => sum + events.length, 0));
      });
    });

    describe('with writers in other processes', function () {
      it('keeps every acknowledged append of a process killed mid-stream, at its acknowledged position', async function () {
        this.timeout(45_000);
        const url = await fixture.newStoreUrl();
        const appender = startAppender(url);
        try {
          await appender.waitForAcknowledged(300, 20_000);
        } finally {
          await appender.kill();
        }
        const { acknowledged } = appender;

        const store = await openStore(url);
        const all = await collect(store.readAll());
        expect(acknowledged.length).to.be.at.least(300);
        expectAcknowledgedIn(all, acknowledged);
        expect(all.map((event) => event.position), 'positions after the crash').to.deep.equal(range(1, all.length));
        const next = await store.appendToStream(newStreamId(), proposedEvents(1), { expectedVersion: 'no_stream' });
        expect(next.positions).to.deep.equal([all.length + 1]);
      });

      it('keeps positions gap-free and delivers each event once to a live subscriber while several processes append', async function () {
        this.timeout(60_000);
        const url = await fixture.newStoreUrl();
        const store = await openStore(url);
        const subscription = store.subscribeToAll({ batchSize: 100 });
        const delivered: RecordedEvent[] = [];
        const consuming = (async () => {
          for await (const event of subscription) delivered.push(event);
        })();
        const appenders = [startAppender(url), startAppender(url), startAppender(url)];
        try {
          await Promise.all(appenders.map((appender) => appender.waitForAcknowledged(150, 30_000)));
        } finally {
          await Promise.all(appenders.map((appender) => appender.kill()));
        }
        const head = await store.headPosition();
        expect(delivered.length, 'events delivered while the writers ran').to.be.greaterThan(0);
        await within(
          10_000,
          () => `the subscriber to reach position ${head} (at ${subscription.lastPosition})`,
          async () => {
            while (subscription.lastPosition < head) await new Promise((resolve) => setTimeout(resolve, 20));
          },
        );
        await subscription.stop();
        await consuming;

        expect(delivered.map((event) => event.position), 'positions delivered live').to.deep.equal(range(1, head));
        expectAcknowledgedIn(delivered, appenders.flatMap((appender) => appender.acknowledged));
      });
    });
  });
}

function expectRecordedAs(
  recorded: RecordedEvent | undefined,
  proposed: ProposedEvent,
  where: { streamId: string; streamVersion: number; position: number },
): void {
  expect(recorded, `the recorded event ${proposed.eventId}`).to.not.equal(undefined);
  expect(recorded).to.have.all.keys(...ENVELOPE_FIELDS);
  expect(recorded).to.deep.include({ ...proposed, ...where });
  expect(Instant.safeParse(recorded?.recordedAt).success, `recordedAt ${recorded?.recordedAt} is an instant`).to.equal(
    true,
  );
  expect(RecordedEvent.safeParse(recorded).error, 'the recorded event against the envelope schema').to.equal(undefined);
}

/** What a store shows of some streams and of the whole log: equal before and after means nothing was written. */
async function snapshot(store: EventStore, streamIds: readonly string[]) {
  return {
    head: await store.headPosition(),
    all: await collect(store.readAll()),
    streams: await Promise.all(streamIds.map((streamId) => collect(store.readStream(streamId)))),
  };
}

/** Appends `count` events to a new stream in appends of up to 500; returns their ids in order. */
async function appendInParts(store: EventStore, streamId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const events = proposedEvents(Math.min(500, count - ids.length), (index) => ({ n: ids.length + index }));
    await store.appendToStream(streamId, events, { expectedVersion: ids.length });
    ids.push(...events.map((event) => event.eventId));
  }
  return ids;
}

/** Pulls exactly `count` events, failing if the subscription ends first or they take longer than `ms`. */
async function take<T>(events: AsyncIterator<T>, count: number, ms = 10_000): Promise<T[]> {
  const taken: T[] = [];
  return within(
    ms,
    () => `${count} events from the subscription (got ${taken.length})`,
    async () => {
      while (taken.length < count) {
        const next = await events.next();
        if (next.done === true) throw new Error(`the subscription ended after ${taken.length} of ${count} events`);
        taken.push(next.value);
      }
      return taken;
    },
  );
}

/** Every acknowledged event is among `events`, at the position and version it was acknowledged with. */
function expectAcknowledgedIn(events: readonly RecordedEvent[], acknowledged: readonly Acknowledgement[]): void {
  const byId = new Map(events.map((event) => [event.eventId, event]));
  for (const ack of acknowledged) {
    const event = byId.get(ack.eventId);
    expect(event, `acknowledged event ${ack.eventId}`).to.not.equal(undefined);
    const { eventId, position, streamId, streamVersion } = event as RecordedEvent;
    expect({ eventId, position, streamId, streamVersion }).to.deep.equal(ack);
  }
}

interface Acknowledgement {
  eventId: string;
  position: number;
  streamId: string;
  streamVersion: number;
}

/**
 * Starts `append-until-killed.ts` against the store at `url`: a writer in a process of its own, whose
 * acknowledged appends (printed only once they resolved) collect in `acknowledged`.
 */
function startAppender(url: string): {
  readonly acknowledged: Acknowledgement[];
  waitForAcknowledged(count: number, ms: number): Promise<void>;
  kill(): Promise<void>;
} {
  const acknowledged: Acknowledgement[] = [];
  let stderr = '';
  let partialLine = '';
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', APPEND_UNTIL_KILLED, url], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' comes after the child's output has all been read, so no acknowledgement is missed.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const progress = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (partialLine + chunk).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) acknowledged.push(JSON.parse(line) as Acknowledgement);
    for (const notify of progress) notify();
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    acknowledged,
    waitForAcknowledged: (count, ms) =>
      within(
        ms,
        () => `${count} acknowledged appends (got ${acknowledged.length}; the child said: ${stderr || 'nothing'})`,
        () =>
          Promise.race([
            new Promise<void>((resolve) => {
              const check = () => {
                if (acknowledged.length < count) return;
                progress.delete(check);
                resolve();
              };
              progress.add(check);
              check();
            }),
            closed.then(({ code, signal }) => {
              throw new Error(
                `the appending process exited (${code ?? signal}) after ${acknowledged.length} acknowledged ` +
                  `appends; it said: ${stderr || 'nothing'}`,
              );
            }),
          ]),
      ),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const { signal } = await within(10_000, 'the killed process to go', () => closed);
      expect(signal, `how the child ended (it said: ${stderr || 'nothing'})`).to.equal('SIGKILL');
    },
  };
}

/** Asserts that `promise` rejects with an instance of `type` and returns the error for further checks. */
async function rejectionOf<TError extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => TError,
): Promise<TError> {
  const reason: unknown = await expect(promise).to.be.rejectedWith(type);
  return reason as TError;
}

/** Turns a synchronous throw of `work` into a rejection, so that either way of failing can be asserted. */
async function lazily<T>(work: () => Promise<T>): Promise<T> {
  return work();
}

/**
 * For a promise the test awaits later, after other awaits: keeps its rejection from being reported as unhandled
 * (and blamed on another test) when the test fails before it gets there. The test still sees the rejection.
 */
function handledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** `length` characters of printable ASCII that no compressor or deduplicator will make small. */
function randomText(length: number): string {
  return Buffer.from(randomBytes(length).map((byte) => 33 + (byte % 94))).toString('latin1');
}
