// Every statement about promotes in progress (core/promote-steps.ts): the step each one reached.
import { eq } from "drizzle-orm";
import type { Direction, PromoteStep, PromotionKind } from "../promote-steps.ts";
import type { Store } from "./db.ts";
import { insertReverseReplication, type NewReplication } from "./replications.ts";
import { promotions, replications, type PromotionData } from "./schema.ts";

export interface PromotionRecord {
  followerIndex: string;
  kind: PromotionKind;
  step: PromoteStep;
  direction: Direction;
  data: PromotionData;
  lastError: string | null;
}

const asRecord = (row: typeof promotions.$inferSelect): PromotionRecord => ({
  followerIndex: row.followerIndex, kind: row.kind, step: row.step as PromoteStep, direction: row.direction, data: row.data, lastError: row.lastError,
});

export function getPromotion(db: Store, followerIndex: string): PromotionRecord | undefined {
  const row = db.select().from(promotions).where(eq(promotions.followerIndex, followerIndex)).get();
  return row && asRecord(row);
}

export function listPromotions(db: Store): PromotionRecord[] {
  return db.select().from(promotions).orderBy(promotions.followerIndex).all().map(asRecord);
}

export function insertPromotion(db: Store, record: PromotionRecord): void {
  const now = Date.now();
  db.insert(promotions).values({ ...record, createdAt: now, updatedAt: now }).run();
}

export function updatePromotion(db: Store, record: PromotionRecord): void {
  const { step, direction, data, lastError } = record;
  db.update(promotions).set({ step, direction, data, lastError, updatedAt: Date.now() })
    .where(eq(promotions.followerIndex, record.followerIndex)).run();
}

export function deletePromotion(db: Store, followerIndex: string): void {
  db.delete(promotions).where(eq(promotions.followerIndex, followerIndex)).run();
}

/** The promote's point of no return, in one transaction: the replication ends, a fail-back's reverse
 * replication begins (following from `start`), and the record says `switched`. */
export function switchRoles(
  db: Store, record: PromotionRecord,
  reverse: { row: NewReplication; start: Array<{ leaderCheckpoint: number; followerMaxSeqNo: number }> } | undefined,
): void {
  db.transaction((tx) => {
    tx.delete(replications).where(eq(replications.followerIndex, record.followerIndex)).run();
    if (reverse) insertReverseReplication(tx, reverse.row, reverse.start);
    tx.update(promotions).set({ step: "switched", direction: "forward", lastError: record.lastError, updatedAt: Date.now() })
      .where(eq(promotions.followerIndex, record.followerIndex)).run();
  });
}
