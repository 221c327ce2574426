// Hands shard tasks to the worker pool and persists their outcomes. One poller per leader cluster reads,
// on every tick and in a fixed number of requests whatever the number of indices, the shard checkpoints
// and the index states of all its followed indices; core/follow/shard-decision.ts then decides per shard
// (follow, sweep, wait) and this file acts on it. Checkpoints are persisted only after a task resolved,
// i.e. after the follower acknowledged its writes.
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { call } from "../clusters/client.ts";
import { tallyRequests, type RequestTally } from "../clusters/request-tally.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { routeKey, type ClusterDirectory, type ReplicationRoute, type UseRoles } from "../config/cluster-directory.ts";
import { indexListChunks } from "../clusters/index-list.ts";
import { indexStates, type IndexState, type MetadataVersions } from "../clusters/index-states.ts";
import { shardCheckpoints, type IndexCheckpoints } from "../clusters/shard-checkpoints.ts";
import type { FollowerLeases, LeaseView } from "../lease/follower-lease.ts";
import { writableUntil } from "../lease/lease-decision.ts";
import { openFollower, syncMetadata } from "./metadata-sync.ts";
import { judgeLeaderHistory } from "./leader-history.ts";
import { engineErrors, isFerryError } from "../errors.ts";
import type { FerryEventBus } from "../events.ts";
import { backoffDelay, type BackoffPolicy } from "./retry-policy.ts";
import {
  afterError, afterFollow, afterSweep, begin, decideShard, foreignNoticed, loadedShard,
  type IndexPhase, type ShardState, type SweepPolicy,
} from "./shard-decision.ts";
import type { Settings } from "../config/settings.ts";
import { reconciled, ShardLag } from "./replication-lag.ts";
import type { Store } from "../store/db.ts";
import {
  getReplication, listShards, recordCycle, recordLeaderCheckpoints, recordLeaderHistory, recordShardError, recordSweep,
  setFollowerClosedByFerry,
  type ReplicationRow, type TaskRequests,
} from "../store/replications.ts";
import type {
  DeleteSweepInput, DeleteSweepResult, ShardFollowInput, ShardFollowResult, ShardTarget, TaskEnvelope, TaskOutcome,
} from "../../workers/protocol.ts";
import { listRegions } from "../store/regions.ts";
import { RunningTasks } from "./shard-tasks.ts";
import { MIN_FORCED_REFRESH_INTERVAL_MS, nothingKnown, observeCopy, refreshDue, refreshedAfter, type Visibility } from "./leader-visibility.ts";

// Run from source (tsx, vitest) this file is .ts and the workers are TypeScript that need the loader; the
// release build (dist/) runs the compiled .js workers with Node alone.
const fromSource = import.meta.url.endsWith(".ts");
const workerFile = (name: string) => new URL(`../../workers/${name}${fromSource ? ".ts" : ".js"}`, import.meta.url).href;
const WORKERS = {
  follow: workerFile("shard-follow"),
  sweep: workerFile("delete-sweep"),
};

interface FollowedIndex {
  followerIndex: string;
  leaderIndex: string;
  leaderUuid: string;
  followerUuid: string;
  /** core/clusters/bulk-body.ts: added to every version written to this follower. */
  versionOffset: number;
  shards: ShardState[];
  /** The leader's global checkpoint as last persisted: written only when it moves, not every tick. */
  leaderCheckpoints: number[];
  /** Each leader shard's history UUID the checkpoints belong to (core/follow/leader-history.ts); undefined until seen. */
  leaderHistories: Array<string | undefined>;
  /** How far each shard is reconciled by sweeps (the store's reconciledCheckpoint), for `lags`. */
  reconciled: number[];
  lags: ShardLag[];
  /** How far each leader shard is known searchable, and on which copy (core/follow/leader-visibility.ts). */
  visibility: Visibility[];
  /** When ferry last refreshed the leader index itself. */
  lastRefreshAt: number;
  phase: IndexPhase;
  /** Until when its shard tasks may write, as ferry's lease on the follower index allows (core/lease/follower-lease.ts). */
  writeWindow: BigInt64Array;
  /** The lease problem last recorded as the shards' error, so that it is recorded once, not every tick. */
  leaseError: string | undefined;
  /** Leader metadata versions the follower matches; unknown until the first sync after (re)start. */
  metadata: MetadataVersions | undefined;
  /** The follower's own metadata versions as first seen after ferry's last sync: when they move, someone
   * else changed the follower's mapping, settings or aliases. */
  followerVersions: MetadataVersions | undefined;
  /** ferry closed the follower for a static setting and has not opened it again yet (the open failed):
   * the index is ferry's to open, not one someone else closed to wait for. */
  reopenOwed: boolean;
}

export interface SchedulerDeps {
  db: Store;
  events: FerryEventBus;
  settings: Settings;
  clusters: ClusterDirectory;
  /** The leases on one follower cluster (null: ferry's own). */
  leases(followerAlias: string | null): FollowerLeases;
  /** A fatal error ended this replication; the scheduler has already let go of it. */
  onFatal(followerIndex: string, reason: string): void;
  /** The leader index is gone (`reason` says so); the scheduler has already let go of it. */
  onLeaderIndexGone(followerIndex: string, reason: string): void;
  /** Following waits (`reason`: a closed index, another instance's lease), or goes on after the wait. */
  onWaiting(followerIndex: string, reason: string | undefined): void;
}

