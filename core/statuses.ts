// The one mapping between ferry's stored replication states and the plugin's status strings.

/** Stored states of an index replication (the plugin's RUNNING is split into its two phases). */
export const STATES = ["BOOTSTRAPPING", "SYNCING", "PAUSED", "FAILED"] as const;
export type ReplicationState = (typeof STATES)[number];

export const NOT_IN_PROGRESS = "REPLICATION NOT IN PROGRESS";

export const DEFAULT_REASON = "User initiated";
