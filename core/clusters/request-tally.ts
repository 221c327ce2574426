// What the cluster requests of one unit of work (a shard task, a leader poll) cost, counted where every
// request is sent (client.ts). The unit runs inside `tallyRequests`; concurrent units on one thread (a
// worker interleaves several cycles) each see their own tally through AsyncLocalStorage.
import { AsyncLocalStorage } from "node:async_hooks";

export interface SideTally {
  requests: number;
  /** Requests that ended in an error other than an expected 404 (`callOptional`). */
  failed: number;
  /** Answered 429, or a `_bulk` item rejected with 429. */
  throttled: number;
  /** Request bodies sent, in bytes. */
  bytesSent: number;
  /** Answers read as bytes (search pages, document reads, `_bulk` answers), in bytes. */
  bytesReceived: number;
  /** Time from sending a request to having its answer. */
  timeMs: number;
  /** Requests by kind (`requestKind`). */
  kinds: Record<string, number>;
}

/** Keyed by the side a request went to, as callers name it ("leader", "follower"). */
export type RequestTally = Record<string, SideTally>;

const current = new AsyncLocalStorage<RequestTally>();

function emptySide(): SideTally {
  return { requests: 0, failed: 0, throttled: 0, bytesSent: 0, bytesReceived: 0, timeMs: 0, kinds: {} };
}

export async function tallyRequests<T>(task: () => Promise<T>): Promise<{ tally: RequestTally; result: PromiseSettledResult<T> }> {
  const tally: RequestTally = {};
  const result = await current.run(tally, () => task().then(
    (value): PromiseSettledResult<T> => ({ status: "fulfilled", value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: "rejected", reason }),
  ));
  return { tally, result };
}

/** The tally of the unit running now, per side; undefined outside any unit. */
export function tallyOf(side: string): SideTally | undefined {
  const tally = current.getStore();
  if (!tally) return undefined;
  return (tally[side] ??= emptySide());
}

/**
 * The API a request used: its first path segment that starts with `_` (`/_bulk` → bulk, `/i/_search` →
 * search, `/_cluster/health/i` → cluster), or `index` for a path on an index itself. The set is bounded
 * by the paths ferry sends, so it can be a metric label.
 */
export function requestKind(path: string): string {
  const api = path.split("/").find((s) => s.startsWith("_"));
  return api ? api.slice(1) : "index";
}