/** How often an idle poller re-checks the follower indices (existence, closed, foreign operations). */
const FOLLOWER_CHECK_MS = 5_000;

const closedReason = (side: "leader" | "follower", index: string) =>
  `${side} index [${index}] is closed; following resumes by itself when it is reopened`;

const sameVersions = (a: MetadataVersions, b: MetadataVersions) =>
  a.mapping === b.mapping && a.settings === b.settings && a.aliases === b.aliases;

/** Another instance holds the lease: following waits, visibly, until it runs out. */
const heldElsewhere = (followerIndex: string, lease: { holder: string; expiresAt: number }) =>
  `follower index [${followerIndex}] is followed by another ferry instance (${lease.holder}) whose lease runs until ${new Date(lease.expiresAt).toISOString()}; this one takes over if that lease runs out`;

/** This instance's own lease is not confirmed (the follower did not answer the renewal, or not in time):
 * an error being retried, as any other of the follower's, not a change of state. */
function unconfirmedLease(followerIndex: string, lease: LeaseView, durationMs: number, now: number): string | undefined {
  if (lease.state === "unrenewed") return `ferry could not renew its lease on follower index [${followerIndex}] (${lease.reason}); it writes again once it can`;
  if (lease.state === "held" && now >= writableUntil(lease.expiresAt, durationMs)) {
    return `ferry's lease on follower index [${followerIndex}] runs out before it could renew it; it writes again once it can`;
  }
  return undefined;
}

/** The leader copy a task reads: the one whose refreshes were watched, when known. */
const leaderCopy = (v: Visibility): { leaderNode?: string } => (v.node === undefined ? {} : { leaderNode: v.node });

/** What one poll did: started a task, and when a refresh ferry holds back becomes allowed. */
interface PollOutcome {
  started: boolean;
  /** Epoch ms of the earliest refresh a shard with operations to copy waits for (refresh_wait, or the
   * least interval between two refreshes of an index); undefined when none waits. */
  refreshAt: number | undefined;
}

/** Polls one leader cluster for the indices it replicates into one follower cluster. */
class LeaderPoller {
  readonly indices = new Map<string, FollowedIndex>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastFollowerCheck = 0;
  private attempts = 0;
  /** Polls in a row that started no task. */
  private quietPolls = 0;
  /** When the next tick is due; a task that left work behind brings it forward (`wake`). */
  private nextTickAt = 0;
  /** `wake` came while a tick ran: that tick schedules the next one soon. */
  private woken = false;
  /** Follower indices found closed by the last follower check. */
  private readonly closedFollowers = new Set<string>();

  constructor(readonly route: ReplicationRoute, private readonly scheduler: Scheduler) {}

  private get leader(): ClusterConnection {
    return this.scheduler.deps.clusters.leader(this.route.leaderAlias, this.route.roles?.leader_cluster_role);
  }

  private get follower(): ClusterConnection {
    return this.scheduler.deps.clusters.follower(this.route.followerAlias, this.route.roles?.follower_cluster_role);
  }

