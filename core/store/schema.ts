// The one Drizzle schema of ferry's state. Every statement that uses it lives beside it in core/store/.
import { sqliteTable, text, integer, primaryKey } from "drizzle-orm/sqlite-core";
import type { RemoteAuth, RemoteTls } from "../clusters/connection.ts";
import { REGION_KINDS } from "../../workers/protocol.ts";

/** Leader clusters known by alias (`leader_alias`). */
export const remotes = sqliteTable("remotes", {
  alias: text("alias").primaryKey(),
  hosts: text("hosts", { mode: "json" }).$type<string[]>().notNull(),
  auth: text("auth", { mode: "json" }).$type<RemoteAuth>().notNull(),
  tls: text("tls", { mode: "json" }).$type<RemoteTls>().notNull(),
  /** The password or API key of `auth`, sealed by core/store/secret-box.ts; `auth` itself holds none.
   * Null when there is none, and always for configured remotes (their secrets stay in the config). */
  secret: text("secret"),
  /** "config" when it came from FERRY_REMOTES, "api" when registered through ferry's routes. */
  source: text("source").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Bootstrap progress that must survive a restart: the leader's per-shard global checkpoints read
 * before the snapshot (where following starts) and the snapshot's name. */
export interface BootstrapRecord {
  snapshot: string;
  startCheckpoints: number[];
  /** The leader shards' history UUIDs read with the start checkpoints (absent in records from before). */
  startHistories?: Array<string | null>;
  restoreStarted: boolean;
}

export const BOOTSTRAP_KINDS = ["snapshot", "search", "reverse"] as const;
export const PROMOTION_KINDS = ["planned", "reverse", "unplanned"] as const;
/** A promote goes forward through its steps, or back undoing them (core/failover/promote-steps.ts). */
export const PROMOTION_DIRECTIONS = ["forward", "back"] as const;

/** One row per follower index being replicated. */
export const replications = sqliteTable("replications", {
  followerIndex: text("follower_index").primaryKey(),
  leaderAlias: text("leader_alias").notNull(),
  leaderIndex: text("leader_index").notNull(),
  state: text("state").notNull(),
  reason: text("reason"),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  useRoles: text("use_roles", { mode: "json" }).$type<Record<string, string>>(),
  leaderUuid: text("leader_uuid").notNull(),
  followerUuid: text("follower_uuid"),
  shardCount: integer("shard_count").notNull(),
  bootstrap: text("bootstrap", { mode: "json" }).$type<BootstrapRecord>(),
  /** The follower's cluster: null for ferry's own; a remote's alias for a fail-back (core/failover/promote.ts). */
  followerAlias: text("follower_alias"),
  /** How the follower got its copy: a snapshot restore, a copy of the documents (core/bootstrap/search-bootstrap.ts),
   * or none (a fail-back from a planned promote). */
  bootstrapKind: text("bootstrap_kind", { enum: BOOTSTRAP_KINDS }).notNull().default("snapshot"),
  /** Added to every version written to the follower (core/clusters/bulk-body.ts). */
  versionOffset: integer("version_offset").notNull().default(0),
  /** Highest version ferry may have written into the leader index back when it was a follower (0: never).
   * A later fail-back into the leader index must write above it and above the leader's own operations. */
  leaderVersionCeiling: integer("leader_version_ceiling").notNull().default(0),
  /** Random, minted at each `_start` (and fail-back): the follower index's lease names it, so a ferry whose
   * database still lists an older replication of the index (a copy, a backup) cannot take it
   * (core/lease/lease-decision.ts). */
  replicationId: text("replication_id").notNull().default(""),
  /** ferry closed the follower index for a static setting and has not opened it again yet: after a
   * restart it still knows the close was its own, to undo, not someone else's, to wait for. */
  followerClosedByFerry: integer("follower_closed_by_ferry", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** One row per leader shard of a replication: where following resumes after a restart. */
export const shards = sqliteTable("shards", {
  followerIndex: text("follower_index").notNull()
    .references(() => replications.followerIndex, { onDelete: "cascade" }),
  shard: integer("shard").notNull(),
  /** Every leader operation with `_seq_no` <= this is on the follower. */
  checkpoint: integer("checkpoint").notNull(),
  /** The leader shard's global checkpoint as last seen. */
  leaderCheckpoint: integer("leader_checkpoint").notNull(),
  /** The leader shard's history UUID the checkpoint belongs to (core/follow/leader-history.ts); null until first
   * seen, or where the leader does not report it. */
  leaderHistoryUuid: text("leader_history_uuid"),
  /** The checkpoint of the last sweep that found the follower equal to the leader: deletes and foreign
   * writes at or below it are reconciled too. Status reports the follower caught up only up to here. */
  reconciledCheckpoint: integer("reconciled_checkpoint").notNull().default(-1),
  // Counters of the plugin's follower_stats and leader_stats (docs/operations.md, "Stats"), summed over shard tasks.
  opsWritten: integer("ops_written").notNull().default(0),
  conflicts: integer("conflicts").notNull().default(0),
  /** Failed requests to the leader. */
  failedRequests: integer("failed_requests").notNull().default(0),
  /** Consecutive retryable errors of this shard; 0 after a task succeeded. */
  retries: integer("retries").notNull().default(0),
  lastError: text("last_error"),
  writeTimeMs: integer("write_time_ms").notNull().default(0),
  throttledReadRequests: integer("throttled_read_requests").notNull().default(0),
  failedWriteRequests: integer("failed_write_requests").notNull().default(0),
  throttledWriteRequests: integer("throttled_write_requests").notNull().default(0),
  /** Leader search pages of follow cycles: bytes and time until answered. */
  bytesRead: integer("bytes_read").notNull().default(0),
  readTimeMs: integer("read_time_ms").notNull().default(0),
  /** Follower write requests of follow cycles (`_bulk` and single-document writes) and their body bytes. */
  batches: integer("batches").notNull().default(0),
  bytesWritten: integer("bytes_written").notNull().default(0),
  deletesReplicated: integer("deletes_replicated").notNull().default(0),
  foreignWritesRepaired: integer("foreign_writes_repaired").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [primaryKey({ columns: [t.followerIndex, t.shard] })]);

/**
 * Where ferry's writes landed: follower sequence numbers [followerFrom, followerTo] of one shard hold the
 * live documents of leader sequence numbers (leaderFrom, leaderTo], in the same order. Written in the same
 * transaction as the checkpoint; delete detection compares counts over these ranges.
 */
export const shardRegions = sqliteTable("shard_regions", {
  followerIndex: text("follower_index").notNull()
    .references(() => replications.followerIndex, { onDelete: "cascade" }),
  shard: integer("shard").notNull(),
  followerFrom: integer("follower_from").notNull(),
  followerTo: integer("follower_to").notNull(),
  leaderFrom: integer("leader_from").notNull(),
  leaderTo: integer("leader_to").notNull(),
  /** core/store/region-compaction.ts: restore (follower seq no = leader seq no), copy (ferry's writes in leader
   * order), gap (follower seq nos holding no leader range), repair (one document rewritten from the leader). */
  kind: text("kind", { enum: REGION_KINDS }).notNull().default("copy"),
}, (t) => [primaryKey({ columns: [t.followerIndex, t.shard, t.followerFrom] })]);

/** Auto-follow rules and their statistics (the plugin's `autofollow_stats`). */
export const autofollowRules = sqliteTable("autofollow_rules", {
  leaderAlias: text("leader_alias").notNull(),
  name: text("name").notNull(),
  pattern: text("pattern").notNull(),
  followerIndexPattern: text("follower_index_pattern"),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  useRoles: text("use_roles", { mode: "json" }).$type<Record<string, string>>(),
  numSuccess: integer("num_success").notNull().default(0),
  numFailed: integer("num_failed").notNull().default(0),
  numFailedLeaderCalls: integer("num_failed_leader_calls").notNull().default(0),
  failedIndices: text("failed_indices", { mode: "json" }).$type<string[]>().notNull(),
  lastExecutionTime: integer("last_execution_time").notNull().default(0),
  /** Epoch ms: when set, the rule follows only leader indices created at or after it (the rule was
   * created with `start_existing: false`); null follows every matching index. */
  followFrom: integer("follow_from"),
  /** Epoch ms when a whole-site promote disabled the rule (it then starts nothing and polls no leader);
   * null while enabled. Updating the rule enables it again. */
  disabledAt: integer("disabled_at"),
  disabledReason: text("disabled_reason"),
  createdAt: integer("created_at").notNull(),
}, (t) => [primaryKey({ columns: [t.leaderAlias, t.name] })]);

/** Tunables changed through the API (core/config/live-settings.ts); they override configuration. */
export const settingOverrides = sqliteTable("setting_overrides", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Who this ferry is to the follower leases (core/lease/ferry-instance.ts): one row. */
export const ferryInstance = sqliteTable("ferry_instance", {
  id: text("id").primaryKey(),
  /** Host, database path and file identity the id was minted for: a copy of the database elsewhere mints its own. */
  boundTo: text("bound_to").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** What a promote reached (core/failover/promote-steps.ts): one row while a promote of the follower index runs or
 * is left unfinished, so that a failure or a restart finishes it or rolls it back from that step. */
export interface PromotionData {
  /** The replication as it was when the promote began: the rollback puts it back, the switch ends it. */
  replication: typeof replications.$inferSelect;
  /** The leader index was write-blocked before the promote (a rollback then leaves it so). */
  leaderWasBlocked: boolean;
  /** The leader data stream whose writes the promote holds (the leader index was its write index). */
  heldStream?: string;
  /** An unplanned promote's reason. */
  because?: string;
  /** From `drained` on: the leader's final operation per shard and the documents counted on each side. */
  final?: number[];
  documents?: { leader: number; follower: number };
  /** The answer's figures per shard, read before the switch ends the replication's shard rows. */
  shards?: Array<{ shard: number; follower_checkpoint: number; reconciled_checkpoint: number; leader_checkpoint: number; operations_missing_at_most?: number }>;
  /** From `promoted_quiet` on (fail-back): the promoted index's last operation per shard, both uuids. */
  promotedMax?: number[];
  promotedUuid?: string;
  oldLeaderUuid?: string;
}

export const promotions = sqliteTable("promotions", {
  followerIndex: text("follower_index").primaryKey(),
  kind: text("kind", { enum: PROMOTION_KINDS }).notNull(),
  step: text("step").notNull(),
  direction: text("direction", { enum: PROMOTION_DIRECTIONS }).notNull(),
  data: text("data", { mode: "json" }).$type<PromotionData>().notNull(),
  /** Why it goes back, or why the last attempt of a step failed. */
  lastError: text("last_error"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
