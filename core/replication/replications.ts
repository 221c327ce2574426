// One replication's lifecycle: start, pause, resume, stop, update, status. Which moves a state allows and
// what each does is core/state-machine.ts's table; this module checks requests against the clusters and
// carries the moves out (`change`). The scheduler runs the shard work, core/bootstrap/ the copy.
import type { components } from "../../openapi/ferry.gen.ts";
import { Bootstraps } from "../bootstrap/bootstrap-runs.ts";
import { chooseBootstrap } from "../bootstrap/search-bootstrap.ts";
import { restoreComplete, restoreProgress, type RepositoryDefinition } from "../bootstrap/snapshot-bootstrap.ts";
import { call, callOptional } from "../clusters/client.ts";
import type { ClusterConnection, RemoteAuth } from "../clusters/connection.ts";
import { clusterEngine } from "../clusters/engine.ts";
import { backsDataStream, retiredFromStream, streamOfBackingName } from "../clusters/data-streams.ts";
import { indexOrStreamNames } from "../clusters/index-listing.ts";
import { copyStreamTemplates } from "../clusters/stream-templates.ts";
import { indexMetadata } from "../clusters/index-metadata.ts";
import { checkUseRoles, ClusterDirectory, LOCAL_CLUSTER, roleCredentials, unconfiguredRoles, type UseRoles } from "../config/cluster-directory.ts";
import type { RemoteRegistry } from "../config/remotes.ts";
import type { Settings } from "../config/settings.ts";
import { FerryError, isFerryError, requestErrors } from "../errors.ts";
import type { FerryEventBus } from "../events.ts";
import { Promotions, type PromoteRequest, type PromoteResponse, type ReverseStart } from "../failover/promote.ts";
import { reconciled } from "../follow/replication-lag.ts";
import { Scheduler } from "../follow/scheduler.ts";
import { guardActive, removeGuard } from "../follow/write-guard.ts";
import type { FerryInstance } from "../lease/ferry-instance.ts";
import { FollowerLeases } from "../lease/follower-lease.ts";
import {
  AUTO_PAUSED_PREFIX, DEFAULT_REASON, NOT_IN_PROGRESS, nextStep, ON_RESTART, pluginStatus,
  type Effect, type Given, type ReplicationState, type Step, type Trigger,
} from "../state-machine.ts";
import type { Store } from "../store/db.ts";
import {
  deleteReplication, getReplication, insertReplication, listAllShards, listReplications, listShards, setSettings, setState,
  type NewReplication, type ReplicationRow,
} from "../store/replications.ts";
import { indexNameProblems } from "./index-names.ts";
import { validateLeader } from "./leader-checks.ts";
import { followerStats, leaderStats } from "./replication-stats.ts";

export type StartRequest = components["schemas"]["StartRequest"];
export type Acknowledged = components["schemas"]["Acknowledged"];

export interface ReplicationApi {
  start(followerIndex: string, request: StartRequest, options: { waitForRestore: boolean }): Promise<Acknowledged>;
  stop(followerIndex: string): Promise<Acknowledged>;
  pause(followerIndex: string, reason?: string): Promise<Acknowledged>;
  resume(followerIndex: string): Promise<Acknowledged>;
  update(followerIndex: string, settings: Record<string, unknown>): Promise<Acknowledged>;
  /** Fails over to the follower (core/failover/promote.ts). */
  promote(followerIndex: string, request: PromoteRequest): Promise<PromoteResponse>;
  /** The plugin's `_status` body (reference §4.5). */
  status(followerIndex: string, verbose: boolean): Promise<Record<string, unknown>>;
  followerStats(): Promise<Record<string, unknown>>;
  leaderStats(): Promise<Record<string, unknown>>;
  /** Each shard's lag in seconds (core/follow/replication-lag.ts); undefined while the index is not followed. */
  lagSeconds(followerIndex: string, now: number): number[] | undefined;
  /** True while `index` of ferry's own cluster is a following index (BOOTSTRAPPING, SYNCING, PAUSED or
   * FAILED): writes are refused. */
  isFollowerIndex(index: string): boolean;
  /** Refusal for a write aimed at a following index, or undefined when the index takes writes. */
  writeRefusal(index: string): FerryError | undefined;
  /** The replications that follow backing indices into the follower data stream `name`
   * (docs/data-streams.md), oldest first, as the store has them; empty when none does. */
  streamMembers(name: string): StreamMember[];
}