  start(): void {
    if (!this.timer && !this.ticking) this.schedule(0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.nextTickAt = Date.now() + ms;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  /** A task ended with more to do at once (a cycle stopped at its batch size, a sweep held a cycle back):
   * the next poll comes after poll_interval, not after the pause a quiet leader gets. */
  wake(): void {
    const soon = this.scheduler.deps.settings["plugins.replication.follower.poll_interval"];
    if (this.ticking) this.woken = true;
    else if (this.timer && this.nextTickAt - Date.now() > soon) {
      clearTimeout(this.timer);
      this.schedule(soon);
    }
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.indices.size === 0) return;
    this.ticking = true;
    const { settings } = this.scheduler.deps;
    let delay = settings["plugins.replication.follower.poll_interval"];
    try {
      const started = Date.now();
      const { tally, result } = await tallyRequests(() => this.poll());
      // A poll that starts nothing is followed by a longer pause (each poll reads shard stats and cluster
      // state of every followed index), up to idle_poll_max; the first task started brings the short
      // interval back. Cycles that are running do not keep the leader asked every poll_interval: one that
      // ends with more to do wakes the poller. Operations that wait for a refresh ferry holds back
      // cannot be copied before it, so the pause goes straight to it (within idle_poll_max).
      const outcome = result.status === "fulfilled" ? result.value : undefined;
      this.quietPolls = outcome && !outcome.started ? this.quietPolls + 1 : 0;
      const longest = Math.max(delay, settings["ferry.leader.idle_poll_max"]);
      const ramp = Math.min(delay * 2 ** Math.min(this.quietPolls, 16), longest);
      delay = outcome?.refreshAt !== undefined && this.quietPolls > 0 ? Math.max(ramp, Math.min(outcome.refreshAt - Date.now(), longest)) : ramp;
      if (this.woken) delay = settings["plugins.replication.follower.poll_interval"];
      this.woken = false;
      this.scheduler.deps.events.emit("leader:polled", {
        leaderAlias: this.route.leaderAlias, durationMs: Date.now() - started, ok: result.status === "fulfilled", requests: tally,
      });
      if (result.status === "rejected") throw result.reason;
      this.attempts = 0;
    } catch (err) {
      // The leader or the follower cannot be read: every shard of this leader shows it, and the poller backs off.
      this.attempts++;
      const reason = isFerryError(err) ? err.reason : String(err);
      for (const index of this.indices.values()) {
        index.shards.forEach((_, shard) => {
          recordShardError(this.scheduler.deps.db, index.followerIndex, shard, reason);
          this.scheduler.deps.events.emit("shard:error", {
            followerIndex: index.followerIndex, shard, task: "poll", type: isFerryError(err) ? err.type : "exception", reason, retryable: true,
          });
        });
      }
      delay = backoffDelay(this.scheduler.backoff, this.attempts);
    } finally {
      this.ticking = false;
    }
    if (this.indices.size > 0) this.schedule(delay);
  }

  private following(index: FollowedIndex): boolean {
    return this.indices.get(index.followerIndex) === index;
  }

  private async poll(): Promise<PollOutcome> {
    const { deps } = this.scheduler;
    const { leader } = this;
    const followed = [...this.indices.values()];
    const names = followed.map((f) => f.leaderIndex);
    // Checkpoints first, metadata second: every operation at or below a checkpoint read here has its
    // mapping in the metadata read after it.
    const checkpoints = await shardCheckpoints(leader, "leader", names);
    const states = await indexStates(leader, "leader", names);
    const now = Date.now();
    if (now - this.lastFollowerCheck > FOLLOWER_CHECK_MS) {
      this.lastFollowerCheck = now;
      await this.checkFollowers(followed);
    }
    const policy: SweepPolicy = {
      interval: deps.settings["ferry.follower.delete_check_interval"],
      maxDelay: deps.settings["ferry.follower.delete_max_delay"],
      // What one page of the next cycle would copy: a shard this close is following a steady stream.
      smallLag: deps.settings["ferry.follower.search_page_size"],
    };
    const wait = deps.settings["ferry.leader.refresh_wait"];
    const judged: Array<{ index: FollowedIndex; stats: IndexCheckpoints | undefined }> = [];
    const leaderCheckpoints: Array<{ followerIndex: string; shard: number; leaderCheckpoint: number }> = [];
    const toRefresh: FollowedIndex[] = [];
    for (const index of followed) {
      if (!this.judgeIndex(index, states.get(index.leaderIndex), now)) continue;
      const stats = checkpoints.get(index.leaderIndex);
      if (!this.historyKept(index, stats)) continue;
      judged.push({ index, stats });
      let refresh = false;
      index.shards.forEach((state, shard) => {
        const copy = stats?.shards[shard];
        const target = copy?.globalCheckpoint;
        if (target !== undefined && target > (index.leaderCheckpoints[shard] ?? -1)) {
          leaderCheckpoints.push({ followerIndex: index.followerIndex, shard, leaderCheckpoint: target });
          index.leaderCheckpoints[shard] = target;
        }
        if (target !== undefined) index.lags[shard]!.leaderAt(target, now);
        index.visibility[shard] = observeCopy(index.visibility[shard]!, copy, state.checkpoint, now);
        refresh ||= refreshDue(index.visibility[shard]!, state.checkpoint, now, wait, index.lastRefreshAt);
      });
      if (refresh && index.phase === "following") toRefresh.push(index);
    }
    // The leader checkpoints of the whole poll in one transaction: one sync to disk, not one per shard.
    recordLeaderCheckpoints(deps.db, leaderCheckpoints);
    if (toRefresh.length > 0) await this.refreshLeader(toRefresh, checkpoints);
    const due: Array<{ index: FollowedIndex; shard: number; target: number }> = [];
    let started = false;
    for (const { index, stats } of judged) {
      // Halted during the refresh: a promote or pause awaits only the tasks it saw.
      if (!this.following(index)) continue;
      index.shards.forEach((state, shard) => {
        const leaderCheckpoint = stats?.shards[shard]?.globalCheckpoint;
        // Never beyond what a search of the leader is known to show (core/follow/leader-visibility.ts).
        const target = leaderCheckpoint === undefined ? undefined : Math.min(leaderCheckpoint, Math.max(index.visibility[shard]!.searchable, state.checkpoint));
        const decision = decideShard(state, index.phase, target, now, policy);
        if (decision.do === "sweep") {
          started = true;
          this.scheduler.runSweep(this.route, index, shard);
        } else if (decision.do === "follow") due.push({ index, shard, target: decision.target });
      });
    }
    const refreshAt = this.heldRefresh(judged.map((j) => j.index), wait);
    if (due.length === 0) return { started, refreshAt };
    const dueIndices = [...new Set(due.map((d) => d.index))];
    // A bulk write into a deleted follower index would create it anew: look right before writing.
    await this.checkFollowers(dueIndices);
    for (const { index, shard, target } of due) {
      // Looked at again after the follower check: a halt meanwhile (a promote, a pause) let go of the
      // index and awaits only the tasks it saw, so a cycle started now could write after the promote answered.
      if (this.following(index) && !this.closedFollowers.has(index.followerIndex)) this.scheduler.runCycle(this.route, index, shard, target);
    }
    return { started: true, refreshAt };
  }

  /** When the earliest refresh that a shard with operations to copy waits for becomes allowed. */
  private heldRefresh(indices: FollowedIndex[], wait: number): number | undefined {
    let at: number | undefined;
    for (const index of indices) {
      if (index.phase !== "following") continue;
      index.shards.forEach((state, shard) => {
        const waiting = index.visibility[shard]!.waiting;
        if (!waiting || waiting.checkpoint <= state.checkpoint) return;
        const allowed = Math.max(waiting.since + wait, index.lastRefreshAt + MIN_FORCED_REFRESH_INTERVAL_MS);
        at = at === undefined ? allowed : Math.min(at, allowed);
      });
    }
    return at;
  }

  /** Fails, pauses, resumes or metadata-syncs the index as its states say; true when its shards may be
   * considered this tick. */
  private judgeIndex(index: FollowedIndex, leaderState: IndexState | undefined, now: number): boolean {
    const { deps } = this.scheduler;
    if (!this.following(index)) return false;
    if (!leaderState) {
      this.scheduler.leaderGone(index);
      return false;
    }
    if (leaderState.uuid !== index.leaderUuid) {
      this.scheduler.fail(index.followerIndex,
        `leader index [${index.leaderIndex}] was deleted and re-created (uuid ${index.leaderUuid} → ${leaderState.uuid}); its sequence numbers started again, so the follower cannot continue`);
      return false;
    }
    if (index.phase === "syncing-metadata") return true;
    const leases = deps.leases(this.route.followerAlias);
    const lease = leases.view(index.followerIndex);
    // Not claimed yet (the lease timer runs apart from this poll): nothing is written, nothing reported.
    if (lease.state === "unknown") return false;
    if (lease.state === "ended") {
      // Stopped or promoted by another ferry, or taken by a newer replication: this record is stale for good.
      this.scheduler.fail(index.followerIndex, lease.reason);
      return false;
    }
    const unconfirmed = unconfirmedLease(index.followerIndex, lease, leases.durationMs, now);
    if (unconfirmed) {
      if (index.leaseError !== unconfirmed) index.shards.forEach((_, shard) => recordShardError(deps.db, index.followerIndex, shard, unconfirmed));
      index.leaseError = unconfirmed;
      return false;
    }
    index.leaseError = undefined;
    if (index.reopenOwed) {
      void this.reopenFollower(index);
      return true;
    }
    const waitFor = !leaderState.open ? closedReason("leader", index.leaderIndex)
      : this.closedFollowers.has(index.followerIndex) ? closedReason("follower", index.followerIndex)
      : lease.state === "waiting" ? heldElsewhere(index.followerIndex, lease) : undefined;
    if (waitFor) {
      if (index.phase !== "waiting") {
        index.phase = "waiting";
        deps.onWaiting(index.followerIndex, waitFor);
      }
      return true;
    }
    if (index.phase === "waiting") {
      index.phase = "following";
      // A reopened index may have changed its static settings, another instance may have changed
      // anything: compare everything again.
      index.metadata = undefined;
      deps.onWaiting(index.followerIndex, undefined);
    }
    // Versions only: a periodic full comparison would cost every index a few leader requests per period,
    // which at a thousand indices is most of what an idle ferry sends.
    if (!index.metadata || !sameVersions(index.metadata, leaderState.versions)) this.syncMetadata(index, index.metadata, leaderState.versions);
    return true;
  }

  /**
   * Mapping, settings and aliases, before any further document of the index is written. No task of the
   * index runs meanwhile: a static setting closes the follower, and a cycle or sweep must not meet that.
   */
  private syncMetadata(index: FollowedIndex, synced: MetadataVersions | undefined, versions: MetadataVersions): void {
    // The last sync is still letting go of its slot: the next tick looks again.
    if (this.scheduler.tasks.busy(index.followerIndex, "metadata")) return;
    index.phase = "syncing-metadata";
    this.scheduler.tasks.run(index.followerIndex, "metadata", () => this.applyMetadata(index, synced, versions));
  }

  private async applyMetadata(index: FollowedIndex, synced: MetadataVersions | undefined, versions: MetadataVersions): Promise<void> {
    const { deps } = this.scheduler;
    try {
      await this.scheduler.tasks.settled(index.followerIndex, "metadata");
      const row = getReplication(deps.db, index.followerIndex);
      if (!row || !this.following(index)) return;
      index.metadata = await syncMetadata({
        leader: this.leader, follower: this.follower,
        leaderIndex: index.leaderIndex, followerIndex: index.followerIndex, overrides: row.settings,
        onFollowerClosed: () => this.owesReopen(index, true),
      }, versions, synced);
      index.followerVersions = undefined;
      this.owesReopen(index, false);
    } catch (err) {
      const reason = isFerryError(err) ? err.reason : String(err);
      if (isFerryError(err) && !err.retryable) {
        this.scheduler.fail(index.followerIndex, reason);
        return;
      }
      // Tried again on the next tick, since the versions still differ.
      index.shards.forEach((_, shard) => recordShardError(deps.db, index.followerIndex, shard, `metadata sync: ${reason}`));
    } finally {
      if (index.phase === "syncing-metadata") index.phase = "following";
    }
  }

  /** False when a leader shard's history went back (a snapshot restored over the index): the replication
   * then fails, since the checkpoints no longer say what the follower lacks. Reads only what the poll
   * already read. */
  private historyKept(index: FollowedIndex, stats: IndexCheckpoints | undefined): boolean {
    for (const [shard, state] of index.shards.entries()) {
      const verdict = judgeLeaderHistory(
        { leaderIndex: index.leaderIndex, followerIndex: index.followerIndex, shard },
        { recorded: index.leaderHistories[shard], checkpoint: state.checkpoint }, stats?.shards[shard],
      );
      if (verdict.kind === "went-back") {
        this.scheduler.fail(index.followerIndex, verdict.reason);
        return false;
      }
      if (verdict.kind === "learned") {
        recordLeaderHistory(this.scheduler.deps.db, index.followerIndex, shard, verdict.historyUuid);
        index.leaderHistories[shard] = verdict.historyUuid;
      }
    }
    return true;
  }

  /** Opens the follower ferry closed for a static setting, after that open failed; tried on every poll
   * until it succeeds. The metadata is then compared in full: the setting may not have been applied. */
  private async reopenFollower(index: FollowedIndex): Promise<void> {
    const { deps } = this.scheduler;
    const wasWaiting = index.phase === "waiting";
    index.phase = "syncing-metadata";
    try {
      await openFollower(this.follower, index.followerIndex);
      this.owesReopen(index, false);
      index.metadata = undefined;
      if (wasWaiting) deps.onWaiting(index.followerIndex, undefined);
    } catch (err) {
      if (isFerryError(err) && !err.retryable) {
        this.scheduler.fail(index.followerIndex, err.reason);
        return;
      }
      const reason = `ferry closed follower index [${index.followerIndex}] for a static setting and could not open it again; it tries again: ${isFerryError(err) ? err.reason : String(err)}`;
      index.shards.forEach((_, shard) => recordShardError(deps.db, index.followerIndex, shard, reason));
    } finally {
      if (index.phase === "syncing-metadata") index.phase = "following";
    }
  }

  /** Persisted, so that a ferry restarted between its close and its open still opens the follower. */
  private owesReopen(index: FollowedIndex, owed: boolean): void {
    if (index.reopenOwed === owed) return;
    index.reopenOwed = owed;
    setFollowerClosedByFerry(this.scheduler.deps.db, index.followerIndex, owed);
  }

  /**
   * Refreshes leader indices whose new operations the leader's own refreshes did not show in time: every
   * operation at or below the checkpoints this poll read is then searchable on every copy. An index whose
   * answer shows a failed shard learns nothing (its shards follow what was known before).
   */
  private async refreshLeader(indices: FollowedIndex[], checkpoints: Map<string, IndexCheckpoints>): Promise<void> {
    const byName = new Map(indices.map((i) => [i.leaderIndex, i]));
    const started = Date.now();
    for (const index of indices) index.lastRefreshAt = started;
    for (const list of indexListChunks([...byName.keys()])) {
      const res = await call(this.leader, "leader", { method: "POST", path: `/${list}/_refresh`, querystring: { ignore_unavailable: true } });
      const failed = new Set(((res?._shards?.failures ?? []) as Array<{ index?: string }>).map((f) => f.index));
      const partial = (res?._shards?.failed ?? 0) > 0 && failed.size === 0;
      for (const name of list.split(",").map(decodeURIComponent)) {
        const index = byName.get(name);
        if (!index || partial || failed.has(name) || !this.following(index)) continue;
        const shards = checkpoints.get(name)?.shards ?? [];
        index.visibility = index.visibility.map((v, shard) => {
          const read = shards[shard]?.globalCheckpoint;
          return read === undefined ? v : refreshedAfter(v, read);
        });
      }
    }
  }

  private async checkFollowers(indices: FollowedIndex[]): Promise<void> {
    const names = indices.map((i) => i.followerIndex);
    const [checkpoints, states] = await Promise.all([
      shardCheckpoints(this.follower, "follower", names),
      indexStates(this.follower, "follower", names),
    ]);
    for (const index of indices) {
      const state = states.get(index.followerIndex);
      this.closedFollowers.delete(index.followerIndex);
      if (!this.following(index)) continue;
      if (state === undefined) this.scheduler.fail(index.followerIndex, engineErrors.indexGone("follower", index.followerIndex).reason);
      else if (state.uuid !== index.followerUuid) {
        this.scheduler.fail(index.followerIndex, `follower index [${index.followerIndex}] was deleted and re-created outside ferry; replication ended`);
      } else if (!state.open) {
        // Closed by ferry for a static setting (then the index is syncing metadata), or by someone else.
        if (index.phase !== "syncing-metadata" && !index.reopenOwed) this.closedFollowers.add(index.followerIndex);
      } else {
        this.noticeForeignMetadata(index, state.versions);
        this.noticeForeignOperations(index, checkpoints.get(index.followerIndex));
      }
    }
  }

  /** A follower whose own metadata versions moved since ferry's last sync was changed by someone else:
   * everything is compared with the leader again. */
  private noticeForeignMetadata(index: FollowedIndex, versions: MetadataVersions): void {
    if (index.phase === "syncing-metadata") return;
    if (!index.followerVersions) index.followerVersions = versions;
    else if (!sameVersions(index.followerVersions, versions)) {
      index.metadata = undefined;
      index.followerVersions = undefined;
    }
  }

  /** Every operation takes a follower sequence number; one beyond ferry's own writes is someone else's
   * (deletes and partial updates pass the write guard). The next sweep then repairs from the leader. */
  private noticeForeignOperations(index: FollowedIndex, stats: IndexCheckpoints | undefined): void {
    index.shards.forEach((state, shard) => {
      if (state.activity.kind === "following" || state.activity.kind === "sweeping") return;
      const followerMax = stats?.shards[shard]?.maxSeqNo;
      if (followerMax === undefined) return;
      const ownMax = Math.max(-1, ...listRegions(this.scheduler.deps.db, index.followerIndex, shard).map((r) => r.followerTo));
      if (followerMax > ownMax) index.shards[shard] = foreignNoticed(state, Date.now());
    });
  }
}

export class Scheduler {
  private readonly pool: Piscina;
  private readonly pollers = new Map<string, LeaderPoller>();
  /** Every task of every index, followed or halted: at most one per shard, whatever the pollers do. */
  readonly tasks = new RunningTasks();
  /** Indices to follow once the tasks of their halted following have ended. */
  private readonly followsDue = new Set<string>();

