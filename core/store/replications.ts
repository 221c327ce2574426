// Every statement about replications and their shard checkpoints.
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { ReplicationState } from "../state-machine.ts";
import type { Store } from "./db.ts";
import {
  absorbOwnSeqNos, compactShardRegions, dropRepairRegions, insertGapRegion, insertRepairRegion, insertRestoreRegion, insertReverseRegion,
  recordRegion,
} from "./regions.ts";
import { replications, shards, type BootstrapRecord } from "./schema.ts";

export type ReplicationRow = typeof replications.$inferSelect;
export type ShardRow = typeof shards.$inferSelect;

export function getReplication(db: Store, followerIndex: string): ReplicationRow | undefined {
  return db.select().from(replications).where(eq(replications.followerIndex, followerIndex)).get();
}

export function listReplications(db: Store): ReplicationRow[] {
  return db.select().from(replications).orderBy(replications.followerIndex).all();
}

/** A new replication's row: what the store fills in itself left out. */
export type NewReplication = Omit<ReplicationRow, "replicationId" | "followerClosedByFerry" | "createdAt" | "updatedAt">;

/** Each replication gets its own random id (schema `replicationId`). */
const newReplicationId = () => randomBytes(10).toString("hex");

export function insertReplication(db: Store, row: NewReplication): void {
  const now = Date.now();
  db.insert(replications).values({ ...row, replicationId: newReplicationId(), createdAt: now, updatedAt: now }).run();
}

/** A fail-back (core/failover/promote.ts), following from the start: per shard, the follower already holds the
 * leader's documents up to `leaderCheckpoint`, as its own operations up to `followerMaxSeqNo`. Part of
 * the promote's switch, in its transaction (core/store/promotions.ts). */
export function insertReverseReplication(
  tx: Pick<Store, "select" | "insert" | "update" | "delete">, row: NewReplication,
  start: Array<{ leaderCheckpoint: number; followerMaxSeqNo: number }>,
): void {
  const now = Date.now();
  tx.insert(replications).values({ ...row, replicationId: newReplicationId(), createdAt: now, updatedAt: now }).run();
  start.forEach(({ leaderCheckpoint, followerMaxSeqNo }, shard) => {
    tx.insert(shards).values({
      followerIndex: row.followerIndex, shard, checkpoint: leaderCheckpoint, leaderCheckpoint, reconciledCheckpoint: leaderCheckpoint, updatedAt: now,
    }).run();
    insertReverseRegion(tx, row.followerIndex, shard, followerMaxSeqNo, leaderCheckpoint);
  });
}

export function setState(db: Store, followerIndex: string, state: ReplicationState, reason: string | null): void {
  db.update(replications).set({ state, reason, updatedAt: Date.now() })
    .where(eq(replications.followerIndex, followerIndex)).run();
}

/** ferry closed the follower for a static setting (true), or opened it again (false). */
export function setFollowerClosedByFerry(db: Store, followerIndex: string, closed: boolean): void {
  db.update(replications).set({ followerClosedByFerry: closed, updatedAt: Date.now() })
    .where(eq(replications.followerIndex, followerIndex)).run();
}

export function setBootstrap(db: Store, followerIndex: string, bootstrap: BootstrapRecord | null): void {
  db.update(replications).set({ bootstrap, updatedAt: Date.now() })
    .where(eq(replications.followerIndex, followerIndex)).run();
}

export function setSettings(db: Store, followerIndex: string, settings: Record<string, unknown>): void {
  db.update(replications).set({ settings, updatedAt: Date.now() })
    .where(eq(replications.followerIndex, followerIndex)).run();
}

/** Bootstrap done: shard checkpoints start at the leader's pre-snapshot global checkpoints.
 * `restoredMaxSeqNos` are the follower shards' max sequence numbers right after the restore;
 * `leaderHistories` the leader shards' history UUIDs the start checkpoints belong to, where known. */
