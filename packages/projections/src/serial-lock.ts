/** Runs tasks one at a time, in the order they asked: the embedded read models' one connection, shared. */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The next task waits for this one to settle, whatever its outcome; the caller sees the outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
