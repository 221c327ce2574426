// Partial answers. Search, count and refresh answer 200 even when some shard copies failed or were not
// there, with the damage only in `_shards`; an empty or short answer from a missing primary would move a
// checkpoint past documents never read, or make a live document look deleted. Every answer the engine
// relies on goes through here.
import { engineErrors } from "../errors.ts";

export interface ShardsHeader {
  total: number;
  successful: number;
  failed: number;
  failures?: Array<{ index?: string; shard?: number; reason?: { type?: string; reason?: string } }>;
}

/** Throws a retryable error unless every shard the request addressed answered. `what` names the request. */
export function requireAllShards(shards: ShardsHeader | undefined, what: string): void {
  if (shards && shards.failed === 0 && shards.successful >= shards.total) return;
  const cause = shards?.failures?.[0]?.reason;
  throw engineErrors.transient(`${what} answered in part` +
    `${shards ? ` (${shards.successful} of ${shards.total} shards)` : " (no _shards in the answer)"}` +
    `${cause ? `: ${cause.type}: ${cause.reason}` : ""}`);
}

/** Refresh counts replica copies too, and an unassigned replica is neither successful nor failed: only a
 * failed copy means a primary may not have refreshed. */
export function requireRefreshed(shards: ShardsHeader | undefined, what: string): void {
  if (shards && shards.failed === 0) return;
  requireAllShards(shards, what);
}
