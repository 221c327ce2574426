// Cancelling the cluster requests of one unit of work (a pool task). The unit runs inside `cancellable`;
// every request it sends is aborted when the signal fires, and none is sent after that, except that a
// write once sent is never abandoned (see `ClusterRequest.write` in client.ts). Concurrent units on one
// thread each see their own signal through AsyncLocalStorage.
import { AsyncLocalStorage } from "node:async_hooks";

const current = new AsyncLocalStorage<AbortSignal>();

export function cancellable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return current.run(signal, work);
}

/** The signal of the unit running now; undefined outside any unit. */
export function cancellationSignal(): AbortSignal | undefined {
  return current.getStore();
}
