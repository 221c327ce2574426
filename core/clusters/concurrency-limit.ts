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

/** Slots for work that arrives one piece at a time (each bootstrap is started on its own): `acquire`
 * waits for a free slot, first come first served, and answers the function that frees it. The number of
 * slots is read at every decision, so it may change while work runs (a live setting). */
export class Slots {
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: () => number) {}

  /** Rejects with the signal's reason when it aborts before a slot is free. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.inUse < this.size()) this.inUse++;
    else {
      await new Promise<void>((resolve, reject) => {
        const waiter = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(signal!.reason);
        };
        this.waiting.push(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      this.admit();
    };
  }

  /** Lets waiting work in while slots are free: after a release, and after the number of slots grew. */
  admit(): void {
    while (this.waiting.length > 0 && this.inUse < this.size()) {
      this.inUse++;
      this.waiting.shift()!();
    }
  }
}
