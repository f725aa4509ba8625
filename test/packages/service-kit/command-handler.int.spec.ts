import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { ConcurrencyConflict, createCommandHandler } from '@quanze/service-kit';
import type { CommandMeta } from '@quanze/service-kit';
import { noteDecider, noteRegistry } from './ledger-test-service.js';

const meta: CommandMeta = { actor: { personId: 'person-head', postId: 'post-head', unitId: 'unit-1' } };
const noteId = 'note-1';
const streamId = `note-${noteId}`;
const noPause = (): Promise<void> => Promise.resolve();

/** The store as another process sees it: `beforeAppend` runs just before each append, after the command was decided. */
function storeWhere(store: EventStore, beforeAppend: () => Promise<void>): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'appendToStream') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: Parameters<EventStore['appendToStream']>) => {
        await beforeAppend();
        return target.appendToStream(...args);
      };
    },
  });
}

describe('the command handler under concurrency', () => {
  let folder: string;
  let store: EventStore;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-handler-'));
    store = await openEventStore(`sqlite:${folder}`);
    const opener = createCommandHandler({ store, registry: noteRegistry, decider: noteDecider });
    await opener.handle(streamId, { kind: 'open', noteId, title: 't' }, meta);
  });

  afterEach(async () => {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function signatures(): Promise<unknown[]> {
    const remarks: unknown[] = [];
    for await (const event of store.readStream(streamId)) {
      if (event.type === 'note.signed.v1') remarks.push((event.data as { remark: unknown }).remark);
    }
    return remarks;
  }

  it('runs many commands on one stream of one process one after another, in the order they came, none refused', async () => {
    const handler = createCommandHandler({ store, registry: noteRegistry, decider: noteDecider, maxAttempts: 1 });
    const remarks = Array.from({ length: 50 }, (_, index) => `r${index}`);
    const outcomes = await Promise.all(
      remarks.map((remark) => handler.handle(streamId, { kind: 'sign', noteId, remark, signedBy: 'person-head' }, meta)),
    );
    expect(outcomes.map((outcome) => outcome.streamVersion)).to.deep.equal(remarks.map((_, index) => index + 2));
    expect(await signatures()).to.deep.equal(remarks);
  });

  it('keeps going after a command of the queue is refused', async () => {
    const handler = createCommandHandler({ store, registry: noteRegistry, decider: noteDecider });
    const results = await Promise.allSettled(
      ['a', '-', 'b'].map((remark) => handler.handle(streamId, { kind: 'sign', noteId, remark, signedBy: 'person-head' }, meta)),
    );
    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(await signatures()).to.deep.equal(['a', 'b']);
  });

  it('given another process appended after the command was decided, re-decides on the newer state and appends after it', async () => {
    const otherProcess = createCommandHandler({ store, registry: noteRegistry, decider: noteDecider });
    let raced = false;
    const racedStore = storeWhere(store, async () => {
      if (raced) return;
      raced = true;
      await otherProcess.handle(streamId, { kind: 'sign', noteId, remark: 'other', signedBy: 'person-head' }, meta);
    });
    const pauses: number[] = [];
    const handler = createCommandHandler({
      store: racedStore,
      registry: noteRegistry,
      decider: noteDecider,
      pause: (attempt) => {
        pauses.push(attempt);
        return Promise.resolve();
      },
    });
    const outcome = await handler.handle(streamId, { kind: 'sign', noteId, remark: 'mine', signedBy: 'person-head' }, meta);
    expect(outcome.streamVersion).to.equal(3);
    expect(await signatures()).to.deep.equal(['other', 'mine']);
    expect(pauses).to.deep.equal([1]);
  });

  it('given another process wins every race, gives up after its attempts with a conflict and appends nothing of its own', async () => {
    const otherProcess = createCommandHandler({ store, registry: noteRegistry, decider: noteDecider });
    const alwaysBeaten = storeWhere(store, async () => {
      await otherProcess.handle(streamId, { kind: 'sign', noteId, remark: 'other', signedBy: 'person-head' }, meta);
    });
    const handler = createCommandHandler({ store: alwaysBeaten, registry: noteRegistry, decider: noteDecider, maxAttempts: 3, pause: noPause });
    const failure = await handler
      .handle(streamId, { kind: 'sign', noteId, remark: 'mine', signedBy: 'person-head' }, meta)
      .then(() => null, (error: unknown) => error);
    expect(failure).to.be.instanceOf(ConcurrencyConflict);
    expect(await signatures()).to.deep.equal(['other', 'other', 'other']);
  });
});
