/** Small helpers the store specs share: draining an async iterable, a range of positions, a deadline on a wait. */

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** first, first + 1, …, last (empty when last < first). */
export function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
}

/** `work`, or a failure naming `what` once `ms` have passed: a spec waiting for something says what it waited for. */
export async function within<T>(ms: number, what: string | (() => string), work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`waited ${ms} ms for ${typeof what === 'string' ? what : what()}`));
    }, ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