  constructor(readonly deps: SchedulerDeps) {
    this.pool = new Piscina({
      filename: WORKERS.follow,
      // The TypeScript workers need tsx's loader even when the embedding process has none; compiled ones do not.
      execArgv: fromSource ? ["--import", "tsx"] : [],
      maxThreads: deps.settings["ferry.pool.max_threads"],
      minThreads: 1,
      // Piscina ends an idle thread at once by default, and a new one reloads every module: measured by
      // npm run bench, that churn was half of ferry's CPU under a steady stream of writes.
      idleTimeout: 60_000,
      // Cycles wait on HTTP most of the time; a thread can interleave several.
      concurrentTasksPerWorker: 8,
    });
  }

  private pollerOf(route: ReplicationRoute): LeaderPoller | undefined {
    return this.pollers.get(routeKey(route));
  }

  /** Read at every retry: the bounds are live settings. */
  get backoff(): BackoffPolicy {
    return {
      initialMs: this.deps.settings["ferry.retry.initial_backoff"],
      maxMs: this.deps.settings["ferry.retry.max_backoff"],
      factor: 2,
      jitter: 0.2,
    };
  }

  /** `freshLease`: a replication created here just now, which may take a lease an older replication of
   * the index released (a fail-back into an index that once followed). */
  follow(row: ReplicationRow, options: { freshLease?: boolean } = {}): void {
    if (!row.followerUuid) throw new Error(`replication [${row.followerIndex}] has no follower uuid yet`);
    if (this.tasks.busy(row.followerIndex)) {
      // A halt let go of the index while its tasks still run (a resume during a slow pause): following
      // starts once they ended, from the checkpoints they persisted, so no shard ever has two writers.
      this.followsDue.add(row.followerIndex);
      void this.tasks.settled(row.followerIndex).then(() => {
        if (!this.followsDue.delete(row.followerIndex)) return;
        const current = getReplication(this.deps.db, row.followerIndex);
        if (current) this.follow(current, options);
      });
      return;
    }
    // Replications with other roles poll apart: each reads as its own role.
    const route: ReplicationRoute = { leaderAlias: row.leaderAlias, followerAlias: row.followerAlias, roles: row.useRoles as UseRoles | null };
    let poller = this.pollers.get(routeKey(route));
    if (!poller) {
      poller = new LeaderPoller(route, this);
      this.pollers.set(routeKey(route), poller);
    }
    const rows = listShards(this.deps.db, row.followerIndex);
    const now = Date.now();
    const writeWindow = this.deps.leases(row.followerAlias).watch(
      { followerIndex: row.followerIndex, followerUuid: row.followerUuid, replicationId: row.replicationId }, { fresh: options.freshLease ?? false });
    poller.indices.set(row.followerIndex, {
      followerIndex: row.followerIndex, leaderIndex: row.leaderIndex,
      leaderUuid: row.leaderUuid, followerUuid: row.followerUuid, versionOffset: row.versionOffset,
      shards: rows.map((s) => loadedShard(s.checkpoint, now)),
      leaderCheckpoints: rows.map((s) => s.leaderCheckpoint),
      leaderHistories: rows.map((s) => s.leaderHistoryUuid ?? undefined),
      reconciled: rows.map((s) => s.reconciledCheckpoint),
      lags: rows.map((s) => new ShardLag(reconciled(s))),
      visibility: rows.map(() => nothingKnown()), lastRefreshAt: 0,
      // A replication that was waiting for a reopen says so again at once if the index is still closed.
      phase: row.state === "AUTO_PAUSED" ? "waiting" : "following",
      writeWindow, leaseError: undefined, metadata: undefined, followerVersions: undefined, reopenOwed: row.followerClosedByFerry,
    });
    poller.start();
  }

