import type { ChildConfig, Measurement } from '../scenario.js';

/**
 * One peer of the benchmark. Every scenario gets a fresh database file; `readAll` reads the file `batch`
 * wrote, whose acknowledged event count it is told.
 */
export interface Competitor {
  sqliteVersion(): Promise<string>;
  /** Journal mode and synchronous level as the engine reports them for the connections that write. */
  durability(file: string): Promise<string[]>;
  /** Untimed: `events` events in appends of `batchSize`, each to a new prefill stream, so a scenario starts on a full log. */
  prefill(file: string, events: number, batchSize: number): Promise<void>;
  /** A few untimed appends and reads, so that the first scenario does not pay for loading and JIT. */
  warmUp(file: string): Promise<void>;
  sequential(file: string, config: ChildConfig): Promise<Measurement>;
  concurrent(file: string, config: ChildConfig): Promise<Measurement>;
  batch(file: string, config: ChildConfig): Promise<Measurement>;
  readAll(file: string, config: ChildConfig, stored: number): Promise<Measurement[]>;
  /** What a reader of the figures must know about this peer (found while running it). */
  notes(): string[];
}

/** Remembers distinct error messages and how often each came, for the notes. */
export class ErrorTally {
  private readonly counts = new Map<string, number>();

  add(error: unknown): void {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const key = message.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<uuid>').slice(0, 200);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  describe(): string[] {
    return [...this.counts.entries()].map(([message, count]) => `${count}× ${message}`);
  }
}