export interface StreamMember {
  followerIndex: string;
  leaderIndex: string;
  /** The plugin's status of the replication. */
  status: string;
  reason: string;
}

export interface EngineDeps {
  db: Store;
  events: FerryEventBus;
  remotes: RemoteRegistry;
  follower: ClusterConnection;
  settings: Settings;
  snapshotRepository: RepositoryDefinition | undefined;
  /** Who holds the follower leases this engine takes (core/lease/follower-lease.ts). */
  instance: FerryInstance;
  /** Credentials behind `use_roles` role names (config `cluster_roles`). */
  clusterRoles?: Record<string, RemoteAuth>;
}

const ACK: Acknowledged = { acknowledged: true };

type MoveStep = Extract<Step, { do: "move" }>;

interface ChangeOptions {
  /** The reason stored with the new state; DEFAULT_REASON when none is given. */
  reason?: string | null;
  /** Writes the new state where the store records more with it in one transaction (a start's record, a
   * bootstrap's checkpoints), or where another transaction already wrote it (a promote's switch). */
  persist?: () => void;
  given?: Given;
  freshLease?: boolean;
}
/** How long `_status` waits for the follower to say whether the write guard is installed. */
const STATUS_PROBE_TIMEOUT_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** After a fail-back the clusters swap sides, and so do their `use_roles`. */
function reversedRoles(roles: UseRoles | null): UseRoles | null {
  return roles ? { leader_cluster_role: roles.follower_cluster_role, follower_cluster_role: roles.leader_cluster_role } : null;
}

/**
 * The fail-back of a planned promote of `row`: the old leader index follows the promoted one, from where
 * the promotion left both (equal, as the drain verified), without any copy. The old leader's cluster is
 * then the follower, so the proxy does not guard it.
 */
function reverseRow(
  row: ReplicationRow, uuids: { promoted: string; oldLeader: string }, start: ReverseStart[],
): NewReplication {
  const oldLeaderMax = Math.max(-1, ...start.map((s) => s.followerMaxSeqNo));
  return {
    followerIndex: row.leaderIndex, leaderAlias: row.followerAlias ?? LOCAL_CLUSTER, leaderIndex: row.followerIndex,
    state: "SYNCING", reason: DEFAULT_REASON, settings: {}, useRoles: reversedRoles(row.useRoles as UseRoles | null),
    leaderUuid: uuids.promoted, followerUuid: uuids.oldLeader, shardCount: row.shardCount,
    bootstrap: null, followerAlias: row.leaderAlias === LOCAL_CLUSTER ? null : row.leaderAlias, bootstrapKind: "reverse",
    // Above every version the old leader may hold: what ferry once wrote into it, plus its own operations.
    versionOffset: row.leaderVersionCeiling + oldLeaderMax + 1,
    // What the ended replication wrote into the promoted index: versions up to the old leader's last
    // operation, with that replication's own offset.
    leaderVersionCeiling: oldLeaderMax + 1 + row.versionOffset,
  };
}

/** Flattens `{"index":{"number_of_replicas":0}}` and bare keys into `index.*` keys, as index settings are. */
function flattenSettings(settings: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) Object.assign(flat, flattenSettings(value as Record<string, unknown>, name));
    else flat[name.startsWith("index.") ? name : `index.${name}`] = value;
  }
  return flat;
}

export class ReplicationEngine implements ReplicationApi {
  private readonly scheduler: Scheduler;
  private readonly bootstraps: Bootstraps;

  /** Leases per follower cluster (core/lease/follower-lease.ts), keyed by its alias ("" for ferry's own). */
  private readonly leaseSets = new Map<string, FollowerLeases>();
  private readonly clusters: ClusterDirectory;
  private readonly promotions: Promotions;

