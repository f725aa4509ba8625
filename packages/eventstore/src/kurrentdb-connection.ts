import { BACKWARDS, END, EventStoreDBClient, FORWARDS, StreamNotFoundError, WrongExpectedVersionError, binaryEvent, jsonEvent } from '@eventstore/db-client';
import type { EventData, ResolvedEvent, StreamSubscription } from '@eventstore/db-client';
import type { LogEventData, StoredRecord } from './kurrentdb-mapping.js';
import { LINK_EVENT_TYPE, RevisionConflict } from './kurrentdb-mapping.js';

/** What the store appends: one of our events to the log, or a link to one of them in an index stream. */
export type KurrentDbAppend = { readonly kind: 'event'; readonly event: LogEventData } | { readonly kind: 'link'; readonly data: string };

export interface KurrentDbReadOptions {
  /** Inclusive first revision, or the stream's last event. */
  readonly from: number | 'end';
  readonly direction: 'forwards' | 'backwards';
  readonly maxCount: number;
  /** Whether a link is answered with the event it points at (`record`) beside the link itself (`link`). */
  readonly resolveLinks: boolean;
}

export interface KurrentDbReadRecord {
  /** The event read, or the one a resolved link points at. */
  readonly record: StoredRecord;
  /** The link, when a link was resolved. */
  readonly link?: StoredRecord;
}

/**
 * The few KurrentDB operations the store uses, each atomic on one stream as KurrentDB makes it. Kept this narrow so
 * that the store's mapping onto streams can be exercised against a model of these semantics where no server runs.
 */
export interface KurrentDbConnection {
  /** Appends all or nothing; throws RevisionConflict when the stream's last revision is not `expectedRevision`. */
  append(stream: string, events: readonly KurrentDbAppend[], expectedRevision: bigint | 'no_stream'): Promise<void>;
  /** The events of a range; none when the stream does not exist. */
  read(stream: string, options: KurrentDbReadOptions): Promise<KurrentDbReadRecord[]>;
  /** Calls `onAppended` after each event appended to `stream` from now on, until stopped or `onError`. */
  watch(stream: string, onAppended: () => void, onError: (error: unknown) => void): { stop(): Promise<void> };
  dispose(): Promise<void>;
}

/** A connection through @eventstore/db-client, which speaks gRPC to KurrentDB and EventStoreDB 20 and later. */
export function connectKurrentDb(connectionString: string): KurrentDbConnection {
  const client = EventStoreDBClient.connectionString(connectionString);
  return {
    async append(stream, events, expectedRevision) {
      try {
        await client.appendToStream(stream, events.map(toEventData), { expectedRevision });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) throw new RevisionConflict(stream);
        throw error;
      }
    },

    async read(stream, options) {
      const records: KurrentDbReadRecord[] = [];
      try {
        const reading = client.readStream(stream, {
          fromRevision: options.from === 'end' ? END : BigInt(options.from),
          direction: options.direction === 'forwards' ? FORWARDS : BACKWARDS,
          maxCount: options.maxCount,
          resolveLinkTos: options.resolveLinks,
        });
        for await (const resolved of reading as AsyncIterable<ResolvedEvent>) {
          if (resolved.event !== undefined) {
            const link = resolved.link === undefined ? {} : { link: toStoredRecord(resolved.link) };
            records.push({ record: toStoredRecord(resolved.event), ...link });
          } else if (resolved.link !== undefined) {
            // A link whose target is gone comes alone: the caller sees a link where it expected an event.
            records.push({ record: toStoredRecord(resolved.link) });
          }
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return records;
    },

    watch(stream, onAppended, onError) {
      const subscription: StreamSubscription = client.subscribeToStream(stream, { fromRevision: END });
      subscription.on('data', onAppended);
      subscription.on('error', onError);
      return {
        stop: async () => {
          subscription.off('error', onError);
          subscription.on('error', () => undefined);
          await subscription.unsubscribe();
        },
      };
    },

    dispose: () => client.dispose(),
  };
}

function toEventData(append: KurrentDbAppend): EventData {
  if (append.kind === 'link') return binaryEvent({ type: LINK_EVENT_TYPE, data: Buffer.from(append.data, 'utf8') });
  const { id, type, data, metadata } = append.event;
  return jsonEvent({ id, type, data, metadata });
}

function toStoredRecord(event: NonNullable<ResolvedEvent['event']>): StoredRecord {
  const data = event.isJson ? event.data : Buffer.from(event.data).toString('utf8');
  return {
    stream: event.streamId,
    revision: Number(event.revision),
    id: event.id,
    type: event.type,
    data,
    metadata: event.metadata,
  };
}
