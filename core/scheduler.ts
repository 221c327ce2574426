// Hands shard cycles to the worker pool and persists their outcomes. One poller per leader cluster
// reads the shard checkpoints of all its followed indices in one request per tick; a shard whose global
// checkpoint moved gets a cycle, never more than one at a time. Checkpoints are persisted only after a
// cycle resolved, i.e. after the follower acknowledged its writes.
import { Piscina } from "piscina";
import { call } from "./clusters/client.ts";
import type { ClusterConnection } from "./clusters/connection.ts";
import { shardCheckpoints } from "./clusters/shard-checkpoints.ts";
import { metadataVersions, syncMetadata, type MetadataVersions } from "./metadata-sync.ts";
import { engineErrors, isFerryError } from "./errors.ts";
import type { FerryEventBus } from "./events.ts";
import { backoffDelay, type BackoffPolicy } from "./retry-policy.ts";
import type { Settings } from "./settings.ts";
import type { Store } from "./store/db.ts";
import {
  getReplication, listShards, recordCycle, recordLeaderCheckpoint, recordShardError, recordSweep, type ReplicationRow,
} from "./store/replications.ts";
import type { ShardFollowInput, ShardFollowResult } from "../workers/shard-follow.ts";
import type { DeleteSweepInput, DeleteSweepResult } from "../workers/delete-sweep.ts";
import type { ShardTarget } from "../workers/shard-target.ts";
import type { TaskOutcome } from "../workers/task-outcome.ts";
import { isRestoreRegion, listRegions } from "./store/regions.ts";

interface ShardState {
  checkpoint: number;
  /** The leader's global checkpoint as last persisted: written only when it moves, not every tick. */
  leaderCheckpoint: number;
  inFlight: Promise<void> | undefined;
  attempts: number;
  retryAt: number;
  /** A delete sweep is owed: the shard caught up since the last clean one. */
  sweepDue: boolean;
  sweepAt: number;
  /** Follower sequence numbers appeared that ferry did not write: the next sweep compares both ways. */
  foreignSuspected: boolean;
}

const WORKERS = {
  follow: new URL("../workers/shard-follow.ts", import.meta.url).href,
  sweep: new URL("../workers/delete-sweep.ts", import.meta.url).href,
};

interface FollowedIndex {
  followerIndex: string;
  leaderIndex: string;
  leaderUuid: string;
  followerUuid: string;
  shards: ShardState[];
  /** Leader metadata versions the follower matches; unknown until the first sync after (re)start. */
  metadata: MetadataVersions | undefined;
  metadataCheckedAt: number;
}

export interface SchedulerDeps {
  db: Store;
  events: FerryEventBus;
  settings: Settings;
  follower: ClusterConnection;
  leaderConnection(alias: string): ClusterConnection;
  /** A fatal error ended this replication; the scheduler has already let go of it. */
  onFatal(followerIndex: string, reason: string): void;
}

/** How often an idle poller re-checks that the follower indices still exist. */
const FOLLOWER_CHECK_MS = 5_000;

class LeaderPoller {
  readonly indices = new Map<string, FollowedIndex>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastFollowerCheck = 0;
  private attempts = 0;

  constructor(private readonly alias: string, private readonly scheduler: Scheduler) {}

  start(): void {
    if (!this.timer && !this.ticking) this.schedule(0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.indices.size === 0) return;
    this.ticking = true;
    let delay = this.scheduler.deps.settings["plugins.replication.follower.poll_interval"];
    try {
      await this.poll();
      this.attempts = 0;
    } catch (err) {
      // The leader cannot be read: every shard of this leader shows it, and the poller backs off.
      this.attempts++;
      const reason = isFerryError(err) ? err.reason : String(err);
      for (const index of this.indices.values()) {
        index.shards.forEach((_, shard) => {
          recordShardError(this.scheduler.deps.db, index.followerIndex, shard, reason);
          this.scheduler.deps.events.emit("shard:error", { followerIndex: index.followerIndex, shard, reason, retryable: true });
        });
      }
      delay = backoffDelay(this.scheduler.backoff, this.attempts);
    } finally {
      this.ticking = false;
    }
    if (this.indices.size > 0) this.schedule(delay);
  }