  constructor(private readonly deps: EngineDeps) {
    this.clusters = new ClusterDirectory(deps.follower, deps.remotes, deps.clusterRoles, () => this.strictRoles());
    deps.events.on("settings:changed", ({ names }) => {
      if (names.includes("ferry.use_roles.strict")) this.failUnconfiguredRoles();
    });
    this.bootstraps = new Bootstraps({
      db: deps.db, events: deps.events, settings: deps.settings, remotes: deps.remotes, follower: deps.follower,
      clusters: this.clusters, snapshotRepository: deps.snapshotRepository,
      bootstrapped: (index, persist) => void this.change("bootstrapped", index, { persist }),
      retrying: (index, reason) => void this.change("retry_bootstrap", index, { reason }),
      failed: (index, reason) => this.markFailed(index, reason),
    });
    this.scheduler = new Scheduler({
      leases: (alias) => this.leasesOn(alias),
      db: deps.db,
      settings: deps.settings,
      clusters: this.clusters,
      events: deps.events,
      onFatal: (index, reason) => this.markFailed(index, reason),
      onLeaderIndexGone: (index, reason) => void this.leaderIndexGone(index, reason),
      onWaiting: (index, reason) => this.markWaiting(index, reason),
    });
    this.promotions = new Promotions({
      db: deps.db, events: deps.events, settings: deps.settings, clusters: this.clusters,
      followForDrain: (index) => this.followForDrain(index),
      putBack: (row) => this.putBack(row),
      requestSweep: (index, shards) => this.scheduler.requestSweep(index, shards),
      halt: (index, abortAfterMs) => this.scheduler.halt(index, abortAfterMs === undefined ? {} : { abortAfterMs }),
      switchRecords: (index, reverseIndex, commit) => this.switchRecords(index, reverseIndex, commit),
      releasePromoted: (row) => this.releasePromoted(row),
      reverseRow: (row, uuids, start) => reverseRow(row, uuids, start),
    });
  }

  private leasesOn(followerAlias: string | null): FollowerLeases {
    const key = followerAlias ?? "";
    let leases = this.leaseSets.get(key);
    if (!leases) {
      leases = new FollowerLeases(this.clusters.follower(followerAlias), this.deps.instance, () => this.deps.settings["ferry.lease.duration"]);
      this.leaseSets.set(key, leases);
    }
    return leases;
  }

  private strictRoles(): boolean {
    return this.deps.settings["ferry.use_roles.strict"] === 1;
  }

  /** Says once that `roles` names roles this ferry has no credential for (they run with ferry's own). */
  private noteRoleFallback(followerIndex: string, roles: Partial<UseRoles> | null | undefined): void {
    const unconfigured = unconfiguredRoles(this.deps.clusterRoles ?? {}, roles);
    // The contract refuses half a pair: a role names both sides.
    if (roles && unconfigured.length && !this.strictRoles()) this.deps.events.emit("replication:use-roles-fallback", { followerIndex, roles: roles as UseRoles, unconfigured });
  }

  /** With strict roles, fails every replication whose `use_roles` names a role without a credential: it
   * would otherwise retry calls that cannot be made as asked. */
  private failUnconfiguredRoles(): void {
    if (!this.strictRoles()) return;
    for (const row of listReplications(this.deps.db)) {
      const field = unconfiguredRoles(this.deps.clusterRoles ?? {}, row.useRoles as UseRoles | null)[0];
      if (row.state === "FAILED" || field === undefined) continue;
      const reason = `use_roles.${field} [${(row.useRoles as UseRoles)[field]}] is not a configured cluster role (cluster_roles) and ferry.use_roles.strict is set`;
      void this.bootstraps.cancel(row.followerIndex);
      if (this.scheduler.isFollowing(row.followerIndex)) this.scheduler.fail(row.followerIndex, reason);
      else this.markFailed(row.followerIndex, reason);
    }
  }

  /** Picks up every persisted replication in the state it was left in, and finishes or rolls back the
   * promotes a previous run left half-way (core/failover/promote-steps.ts). */
  resumeAll(): void {
    this.failUnconfiguredRoles();
    // A fail-back switched just before a stop may not have claimed its lease yet: it may still take the one
    // the ended replication of that index released.
    const reversing = new Set(this.promotions.switchedFailBacks());
    for (const row of listReplications(this.deps.db)) {
      if (row.state !== "FAILED") this.noteRoleFallback(row.followerIndex, row.useRoles as UseRoles | null);
      const step: MoveStep = { do: "move", from: row.state as ReplicationState, to: row.state as ReplicationState, effects: ON_RESTART[row.state as ReplicationState] };
      void this.carryOut(step, row.followerIndex, { freshLease: reversing.has(row.followerIndex) });
    }
    this.promotions.recover();
  }

