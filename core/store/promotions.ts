// Every statement about promotes in progress (core/failover/promote-steps.ts): the step each one reached.
import { eq } from "drizzle-orm";
import type { Store } from "./db.ts";
import { insertReverseReplication, type NewReplication } from "./replications.ts";
import { promotions, replications, type PROMOTION_DIRECTIONS, type PROMOTION_KINDS, type PromotionData } from "./schema.ts";

export type PromotionKind = (typeof PROMOTION_KINDS)[number];
export type Direction = (typeof PROMOTION_DIRECTIONS)[number];

/** `Step` is the promote's step vocabulary (core/failover/promote-steps.ts); the store keeps it as text. */
export interface PromotionRecord<Step extends string = string> {
  followerIndex: string;
  kind: PromotionKind;
  step: Step;
  direction: Direction;
  data: PromotionData;
  lastError: string | null;
}

const asRecord = <Step extends string>(row: typeof promotions.$inferSelect): PromotionRecord<Step> => ({
  followerIndex: row.followerIndex, kind: row.kind, step: row.step as Step, direction: row.direction, data: row.data, lastError: row.lastError,
});

export function getPromotion<Step extends string>(db: Store, followerIndex: string): PromotionRecord<Step> | undefined {
  const row = db.select().from(promotions).where(eq(promotions.followerIndex, followerIndex)).get();
  return row && asRecord<Step>(row);
}

export function listPromotions<Step extends string>(db: Store): PromotionRecord<Step>[] {
  return db.select().from(promotions).orderBy(promotions.followerIndex).all().map((row) => asRecord<Step>(row));
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