  private async poll(): Promise<void> {
    const { deps } = this.scheduler;
    const leader = deps.leaderConnection(this.alias);
    const followed = [...this.indices.values()];
    const checkpoints = await shardCheckpoints(leader, "leader", followed.map((f) => f.leaderIndex));
    const due: Array<{ index: FollowedIndex; shard: number; target: number }> = [];
    const now = Date.now();
    for (const index of followed) {
      const stats = checkpoints.get(index.leaderIndex);
      if (!stats) {
        this.scheduler.fail(index.followerIndex, engineErrors.indexGone("leader", index.leaderIndex).reason);
        continue;
      }
      if (stats.uuid !== index.leaderUuid) {
        this.scheduler.fail(index.followerIndex,
          `leader index [${index.leaderIndex}] was deleted and re-created (uuid ${index.leaderUuid} → ${stats.uuid}); its sequence numbers started again, so the follower cannot continue`);
        continue;
      }
      index.shards.forEach((state, shard) => {
        const target = stats.shards[shard]?.globalCheckpoint;
        if (target === undefined) return;
        if (target > state.leaderCheckpoint) {
          recordLeaderCheckpoint(deps.db, index.followerIndex, shard, target);
          state.leaderCheckpoint = target;
        }
        if (state.inFlight || state.retryAt > now) return;
        if (target > state.checkpoint) due.push({ index, shard, target });
        else if (state.sweepDue && state.sweepAt <= now) this.scheduler.runSweep(this.alias, index, shard);
      });
    }
    const metadataInterval = deps.settings["plugins.replication.follower.metadata_sync_interval"];
    const dueIndices = [...new Set(due.map((d) => d.index))];
    const metadataDue = followed.filter((i) => this.indices.get(i.followerIndex) === i &&
      (dueIndices.includes(i) || !i.metadata || now - i.metadataCheckedAt > metadataInterval));
    if (metadataDue.length) await this.syncMetadata(leader, metadataDue);
    if (due.length === 0) {
      if (now - this.lastFollowerCheck > FOLLOWER_CHECK_MS) await this.checkFollowers(followed);
      return;
    }
    await this.checkFollowers(dueIndices);
    // Every operation at or below the targets read above must be searchable before we search.
    await call(leader, "leader", {
      method: "POST",
      path: `/${dueIndices.filter((i) => this.indices.has(i.followerIndex)).map((i) => encodeURIComponent(i.leaderIndex)).join(",")}/_refresh`,
      querystring: { ignore_unavailable: true },
    });
    for (const { index, shard, target } of due) {
      if (this.indices.get(index.followerIndex) === index) this.scheduler.runCycle(this.alias, index, shard, target);
    }
  }

  /** Mapping, settings and aliases first: a batch may hold documents that need a new field. */
  private async syncMetadata(leader: ClusterConnection, indices: FollowedIndex[]): Promise<void> {
    const { deps } = this.scheduler;
    const versions = await metadataVersions(leader, "leader", indices.map((i) => i.leaderIndex));
    for (const index of indices) {
      const leaderVersions = versions.get(index.leaderIndex);
      index.metadataCheckedAt = Date.now();
      if (!leaderVersions) continue;
      const row = getReplication(deps.db, index.followerIndex);
      if (!row) continue;
      try {
        index.metadata = await syncMetadata({
          leader, follower: deps.follower, leaderIndex: index.leaderIndex, followerIndex: index.followerIndex, overrides: row.settings,
        }, leaderVersions, index.metadata);
      } catch (err) {
        if (isFerryError(err) && !err.retryable) this.scheduler.fail(index.followerIndex, err.reason);
        else throw err;
      }
    }
  }