  async close(): Promise<void> {
    await this.bootstraps.close();
    await this.promotions.close();
    await this.scheduler.close();
    for (const leases of this.leaseSets.values()) leases.close();
  }

  private record(followerIndex: string): ReplicationRow {
    const row = getReplication(this.deps.db, followerIndex);
    if (!row) throw requestErrors.illegalArgument(`No replication in progress for index:${followerIndex}`);
    return row;
  }

  isFollowerIndex(index: string): boolean {
    return getReplication(this.deps.db, index)?.followerAlias === null;
  }

  writeRefusal(index: string): FerryError | undefined {
    return this.isFollowerIndex(index) ? requestErrors.followerWrite(index) : undefined;
  }

  // ---- start and bootstrap ----

  async start(followerIndex: string, request: StartRequest, options: { waitForRestore: boolean }): Promise<Acknowledged> {
    const problems = [...indexNameProblems(followerIndex), ...indexNameProblems(request.leader_index)];
    // A data stream's backing index is named with a dot; it may be followed under such a name once the
    // leader shows the stream holds it (below). Every other name rule still applies.
    const member = followerIndex.startsWith(".ds-") && streamOfBackingName(request.leader_index) !== undefined
      && [...indexNameProblems(followerIndex.slice(1)), ...indexNameProblems(request.leader_index.slice(1))].length === 0;
    if (problems.length && !member) throw requestErrors.validation(problems);
    checkUseRoles(this.deps.clusterRoles ?? {}, request.use_roles, this.strictRoles());
    // The checks already read as the roles: a role that cannot see the leader index fails here.
    const leader = this.clusters.as(this.deps.remotes.connection(request.leader_alias), request.use_roles?.leader_cluster_role);
    if (problems.length && !(await backsDataStream(leader, "leader", request.leader_index))) throw requestErrors.validation(problems);
    const followerStream = member ? streamOfBackingName(followerIndex) : undefined;
    const follower = this.clusters.as(this.deps.follower, request.use_roles?.follower_cluster_role);
    if (followerStream !== undefined && (await indexOrStreamNames(follower, "follower", [followerStream])).has(followerStream)) {
      throw requestErrors.illegalArgument(
        `Cannot follow [${request.leader_index}] into data stream [${followerStream}]: an index or data stream of that name exists on the follower, and ferry makes the name an alias over the followed backing indices (docs/data-streams.md); delete it or name the follower stream otherwise`);
    }
    const meta = await validateLeader(leader, request);
    if (member) await this.copyTemplates(followerIndex, leader, follower, request.leader_index);
    if (await indexMetadata(follower, "follower", followerIndex)) {
      throw requestErrors.illegalArgument(`Cant use same index again for replication. Delete the index:${followerIndex}`);
    }
    if (getReplication(this.deps.db, followerIndex)) {
      // The follower index is gone, so the record is a leftover (e.g. a failed bootstrap): drop it.
      await this.change("stop", followerIndex);
    }
    const overrides = request.settings ? flattenSettings(request.settings) : {};
    const bootstrapKind = chooseBootstrap(
      await clusterEngine(leader, "leader"), await clusterEngine(follower, "follower"),
      this.deps.snapshotRepository !== undefined, this.deps.settings["ferry.bootstrap.search_copy"],
    );
    this.noteRoleFallback(followerIndex, request.use_roles);
    await this.change("start", followerIndex, {
      persist: () => insertReplication(this.deps.db, {
        followerIndex, leaderAlias: request.leader_alias, leaderIndex: request.leader_index, state: "BOOTSTRAPPING",
        reason: DEFAULT_REASON, settings: overrides, useRoles: request.use_roles ?? null, leaderUuid: meta.uuid,
        followerUuid: null, shardCount: meta.numberOfShards, bootstrap: null,
        followerAlias: null, bootstrapKind, versionOffset: 0, leaderVersionCeiling: 0,
      }),
    });
    if (options.waitForRestore) await this.waitUntilFollowing(followerIndex);
    return ACK;
  }