export function completeBootstrap(
  db: Store, followerIndex: string, followerUuid: string, startCheckpoints: number[], restoredMaxSeqNos: number[],
  leaderHistories: Array<string | null> = [],
): void {
  db.transaction((tx) => {
    const now = Date.now();
    tx.delete(shards).where(eq(shards.followerIndex, followerIndex)).run();
    startCheckpoints.forEach((checkpoint, shard) => {
      tx.insert(shards).values({
        followerIndex, shard, checkpoint, leaderCheckpoint: checkpoint, leaderHistoryUuid: leaderHistories[shard] ?? null, updatedAt: now,
      }).run();
      insertRestoreRegion(tx, followerIndex, shard, checkpoint);
      // Restored operations above the start checkpoint are replayed by following; what stays live there
      // was deleted in between, and the first sweep looks at it.
      insertGapRegion(tx, followerIndex, shard, checkpoint + 1, restoredMaxSeqNos[shard] ?? checkpoint);
    });
    tx.update(replications).set({ state: "SYNCING", followerUuid, bootstrap: null, updatedAt: now })
      .where(eq(replications.followerIndex, followerIndex)).run();
  });
}

export function deleteReplication(db: Store, followerIndex: string): void {
  db.delete(replications).where(eq(replications.followerIndex, followerIndex)).run();
}

export function listShards(db: Store, followerIndex: string): ShardRow[] {
  return db.select().from(shards).where(eq(shards.followerIndex, followerIndex)).orderBy(shards.shard).all();
}

/** Failed and throttled requests of one shard task: to the leader (reads) and to the follower (writes). */
export interface TaskRequests {
  failedRead: number;
  throttledRead: number;
  failedWrite: number;
  throttledWrite: number;
}

const addRequests = (r: TaskRequests) => ({
  failedRequests: sql`${shards.failedRequests} + ${r.failedRead}`,
  throttledReadRequests: sql`${shards.throttledReadRequests} + ${r.throttledRead}`,
  failedWriteRequests: sql`${shards.failedWriteRequests} + ${r.failedWrite}`,
  throttledWriteRequests: sql`${shards.throttledWriteRequests} + ${r.throttledWrite}`,
});

/** Every shard of every replication, in one query (the dashboard's lag sampler, stats and metrics read them all at once). */
export function listAllShards(db: Store): ShardRow[] {
  return db.select().from(shards).all();
}

export interface CycleRecord {
  /** The checkpoint the cycle started from. */
  from: number;
  checkpoint: number;
  followerSeqNos: { from: number; to: number } | undefined;
  leaderCheckpoint: number;
  opsWritten: number;
  conflicts: number;
  writeTimeMs: number;
  bytesRead: number;
  readTimeMs: number;
  batches: number;
  bytesWritten: number;
  requests: TaskRequests;
}

/** A cycle's outcome, written only after the follower acknowledged it. Checkpoints never go back. */
/** Returns whether the cycle's writes did not follow ferry's previous ones directly (someone else wrote
 * in between, or a cycle was cut short before it was recorded). */
export function recordCycle(db: Store, followerIndex: string, shard: number, c: CycleRecord): { gap: boolean } {
  return db.transaction((tx) => {
    const { gap } = c.checkpoint > c.from ? recordRegion(tx, followerIndex, shard, c.from, c.checkpoint, c.followerSeqNos) : { gap: false };
    tx.update(shards).set({
      checkpoint: sql`max(${shards.checkpoint}, ${c.checkpoint})`,
      leaderCheckpoint: sql`max(${shards.leaderCheckpoint}, ${c.leaderCheckpoint})`,
      opsWritten: sql`${shards.opsWritten} + ${c.opsWritten}`,
      conflicts: sql`${shards.conflicts} + ${c.conflicts}`,
      writeTimeMs: sql`${shards.writeTimeMs} + ${c.writeTimeMs}`,
      bytesRead: sql`${shards.bytesRead} + ${c.bytesRead}`,
      readTimeMs: sql`${shards.readTimeMs} + ${c.readTimeMs}`,
      batches: sql`${shards.batches} + ${c.batches}`,
      bytesWritten: sql`${shards.bytesWritten} + ${c.bytesWritten}`,
      ...addRequests(c.requests),
      retries: 0,
      lastError: null,
      updatedAt: Date.now(),
    }).where(and(eq(shards.followerIndex, followerIndex), eq(shards.shard, shard))).run();
    return { gap };
  });
}