  private async checkFollowers(indices: FollowedIndex[]): Promise<void> {
    this.lastFollowerCheck = Date.now();
    const { deps } = this.scheduler;
    const present = await shardCheckpoints(deps.follower, "follower", indices.map((i) => i.followerIndex));
    for (const index of indices) {
      const stats = present.get(index.followerIndex);
      if (stats === undefined) this.scheduler.fail(index.followerIndex, engineErrors.indexGone("follower", index.followerIndex).reason);
      else if (stats.uuid !== index.followerUuid) {
        this.scheduler.fail(index.followerIndex, `follower index [${index.followerIndex}] was deleted and re-created outside ferry; replication ended`);
      } else {
        this.noticeForeignOperations(index, stats.shards.map((s) => s?.maxSeqNo ?? -1));
      }
    }
  }

  /** Every operation takes a follower sequence number; one beyond ferry's own writes is someone else's
   * (deletes and partial updates pass the write guard). The next sweep then repairs from the leader. */
  private noticeForeignOperations(index: FollowedIndex, followerMaxSeqNos: number[]): void {
    index.shards.forEach((state, shard) => {
      if (state.inFlight) return;
      const ownMax = Math.max(-1, ...listRegions(this.scheduler.deps.db, index.followerIndex, shard).map((r) => r.followerTo));
      if ((followerMaxSeqNos[shard] ?? -1) > ownMax) {
        state.foreignSuspected = true;
        state.sweepDue = true;
        state.sweepAt = 0;
      }
    });
  }
}

export class Scheduler {
  private readonly pool: Piscina;
  private readonly pollers = new Map<string, LeaderPoller>();
  readonly backoff: BackoffPolicy;

  constructor(readonly deps: SchedulerDeps) {
    this.pool = new Piscina({
      filename: WORKERS.follow,
      // Worker files are TypeScript, run by tsx like the rest of ferry (also when ferry is embedded).
      execArgv: ["--import", "tsx"],
      maxThreads: deps.settings["ferry.pool.max_threads"],
      minThreads: 1,
      // Cycles wait on HTTP most of the time; a thread can interleave several.
      concurrentTasksPerWorker: 8,
    });
    this.backoff = {
      initialMs: deps.settings["ferry.retry.initial_backoff"],
      maxMs: deps.settings["ferry.retry.max_backoff"],
      factor: 2,
      jitter: 0.2,
    };
  }

  follow(row: ReplicationRow): void {
    if (!row.followerUuid) throw new Error(`replication [${row.followerIndex}] has no follower uuid yet`);
    let poller = this.pollers.get(row.leaderAlias);
    if (!poller) {
      poller = new LeaderPoller(row.leaderAlias, this);
      this.pollers.set(row.leaderAlias, poller);
    }
    const shards = listShards(this.deps.db, row.followerIndex).map((s) => ({
      checkpoint: s.checkpoint, leaderCheckpoint: s.leaderCheckpoint, inFlight: undefined, attempts: 0, retryAt: 0, sweepDue: true, sweepAt: 0, foreignSuspected: false,
    }));
    poller.indices.set(row.followerIndex, {
      followerIndex: row.followerIndex, leaderIndex: row.leaderIndex,
      leaderUuid: row.leaderUuid, followerUuid: row.followerUuid, shards, metadata: undefined, metadataCheckedAt: 0,
    });
    poller.start();
  }

  /** Stops following and resolves once no cycle of that index is running any more. */
  async halt(followerIndex: string): Promise<void> {
    for (const poller of this.pollers.values()) {
      const index = poller.indices.get(followerIndex);
      if (!index) continue;
      poller.indices.delete(followerIndex);
      if (poller.indices.size === 0) poller.stop();
      await Promise.all(index.shards.map((s) => s.inFlight));
    }
  }

  isFollowing(followerIndex: string): boolean {
    return [...this.pollers.values()].some((p) => p.indices.has(followerIndex));
  }

  fail(followerIndex: string, reason: string): void {
    for (const poller of this.pollers.values()) poller.indices.delete(followerIndex);
    this.deps.onFatal(followerIndex, reason);
  }

  private target(alias: string, index: FollowedIndex, shard: number): ShardTarget {
    return {
      leader: this.deps.leaderConnection(alias),
      follower: this.deps.follower,
      leaderIndex: index.leaderIndex,
      followerIndex: index.followerIndex,
      shard,
    };
  }