  /** The leader stream's templates, so that streams created on the follower after a failover get them
   * (core/clusters/stream-templates.ts). The start goes on whatever becomes of them; the log says. */
  private async copyTemplates(followerIndex: string, leader: ClusterConnection, follower: ClusterConnection, leaderIndex: string): Promise<void> {
    try {
      const { copied, refused } = await copyStreamTemplates(leader, follower, streamOfBackingName(leaderIndex)!);
      if (copied.length || refused.length) this.deps.events.emit("replication:stream-templates", { followerIndex, copied, refused });
    } catch (err) {
      this.deps.events.emit("replication:stream-templates", { followerIndex, copied: [], refused: [{ template: "*", reason: isFerryError(err) ? err.reason : String(err) }] });
    }
  }

  private async waitUntilFollowing(followerIndex: string): Promise<void> {
    for (;;) {
      const row = getReplication(this.deps.db, followerIndex);
      if (!row) throw requestErrors.illegalArgument(`No replication in progress for index:${followerIndex}`);
      if (row.state === "FAILED") throw requestErrors.generic(`Replication of [${followerIndex}] failed during bootstrap: ${row.reason}`);
      if (row.state !== "BOOTSTRAPPING") return;
      await sleep(200);
    }
  }

  // ---- moves between states (core/state-machine.ts) ----

  /** The step the table gives `trigger` from the replication's stored state (ENDED without a record). */
  private stepFor(trigger: Trigger, followerIndex: string, given?: Given): MoveStep | undefined {
    const stored = getReplication(this.deps.db, followerIndex)?.state as ReplicationState | undefined;
    const step = nextStep(trigger, stored ?? "ENDED", followerIndex, given);
    if (step.do === "refuse") throw step.error;
    return step.do === "move" ? step : undefined;
  }

  /** Every change of a replication's state goes through here. Effects run in the table's order; those that
   * finish at once run before this returns, so a caller that cannot wait sees the state written. */
  private change(trigger: Trigger, followerIndex: string, options: ChangeOptions = {}): Promise<void> | void {
    const step = this.stepFor(trigger, followerIndex, options.given);
    if (step) return this.carryOut(step, followerIndex, options);
  }

  private carryOut(step: MoveStep, followerIndex: string, options: ChangeOptions, from = 0): Promise<void> | void {
    for (let i = from; i < step.effects.length; i++) {
      const pending = this.effect(step.effects[i]!, step, followerIndex, options);
      if (pending) return pending.then(() => this.carryOut(step, followerIndex, options, i + 1));
    }
  }

  private effect(effect: Effect, step: MoveStep, followerIndex: string, options: ChangeOptions): Promise<void> | void {
    switch (effect) {
      case "persist": {
        if (options.persist) options.persist();
        else if (step.to === "ENDED") deleteReplication(this.deps.db, followerIndex);
        else setState(this.deps.db, followerIndex, step.to, options.reason === undefined ? DEFAULT_REASON : options.reason);
        if (step.to === "ENDED") this.deps.events.emit("replication:stopped", { followerIndex });
        else this.deps.events.emit("replication:state", { followerIndex, state: step.to, reason: options.reason === undefined ? DEFAULT_REASON : options.reason });
        return;
      }
      case "bootstrap": return this.bootstraps.run(this.record(followerIndex));
      case "follow": {
        if (!this.scheduler.isFollowing(followerIndex)) this.scheduler.follow(this.record(followerIndex), { freshLease: options.freshLease ?? false });
        return;
      }
      case "halt": return this.scheduler.halt(followerIndex);
      case "end": return this.end(followerIndex);
    }
  }

  private markFailed(followerIndex: string, reason: string): void {
    void this.change("fail", followerIndex, { reason });
  }

