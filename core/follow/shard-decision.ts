// What one follower shard does next, decided from plain data: its state, the leader's latest figures and
// the clock. The scheduler reads the world, asks here, then acts; every interleaving a real leader
// produces (writes on every poll, a closed index, a moved primary) is a unit test without clusters.
import { backoffDelay, type BackoffPolicy } from "./retry-policy.ts";

/** What the shard is doing right now. */
export type ShardActivity =
  | { kind: "idle" }
  | { kind: "following" }
  | { kind: "sweeping" }
  | { kind: "backing-off"; until: number };

/** What the index as a whole allows: shards of an index that waits (a closed leader or follower index,
 * a lease another ferry holds) or whose follower metadata is being changed (a static setting closes it)
 * start nothing. */
export type IndexPhase = "following" | "waiting" | "syncing-metadata";

export interface ShardState {
  activity: ShardActivity;
  /** Every leader operation at or below is on the follower. */
  checkpoint: number;
  /** A sweep is owed since then: the checkpoint moved (deletes are invisible to following), a foreign
   * write was seen, or the last sweep left something unresolved. Undefined when none is owed. */
  sweepOwedSince: number | undefined;
  /** The next sweep compares both ways: the follower may be short, not only long. */
  followerMayBeShort: boolean;
  lastSweepEndedAt: number;
  /** Consecutive failed tasks, for the backoff. */
  failures: number;
  /** The rolling check for documents the follower lacks (counts cannot see one missing document beside
   * one missed delete) has reached this leader `_seq_no`; -1: it starts over. */
  scanAfter: number;
}

export interface SweepPolicy {
  /** Least time between two sweeps of a shard with nothing else to do. */
  interval: number;
  /** Longest time an owed sweep waits behind follow cycles of a shard that never stops taking writes. */
  maxDelay: number;
  /** A lag (leader operations not yet copied) at most this small means a steady stream, not a backlog. */
  smallLag: number;
}

/** However large the backlog, an owed sweep waits no longer than this many `maxDelay`s. */
const BACKLOG_DELAY_FACTOR = 10;

export type ShardDecision =
  | { do: "follow"; target: number }
  | { do: "sweep" }
  | { do: "wait"; why: "busy" | "index-paused" | "backing-off" | "no-primary" | "sweep-not-due" | "caught-up" };

/** `leaderCheckpoint` is the leader shard's global checkpoint, undefined while it has no active primary. */
export function decideShard(
  shard: ShardState, phase: IndexPhase, leaderCheckpoint: number | undefined, now: number, policy: SweepPolicy,
): ShardDecision {
  const { activity } = shard;
  if (activity.kind === "following" || activity.kind === "sweeping") return { do: "wait", why: "busy" };
  if (phase !== "following") return { do: "wait", why: "index-paused" };
  if (activity.kind === "backing-off" && activity.until > now) return { do: "wait", why: "backing-off" };
  const pending = leaderCheckpoint !== undefined && leaderCheckpoint > shard.checkpoint;
  if (shard.sweepOwedSince !== undefined) {
    // Following never sees a delete, so on a leader that writes on every poll a sweep that waited only
    // for a quiet moment would wait for ever: past maxDelay it goes before the next cycle. Not while a
    // backlog is being copied, though: a sweep at a checkpoint far behind finds every document updated
    // since as a candidate and holds up the copy that would settle them; there the bound is longer.
    const steady = pending && leaderCheckpoint - shard.checkpoint <= policy.smallLag;
    const dueAt = pending
      ? shard.sweepOwedSince + policy.maxDelay * (steady ? 1 : BACKLOG_DELAY_FACTOR)
      : Math.max(shard.sweepOwedSince, shard.lastSweepEndedAt + policy.interval);
    if (dueAt <= now) return { do: "sweep" };
    if (!pending) return { do: "wait", why: "sweep-not-due" };
  }
  if (pending) return { do: "follow", target: leaderCheckpoint };
  return { do: "wait", why: leaderCheckpoint === undefined ? "no-primary" : "caught-up" };
}

/** The shard as it is once the decided task is handed to the pool. A sweep takes over what is owed. */
export function begin(shard: ShardState, task: "follow" | "sweep"): ShardState {
  if (task === "follow") return { ...shard, activity: { kind: "following" } };
  return { ...shard, activity: { kind: "sweeping" }, sweepOwedSince: undefined, followerMayBeShort: false };
}

export interface FollowOutcome {
  checkpoint: number;
  /** Sequence numbers ferry did not write appeared between its own, or the follower held newer versions. */
  foreignSeen: boolean;
}

export function afterFollow(shard: ShardState, outcome: FollowOutcome, now: number): ShardState {
  const moved = outcome.checkpoint > shard.checkpoint;
  return {
    ...shard,
    activity: { kind: "idle" },
    failures: 0,
    checkpoint: Math.max(shard.checkpoint, outcome.checkpoint),
    sweepOwedSince: moved || outcome.foreignSeen ? (shard.sweepOwedSince ?? now) : shard.sweepOwedSince,
    followerMayBeShort: shard.followerMayBeShort || outcome.foreignSeen,
  };
}

export interface SweepOutcome {
  /** Follower documents whose leader copy moved past the checkpoint: a later sweep looks again. */
  unresolved: number;
  /** Everything at or below the checkpoint was settled; if not, a later sweep goes on. */
  complete: boolean;
  /** Where the rolling check stopped; -1 when it went through to the checkpoint. */
  scannedTo: number;
}

export function afterSweep(shard: ShardState, outcome: SweepOutcome, now: number): ShardState {
  // Whatever was noticed while the sweep ran (a foreign write) stays owed; so does a rolling check that
  // has not reached the checkpoint yet, which goes on at the quiet pace once the shard has caught up.
  const owed = outcome.unresolved > 0 || !outcome.complete || outcome.scannedTo !== -1;
  return {
    ...shard,
    activity: { kind: "idle" },
    failures: 0,
    sweepOwedSince: owed ? (shard.sweepOwedSince ?? now) : shard.sweepOwedSince,
    lastSweepEndedAt: now,
    scanAfter: outcome.scannedTo,
  };
}

/** Foreign follower operations were seen: the next sweep compares both ways. */
export function foreignNoticed(shard: ShardState, now: number): ShardState {
  return { ...shard, sweepOwedSince: shard.sweepOwedSince ?? now, followerMayBeShort: true };
}

/** A recoverable error: the task is tried again after a backoff; a failed sweep is owed again, both ways. */
export function afterError(shard: ShardState, task: "follow" | "sweep", now: number, backoff: BackoffPolicy): ShardState {
  const failures = shard.failures + 1;
  const sweep = task === "sweep";
  return {
    ...shard,
    activity: { kind: "backing-off", until: now + backoffDelay(backoff, failures) },
    failures,
    sweepOwedSince: sweep ? (shard.sweepOwedSince ?? now) : shard.sweepOwedSince,
    followerMayBeShort: shard.followerMayBeShort || sweep,
  };
}

/** A shard as (re)loaded: its first sweep compares both ways, since nothing is known of what happened
 * while ferry was away. */
export function loadedShard(checkpoint: number, now: number): ShardState {
  return { activity: { kind: "idle" }, checkpoint, sweepOwedSince: now, followerMayBeShort: true, lastSweepEndedAt: 0, failures: 0, scanAfter: -1 };
}
