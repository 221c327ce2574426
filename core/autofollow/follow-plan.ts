// What to do with each matching leader index before anything is started: start it, leave it (its
// follower already replicates), or refuse it with a reason. Shared by wildcard start, bulk start and
// auto-follow rules so that all three judge an index the same way.
import type { ClusterConnection } from "../clusters/connection.ts";
import { existingIndices } from "../clusters/index-listing.ts";
import { followerName, memberFollowerName } from "./index-patterns.ts";
import { indexNameProblems } from "../replication/index-names.ts";

export type FollowPlanEntry =
  | { leader_index: string; follower_index: string; action: "start" }
  | { leader_index: string; follower_index: string; action: "already_replicating" }
  | { leader_index: string; follower_index: string; action: "refused"; reason: string; blocked_by_local_index: boolean };

export interface FollowPlanDeps {
  follower: ClusterConnection;
  /** True while ferry replicates into that follower name (any state). */
  isFollowerIndex(index: string): boolean;
}

/** A leader index to plan for; `dataStream` when it backs one (core/autofollow/open-indices.ts). */
export interface PlannedLeader {
  name: string;
  dataStream?: string;
}

/** The follower's name and what is wrong with the pair's names. A data stream's backing index is named
 * with a dot by the cluster: the stream names are the ones checked. */
function nameFollower(template: string | undefined, leader: PlannedLeader): { follower: string; problems: string[] } {
  if (leader.dataStream === undefined) {
    const follower = followerName(template, leader.name);
    return { follower, problems: [...indexNameProblems(follower), ...indexNameProblems(leader.name)] };
  }
  const followerStream = followerName(template, leader.dataStream);
  const problems = [...indexNameProblems(followerStream), ...indexNameProblems(leader.dataStream)];
  const follower = memberFollowerName(template, leader.dataStream, leader.name);
  if (follower !== undefined) return { follower, problems };
  return {
    follower: leader.name,
    problems: [...problems, `backing index [${leader.name}] of data stream [${leader.dataStream}] is not named .ds-${leader.dataStream}-…, so its follower in data stream [${followerStream}] has no name; follow the stream under its own name`],
  };
}

export async function planFollows(deps: FollowPlanDeps, leaderIndices: PlannedLeader[], template: string | undefined): Promise<FollowPlanEntry[]> {
  const plan: FollowPlanEntry[] = [];
  for (const entry of leaderIndices) {
    const leader = entry.name;
    const { follower, problems } = nameFollower(template, entry);
    if (problems.length) plan.push({ leader_index: leader, follower_index: follower, action: "refused", reason: problems.join("; "), blocked_by_local_index: false });
    else if (deps.isFollowerIndex(follower)) plan.push({ leader_index: leader, follower_index: follower, action: "already_replicating" });
    else plan.push({ leader_index: leader, follower_index: follower, action: "start" });
  }
  // One lookup for all candidates: a local index of the follower's name blocks the start (plugin #327
  // skips those silently; ferry says so).
  const candidates = plan.filter((e) => e.action === "start").map((e) => e.follower_index);
  const existing = await existingIndices(deps.follower, "follower", candidates);
  return plan.map((entry) => entry.action === "start" && existing.has(entry.follower_index)
    ? {
      ...entry, action: "refused", blocked_by_local_index: true,
      reason: `Cant use same index again for replication. Delete the index:${entry.follower_index}`,
    }
    : entry);
}
