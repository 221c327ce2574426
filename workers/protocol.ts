// The pool's task protocol: what the scheduler hands a worker and what comes back. A leaf: it names the
// cluster connection and request tally types and nothing else of core/ or workers/, so core (which sends tasks) and the
// workers (which run them) both depend on it, and on nothing of each other.
import type { MessagePort } from "node:worker_threads";
import type { ClusterConnection } from "../core/clusters/connection.ts";
import type { RequestTally } from "../core/clusters/request-tally.ts";

/** What every pool task is about: one leader shard and its follower shard, and how to reach both clusters. */
export interface ShardTarget {
  leader: ClusterConnection;
  follower: ClusterConnection;
  leaderIndex: string;
  followerIndex: string;
  shard: number;
  /** Added to every version ferry writes (core/clusters/bulk-body.ts); 0 except after a fail-back. */
  versionOffset: number;
  /** Epoch ms until which ferry's lease lets this task write to the follower, shared with the main thread
   * (core/lease/follower-lease.ts); checked before every write (workers/lease-window.ts). */
  writeWindow: BigInt64Array;
  /** The node whose copy of the leader shard is known to show every operation up to the task's
   * checkpoint or target (core/follow/leader-visibility.ts): the task reads that copy alone. Undefined:
   * every copy shows them (ferry refreshed the index), read the primary. */
  leaderNode?: string;
}

/** What the pool hands a worker: the task's input, and the port on which a cancellation arrives (any
 * message). Cancelling a task this way ends neither its thread nor the other tasks on that thread. */
export interface TaskEnvelope<I> {
  input: I;
  cancel: MessagePort;
}

/** Pool tasks report errors as data: a FerryError thrown in a worker would reach the main thread as a
 * plain Error, without its `retryable` flag. Either way the task's cluster requests come back with it. */
export type TaskOutcome<T> =
  | { ok: true; result: T; requests: RequestTally }
  | { ok: false; error: { type: string; status: number; reason: string; retryable: boolean }; requests: RequestTally };

export interface ShardFollowInput extends ShardTarget {
  /** Everything at or below is already on the follower. */
  checkpoint: number;
  /** At most the leader shard's global checkpoint, and known searchable on the copy the cycle reads
   * (core/follow/leader-visibility.ts). */
  target: number;
  pageSize: number;
  maxOps: number;
  bulkMaxBytes: number;
}

export interface ShardFollowResult {
  /** New checkpoint: `target` when the range was exhausted, else the last copied `_seq_no`. */
  checkpoint: number;
  /** Follower sequence numbers the copied documents got (in leader order), when any were written. */
  followerSeqNos: { from: number; to: number } | undefined;
  opsWritten: number;
  conflicts: number;
  writeTimeMs: number;
}

/** What a region of follower sequence numbers holds (core/store/region-compaction.ts). */
export const REGION_KINDS = ["restore", "copy", "gap", "repair", "reverse"] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export interface SweepRegion {
  followerFrom: number;
  followerTo: number;
  /** Exclusive. */
  leaderFrom: number;
  leaderTo: number;
  /** In a restore region follower `_seq_no` equals leader `_seq_no`; in a reverse region (a fail-back's
   * starting point) the two orders are unrelated; elsewhere leader `_seq_no` = `_version` - 1 - offset. */
  kind: RegionKind;
}

export interface DeleteSweepInput extends ShardTarget {
  /** Every leader operation at or below is on the follower. */
  checkpoint: number;
  /** ...and known searchable on the leader copy the sweep reads: its counts need no refresh first. */
  checkpointSearchable?: boolean;
  regions: SweepRegion[];
  leafSize: number;
  /** A cycle saw follower sequence numbers it did not write between its own. */
  foreignSuspected: boolean;
  /** The rolling check for documents the follower lacks goes on after this leader `_seq_no`... */
  scanAfter: number;
  /** ...for this many leader documents. */
  scanSize: number;
  /** The copy path's bounds, kept by every request a sweep builds: documents per `_mget`... */
  pageSize: number;
  /** ...and bytes per `_bulk` body. */
  bulkMaxBytes: number;
}

export interface DeleteSweepResult {
  deleted: number;
  /** Follower sequence numbers of ferry's own deletes. */
  ownSeqNos: number[];
  /** Documents rewritten from the leader: each is a one-operation region. */
  repairs: Array<{ followerSeqNo: number; leaderSeqNo: number }>;
  /** Follower sequence numbers found to be foreign and now dealt with. */
  foreignRange: { from: number; to: number } | undefined;
  foreignRepaired: number;
  /** Follower documents whose leader copy moved past the checkpoint: the next sweep looks again. */
  unresolved: number;
  /** Every difference at or below the checkpoint was found and settled (documents the leader changed above
   * it aside): the shard is reconciled up to the checkpoint. */
  complete: boolean;
  /** Follower sequence numbers of repair regions whose documents are gone on both sides. */
  deadRepairs: number[];
  /** Every region was compared and everything found was settled (core/store/region-compaction.ts). */
  verified: boolean;
  /** Where the rolling check goes on next time; -1 once it reached the checkpoint (it starts over). */
  scannedTo: number;
}
