import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { generateSyntheticCity } from '@quanze/seeds';
import type { SyntheticOptions, SyntheticReport } from '@quanze/seeds';

/** A generated history in a temp SQLite store, read back whole. */
export interface GeneratedHistory {
  readonly folder: string;
  readonly store: EventStore;
  readonly report: SyntheticReport;
  readonly events: readonly RecordedEvent[];
}

export async function readAll(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

/** Generates into a fresh temp folder; the caller closes the store and removes the folder (`discard`). */
export async function generateHistory(options: SyntheticOptions): Promise<GeneratedHistory> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-synthetic-'));
  const store = await openEventStore(`sqlite:${folder}`);
  try {
    const report = await generateSyntheticCity(store, options);
    return { folder, store, report, events: await readAll(store) };
  } catch (error) {
    await store.close();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

export async function discard(history: GeneratedHistory | undefined): Promise<void> {
  if (history === undefined) return;
  await history.store.close();
  await rm(history.folder, { recursive: true, force: true });
}

/** The China calendar day (UTC+8) of an instant. */
export function chinaDay(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);
}
