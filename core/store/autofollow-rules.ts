// Every statement about auto-follow rules and their counters.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Store } from "./db.ts";
import { autofollowRules } from "./schema.ts";

export type RuleRow = typeof autofollowRules.$inferSelect;

/** The part of a rule a user defines (create and update replace exactly this). */
export type RuleDefinition = Pick<RuleRow, "pattern" | "followerIndexPattern" | "settings" | "useRoles">;

const key = (leaderAlias: string, name: string) =>
  and(eq(autofollowRules.leaderAlias, leaderAlias), eq(autofollowRules.name, name));

export function getRule(db: Store, leaderAlias: string, name: string): RuleRow | undefined {
  return db.select().from(autofollowRules).where(key(leaderAlias, name)).get();
}

export function listRules(db: Store): RuleRow[] {
  return db.select().from(autofollowRules).orderBy(autofollowRules.leaderAlias, autofollowRules.name).all();
}

export function insertRule(db: Store, leaderAlias: string, name: string, definition: RuleDefinition, followFrom: number | null): void {
  db.insert(autofollowRules).values({
    leaderAlias, name, ...definition, followFrom, failedIndices: [], createdAt: Date.now(),
  }).run();
}

/** Replaces the definition and enables the rule again if a whole-site promote had disabled it. */
export function updateRuleDefinition(db: Store, leaderAlias: string, name: string, definition: RuleDefinition): boolean {
  return db.update(autofollowRules).set({ ...definition, disabledAt: null, disabledReason: null }).where(key(leaderAlias, name)).run().changes > 0;
}

/** Disables an enabled rule; a rule disabled already keeps its first reason. */
export function disableRule(db: Store, leaderAlias: string, name: string, at: number, reason: string): boolean {
  return db.update(autofollowRules).set({ disabledAt: at, disabledReason: reason })
    .where(and(key(leaderAlias, name), isNull(autofollowRules.disabledAt))).run().changes > 0;
}

export function deleteRule(db: Store, leaderAlias: string, name: string): boolean {
  return db.delete(autofollowRules).where(key(leaderAlias, name)).run().changes > 0;
}

/** A poll began: `num_failed` counts the failures of the latest poll only, as in the plugin. */
export function recordPoll(db: Store, leaderAlias: string, name: string, at: number, leaderCallFailed: boolean): void {
  db.update(autofollowRules).set({
    lastExecutionTime: at,
    numFailed: 0,
    numFailedLeaderCalls: sql`${autofollowRules.numFailedLeaderCalls} + ${leaderCallFailed ? 1 : 0}`,
  }).where(key(leaderAlias, name)).run();
}

export function recordStartSuccess(db: Store, leaderAlias: string, name: string): void {
  db.update(autofollowRules).set({ numSuccess: sql`${autofollowRules.numSuccess} + 1` }).where(key(leaderAlias, name)).run();
}

export function recordStartFailure(db: Store, leaderAlias: string, name: string, leaderIndex: string): void {
  db.transaction((tx) => {
    const row = tx.select().from(autofollowRules).where(key(leaderAlias, name)).get();
    if (!row) return;
    const failedIndices = row.failedIndices.includes(leaderIndex) ? row.failedIndices : [...row.failedIndices, leaderIndex];
    tx.update(autofollowRules).set({ numFailed: row.numFailed + 1, failedIndices }).where(key(leaderAlias, name)).run();
  });
}

/** `retry_poll_interval` elapsed: the failed indices are tried again at the next poll. */
export function clearFailedIndices(db: Store, leaderAlias: string, name: string): void {
  db.update(autofollowRules).set({ failedIndices: [] }).where(key(leaderAlias, name)).run();
}