  /**
   * Stops following and resolves once no task of that index is running any more, also those of an
   * earlier halt. Tasks still running after `abortAfterMs` are cancelled: they stop reading at once and
   * start no write, but a write already sent is waited for, so that none can land after this resolves.
   */
  async halt(followerIndex: string, options: { abortAfterMs?: number } = {}): Promise<void> {
    this.followsDue.delete(followerIndex);
    const aliases = new Set<string | null>();
    for (const poller of this.pollers.values()) {
      if (!poller.indices.delete(followerIndex)) continue;
      aliases.add(poller.route.followerAlias);
      if (poller.indices.size === 0) poller.stop();
    }
    const { abortAfterMs } = options;
    const timer = abortAfterMs === undefined ? undefined : setTimeout(() => this.tasks.cancel(followerIndex), abortAfterMs);
    await this.tasks.settled(followerIndex);
    clearTimeout(timer);
    // Once its tasks ended: a pause or stop lets the cycle in flight finish rather than fail it. A resume
    // meanwhile follows it again under the same lease.
    if (!this.isFollowing(followerIndex)) for (const alias of aliases) this.deps.leases(alias).unwatch(followerIndex);
  }

  /** Makes the next sweep of these shards compare both ways (ids and counts), as after a foreign write. */
  requestSweep(followerIndex: string, shards: number[]): void {
    for (const poller of this.pollers.values()) {
      const index = poller.indices.get(followerIndex);
      for (const shard of shards) if (index?.shards[shard]) index.shards[shard] = foreignNoticed(index.shards[shard]!, Date.now());
    }
  }

