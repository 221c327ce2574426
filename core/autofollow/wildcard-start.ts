// Wildcard start (a ferry extension of `PUT {index}/_start`): `leader_index` may be a pattern or a comma
// list with exclusions, and the path's index names the followers through `{{leader_index}}` (or `*`
// for the leader's own name). Every matching open leader index is started; the answer says what
// happened to each.
import { listOpenIndices } from "./open-indices.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { forEachLimited } from "../clusters/concurrency-limit.ts";
import { isFerryError, requestErrors } from "../errors.ts";
import { planFollows, type PlannedLeader } from "./follow-plan.ts";
import { isFollowerTemplate, isMultiIndexExpression, LEADER_INDEX_PLACEHOLDER } from "./index-patterns.ts";
import type { RemoteRegistry } from "../config/remotes.ts";
import type { Acknowledged, ReplicationApi, StartRequest } from "../replication/replications.ts";
import type { AutoFollowApi, AutoFollowRule } from "./autofollow.ts";
import type { Settings } from "../config/settings.ts";

export interface StartOutcome {
  leader_index: string;
  follower_index: string;
  result: "started" | "already_replicating" | "refused";
  reason?: string;
}

export interface WildcardStartAnswer extends Acknowledged {
  indices: StartOutcome[];
}

export interface WildcardStartDeps {
  /** Creates the rule that follows a started data stream's later backing indices. */
  autofollow: Pick<AutoFollowApi, "create" | "delete" | "list">;
  follower: ClusterConnection;
  remotes: RemoteRegistry;
  replications: ReplicationApi;
  settings: Settings;
}

/** True when a start request names several leader indices or a follower per leader index. */
export function isWildcardStart(pathIndex: string, leaderIndex: string): boolean {
  return isFollowerTemplate(pathIndex) || isMultiIndexExpression(leaderIndex);
}

/** A start's roles as a rule holds them; the API takes both or neither (openapi UseRoles). */
function ruleRoles(roles: StartRequest["use_roles"]): Pick<AutoFollowRule, "use_roles"> {
  const leader = roles?.leader_cluster_role;
  const follower = roles?.follower_cluster_role;
  return leader && follower ? { use_roles: { leader_cluster_role: leader, follower_cluster_role: follower } } : {};
}

export class WildcardStart {
  constructor(private readonly deps: WildcardStartDeps) {}

  async start(pathIndex: string, request: StartRequest, options: { waitForRestore: boolean }): Promise<WildcardStartAnswer> {
    if (!isFollowerTemplate(pathIndex)) {
      throw requestErrors.validation([
        `follower index [${pathIndex}] must be [*] or contain ${LEADER_INDEX_PLACEHOLDER} when leader_index [${request.leader_index}] names several indices`,
      ]);
    }
    const leader = this.deps.remotes.connection(request.leader_alias);
    const matches = await listOpenIndices(leader, "leader", request.leader_index);
    if (matches.length === 0) {
      if (!isMultiIndexExpression(request.leader_index)) throw requestErrors.indexNotFound(`${request.leader_alias}:${request.leader_index}`);
      throw requestErrors.notFound(`No indices found matching pattern: [${request.leader_index}] on leader cluster`);
    }
    return this.startAll(pathIndex, request, options, matches);
  }

  /**
   * A start naming one leader index, or one data stream: then every backing index it has now is started,
   * the path naming the follower stream (docs/data-streams.md), and the answer lists them as a wildcard
   * start's does. The stream is looked for only when no index has the name, so a plain start costs no
   * more requests.
   */
  async startIndexOrStream(pathIndex: string, request: StartRequest, options: { waitForRestore: boolean }): Promise<Acknowledged | WildcardStartAnswer> {
    try {
      return await this.deps.replications.start(pathIndex, request, options);
    } catch (err) {
      if (!isFerryError(err) || err.type !== "index_not_found_exception") throw err;
      const leader = this.deps.remotes.connection(request.leader_alias);
      const members = (await listOpenIndices(leader, "leader", request.leader_index)).filter((m) => m.dataStream === request.leader_index);
      if (members.length === 0) throw err;
      // The rule first, so that no rollover falls between the members started now and those it follows;
      // a start that starts nothing takes back the rule it made.
      const ruleWasThere = this.deps.autofollow.list().some((r) => r.leader_alias === request.leader_alias && r.name === pathIndex);
      await this.followLaterMembers(pathIndex, request);
      try {
        return await this.startAll(pathIndex, request, options, members);
      } catch (startErr) {
        if (!ruleWasThere) await this.deps.autofollow.delete(request.leader_alias, pathIndex);
        throw startErr;
      }
    }
  }

  /** Rollovers add backing indices after the start: an auto-follow rule named after the follower stream,
   * for the leader stream's name, follows those created from now on (docs/data-streams.md). */
  private async followLaterMembers(pathIndex: string, request: StartRequest): Promise<void> {
    try {
      await this.deps.autofollow.create({
        leader_alias: request.leader_alias, name: pathIndex, pattern: request.leader_index, follower_index_pattern: pathIndex,
        ...(request.settings ? { settings: request.settings } : {}), ...ruleRoles(request.use_roles),
      }, { startExisting: false });
    } catch (err) {
      if (!isFerryError(err) || err.reason !== requestErrors.autofollowRuleExists().reason) throw err;
      throw requestErrors.illegalArgument(
        `Cannot start data stream [${request.leader_index}] into [${pathIndex}]: an auto-follow rule named [${pathIndex}] exists with another definition, and a stream's start makes a rule of that name to follow its later backing indices; delete that rule or name the follower stream otherwise`);
    }
  }

  private async startAll(pathIndex: string, request: StartRequest, options: { waitForRestore: boolean }, matches: PlannedLeader[]): Promise<WildcardStartAnswer> {
    const plan = await planFollows(
      { follower: this.deps.follower, isFollowerIndex: (index) => this.deps.replications.isFollowerIndex(index) },
      matches, pathIndex,
    );
    const outcomes = new Map<string, StartOutcome>();
    const errors = new Map<string, unknown>();
    for (const entry of plan) {
      const { leader_index, follower_index } = entry;
      if (entry.action === "already_replicating") outcomes.set(leader_index, { leader_index, follower_index, result: "already_replicating" });
      if (entry.action === "refused") outcomes.set(leader_index, { leader_index, follower_index, result: "refused", reason: entry.reason });
    }
    const starts = plan.filter((e) => e.action === "start");
    await forEachLimited(starts, this.deps.settings["plugins.replication.follower.bulk_batch_size"], async ({ leader_index, follower_index }) => {
      try {
        await this.deps.replications.start(follower_index, { ...request, leader_index }, options);
        outcomes.set(leader_index, { leader_index, follower_index, result: "started" });
      } catch (err) {
        errors.set(leader_index, err);
        outcomes.set(leader_index, { leader_index, follower_index, result: "refused", reason: isFerryError(err) ? err.reason : String(err) });
      }
    });
    const indices = plan.map((e) => outcomes.get(e.leader_index)!);
    if (indices.every((o) => o.result === "refused")) {
      // One index: its own error, as a plain start would answer. Several: the reasons together, as bulk start does.
      const only = indices.length === 1 ? errors.get(indices[0]!.leader_index) : undefined;
      if (only) throw only;
      throw requestErrors.illegalArgument(indices.map((o) => `[${o.leader_index}] ${o.reason}`).join("; "));
    }
    return { acknowledged: true, indices };
  }
}
