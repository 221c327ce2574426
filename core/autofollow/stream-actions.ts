// `_stop`, `_pause`, `_resume` and `_promote` on a follower data stream's name (docs/data-streams.md) act on the
// replication of each of its backing indices and on the rule a start of the stream made (named after the
// follower stream, naming it outright: a user's own rules are left alone); any other name acts on its own
// replication.
import type { Acknowledged, ReplicationApi, StreamMember } from "../replication/replications.ts";
import { generationOfBackingName, streamOfBackingName } from "../clusters/data-streams.ts";
import { requestErrors, isFerryError } from "../errors.ts";
import { promoteOutcome, type PromoteRequest, type PromoteResponse } from "../failover/promote.ts";
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
  if (rule) await enable(deps, rule);
  return ACK;
}

/**
 * Promotes every backing index of a follower stream, newest first: a planned promote of the newest holds
 * the leader stream's writes (core/clusters/stream-hold.ts), so that the older ones, which nobody appends
 * to, drain once. The stream's own rule is disabled first and deleted once all are promoted; when the
 * newest's promote rolls back, nothing was promoted and the rule is enabled again.
 */
export async function promoteIndexOrStream(deps: StreamActionDeps, name: string, request: PromoteRequest): Promise<PromoteResponse> {
  const members = deps.replications.streamMembers(name);
  if (members.length === 0) return deps.replications.promote(name, request);
  const restoring = inStatus(members, ["BOOTSTRAPPING"]);
  if (restoring.length) return deps.replications.promote(restoring[0]!, request);
  const started = Date.now();
  const rule = startRule(deps, name);
  if (rule) deps.autofollow.disable(rule.leader_alias, rule.name, promotingReason(name));
  const newestFirst = [...members].sort((a, b) => generationOfBackingName(b.followerIndex) - generationOfBackingName(a.followerIndex));
  const answers: PromoteResponse[] = [];
  for (const { followerIndex } of newestFirst) {
    try {
      answers.push(await deps.replications.promote(followerIndex, request));
    } catch (err) {
      if (answers.length === 0) {
        if (rule) await enable(deps, rule);
        throw err;
      }
      const reason = isFerryError(err) ? err.reason : String(err);
      throw requestErrors.illegalState(`data stream [${name}] is promoted in part: [${answers.map((a) => a.follower_index).join(", ")}] ` +
        `were promoted, then the promote of [${followerIndex}] failed (${reason}); promote the rest by their names`, 409);
    }
  }
  if (rule) await deps.autofollow.delete(rule.leader_alias, rule.name);
  const newest = answers[0]!;
  const documents = answers.every((a) => a.documents)
    ? { leader: sum(answers.map((a) => a.documents!.leader)), follower: sum(answers.map((a) => a.documents!.follower)) } : undefined;
  const unplanned = answers.find((a) => a.promotion === "unplanned");
  return {
    acknowledged: true,
    promotion: unplanned ? "unplanned" : "planned",
    ...(unplanned?.unplanned_because !== undefined ? { unplanned_because: unplanned.unplanned_because } : {}),
    guarantee: newest.guarantee,
    follower_index: name,
    leader_alias: newest.leader_alias,
    leader_index: streamOfBackingName(newest.leader_index) ?? newest.leader_index,
    ...(newest.leader_write_block !== undefined ? { leader_write_block: newest.leader_write_block } : {}),
    ...(documents ? { documents } : {}),
    shards: [],
    took_millis: Date.now() - started,
    ferry_backing_indices: answers.map((a) => promoteOutcome(a.follower_index, a)),
  };
}

async function enable(deps: StreamActionDeps, rule: StoredRule): Promise<void> {
  const { disabled: _disabled, ...definition } = rule;
  await deps.autofollow.update(definition);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

const promotingReason = (stream: string) => `data stream [${stream}] is being promoted`;

/**
 * After a restart, the rules of stream promotes that ferry stopped in the middle of (each disabled with
 * the promote's reason): when no backing index of the stream is followed any more, the promote had ended
 * and the rule goes; otherwise those still followed (their promotes rolled back, or never began) need it,
 * and it is enabled again. `_promote` on the stream's name then promotes the rest.
 */
export async function settleStreamPromotes(deps: StreamActionDeps): Promise<void> {
  for (const rule of deps.autofollow.list()) {
    if (rule.follower_index_pattern !== rule.name || rule.disabled?.reason !== promotingReason(rule.name)) continue;
    if (deps.replications.streamMembers(rule.name).length === 0) await deps.autofollow.delete(rule.leader_alias, rule.name);
    else await enable(deps, rule);
  }
}