  /** Each shard's lag in seconds (core/follow/replication-lag.ts); undefined when the index is not followed. */
  lagSeconds(followerIndex: string, now: number): number[] | undefined {
    for (const poller of this.pollers.values()) {
      const index = poller.indices.get(followerIndex);
      if (index) return index.lags.map((lag) => lag.seconds(now));
    }
    return undefined;
  }

  isFollowing(followerIndex: string): boolean {
    return this.followsDue.has(followerIndex) || [...this.pollers.values()].some((p) => p.indices.has(followerIndex));
  }

  fail(followerIndex: string, reason: string): void {
    this.letGo(followerIndex);
    this.deps.onFatal(followerIndex, reason);
  }

  /** The leader index is gone: the engine decides whether that ends or fails the replication (once, whether
   * the poll or a task saw it first). */
  leaderGone(index: FollowedIndex): void {
    if (!this.isFollowing(index.followerIndex)) return;
    this.letGo(index.followerIndex);
    this.deps.onLeaderIndexGone(index.followerIndex, engineErrors.indexGone("leader", index.leaderIndex).reason);
  }

  /** Stops polling for the index; tasks that run end on their own. */
  letGo(followerIndex: string): void {
    this.followsDue.delete(followerIndex);
    for (const poller of this.pollers.values()) {
      if (poller.indices.delete(followerIndex)) this.deps.leases(poller.route.followerAlias).unwatch(followerIndex);
    }
  }