  /**
   * A leader index that is gone ends its replication. A data stream's backing index that its stream let go
   * of (core/clusters/data-streams.ts `retiredFromStream`) was retired by the leader's lifecycle: the
   * replication stops and the follower's copy is kept or deleted as `ferry.follower.mirror_index_deletes`
   * says. Anything else, or a leader that cannot be asked, fails the replication and keeps the copy.
   */
  private async leaderIndexGone(followerIndex: string, reason: string): Promise<void> {
    const row = getReplication(this.deps.db, followerIndex);
    if (!row) return;
    const leader = this.clusters.leader(row.leaderAlias, row.useRoles?.leader_cluster_role);
    const retired = await retiredFromStream(leader, "leader", row.leaderIndex).catch(() => false);
    if (!retired) return this.markFailed(followerIndex, reason);
    const mirror = this.deps.settings["ferry.follower.mirror_index_deletes"] === 1;
    try {
      await this.stop(followerIndex);
      if (mirror) await callOptional(this.clusters.follower(row.followerAlias), "follower", { method: "DELETE", path: `/${encodeURIComponent(followerIndex)}` });
    } catch (err) {
      return this.markFailed(followerIndex, `${reason}; ending its replication failed: ${isFerryError(err) ? err.reason : String(err)}`);
    }
    this.deps.events.emit("replication:leader-retired", { followerIndex, leaderIndex: row.leaderIndex, followerCopy: mirror ? "deleted" : "kept" });
  }

  /** A closed leader or follower index pauses following (`reason`) until it reopens (undefined). */
  private markWaiting(followerIndex: string, reason: string | undefined): void {
    if (reason !== undefined) void this.change("index_closed", followerIndex, { reason: `${AUTO_PAUSED_PREFIX}${reason}` });
    else void this.change("index_reopened", followerIndex);
  }

  // ---- pause, resume, stop, update ----

  async pause(followerIndex: string, reason?: string): Promise<Acknowledged> {
    const step = this.stepFor("pause", followerIndex)!;
    if (this.promotions.busy(followerIndex)) throw requestErrors.illegalState(`[${followerIndex}] is being promoted; pause it after the promote ended`, 409);
    await this.carryOut(step, followerIndex, { reason: reason ?? DEFAULT_REASON });
    return ACK;
  }

  async resume(followerIndex: string): Promise<Acknowledged> {
    await this.change("resume", followerIndex);
    return ACK;
  }

  async stop(followerIndex: string): Promise<Acknowledged> {
    const row = this.record(followerIndex);
    await this.change("stop", followerIndex);
    const follower = this.clusters.follower(row.followerAlias);
    if (row.state === "BOOTSTRAPPING" && !(await restoreComplete(follower, followerIndex, row.shardCount))) {
      // A half-restored index is no use to anyone; the plugin deletes it too. A complete one holds what
      // the user may already have read, so it stays.
      await callOptional(follower, "follower", { method: "DELETE", path: `/${encodeURIComponent(followerIndex)}` });
    }
    return ACK;
  }

  /** Ends a replication, up to deleting its record: no cycle or bootstrap step runs after this resolves; the
   * follower index and its data stay, as an ordinary writable index. */
  private async end(followerIndex: string): Promise<void> {
    await this.bootstraps.cancel(followerIndex);
    await this.scheduler.halt(followerIndex);
    const row = getReplication(this.deps.db, followerIndex);
    const followerAlias = row?.followerAlias ?? null;
    await removeGuard(this.clusters.follower(followerAlias), followerIndex);
    // Before the record goes: a ferry whose database still lists this replication must never take the index back.
    if (row?.followerUuid) {
      await this.leasesOn(followerAlias).releaseForGood({ followerIndex, followerUuid: row.followerUuid, replicationId: row.replicationId });
    }
  }

  async promote(followerIndex: string, request: PromoteRequest): Promise<PromoteResponse> {
    const row = this.record(followerIndex);
    if (this.promotions.busy(followerIndex)) throw requestErrors.illegalState(`[${followerIndex}] is being promoted already`, 409);
    return this.promotions.promote(row, request);
  }

  /** A paused replication is followed again while a planned promote drains it (and while a rollback
   * undoes the promote); `putBack` then leaves it as it was. */
  private followForDrain(followerIndex: string): void {
    void this.change("drain", followerIndex);
  }

  /** The last undo of a rolled-back promote: the replication in the state it had before. */
  private async putBack(before: ReplicationRow): Promise<void> {
    const row = getReplication(this.deps.db, before.followerIndex);
    const given = { state: before.state as ReplicationState, unchanged: row?.state === before.state && row?.reason === before.reason };
    await this.change("put_back", before.followerIndex, { given, reason: before.reason });
  }