export function recordLeaderCheckpoints(db: Store, updates: Array<{ followerIndex: string; shard: number; leaderCheckpoint: number }>): void {
  if (updates.length === 0) return;
  // One transaction for a whole poll: with synchronous=FULL each commit waits for the disk.
  db.transaction((tx) => {
    for (const { followerIndex, shard, leaderCheckpoint } of updates) {
      tx.update(shards).set({ leaderCheckpoint: sql`max(${shards.leaderCheckpoint}, ${leaderCheckpoint})` })
        .where(and(eq(shards.followerIndex, followerIndex), eq(shards.shard, shard))).run();
    }
  });
}

/** The leader shard's history UUID, first seen by a poll (core/follow/leader-history.ts). */
export function recordLeaderHistory(db: Store, followerIndex: string, shard: number, historyUuid: string): void {
  db.update(shards).set({ leaderHistoryUuid: historyUuid })
    .where(and(eq(shards.followerIndex, followerIndex), eq(shards.shard, shard))).run();
}

/** `requests`: those of the shard task that failed; an error outside a shard task (a leader poll, a
 * metadata sync) is no request of this shard. */
export function recordShardError(db: Store, followerIndex: string, shard: number, error: string, requests?: TaskRequests): void {
  db.update(shards).set({
    retries: sql`${shards.retries} + 1`,
    ...(requests ? addRequests(requests) : {}),
    lastError: error,
    updatedAt: Date.now(),
  }).where(and(eq(shards.followerIndex, followerIndex), eq(shards.shard, shard))).run();
}

export interface SweepRecord {
  /** The shard checkpoint the sweep compared up to. */
  checkpoint: number;
  /** The sweep settled everything at or below `checkpoint` (workers/protocol.ts). */
  complete: boolean;
  deleted: number;
  foreignRepaired: number;
  ownSeqNos: number[];
  repairs: Array<{ followerSeqNo: number; leaderSeqNo: number }>;
  foreignRange: { from: number; to: number } | undefined;
  /** Follower sequence numbers of repair regions whose documents are gone on both sides. */
  deadRepairs: number[];
  /** Every region was compared and everything found was settled: the regions may be merged. */
  verified: boolean;
  requests: TaskRequests;
}

/** A sweep's outcome in one transaction: counters, the follower sequence numbers it accounted for, and
 * how far the follower is now known to equal the leader. */
export function recordSweep(db: Store, followerIndex: string, shard: number, r: SweepRecord): void {
  db.transaction((tx) => {
    if (r.foreignRange) insertGapRegion(tx, followerIndex, shard, r.foreignRange.from, r.foreignRange.to);
    if (r.ownSeqNos.length) absorbOwnSeqNos(tx, followerIndex, shard, r.ownSeqNos);
    for (const repair of r.repairs) insertRepairRegion(tx, followerIndex, shard, repair.followerSeqNo, repair.leaderSeqNo);
    dropRepairRegions(tx, followerIndex, shard, r.deadRepairs);
    if (r.verified) compactShardRegions(tx, followerIndex, shard);
    tx.update(shards).set({
      deletesReplicated: sql`${shards.deletesReplicated} + ${r.deleted}`,
      foreignWritesRepaired: sql`${shards.foreignWritesRepaired} + ${r.foreignRepaired}`,
      ...addRequests(r.requests),
      ...(r.complete ? { reconciledCheckpoint: sql`max(${shards.reconciledCheckpoint}, ${r.checkpoint})` } : {}),
      retries: 0,
      lastError: null,
      updatedAt: Date.now(),
    }).where(and(eq(shards.followerIndex, followerIndex), eq(shards.shard, shard))).run();
  });
}
