// Lag of one follower shard in seconds: how long ago ferry first saw, on the leader, the oldest operation
// the follower does not have yet.
//
// Precisely: every leader poll that reads a global checkpoint g above the follower checkpoint f (as
// `_status` reports it: copied, and for deletes reconciled by a sweep) and above every g seen before is
// remembered as (g, time of that poll). Operation f + 1 is the oldest the follower lacks; the first
// remembered poll with g >= f + 1 is when ferry first knew it was on the leader, and the lag is the time
// since that poll, 0 when nothing is remembered. So it understates the true age by at most one poll
// interval (the operation was written before the poll saw it), and starts from the first poll after a
// restart.

/** Remembered polls per shard; beyond it the newest is moved up, which can only overstate the lag of
 * operations written while the follower is this many polls behind. */
const MAX_OBSERVATIONS = 64;

export class ShardLag {
  private readonly seen: Array<{ checkpoint: number; at: number }> = [];

  constructor(private followerCheckpoint: number) {}

  /** A leader poll at `at` (epoch ms) read global checkpoint `checkpoint`. */
  leaderAt(checkpoint: number, at: number): void {
    if (checkpoint <= this.followerCheckpoint) return;
    const last = this.seen.at(-1);
    if (last && checkpoint <= last.checkpoint) return;
    if (last && this.seen.length >= MAX_OBSERVATIONS) last.checkpoint = checkpoint;
    else this.seen.push({ checkpoint, at });
  }

  /** The follower holds every operation up to `checkpoint`. */
  followerAt(checkpoint: number): void {
    this.followerCheckpoint = Math.max(this.followerCheckpoint, checkpoint);
    while (this.seen.length && this.seen[0]!.checkpoint <= this.followerCheckpoint) this.seen.shift();
  }

  seconds(now: number): number {
    const oldest = this.seen[0];
    return oldest ? Math.max(0, now - oldest.at) / 1000 : 0;
  }
}

/**
 * The `follower_checkpoint` a shard reports, and what it promises: every document whose last leader
 * operation is at or below it is on the follower in exactly that state, or absent if that operation was a
 * delete. Documents the leader changed above it are not promised (they count as lag). Copying gives that
 * for writes up to `checkpoint`; deletes and foreign writes up to there are settled only by a sweep that
 * found and settled every difference at or below its checkpoint (`reconciledCheckpoint`). A document the
 * leader updated since that checkpoint does not hold it back: its last operation is above it. Reporting
 * `checkpoint` alone would call a follower caught up while deletes are outstanding.
 */
export function reconciled(s: { checkpoint: number; reconciledCheckpoint: number }): number {
  return Math.min(s.checkpoint, s.reconciledCheckpoint);
}
