// Every statement about shard regions: which follower sequence numbers hold which leader operations.
import { and, desc, eq, inArray } from "drizzle-orm";
import { compactRegions } from "./region-compaction.ts";
import type { Store } from "./db.ts";
import { shardRegions } from "./schema.ts";

export type Region = typeof shardRegions.$inferSelect;

/** A transaction or the store itself. */
type Db = Pick<Store, "select" | "insert" | "update" | "delete">;

/** Gap regions are follower sequence numbers ferry accounts for but that hold no leader range: the
 * restore's tail, and foreign operations already dealt with. Any live document there is examined by the
 * next sweep. Their leader range is empty. */
const GAP_LEADER_SEQ_NO = -2;

export function insertGapRegion(db: Db, followerIndex: string, shard: number, from: number, to: number): void {
  if (to < from) return;
  db.insert(shardRegions).values({ followerIndex, shard, followerFrom: from, followerTo: to, leaderFrom: GAP_LEADER_SEQ_NO, leaderTo: GAP_LEADER_SEQ_NO, kind: "gap" })
    .onConflictDoNothing().run();
}

/** A document rewritten from the leader after a foreign write: its own one-operation region. */
export function insertRepairRegion(db: Db, followerIndex: string, shard: number, followerSeqNo: number, leaderSeqNo: number): void {
  db.insert(shardRegions).values({ followerIndex, shard, followerFrom: followerSeqNo, followerTo: followerSeqNo, leaderFrom: leaderSeqNo - 1, leaderTo: leaderSeqNo, kind: "repair" })
    .onConflictDoNothing().run();
}

export function listRegions(db: Db, followerIndex: string, shard: number): Region[] {
  return db.select().from(shardRegions)
    .where(and(eq(shardRegions.followerIndex, followerIndex), eq(shardRegions.shard, shard)))
    .orderBy(shardRegions.followerFrom).all();
}

function lastRegion(db: Db, followerIndex: string, shard: number): Region | undefined {
  return db.select().from(shardRegions)
    .where(and(eq(shardRegions.followerIndex, followerIndex), eq(shardRegions.shard, shard)))
    .orderBy(desc(shardRegions.followerFrom)).limit(1).get();
}

function lastCopyRegion(db: Db, followerIndex: string, shard: number): Region | undefined {
  return db.select().from(shardRegions)
    .where(and(eq(shardRegions.followerIndex, followerIndex), eq(shardRegions.shard, shard), eq(shardRegions.kind, "copy")))
    .orderBy(desc(shardRegions.followerFrom)).limit(1).get();
}

function whereRegion(r: Region) {
  return and(eq(shardRegions.followerIndex, r.followerIndex), eq(shardRegions.shard, r.shard), eq(shardRegions.followerFrom, r.followerFrom));
}

export function insertRestoreRegion(db: Db, followerIndex: string, shard: number, startCheckpoint: number): void {
  if (startCheckpoint < 0) return;
  // Restored documents keep their leader `_seq_no` as follower `_seq_no`.
  db.insert(shardRegions).values({ followerIndex, shard, followerFrom: 0, followerTo: startCheckpoint, leaderFrom: -1, leaderTo: startCheckpoint, kind: "restore" }).run();
}

/** A fail-back's start (core/failover/promote.ts): the follower's operations [0, followerTo] hold the leader's live
 * documents of (-1, leaderTo], in an order unrelated to the leader's. */
export function insertReverseRegion(db: Db, followerIndex: string, shard: number, followerTo: number, leaderTo: number): void {
  if (followerTo < 0) return;
  db.insert(shardRegions).values({ followerIndex, shard, followerFrom: 0, followerTo, leaderFrom: -1, leaderTo, kind: "reverse" }).run();
}

/**
 * Records that leader operations (leaderFrom, leaderTo] landed on follower sequence numbers `written`.
 * Adjacent regions merge, so a shard followed without interruption keeps a handful of regions; a gap
 * (writes ferry never recorded, e.g. a batch cut short by a crash, or someone else's writes) starts a new one.
 */
export function recordRegion(
  db: Db, followerIndex: string, shard: number, leaderFrom: number, leaderTo: number,
  written: { from: number; to: number } | undefined,
): { gap: boolean } {
  if (!written) {
    // Nothing live in that leader range any more, and nothing can be later (a sequence number is never
    // taken again): the copy region that ends where it begins takes it in, even behind a gap or repair
    // region, so the next copy continues it in leader order and a verified sweep can merge them.
    const copy = lastCopyRegion(db, followerIndex, shard);
    if (copy?.leaderTo === leaderFrom) db.update(shardRegions).set({ leaderTo }).where(whereRegion(copy)).run();
    return { gap: false };
  }
  const last = lastRegion(db, followerIndex, shard);
  const continues = last?.kind === "copy" && last.leaderTo === leaderFrom;
  const gap = last !== undefined && last.followerTo + 1 !== written.from;
  if (continues && !gap) {
    db.update(shardRegions).set({ leaderTo, followerTo: written.to }).where(whereRegion(last)).run();
  } else {
    db.insert(shardRegions).values({ followerIndex, shard, followerFrom: written.from, followerTo: written.to, leaderFrom, leaderTo, kind: "copy" }).run();
  }
  return { gap };
}

/** Ferry's own deletes consume follower sequence numbers; right after a region they extend it. */
export function absorbOwnSeqNos(db: Db, followerIndex: string, shard: number, seqNos: number[]): void {
  const last = lastRegion(db, followerIndex, shard);
  if (last?.kind !== "copy") return;
  let to = last.followerTo;
  for (const seqNo of [...seqNos].sort((a, b) => a - b)) if (seqNo === to + 1) to = seqNo;
  if (to !== last.followerTo) db.update(shardRegions).set({ followerTo: to }).where(whereRegion(last)).run();
}

/** Repair regions whose documents are gone on both sides account for nothing any more. */
export function dropRepairRegions(db: Db, followerIndex: string, shard: number, followerSeqNos: number[]): void {
  for (let i = 0; i < followerSeqNos.length; i += 500) {
    db.delete(shardRegions).where(and(
      eq(shardRegions.followerIndex, followerIndex), eq(shardRegions.shard, shard), eq(shardRegions.kind, "repair"),
      inArray(shardRegions.followerFrom, followerSeqNos.slice(i, i + 500)),
    )).run();
  }
}

/** After a verified sweep: the shard's regions, merged (core/store/region-compaction.ts). */
export function compactShardRegions(db: Db, followerIndex: string, shard: number): void {
  const regions = listRegions(db, followerIndex, shard);
  const compacted = compactRegions(regions);
  if (compacted.length === regions.length) return;
  db.delete(shardRegions).where(and(eq(shardRegions.followerIndex, followerIndex), eq(shardRegions.shard, shard))).run();
  for (let i = 0; i < compacted.length; i += 500) {
    db.insert(shardRegions).values(compacted.slice(i, i + 500).map((r) => ({ followerIndex, shard, ...r }))).run();
  }
}
