import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { ledgerRegistry } from '@quanze/events';
import type { Actor, ProposedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { isoOf } from './calendar.js';
import type { EventIdFactory } from './event-ids.js';

/** A generated event the catalogue refuses: a bug of the generator, reported with everything needed to find it. */
export class SyntheticEventInvalid extends Error {
  override readonly name = 'SyntheticEventInvalid';
  constructor(
    readonly streamId: string,
    readonly type: string,
    cause: unknown,
  ) {
    super(`the generator made an invalid ${type} for ${streamId}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface EmitOptions {
  readonly causationId?: string | null;
  readonly correlationId?: string | null;
  /** Events of one command share it; by default the event's own id. */
  readonly commandId?: string | null;
}

interface Pending {
  readonly streamId: string;
  readonly event: ProposedEvent;
}

/**
 * Validates every event with the catalogue as it is made, keeps each stream's version in memory, and appends in
 * batches: consecutive events of one stream go in one `appendToStream` with the expected version, and every append
 * of a batch is issued in the same turn, so the SQLite store writes the batch in one transaction (group commit)
 * and in exactly the order the events were made.
 */
export class LedgerWriter {
  private readonly versions = new Map<string, number>();
  /** Each stream's version as handed to the store: the expected version of its next append. */
  private readonly storeVersions = new Map<string, number>();
  private pending: Pending[] = [];
  private readonly hash: Hash = createHash('sha256');
  readonly countsByType = new Map<string, number>();
  /** Events made (validated), appended or not yet. */
  emitted = 0;
  /** Events the store has acknowledged. */
  appended = 0;

  constructor(
    private readonly store: EventStore,
    private readonly ids: EventIdFactory,
    private readonly batchSize: number,
  ) {}

  /** Streams written before the generator ran (the action plan's seeds), so that their versions are known. */
  knowStream(streamId: string, version: number): void {
    this.versions.set(streamId, version);
    this.storeVersions.set(streamId, version);
  }

  versionOf(streamId: string): number {
    return this.versions.get(streamId) ?? 0;
  }

  get streamCount(): number {
    return this.versions.size;
  }

  /** Makes, validates and queues one event; returns its id. */
  emit(streamId: string, type: string, data: unknown, actor: Actor, instant: number, options: EmitOptions = {}): string {
    const eventId = this.ids.next(instant);
    let event: ProposedEvent;
    try {
      event = ledgerRegistry.validateProposed({
        eventId,
        type,
        occurredAt: isoOf(instant),
        actor,
        causationId: options.causationId ?? null,
        correlationId: options.correlationId ?? null,
        commandId: options.commandId ?? eventId,
        data,
      });
    } catch (error) {
      throw new SyntheticEventInvalid(streamId, type, error);
    }
    const version = (this.versions.get(streamId) ?? 0) + 1;
    this.versions.set(streamId, version);
    this.pending.push({ streamId, event });
    this.countsByType.set(type, (this.countsByType.get(type) ?? 0) + 1);
    this.emitted += 1;
    // The digest covers what the generator decides (stream, version and the whole proposed event), not what the
    // store adds (position, recordedAt): two runs with the same seed and options give the same digest.
    this.hash.update(`${streamId}\u0000${version}\u0000${JSON.stringify(event)}\n`);
    return eventId;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  async flushIfFull(): Promise<void> {
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const appends: Promise<unknown>[] = [];
    for (let start = 0; start < batch.length; ) {
      const first = batch[start] as Pending;
      let end = start + 1;
      while (end < batch.length && (batch[end] as Pending).streamId === first.streamId) end += 1;
      const events = batch.slice(start, end).map((pending) => pending.event);
      const expected = this.storeVersions.get(first.streamId) ?? 0;
      this.storeVersions.set(first.streamId, expected + events.length);
      appends.push(this.store.appendToStream(first.streamId, events, { expectedVersion: expected }));
      start = end;
    }
    await Promise.all(appends);
    this.appended += batch.length;
  }

  /** SHA-256 of every event made, in order (see `emit`). Call once, at the end. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
