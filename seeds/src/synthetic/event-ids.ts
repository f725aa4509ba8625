import { Random } from './random.js';

/**
 * Event ids shaped like UUIDv7 (RFC 9562): 48 bits of milliseconds, then the version, 12 bits, the variant and 62
 * bits. The milliseconds are the simulated instant of the event, never earlier than the previous id's, and the
 * rest comes from the generator's own random stream, so the ids are the same on every run with the same seed and
 * ascend in the order the events are appended (what the store's unique index prefers, docs/BENCHMARKS.md).
 */
export class EventIdFactory {
  private readonly random: Random;
  private lastMs = -1;
  private counter = 0;

  constructor(seed: number) {
    // A stream of its own: event ids do not shift when the content of the history changes, and vice versa.
    this.random = new Random(seed, 7);
  }

  next(instantMs: number): string {
    let ms = Math.max(instantMs, this.lastMs);
    if (ms === this.lastMs) {
      this.counter += 1;
      // rand_a carries a counter within one millisecond (RFC 9562 §6.2, method 1); when it runs out, the next ms.
      if (this.counter > 0xfff) {
        ms += 1;
        this.counter = this.random.uint32() & 0x7ff;
      }
    } else {
      this.counter = this.random.uint32() & 0x7ff;
    }
    this.lastMs = ms;
    const time = ms.toString(16).padStart(12, '0');
    const randA = this.counter.toString(16).padStart(3, '0');
    const variant = (0x8 | (this.random.uint32() & 0x3)).toString(16);
    const tail = this.random.hex(8).slice(0, 15);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randA}-${variant}${tail.slice(0, 3)}-${tail.slice(3, 15)}`;
  }
}
