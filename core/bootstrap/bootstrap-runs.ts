// The bootstraps running in this process: each copies a leader index to its follower (by snapshot and
// restore, or by search where no snapshot fits), retrying recoverable errors with backoff, a bounded
// number at once. The replication's state is not changed here: the bootstrap reports its retries, its end
// and its failure, and core/replication/ takes the replication through core/state-machine.ts.
import type { ClusterConnection } from "../clusters/connection.ts";
import { indexMetadata } from "../clusters/index-metadata.ts";
import { shardCheckpoints } from "../clusters/shard-checkpoints.ts";
import { Slots } from "../clusters/concurrency-limit.ts";
import type { ClusterDirectory, UseRoles } from "../config/cluster-directory.ts";
import type { RemoteRegistry } from "../config/remotes.ts";
import type { Settings } from "../config/settings.ts";
import { engineErrors, isFerryError } from "../errors.ts";
import type { FerryEventBus } from "../events.ts";
import { backoffDelay } from "../follow/retry-policy.ts";
import { installGuard } from "../follow/write-guard.ts";
import type { Store } from "../store/db.ts";
import { completeBootstrap, getReplication, setBootstrap, type ReplicationRow } from "../store/replications.ts";
import { recoveryMaxBytesPerSec } from "../clusters/recovery-limit.ts";
import { restoreLimit, type RestoreLimit } from "./bandwidth.ts";
import { createFollowerIndex } from "./search-bootstrap.ts";
import {
  createSnapshot, deleteSnapshot, ensureRepositories, snapshotComplete, startCheckpoints, restoreSnapshot, waitForRestore,
  type RepositoryDefinition,
} from "./snapshot-bootstrap.ts";