  /** The promote's switch: `followerIndex` ends in the records, and `reverseIndex`, a fail-back, begins in
   * the same transaction (core/store/promotions.ts). */
  private switchRecords(followerIndex: string, reverseIndex: string | undefined, commit: () => void): void {
    const reverse = reverseIndex === undefined ? undefined : this.stepFor("reverse_began", reverseIndex);
    void this.change("promoted", followerIndex, { persist: commit });
    // Written by `commit` already.
    if (reverse) void this.carryOut(reverse, reverseIndex!, { persist: () => {}, freshLease: true });
  }

  /** After the switch: the promoted index keeps no guard, and its lease is released for good, so that no
   * ferry whose database still lists the ended replication takes it back. */
  private async releasePromoted(row: ReplicationRow): Promise<void> {
    const follower = this.clusters.follower(row.followerAlias);
    await removeGuard(follower, row.followerIndex);
    if (row.followerUuid) {
      await this.leasesOn(row.followerAlias).releaseForGood({ followerIndex: row.followerIndex, followerUuid: row.followerUuid, replicationId: row.replicationId });
    }
  }

  async update(followerIndex: string, settings: Record<string, unknown>): Promise<Acknowledged> {
    this.stepFor("update", followerIndex);
    const row = this.record(followerIndex);
    const body = (settings.settings ?? settings) as Record<string, unknown>;
    const flat = flattenSettings(body);
    // Only dynamic settings can change on an open index; the follower cluster is the judge of that.
    if (row.followerUuid) {
      try {
        const follower = this.clusters.follower(row.followerAlias, (row.useRoles as UseRoles | null)?.follower_cluster_role);
        await call(follower, "follower", { method: "PUT", path: `/${encodeURIComponent(followerIndex)}/_settings`, body: flat });
      } catch (err) {
        throw isFerryError(err) ? requestErrors.illegalArgument(err.reason.replace(/^follower answered \d+: [a-z_]+: /, "")) : err;
      }
    }
    setSettings(this.deps.db, followerIndex, flat);
    return ACK;
  }

  // ---- status and stats ----

  async status(followerIndex: string, verbose: boolean): Promise<Record<string, unknown>> {
    if (!followerIndex) throw requestErrors.validation(["Index name must be specified to obtain replication status"]);
    const row = getReplication(this.deps.db, followerIndex);
    if (!row) return this.streamStatus(followerIndex) ?? { status: NOT_IN_PROGRESS };
    const base: Record<string, unknown> = {
      status: pluginStatus(row.state as ReplicationState),
      reason: row.reason ?? DEFAULT_REASON,
      leader_alias: row.leaderAlias,
      leader_index: row.leaderIndex,
      follower_index: row.followerIndex,
      // ferry extension: which credential each side of `use_roles` runs with.
      ...(row.useRoles ? { use_roles: roleCredentials(this.deps.clusterRoles ?? {}, row.useRoles as UseRoles) } : {}),
    };
    if (row.state === "PAUSED" || row.state === "AUTO_PAUSED" || row.state === "FAILED") return base;
    if (row.state === "BOOTSTRAPPING") {
      const progress = await restoreProgress(this.deps.follower, followerIndex).catch(() => undefined);
      const limit = this.bootstraps.restoreLimit(followerIndex);
      // ferry extension: the follower's recovery limit caps the restore.
      return { ...base, ...(progress ? { bootstrap_details: progress } : {}), ...(limit ? { ferry_restore_limit: limit } : {}) };
    }
    const shards = listShards(this.deps.db, followerIndex);
    const sum = (f: (s: (typeof shards)[number]) => number) => shards.reduce((acc, s) => acc + f(s), 0);
    const result: Record<string, unknown> = {
      ...base,
      // ferry extensions: how the follower is kept read-only, and what delete and foreign-write
      // detection did so far.
      ferry_write_guard: await this.writeGuardShown(row),
      ferry_bootstrap: row.bootstrapKind,
      ...(row.followerAlias !== null ? { ferry_follower_alias: row.followerAlias } : {}),
      deletes_replicated: sum((s) => s.deletesReplicated),
      foreign_writes_repaired: sum((s) => s.foreignWritesRepaired),
      syncing_details: this.syncingDetails(followerIndex),
    };
    const errors = shards.filter((s) => s.lastError);
    if (errors.length) {
      // ferry extension: recoverable errors being retried right now.
      result.ferry_retrying = errors.map((s) => ({ shard: s.shard, retries: s.retries, last_error: s.lastError }));
    }
    if (verbose) {
      result.shard_replication_details = shards.map((s) => ({
        shard_id: `[${followerIndex}][${s.shard}]`,
        syncing_task_details: { leader_checkpoint: s.leaderCheckpoint, follower_checkpoint: reconciled(s), seq_no: s.checkpoint + 1 },
      }));
    }
    return result;
  }

