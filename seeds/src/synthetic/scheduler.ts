/**
 * The simulation's clock: every process (a unit's reform, a case from 立案 to 结案, the personnel office's daily
 * round) is a generator that yields the instant it next wants to act. The scheduler runs them in instant order
 * (ties in the order they were scheduled), so events are made, appended and numbered in the order they happened.
 * A binary heap keeps it O(log n) per step whatever the number of live processes.
 */
export type Process = Iterator<number, void, undefined>;

export class ProcessWentBack extends Error {
  override readonly name = 'ProcessWentBack';
}

export class Scheduler {
  private readonly times: number[] = [];
  private readonly order: number[] = [];
  private readonly processes: Process[] = [];
  private sequence = 0;
  /** The instant of the step being run. */
  now = 0;

  get size(): number {
    return this.processes.length;
  }

  /** Runs `process` from `at` on: its first step runs at `at`, each later one at the instant it yields. */
  spawn(process: Process, at: number): void {
    if (at < this.now) throw new ProcessWentBack(`a process was scheduled at ${new Date(at).toISOString()}, before now (${new Date(this.now).toISOString()})`);
    this.push(at, process);
  }

  /** Runs the earliest step; false when no process is left. */
  step(): boolean {
    const top = this.pop();
    if (top === undefined) return false;
    const [at, process] = top;
    this.now = at;
    const next = process.next();
    if (next.done !== true) {
      if (next.value < at) throw new ProcessWentBack(`a process asked to wake at ${new Date(next.value).toISOString()}, before ${new Date(at).toISOString()}`);
      this.push(next.value, process);
    }
    return true;
  }

  private less(i: number, j: number): boolean {
    const ti = this.times[i] as number;
    const tj = this.times[j] as number;
    return ti < tj || (ti === tj && (this.order[i] as number) < (this.order[j] as number));
  }

  private swap(i: number, j: number): void {
    const t = this.times[i] as number;
    this.times[i] = this.times[j] as number;
    this.times[j] = t;
    const o = this.order[i] as number;
    this.order[i] = this.order[j] as number;
    this.order[j] = o;
    const p = this.processes[i] as Process;
    this.processes[i] = this.processes[j] as Process;
    this.processes[j] = p;
  }

  private push(at: number, process: Process): void {
    this.times.push(at);
    this.order.push(this.sequence);
    this.sequence += 1;
    this.processes.push(process);
    let i = this.times.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): [number, Process] | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const result: [number, Process] = [this.times[0] as number, this.processes[0] as Process];
    this.swap(0, n - 1);
    this.times.pop();
    this.order.pop();
    this.processes.pop();
    let i = 0;
    const size = n - 1;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < size && this.less(left, smallest)) smallest = left;
      if (right < size && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return result;
  }
}
