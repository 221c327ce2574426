// How far one leader shard is known searchable, so that a follow cycle searches no further than that: a
// search must see every operation up to the checkpoint ferry copies to (docs/design.md, "Leader read
// modes"), or ferry moves its checkpoint past an operation it never saw and skips it for good.
//
// Two ways to know it:
// - ferry refreshes the leader index itself after reading the global checkpoint G: every operation at or
//   below G was processed on every in-sync copy when G was read, so a refresh that began afterwards shows
//   them on every copy (`refreshedAfter`);
// - ferry watches the leader's own refreshes (its scheduled `index.refresh_interval`, a user's refresh).
//   The primary's `_stats` gives G and the copy's count of external refreshes (the ones that make
//   documents searchable), per node. External refreshes of one copy run one after the other (Lucene's
//   ReferenceManager holds a lock across a refresh and counts it when it ends, OpenSearch's
//   RefreshMetricUpdater), so when G was read at most one refresh was under way, which may have opened
//   its reader before some operation at or below G. Let c be the count at that moment: the refresh
//   counted c + 1 may be that one, the one counted c + 2 began after G was read. ferry reads the count
//   in a later request than G (the next poll), so that count, the fence F, is ≥ c whatever order one
//   `_stats` answer reads its parts in, and once the copy's count reaches F + 2 every operation at or
//   below G is searchable on that copy (`observeCopy`).
//   The proof is about one copy, so the cycle searches that copy alone (`_only_nodes` of its node, never
//   a copy chosen by the cluster); a copy on another node, or a count that went down (the shard was
//   reopened on the same node), starts the proof over from nothing known.
//
// Nothing is ever followed beyond what one of these proves: the worst a leader that stops refreshing (a
// search-idle shard, `index.refresh_interval: -1`) can cause is lag, which `ferry.leader.refresh_wait`
// bounds by a refresh of ferry's own.

/** A primary copy as one `_stats` answer shows it. */
export interface CopyReading {
  globalCheckpoint: number;
  /** External refreshes of the copy so far; undefined where the cluster does not report them. */
  refreshes: number | undefined;
  /** The node the copy is on. */
  node: string | undefined;
}

export interface Visibility {
  /** The node of the copy the proof is about. */
  node: string | undefined;
  /** Every operation at or below is searchable on that copy; -1 when nothing is known. */
  searchable: number;
  /** The copy's refresh count at the last reading: one that goes down is another copy on the same node. */
  refreshes: number | undefined;
  /** A global checkpoint waiting for the copy's own refreshes, read at `since`; `fence`: the copy's count
   * read in a later request than the checkpoint, unknown until the next reading. */
  waiting: { checkpoint: number; since: number; fence: number | undefined } | undefined;
}

export const nothingKnown = (): Visibility => ({ node: undefined, searchable: -1, refreshes: undefined, waiting: undefined });

/** The shard as one more poll reads it at `now`, while the follower holds everything at or below
 * `followerCheckpoint`. */
export function observeCopy(v: Visibility, reading: CopyReading | undefined, followerCheckpoint: number, now: number): Visibility {
  if (!reading) return nothingKnown();
  const { globalCheckpoint, refreshes, node } = reading;
  const counted = refreshes !== undefined && v.refreshes !== undefined;
  const sameCopy = node !== undefined && node === v.node && (counted ? refreshes >= v.refreshes! : refreshes === v.refreshes);
  let { searchable, waiting } = sameCopy ? v : nothingKnown();
  // What the follower already holds needs no proof. A checkpoint at or below it left waiting (the first
  // reading after a start or restart) would keep newer operations from waiting, and so from ever getting
  // ferry's refresh, on a shard that no longer refreshes by itself.
  if (waiting && waiting.checkpoint <= followerCheckpoint) waiting = undefined;
  if (waiting?.fence !== undefined && refreshes !== undefined && refreshes >= waiting.fence + 2) {
    searchable = Math.max(searchable, waiting.checkpoint);
    waiting = undefined;
  } else if (waiting && waiting.fence === undefined) {
    waiting = { ...waiting, fence: refreshes };
  }
  // One checkpoint waits at a time: replacing it on every poll would never let one through on a leader
  // that takes writes between every two polls.
  // Operations wait from when they were first seen, also across a change of copy: refresh_wait bounds
  // their lag whatever the proof has to start over.
  if (!waiting && globalCheckpoint > Math.max(searchable, followerCheckpoint)) waiting = { checkpoint: globalCheckpoint, since: sameCopy ? now : (v.waiting?.since ?? now), fence: undefined };
  return { node, searchable, refreshes, waiting };
}

/** A refresh of the whole index that began after `checkpoint` was read succeeded on every copy. */
export function refreshedAfter(v: Visibility, checkpoint: number): Visibility {
  const searchable = Math.max(v.searchable, checkpoint);
  return { ...v, searchable, waiting: v.waiting && v.waiting.checkpoint > searchable ? v.waiting : undefined };
}

/** Least time between two refreshes ferry sends one leader index: at most two a second, at any rate. */
export const MIN_FORCED_REFRESH_INTERVAL_MS = 500;

/**
 * Whether ferry refreshes the index itself now, so that the shard can follow further: it has operations
 * to copy that the leader's own refreshes have not shown for `wait` ms (0: at once, the low-lag mode), and ferry's last refresh of the index is
 * at least MIN_FORCED_REFRESH_INTERVAL_MS old.
 */
export function refreshDue(v: Visibility, followerCheckpoint: number, now: number, wait: number, lastForcedAt: number): boolean {
  if (!v.waiting || v.waiting.checkpoint <= followerCheckpoint) return false;
  return now - v.waiting.since >= wait && now - lastForcedAt >= MIN_FORCED_REFRESH_INTERVAL_MS;
}
