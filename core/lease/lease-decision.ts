// What a ferry may do with a follower index's lease document (core/lease/follower-lease.ts), as a pure function
// of the document, the claimant and its clock; and the clock margins that keep two machines' clocks from
// letting two holders write at once.

/** The lease document in `.ferry-leases`, one per follower index incarnation (its id is the index's uuid). */
export interface LeaseDoc {
  /** Random id of the holding ferry (core/lease/ferry-instance.ts). */
  owner: string;
  /** For people: where that ferry runs. */
  owner_name: string;
  follower_index: string;
  follower_uuid: string;
  /** The replication the lease was made for: a random id minted at each `_start` (the replication row's). */
  replication_id: string;
  /** By the holder's clock. */
  expires_at: number;
  /** The holder's lease duration when it wrote this: the taker's margin derives from it. */
  duration_ms: number;
  /** Set when the replication was stopped or promoted: the index is an ordinary one for good, and no ferry
   * may write to it again under this replication. */
  released_at?: number;
}

export interface Claimant {
  instance: string;
  replicationId: string;
  /** A replication this ferry is creating right now (a fail-back into an index that once followed):
   * it may take a lease an older replication of the index released. */
  fresh: boolean;
}

export type LeaseDecision =
  | { do: "take" }
  | { do: "wait"; holder: string; expiresAt: number }
  | { do: "end"; reason: string };

/**
 * The margin on each side of an expiry: a holder stops writing this long before it, a taker waits this long
 * after it, so clocks that differ by less than twice the margin (less what an in-flight write needs) never
 * let both write. A sixth of the lease: 5 s of the default 30 s, while renewals come every third.
 */
export function clockMargin(durationMs: number): number {
  return Math.floor(durationMs / 6);
}

/** Until when a holder whose lease runs until `expiresAt` may write, by its own clock. */
export function writableUntil(expiresAt: number, durationMs: number): number {
  return expiresAt - clockMargin(durationMs);
}

/** From when another ferry may take a lease that ran out at `doc.expires_at`, by the taker's clock. */
export function takeableFrom(doc: Pick<LeaseDoc, "expires_at" | "duration_ms">, ownDurationMs: number): number {
  return doc.expires_at + clockMargin(Math.max(doc.duration_ms ?? 0, ownDurationMs));
}

const stale = "this ferry's record of the replication is out of date (its database is a copy, or was restored from a backup) " +
  "and it will not write to the index again; remove the record with _stop on this ferry";

export function decideClaim(doc: LeaseDoc | undefined, claimant: Claimant, now: number, ownDurationMs: number): LeaseDecision {
  if (!doc) return { do: "take" };
  const when = (ms: number) => new Date(ms).toISOString();
  if (doc.replication_id === claimant.replicationId) {
    if (doc.released_at !== undefined) {
      return {
        do: "end",
        reason: `follower index [${doc.follower_index}] was stopped or promoted by the ferry at ${doc.owner_name} at ${when(doc.released_at)}; ${stale}`,
      };
    }
    if (doc.owner === claimant.instance || now >= takeableFrom(doc, ownDurationMs)) return { do: "take" };
    return { do: "wait", holder: doc.owner_name, expiresAt: doc.expires_at };
  }
  if (claimant.fresh) {
    if (doc.released_at !== undefined || now >= takeableFrom(doc, ownDurationMs)) return { do: "take" };
    return { do: "wait", holder: doc.owner_name, expiresAt: doc.expires_at };
  }
  return {
    do: "end",
    reason: `follower index [${doc.follower_index}] belongs to another replication of it, last held by the ferry at ${doc.owner_name}; ${stale}`,
  };
}
