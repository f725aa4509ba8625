// A writer for the crash-safety test of the event-store contract: it appends until it is killed.
//
//   node --import tsx --conditions=@quanze/source test/contract/append-until-killed.ts <store-url>
//
// It opens the store at <store-url> and appends, round after round, first one event at a time to each of a few
// streams, then to all of them at once (so that the store may commit them together), with the occasional
// three-event append. Each event is acknowledged on stdout only after its append has resolved, as one JSON line:
// {"eventId":…,"position":…,"streamId":…,"streamVersion":…}. The test kills it with SIGKILL and then checks that
// every acknowledged event is in the store where it was acknowledged.
import { openEventStore } from '@quanze/eventstore';
import type { AppendResult } from '@quanze/eventstore';
import { newStreamId, proposedEvents } from '../support/events.js';

const STREAMS = 8;
/** Never outlive a test that forgot to kill us. */
const GIVE_UP_AFTER_MS = 60_000;

const url = process.argv[2];
if (url === undefined) {
  process.stderr.write('usage: append-until-killed.ts <store-url>\n');
  process.exit(2);
}
setTimeout(() => {
  process.stderr.write(`append-until-killed: nobody killed me within ${GIVE_UP_AFTER_MS} ms, exiting\n`);
  process.exit(3);
}, GIVE_UP_AFTER_MS).unref();

const store = await openEventStore(url);
const streams = Array.from({ length: STREAMS }, () => ({ streamId: newStreamId('crash'), version: 0 }));
let sequence = 0;

function acknowledge(result: AppendResult): void {
  for (const event of result.events) {
    const { eventId, position, streamId, streamVersion } = event;
    // A write to a pipe is synchronous on Linux, so a printed line has left this process when write returns.
    process.stdout.write(`${JSON.stringify({ eventId, position, streamId, streamVersion })}\n`);
  }
}

async function append(stream: { streamId: string; version: number }, count: number): Promise<void> {
  const events = proposedEvents(count, () => ({ sequence: (sequence += 1) }));
  const result = await store.appendToStream(stream.streamId, events, { expectedVersion: stream.version });
  stream.version = result.nextExpectedVersion;
  acknowledge(result);
}

for (let round = 0; ; round += 1) {
  for (const stream of streams) {
    await append(stream, 1);
  }
  await Promise.all(streams.map((stream, index) => append(stream, index === round % STREAMS ? 3 : 1)));
}
