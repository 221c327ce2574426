// Runs work over many indices with a fixed number in flight, so that a pattern matching thousands of
// indices costs a bounded number of sockets and pending promises.

/** Calls `work` for every item, at most `limit` at a time, in order; stops taking new items once
 * `stopped()` answers true. Never rejects: `work` handles its own errors. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stopped()) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