  private target(route: ReplicationRoute, index: FollowedIndex, shard: number): ShardTarget {
    return {
      leader: this.deps.clusters.leader(route.leaderAlias, route.roles?.leader_cluster_role),
      follower: this.deps.clusters.follower(route.followerAlias, route.roles?.follower_cluster_role),
      versionOffset: index.versionOffset,
      writeWindow: index.writeWindow,
      leaderIndex: index.leaderIndex,
      followerIndex: index.followerIndex,
      shard,
    };
  }

  runCycle(route: ReplicationRoute, index: FollowedIndex, shard: number, target: number): void {
    const { deps } = this;
    const input: ShardFollowInput = {
      ...this.target(route, index, shard),
      checkpoint: index.shards[shard]!.checkpoint,
      target,
      ...leaderCopy(index.visibility[shard]!),
      pageSize: deps.settings["ferry.follower.search_page_size"],
      maxOps: deps.settings["plugins.replication.follower.index.ops_batch_size"],
      bulkMaxBytes: deps.settings["ferry.follower.bulk_max_bytes"],
    };
    this.runTask<ShardFollowResult>("follow", route, input, index, shard, (result, { requests, tally }) => {
      const leader = tally.leader, follower = tally.follower;
      const { gap } = recordCycle(deps.db, index.followerIndex, shard, {
        ...result, from: input.checkpoint, leaderCheckpoint: target, requests,
        bytesRead: leader?.bytesReceived ?? 0, readTimeMs: leader?.timeMs ?? 0,
        batches: follower?.requests ?? 0, bytesWritten: follower?.bytesSent ?? 0,
      });
      deps.events.emit("shard:batch-applied", { followerIndex: index.followerIndex, shard, checkpoint: result.checkpoint, opsWritten: result.opsWritten });
      const written = result.followerSeqNos;
      // A gap, someone else's sequence numbers between ours, or a newer version already on the follower.
      const foreignSeen = gap || result.conflicts > 0 || (written !== undefined && written.to - written.from + 1 > result.opsWritten);
      if (result.checkpoint < target) this.pollerOf(route)?.wake();
      return afterFollow(index.shards[shard]!, { checkpoint: result.checkpoint, foreignSeen }, Date.now());
    });
  }