export interface BootstrapDeps {
  db: Store;
  events: FerryEventBus;
  settings: Settings;
  remotes: RemoteRegistry;
  follower: ClusterConnection;
  clusters: ClusterDirectory;
  snapshotRepository: RepositoryDefinition | undefined;
  /** The copy is complete: `persist` records the start checkpoints with the new state, in one transaction. */
  bootstrapped(followerIndex: string, persist: () => void): void;
  /** A recoverable error; the bootstrap tries again after a backoff. */
  retrying(followerIndex: string, reason: string): void;
  /** A fatal error: the bootstrap has ended. */
  failed(followerIndex: string, reason: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Bootstraps {
  private readonly running = new Map<string, { cancelled: boolean; abort: AbortController; done: Promise<void> }>();
  /** Restores running here that the follower's recovery limit caps (bandwidth.ts). */
  private readonly restoreLimits = new Map<string, RestoreLimit>();
  /** Each bootstrap snapshots and restores a whole index: a wildcard start of a thousand indices must
   * not put a thousand snapshots on the leader at once. */
  private readonly slots: Slots;

  constructor(private readonly deps: BootstrapDeps) {
    this.slots = new Slots(() => deps.settings["ferry.bootstrap.max_concurrent"]);
    deps.events.on("settings:changed", () => this.slots.admit());
  }

  run(row: ReplicationRow): void {
    const handle = { cancelled: false, abort: new AbortController(), done: Promise.resolve() };
    handle.done = this.inSlot(row, handle.abort.signal, () => handle.cancelled)
      .catch((err: unknown) => {
        if (!handle.cancelled) this.deps.failed(row.followerIndex, isFerryError(err) ? err.reason : String(err));
      })
      .finally(() => {
        this.running.delete(row.followerIndex);
        this.restoreLimits.delete(row.followerIndex);
      });
    this.running.set(row.followerIndex, handle);
  }

  /** Cancels the index's bootstrap, if one runs; resolves once no step of it runs any more. */
  cancel(followerIndex: string): Promise<void> {
    const handle = this.running.get(followerIndex);
    if (!handle) return Promise.resolve();
    handle.cancelled = true;
    handle.abort.abort(new Error("bootstrap cancelled"));
    return handle.done;
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((index) => this.cancel(index)));
  }

  /** The follower's recovery limit, while it caps this bootstrap's restore (for `_status`). */
  restoreLimit(followerIndex: string): RestoreLimit | undefined {
    return this.restoreLimits.get(followerIndex);
  }

  /** Records, and reports once per bootstrap, that the follower's recovery limit caps its restore. */
  private async noteRestoreLimit(follower: ClusterConnection, followerIndex: string, maxBytesPerSec: number): Promise<void> {
    if (this.restoreLimits.has(followerIndex)) return;
    // A follower that does not tell (a credential without the right) is not said to cap anything.
    const limit = restoreLimit(await recoveryMaxBytesPerSec(follower, "follower").catch(() => undefined), maxBytesPerSec);
    if (!limit) return;
    this.restoreLimits.set(followerIndex, limit);
    this.deps.events.emit("bootstrap:restore-capped", { followerIndex, ...limit });
  }

  private async inSlot(row: ReplicationRow, signal: AbortSignal, cancelled: () => boolean): Promise<void> {
    const release = await this.slots.acquire(signal);
    try {
      await this.bootstrap(row, cancelled);
    } finally {
      release();
    }
  }

  /** Retries recoverable errors with backoff until it succeeds, is cancelled, or hits a fatal error. */
  private async bootstrap(row: ReplicationRow, cancelled: () => boolean): Promise<void> {
    const { db } = this.deps;
    const roles = row.useRoles as UseRoles | null;
    for (let attempt = 1; !cancelled(); attempt++) {
      try {
        const leader = this.deps.clusters.as(this.deps.remotes.connection(row.leaderAlias), roles?.leader_cluster_role);
        const follower = this.deps.clusters.as(this.deps.follower, roles?.follower_cluster_role);
        const current = getReplication(db, row.followerIndex);
        if (!current || current.state !== "BOOTSTRAPPING") return;
        if (row.bootstrapKind === "search") {
          await this.copyBootstrap(row, leader, follower);
          return;
        }
        const repositoryDef = this.deps.snapshotRepository;
        if (!repositoryDef) throw engineErrors.fatal("the snapshot repository this bootstrap was planned with is no longer configured (FERRY_SNAPSHOT_PATH or FERRY_SNAPSHOT_REPOSITORY)");
        const maxBytesPerSec = this.deps.settings["ferry.bootstrap.max_bytes_per_sec"];
        const repository = await ensureRepositories(leader, follower, row.leaderAlias, repositoryDef, maxBytesPerSec, (cluster, reason) => {
          this.deps.events.emit("bootstrap:throttles-kept", { followerIndex: row.followerIndex, cluster, reason });
        });
        let plan = current.bootstrap;
        let followerMeta = await indexMetadata(follower, "follower", row.followerIndex);
        if (!plan || !followerMeta) {
          // (Re)plan: checkpoints are read before the snapshot starts, and persisted before it exists.
          const leaderMeta = await indexMetadata(leader, "leader", row.leaderIndex);
          if (!leaderMeta || leaderMeta.uuid !== row.leaderUuid) throw engineErrors.fatal(`leader index [${row.leaderIndex}] no longer exists`);
          // A restore the follower refused (a shard limit it waits on) leaves a complete snapshot: restoring
          // it later is as good, since following starts from checkpoints read before it was taken.
          const reusable = plan && !plan.restoreStarted && (await snapshotComplete(leader, repository, plan.snapshot));
          if (!plan || !reusable) {
            if (plan) await deleteSnapshot(leader, repository, plan.snapshot);
            const start = await startCheckpoints(leader, row.leaderIndex, row.shardCount);
            plan = {
              snapshot: `ferry-${row.followerIndex}-${Date.now()}`,
              startCheckpoints: start.checkpoints,
              startHistories: start.histories,
              restoreStarted: false,
            };
            setBootstrap(db, row.followerIndex, plan);
            this.deps.events.emit("bootstrap:step", { followerIndex: row.followerIndex, step: "snapshot", snapshot: plan.snapshot });
            await createSnapshot(leader, repository, plan.snapshot, row.leaderIndex);
            if (cancelled()) return;
          }
          this.deps.events.emit("bootstrap:step", { followerIndex: row.followerIndex, step: "restore", snapshot: plan.snapshot });
          await restoreSnapshot(follower, repository, plan.snapshot, row.leaderIndex, row.followerIndex, leaderMeta.settings, row.settings);
          setBootstrap(db, row.followerIndex, { ...plan, restoreStarted: true });
          followerMeta = await indexMetadata(follower, "follower", row.followerIndex);
          if (!followerMeta) throw engineErrors.transient(`restored index [${row.followerIndex}] not visible yet`);
        }
        await this.noteRestoreLimit(follower, row.followerIndex, maxBytesPerSec);
        await waitForRestore(follower, row.followerIndex, cancelled, (bytesRecovered, bytesTotal) => {
          this.deps.events.emit("bootstrap:progress", { followerIndex: row.followerIndex, bytesRecovered, bytesTotal });
        });
        if (cancelled()) return;
        if (this.deps.settings["ferry.follower.write_guard"] === 1) await installGuard(follower, row.followerIndex);
        const restored = (await shardCheckpoints(follower, "follower", [row.followerIndex])).get(row.followerIndex);
        const restoredMaxSeqNos = plan.startCheckpoints.map((c, shard) => restored?.shards[shard]?.maxSeqNo ?? c);
        // SYNCING as soon as the copy is complete: users see the documents from here on, and a stop
        // keeps them. The snapshot is removed afterwards; a crash in between leaves it on the leader.
        const { startCheckpoints: starts, startHistories } = plan;
        this.deps.bootstrapped(row.followerIndex, () => completeBootstrap(db, row.followerIndex, followerMeta.uuid, starts, restoredMaxSeqNos, startHistories));
        const snapshot = plan.snapshot;
        await deleteSnapshot(leader, repository, snapshot).catch((err: unknown) => {
          this.deps.events.emit("bootstrap:snapshot-left", { followerIndex: row.followerIndex, snapshot, reason: isFerryError(err) ? err.reason : String(err) });
        });
        return;
      } catch (err) {
        const error = isFerryError(err) ? err : engineErrors.fatal(String(err));
        if (!error.retryable) throw error;
        this.deps.retrying(row.followerIndex, `retrying bootstrap after: ${error.reason}`);
        await sleep(backoffDelay({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 }, attempt));
      }
    }
  }

  /** Creates the follower empty and follows from the start (core/bootstrap/search-bootstrap.ts). A follower index
   * found here was created by an earlier attempt: start refused to begin over an existing one. */
  private async copyBootstrap(row: ReplicationRow, leader: ClusterConnection, follower: ClusterConnection): Promise<void> {
    const leaderMeta = await indexMetadata(leader, "leader", row.leaderIndex);
    if (!leaderMeta || leaderMeta.uuid !== row.leaderUuid) throw engineErrors.fatal(`leader index [${row.leaderIndex}] no longer exists`);
    if (!(await indexMetadata(follower, "follower", row.followerIndex))) {
      this.deps.events.emit("bootstrap:step", { followerIndex: row.followerIndex, step: "create", snapshot: null });
      const dropped = await createFollowerIndex(follower, leaderMeta, row.followerIndex, row.settings);
      if (dropped.length) this.deps.events.emit("bootstrap:settings-dropped", { followerIndex: row.followerIndex, settings: dropped });
    }
    const followerMeta = await indexMetadata(follower, "follower", row.followerIndex);
    if (!followerMeta) throw engineErrors.transient(`created index [${row.followerIndex}] not visible yet`);
    if (this.deps.settings["ferry.follower.write_guard"] === 1) await installGuard(follower, row.followerIndex);
    const fromStart = Array.from({ length: row.shardCount }, () => -1);
    this.deps.bootstrapped(row.followerIndex, () => completeBootstrap(this.deps.db, row.followerIndex, followerMeta.uuid, fromStart, fromStart));
  }
}
