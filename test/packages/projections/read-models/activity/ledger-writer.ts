import { randomUUID } from 'node:crypto';
import { ledgerRegistry } from '@quanze/events';
import type { Actor, RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';

/**
 * Appends handcrafted events straight to a store, each checked against the catalogue's schema exactly as a service's
 * would be: for histories no service can be driven to produce quickly (a late transfer, a thousand reviews).
 */
export function ledgerWriter(store: EventStore) {
  return async function append(
    streamId: string,
    type: string,
    data: unknown,
    options: { readonly occurredAt: string; readonly actor: Actor; readonly causationId?: string | null },
  ): Promise<RecordedEvent> {
    const event = ledgerRegistry.validateProposed({
      eventId: randomUUID(),
      type,
      occurredAt: options.occurredAt,
      actor: options.actor,
      causationId: options.causationId ?? null,
      correlationId: null,
      commandId: null,
      data,
    });
    await store.appendToStream(streamId, [event], { expectedVersion: 'any' });
    for await (const recorded of store.readAll({ fromPosition: await store.headPosition(), limit: 1 })) return recorded;
    throw new Error(`${type} was not recorded`);
  };
}

/** A SHA-256 that looks like one: 64 lowercase hex characters derived from a label. */
export function fakeSha256(label: string): string {
  return Buffer.from(label.padEnd(32, '.').slice(0, 32), 'utf8').toString('hex').slice(0, 64).padEnd(64, '0');
}
