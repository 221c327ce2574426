// The replication state machine: start, pause, resume, stop, update, status. Every transition is
// persisted before it is acknowledged; the scheduler (core/scheduler.ts) runs the shard work.
// (Skeleton: the engine fills these in.)
import type { FerryError } from "./errors.ts";

export interface StartRequest {
  leader_alias: string;
  leader_index: string;
  settings?: Record<string, unknown>;
  use_roles?: { leader_cluster_role: string; follower_cluster_role: string };
}

export interface Acknowledged {
  acknowledged: boolean;
}

export interface ReplicationApi {
  start(followerIndex: string, request: StartRequest, options: { waitForRestore: boolean }): Promise<Acknowledged>;
  stop(followerIndex: string): Promise<Acknowledged>;
  pause(followerIndex: string, reason?: string): Promise<Acknowledged>;
  resume(followerIndex: string): Promise<Acknowledged>;
  update(followerIndex: string, settings: Record<string, unknown>): Promise<Acknowledged>;
  /** The plugin's `_status` body (reference §4.5). */
  status(followerIndex: string, verbose: boolean): Promise<Record<string, unknown>>;
  followerStats(): Promise<Record<string, unknown>>;
  leaderStats(): Promise<Record<string, unknown>>;
  /** True while `index` is a following index (BOOTSTRAPPING, SYNCING, PAUSED or FAILED): writes are refused. */
  isFollowerIndex(index: string): boolean;
  /** Refusal for a write aimed at a following index, or undefined when the index takes writes. */
  writeRefusal(index: string): FerryError | undefined;
}