  streamMembers(name: string): StreamMember[] {
    return listReplications(this.deps.db)
      .filter((r) => streamOfBackingName(r.leaderIndex) !== undefined && streamOfBackingName(r.followerIndex) === name)
      .map((r) => ({ followerIndex: r.followerIndex, leaderIndex: r.leaderIndex, status: pluginStatus(r.state as ReplicationState), reason: r.reason ?? DEFAULT_REASON }))
      // Zero-padded generations: name order is age order.
      .sort((a, b) => a.followerIndex.localeCompare(b.followerIndex));
  }

  /**
   * The status of a follower data stream (docs/data-streams.md), asked by its name: the most urgent of its
   * backing indices' replications, their checkpoints summed, each listed. From the store alone: a stream
   * may have hundreds of backing indices. Undefined when no replication follows one into a stream of that name.
   */
  private streamStatus(name: string): Record<string, unknown> | undefined {
    const members = this.streamMembers(name);
    if (members.length === 0) return undefined;
    const urgency = ["FAILED", "PAUSED", "BOOTSTRAPPING"];
    const rank = (status: string) => (urgency.includes(status) ? urgency.indexOf(status) : urgency.length);
    const worst = [...members].sort((a, b) => rank(a.status) - rank(b.status))[0]!;
    const syncing = members.filter((m) => m.status === "SYNCING").map((m) => this.syncingDetails(m.followerIndex));
    const sum = (key: keyof ReturnType<typeof this.syncingDetails>) => syncing.reduce((acc, d) => acc + d[key], 0);
    const first = members[0]!;
    return {
      status: worst.status,
      reason: worst.reason,
      leader_alias: this.record(first.followerIndex).leaderAlias,
      leader_index: streamOfBackingName(first.leaderIndex),
      follower_index: name,
      ...(syncing.length ? { syncing_details: { leader_checkpoint: sum("leader_checkpoint"), follower_checkpoint: sum("follower_checkpoint"), seq_no: sum("seq_no") } } : {}),
      ferry_backing_indices: members.map((m) => ({ leader_index: m.leaderIndex, follower_index: m.followerIndex, status: m.status, reason: m.reason })),
    };
  }

  /** The plugin's `syncing_details` of a replication, its shards summed. */
  private syncingDetails(followerIndex: string): { leader_checkpoint: number; follower_checkpoint: number; seq_no: number } {
    const shards = listShards(this.deps.db, followerIndex);
    const sum = (f: (s: (typeof shards)[number]) => number) => shards.reduce((acc, s) => acc + f(s), 0);
    return { leader_checkpoint: sum((s) => s.leaderCheckpoint), follower_checkpoint: sum(reconciled), seq_no: sum((s) => s.checkpoint + 1) };
  }

  /** Status must answer while the follower does not: it asks briefly, and says so when it cannot tell. */
  private async writeGuardShown(row: ReplicationRow): Promise<"final_pipeline" | "proxy_only" | "unknown"> {
    try {
      const follower = { ...this.clusters.follower(row.followerAlias), timeoutMs: STATUS_PROBE_TIMEOUT_MS };
      return (await guardActive(follower, row.followerIndex)) ? "final_pipeline" : "proxy_only";
    } catch {
      return "unknown";
    }
  }

  lagSeconds(followerIndex: string, now: number): number[] | undefined {
    return this.scheduler.lagSeconds(followerIndex, now);
  }

  /** The plugin's follower_stats from the counters persisted per shard (docs/operations.md, "Stats"). */
  async followerStats(): Promise<Record<string, unknown>> {
    return followerStats(listReplications(this.deps.db), listAllShards(this.deps.db));
  }

  async leaderStats(): Promise<Record<string, unknown>> {
    return leaderStats(listReplications(this.deps.db), listAllShards(this.deps.db));
  }
}
