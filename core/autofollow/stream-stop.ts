// `_stop` on a follower data stream's name (docs/data-streams.md) stops the replication of each of its
// backing indices, and the rule a start of the stream made; any other name stops its own replication.
import type { Acknowledged, ReplicationApi } from "../replication/replications.ts";
import type { AutoFollowApi } from "./autofollow.ts";

export interface StreamStopDeps {
  replications: ReplicationApi;
  autofollow: Pick<AutoFollowApi, "list" | "delete">;
}

export async function stopIndexOrStream(deps: StreamStopDeps, name: string): Promise<Acknowledged> {
  const members = deps.replications.streamMembers(name);
  if (members.length === 0) return deps.replications.stop(name);
  // The rule first, so that no new backing index starts while the others stop. Only the rule a stream's
  // start makes (named after the follower stream, naming it outright): a user's own rules stay.
  for (const rule of deps.autofollow.list()) {
    if (rule.name === name && rule.follower_index_pattern === name) await deps.autofollow.delete(rule.leader_alias, rule.name);
  }
  for (const index of members) await deps.replications.stop(index);
  return { acknowledged: true };
}
