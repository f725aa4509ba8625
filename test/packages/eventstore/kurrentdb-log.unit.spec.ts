// How the KurrentDB store lays our log out in KurrentDB streams, and how it keeps positions gap-free and its index
// whole when a writer dies between its appends — against a model of KurrentDB's per-stream semantics
// (kurrentdb-model.ts), since no KurrentDB server can run here. The shared contract runs against a model server in
// kurrentdb-model-server.int.spec.ts, and against a real one in kurrentdb-event-store.int.spec.ts.
import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import {
  DuplicateEventId,
  StoreUnavailable,
  WrongExpectedVersion,
  createKurrentDbEventStore,
} from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { newStreamId, proposedEvent, proposedEvents } from '../../support/events.js';
import { kurrentDbModel } from './kurrentdb-model.js';
import type { KurrentDbModel } from './kurrentdb-model.js';

describe('the KurrentDB store’s log, on a model of KurrentDB', function () {
  const stores = new Set<EventStore>();

  async function open(model: KurrentDbModel): Promise<EventStore> {
    const store = await createKurrentDbEventStore({ connection: model.connect(), namespace: 'city', pollIntervalMs: 20 });
    stores.add(store);
    return store;
  }

  afterEach(async function () {
    await Promise.allSettled([...stores].map((store) => store.close()));
    stores.clear();
  });

  it('keeps every event in one log stream at revision position − 1, and links each stream and id to it', async function () {
    const model = kurrentDbModel();
    const store = await open(model);
    const [a, b] = [newStreamId(), newStreamId()];

    await store.appendToStream(a, proposedEvents(2), { expectedVersion: 'no_stream' });
    const second = await store.appendToStream(b, proposedEvents(1), { expectedVersion: 'no_stream' });

    const log = model.stream('city-log');
    expect(log.map((record) => record.revision)).to.deep.equal([0, 1, 2]);
    expect(log.map((record) => (record.metadata as { position: number }).position)).to.deep.equal([1, 2, 3]);
    expect(log[2]?.id).to.equal(second.events[0]?.eventId);
    expect(log[2]?.metadata).to.deep.include({ streamId: b, streamVersion: 1, commitFirst: 3, commitLast: 3 });
    expect(model.stream(`city-stream-${a}`).map((record) => record.data)).to.deep.equal(['0@city-log', '1@city-log']);
    expect(model.stream(`city-stream-${b}`).map((record) => record.data)).to.deep.equal(['2@city-log']);
    expect(model.stream(`city-event-${second.events[0]?.eventId}`).map((record) => record.data)).to.deep.equal(['2@city-log']);
  });

  it('writes concurrent appends of one process in one log append, each with its own outcome', async function () {
    const model = kurrentDbModel();
    const store = await open(model);
    const existing = newStreamId();
    await store.appendToStream(existing, proposedEvents(1), { expectedVersion: 'no_stream' });
    const logAppendsBefore = model.appends.filter((name) => name === 'city-log').length;

    const outcomes = await Promise.allSettled([
      store.appendToStream(newStreamId(), proposedEvents(2), { expectedVersion: 'no_stream' }),
      store.appendToStream(existing, proposedEvents(1), { expectedVersion: 'no_stream' }),
      store.appendToStream(newStreamId(), proposedEvents(1), { expectedVersion: 'no_stream' }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).to.be.instanceOf(WrongExpectedVersion);
    expect(model.appends.filter((name) => name === 'city-log').length - logAppendsBefore).to.equal(1);
    expect(model.stream('city-log').map((record) => record.metadata)).to.satisfy((all: { commitFirst: number; commitLast: number }[]) =>
      all.slice(1).every((metadata) => metadata.commitFirst === 2 && metadata.commitLast === 4),
    );
  });

  it('gives two processes racing for the log gap-free positions, each event once, and the loser’s conflicts decided again', async function () {
    const model = kurrentDbModel();
    const [first, second] = [await open(model), await open(model)];
    const shared = newStreamId();

    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) => {
        const store = index % 2 === 0 ? first : second;
        // Half race for one stream's first version; the rest append to streams of their own.
        return index % 4 === 0
          ? store.appendToStream(shared, [proposedEvent()], { expectedVersion: 'no_stream' })
          : store.appendToStream(newStreamId(), proposedEvents((index % 3) + 1), { expectedVersion: 'no_stream' });
      }),
    );

    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(lost).to.have.length(9);
    for (const reason of lost) expect(reason).to.be.instanceOf(WrongExpectedVersion).and.include({ streamId: shared, actual: 1 });
    const positions = won.flatMap((result) => result.value.positions).sort((x, y) => x - y);
    expect(positions).to.deep.equal(Array.from({ length: positions.length }, (_, index) => index + 1));
    const all = await collect(first.readAll());
    expect(all.map((event) => event.position)).to.deep.equal(positions);
    expect(new Set(all.map((event) => event.eventId)).size).to.equal(all.length);
  });

  describe('when a writer dies between its log append and its index', function () {
    /** A store whose index appends fail after its next log append: what a crash between the two leaves behind. */
    async function appendLeftUnindexed(model: KurrentDbModel, store: EventStore, streamId: string, events = proposedEvents(2)) {
      model.fail(/^city-(event|stream)-/, 'refuse', 1_000);
      const error: unknown = await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' }).catch((reason: unknown) => reason);
      model.clearFaults();
      return { error, events };
    }

    it('fails the append as retriable, the events in the log at their positions, and completes the index when another writer comes', async function () {
      const model = kurrentDbModel();
      const dying = await open(model);
      const streamId = newStreamId();
      await dying.appendToStream(newStreamId(), proposedEvents(1), { expectedVersion: 'no_stream' });

      const { error, events } = await appendLeftUnindexed(model, dying, streamId);

      expect(error).to.be.instanceOf(StoreUnavailable);
      expect((error as StoreUnavailable).message).to.contain('positions 2 to 3');
      expect(model.stream('city-log')).to.have.length(3);
      expect(model.stream(`city-stream-${streamId}`)).to.have.length(0);
      await dying.close();

      const next = await open(model);
      const after = await next.appendToStream(streamId, proposedEvents(1), { expectedVersion: 2 });

      expect(after.positions).to.deep.equal([4]);
      expect(after.events[0]?.streamVersion).to.equal(3);
      const stream = await collect(next.readStream(streamId));
      expect(stream.map((event) => [event.eventId, event.position])).to.deep.equal([
        [events[0]?.eventId, 2],
        [events[1]?.eventId, 3],
        [after.events[0]?.eventId, 4],
      ]);
    });

    it('answers the dead writer’s retry of the same append as a replay, at the positions it already has', async function () {
      const model = kurrentDbModel();
      const dying = await open(model);
      const streamId = newStreamId();
      const { events } = await appendLeftUnindexed(model, dying, streamId);

      const retry = await dying.appendToStream(streamId, events, { expectedVersion: 'no_stream' });

      expect(retry.idempotentReplay).to.equal(true);
      expect(retry.positions).to.deep.equal([1, 2]);
      expect(await dying.headPosition()).to.equal(2);
    });

    it('lets a reader that was open all along see the commit in the stream, completing its index first', async function () {
      const model = kurrentDbModel();
      const dying = await open(model);
      const reader = await open(model);
      const streamId = newStreamId();
      const { events } = await appendLeftUnindexed(model, dying, streamId);

      const read = await collect(reader.readStream(streamId));

      expect(read.map((event) => event.eventId)).to.deep.equal(events.map((event) => event.eventId));
      expect(model.stream(`city-stream-${streamId}`)).to.have.length(2);
    });

    it('refuses an id of the unindexed commit in another stream with DuplicateEventId', async function () {
      const model = kurrentDbModel();
      const dying = await open(model);
      const { events } = await appendLeftUnindexed(model, dying, newStreamId());
      const other = await open(model);

      const error: unknown = await other
        .appendToStream(newStreamId(), [events[1] as (typeof events)[number]], { expectedVersion: 'no_stream' })
        .catch((reason: unknown) => reason);

      expect(error).to.be.instanceOf(DuplicateEventId);
      expect(await other.headPosition()).to.equal(2);
    });
  });

  it('answers an append whose log reply was lost as unavailable, and its retry as a replay, writing nothing twice', async function () {
    const model = kurrentDbModel();
    const store = await open(model);
    const streamId = newStreamId();
    const events = proposedEvents(3);
    model.fail(/^city-log$/, 'lose-reply');

    const error: unknown = await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' }).catch((reason: unknown) => reason);
    const retry = await store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });

    expect(error).to.be.instanceOf(StoreUnavailable).and.include({ retriable: true });
    expect(retry).to.deep.include({ idempotentReplay: true, positions: [1, 2, 3], nextExpectedVersion: 3 });
    expect(model.stream('city-log')).to.have.length(3);
    expect(model.stream(`city-stream-${streamId}`)).to.have.length(3);
  });

  it('reads backwards from a version or position past the end as from the last one', async function () {
    const model = kurrentDbModel();
    const store = await open(model);
    const streamId = newStreamId();
    await store.appendToStream(streamId, proposedEvents(3), { expectedVersion: 'no_stream' });

    const stream = await collect(store.readStream(streamId, { direction: 'backwards', fromVersion: 100 }));
    const all = await collect(store.readAll({ direction: 'backwards', fromPosition: 100, limit: 2 }));

    expect(stream.map((event) => event.streamVersion)).to.deep.equal([3, 2, 1]);
    expect(all.map((event) => event.position)).to.deep.equal([3, 2]);
  });

  it('wakes a subscriber when another process appends', async function () {
    const model = kurrentDbModel();
    const watching = await createKurrentDbEventStore({ connection: model.connect(), namespace: 'city', pollIntervalMs: 60_000 });
    stores.add(watching);
    const writing = await open(model);
    const subscription = watching.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    const next = events.next();
    await new Promise((resolve) => setTimeout(resolve, 20));

    const appended = await writing.appendToStream(newStreamId(), proposedEvents(1), { expectedVersion: 'no_stream' });

    const delivered = await Promise.race([
      next,
      new Promise<never>((_, reject) => {
        setTimeout(() => {
          reject(new Error('not woken within 2 s'));
        }, 2_000);
      }),
    ]);
    expect(delivered.value).to.deep.equal(appended.events[0]);
    await subscription.stop();
  });
});

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const items: RecordedEvent[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