  runCycle(alias: string, index: FollowedIndex, shard: number, target: number): void {
    const state = index.shards[shard]!;
    const { deps } = this;
    const input: ShardFollowInput = {
      ...this.target(alias, index, shard),
      checkpoint: state.checkpoint,
      target,
      pageSize: deps.settings["ferry.follower.search_page_size"],
      maxOps: deps.settings["plugins.replication.follower.index.ops_batch_size"],
      bulkMaxBytes: deps.settings["ferry.follower.bulk_max_bytes"],
    };
    this.runTask<ShardFollowResult>(WORKERS.follow, input, index, shard, (result) => {
      const { gap } = recordCycle(deps.db, index.followerIndex, shard, { ...result, from: input.checkpoint, leaderCheckpoint: target });
      deps.events.emit("shard:batch-applied", { followerIndex: index.followerIndex, shard, checkpoint: result.checkpoint, opsWritten: result.opsWritten });
      const written = result.followerSeqNos;
      // A gap, someone else's sequence numbers between ours, or a newer version already on the follower.
      if (gap || result.conflicts > 0 || (written && written.to - written.from + 1 > result.opsWritten)) state.foreignSuspected = true;
      state.checkpoint = Math.max(state.checkpoint, result.checkpoint);
      if (result.checkpoint >= target) state.sweepDue = true;
    });
  }

  runSweep(alias: string, index: FollowedIndex, shard: number): void {
    const state = index.shards[shard]!;
    const { deps } = this;
    const input: DeleteSweepInput = {
      ...this.target(alias, index, shard),
      checkpoint: state.checkpoint,
      regions: listRegions(deps.db, index.followerIndex, shard).map((r) => ({ ...r, restore: isRestoreRegion(r) })),
      leafSize: deps.settings["ferry.follower.delete_leaf_size"],
      foreignSuspected: state.foreignSuspected,
    };
    state.sweepDue = false;
    state.foreignSuspected = false;
    this.runTask<DeleteSweepResult>(WORKERS.sweep, input, index, shard, (result) => {
      recordSweep(deps.db, index.followerIndex, shard, result);
      if (result.deleted || result.foreignRepaired) {
        deps.events.emit("shard:reconciled", { followerIndex: index.followerIndex, shard, deleted: result.deleted, foreignRepaired: result.foreignRepaired });
      }
      if (result.unresolved) state.sweepDue = true;
      state.sweepAt = Date.now() + deps.settings["ferry.follower.delete_check_interval"];
    });
  }

  /** Runs one task of a shard in the pool; exactly one per shard is in flight. */
  private runTask<T>(filename: string, input: object, index: FollowedIndex, shard: number, onSuccess: (result: T) => void): void {
    const state = index.shards[shard]!;
    const { deps } = this;
    state.inFlight = (this.pool.run(input, { filename }) as Promise<TaskOutcome<T>>)
      .catch((err: unknown): TaskOutcome<T> => ({
        // A worker that threw or died costs one retry, never the replication.
        ok: false, error: { type: "worker_exception", status: 500, reason: `worker failed: ${String(err)}`, retryable: true },
      }))
      .then((outcome) => {
        if (outcome.ok) {
          onSuccess(outcome.result);
          state.attempts = 0;
          state.retryAt = 0;
        } else if (outcome.error.retryable) {
          recordShardError(deps.db, index.followerIndex, shard, outcome.error.reason);
          deps.events.emit("shard:error", { followerIndex: index.followerIndex, shard, reason: outcome.error.reason, retryable: true });
          state.attempts++;
          state.retryAt = Date.now() + backoffDelay(this.backoff, state.attempts);
          if (filename === WORKERS.sweep) state.sweepDue = state.foreignSuspected = true;
        } else {
          this.fail(index.followerIndex, outcome.error.reason);
        }
      })
      .finally(() => {
        state.inFlight = undefined;
      });
  }

  async close(): Promise<void> {
    const indices = [...this.pollers.values()].flatMap((p) => [...p.indices.keys()]);
    await Promise.all(indices.map((i) => this.halt(i)));
    await this.pool.destroy();
  }
}
