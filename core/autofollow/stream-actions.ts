// `_stop`, `_pause` and `_resume` on a follower data stream's name (docs/data-streams.md) act on the
// replication of each of its backing indices and on the rule a start of the stream made (named after the
// follower stream, naming it outright: a user's own rules are left alone); any other name acts on its own
// replication.
import type { Acknowledged, ReplicationApi, StreamMember } from "../replication/replications.ts";
import type { AutoFollowApi, StoredRule } from "./autofollow.ts";

export interface StreamActionDeps {
  replications: ReplicationApi;
  autofollow: Pick<AutoFollowApi, "list" | "delete" | "disable" | "update">;
}

const ACK: Acknowledged = { acknowledged: true };

function startRule(deps: StreamActionDeps, name: string): StoredRule | undefined {
  return deps.autofollow.list().find((rule) => rule.name === name && rule.follower_index_pattern === name);
}

/** The members whose replication is in one of `statuses`: a stream's backing indices need not all be in
 * the same state (one failed, one paused by hand), and the others are left as they are. */
function inStatus(members: StreamMember[], statuses: string[]): string[] {
  return members.filter((m) => statuses.includes(m.status)).map((m) => m.followerIndex);
}

// Each action handles the rule first on the way down (no new backing index starts while the others stop
// or pause) and last on the way up.

export async function stopIndexOrStream(deps: StreamActionDeps, name: string): Promise<Acknowledged> {
  const members = deps.replications.streamMembers(name);
  if (members.length === 0) return deps.replications.stop(name);
  const rule = startRule(deps, name);
  if (rule) await deps.autofollow.delete(rule.leader_alias, rule.name);
  for (const { followerIndex } of members) await deps.replications.stop(followerIndex);
  return ACK;
}

export async function pauseIndexOrStream(deps: StreamActionDeps, name: string, reason?: string): Promise<Acknowledged> {
  const members = deps.replications.streamMembers(name);
  if (members.length === 0) return deps.replications.pause(name, reason);
  // A backing index still restoring cannot pause: refused as its own pause would be, before anything changed.
  const restoring = inStatus(members, ["BOOTSTRAPPING"]);
  if (restoring.length) return deps.replications.pause(restoring[0]!, reason);
  const rule = startRule(deps, name);
  if (rule) deps.autofollow.disable(rule.leader_alias, rule.name, `data stream [${name}] paused`);
  for (const index of inStatus(members, ["SYNCING"])) await deps.replications.pause(index, reason);
  return ACK;
}

export async function resumeIndexOrStream(deps: StreamActionDeps, name: string): Promise<Acknowledged> {
  const members = deps.replications.streamMembers(name);
  if (members.length === 0) return deps.replications.resume(name);
  for (const index of inStatus(members, ["PAUSED"])) await deps.replications.resume(index);
  // Enabled again, the rule also starts what the leader's rollovers added meanwhile.
  const rule = startRule(deps, name);
  if (rule) {
    const { disabled: _disabled, ...definition } = rule;
    await deps.autofollow.update(definition);
  }
  return ACK;
}