  runSweep(route: ReplicationRoute, index: FollowedIndex, shard: number): void {
    const { deps } = this;
    const state = index.shards[shard]!;
    const input: DeleteSweepInput = {
      ...this.target(route, index, shard),
      checkpoint: state.checkpoint,
      ...leaderCopy(index.visibility[shard]!),
      checkpointSearchable: index.visibility[shard]!.searchable >= state.checkpoint,
      regions: listRegions(deps.db, index.followerIndex, shard),
      leafSize: deps.settings["ferry.follower.delete_leaf_size"],
      foreignSuspected: state.followerMayBeShort,
      scanAfter: state.scanAfter,
      scanSize: deps.settings["ferry.follower.missing_scan_size"],
      pageSize: deps.settings["ferry.follower.search_page_size"],
      bulkMaxBytes: deps.settings["ferry.follower.bulk_max_bytes"],
    };
    this.runTask<DeleteSweepResult>("sweep", route, input, index, shard, (result, { requests, durationMs }) => {
      recordSweep(deps.db, index.followerIndex, shard, { ...result, checkpoint: input.checkpoint, requests });
      if (result.complete) {
        index.reconciled[shard] = Math.max(index.reconciled[shard]!, input.checkpoint);
        index.lags[shard]!.followerAt(reconciled({ checkpoint: index.shards[shard]!.checkpoint, reconciledCheckpoint: index.reconciled[shard]! }));
      }
      if (result.deleted || result.foreignRepaired) {
        deps.events.emit("shard:reconciled", { followerIndex: index.followerIndex, shard, deleted: result.deleted, foreignRepaired: result.foreignRepaired });
      }
      deps.events.emit("shard:swept", { followerIndex: index.followerIndex, shard, durationMs });
      // Cycles of this shard may have waited behind the sweep.
      this.pollerOf(route)?.wake();
      return afterSweep(index.shards[shard]!, result, Date.now());
    });
  }

  /** Runs one task of a shard in the pool; exactly one per shard is in flight (core/follow/shard-tasks.ts). */
  private runTask<T>(
    task: "follow" | "sweep", route: ReplicationRoute, input: ShardFollowInput | DeleteSweepInput, index: FollowedIndex, shard: number,
    onSuccess: (result: T, cost: { tally: RequestTally; requests: TaskRequests; durationMs: number }) => ShardState,
  ): void {
    const { deps } = this;
    index.shards[shard] = begin(index.shards[shard]!, task);
    const started = Date.now();
    this.tasks.run(index.followerIndex, shard, (cancelled) => {
      // Cancelled through a port of its own, not piscina's `signal`: piscina ends a task's thread to abort
      // it (and every other task on that thread), and runs a task with a signal alone on its thread.
      const { port1, port2 } = new MessageChannel();
      const cancel = () => port1.postMessage("cancel");
      cancelled.addEventListener("abort", cancel, { once: true });
      const envelope: TaskEnvelope<typeof input> = { input, cancel: port2 };
      return (this.pool.run(envelope, { filename: WORKERS[task], transferList: [port2] }) as Promise<TaskOutcome<T>>)
        .catch((err: unknown): TaskOutcome<T> => ({
          // A worker that threw or died costs one retry, never the replication. Its requests are unknown.
          ok: false, error: { type: "worker_exception", status: 500, reason: `worker failed: ${String(err)}`, retryable: true }, requests: {},
        }))
        .then((outcome) => {
          const tally = outcome.requests;
          deps.events.emit("shard:requests", { followerIndex: index.followerIndex, shard, leaderAlias: route.leaderAlias, task, requests: tally });
          const requests: TaskRequests = {
            failedRead: tally.leader?.failed ?? 0, throttledRead: tally.leader?.throttled ?? 0,
            failedWrite: tally.follower?.failed ?? 0, throttledWrite: tally.follower?.throttled ?? 0,
          };
          if (outcome.ok) {
            index.shards[shard] = onSuccess(outcome.result, { tally, requests, durationMs: Date.now() - started });
            return;
          }
          index.shards[shard] = afterError(index.shards[shard]!, task, Date.now(), this.backoff);
          // Cut short on purpose (an unplanned promote): not an error of the replication.
          if (cancelled.aborted) return;
          const { type, reason, retryable } = outcome.error;
          recordShardError(deps.db, index.followerIndex, shard, reason, requests);
          deps.events.emit("shard:error", { followerIndex: index.followerIndex, shard, task, type, reason, retryable });
          // A task that found the leader index gone (deleted under it) ends the replication as the poll would.
          if (!retryable && reason === engineErrors.indexGone("leader", index.leaderIndex).reason) this.leaderGone(index);
          else if (!retryable) this.fail(index.followerIndex, reason);
        })
        .finally(() => {
          cancelled.removeEventListener("abort", cancel);
          port1.close();
        });
    });
  }

  async close(): Promise<void> {
    const indices = [...this.pollers.values()].flatMap((p) => [...p.indices.keys()]);
    await Promise.all(indices.map((i) => this.halt(i)));
    await this.pool.destroy();
  }
}
