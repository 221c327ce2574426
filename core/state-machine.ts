// The one mapping between ferry's stored replication states and the plugin's status strings.

/**
 * Stored states of an index replication (the plugin's RUNNING is split into its two phases).
 * AUTO_PAUSED: following waits for a closed index (leader or follower) to reopen, and resumes by itself;
 * users see the plugin's PAUSED with an `AutoPaused:` reason, as the plugin reports an auto-pause.
 */
export const STATES = ["BOOTSTRAPPING", "SYNCING", "PAUSED", "AUTO_PAUSED", "FAILED"] as const;
export type ReplicationState = (typeof STATES)[number];

export type PluginStatus = Exclude<ReplicationState, "AUTO_PAUSED">;

export function pluginStatus(state: ReplicationState): PluginStatus {
  return state === "AUTO_PAUSED" ? "PAUSED" : state;
}

export const NOT_IN_PROGRESS = "REPLICATION NOT IN PROGRESS";

export const DEFAULT_REASON = "User initiated";

/** Prefix of every auto-pause reason; the plugin's clients match it. */
export const AUTO_PAUSED_PREFIX = "AutoPaused: ";
