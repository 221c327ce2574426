// The check before every follower write of a shard task: ferry's lease on the follower index must still
// be confirmed (core/lease/follower-lease.ts keeps the window shared with the pool's threads). A renewal that
// failed, a lease another ferry took, or one that runs out within the clock margin closes it at once, so
// the task stops before its next write rather than at its end.
import { engineErrors } from "../core/errors.ts";
import type { ShardTarget } from "./protocol.ts";

export function requireLease(target: ShardTarget, now = Date.now()): void {
  if (now < Number(Atomics.load(target.writeWindow, 0))) return;
  throw engineErrors.transient(
    `ferry's lease on follower index [${target.followerIndex}] is not confirmed (a renewal failed, another ferry holds it, or it runs out within the clock margin); shard ${target.shard} stopped before its next write`);
}
