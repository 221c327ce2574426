// The typed events of the engine, emitted once where a fact happens; logs (api/main.ts) and anything
// else that wants to know subscribe here instead of counting or logging the same fact again.
import { EventEmitter } from "node:events";
import type { RequestTally } from "./clusters/request-tally.ts";

export interface FerryEvents {
  "replication:state": { followerIndex: string; state: string; reason: string | null };
  "replication:stopped": { followerIndex: string };
  /** A data stream's backing index started: the templates of its leader stream written to the follower, and
   * those the follower refused (core/clusters/stream-templates.ts). */
  "replication:stream-templates": { followerIndex: string; copied: string[]; refused: Array<{ template: string; reason: string }> };
  /** The leader's lifecycle deleted a data stream's backing index; its replication ended and the follower's
   * copy was kept or deleted (`ferry.follower.mirror_index_deletes`). */
  "replication:leader-retired": { followerIndex: string; leaderIndex: string; followerCopy: "kept" | "deleted" };
  /** "create": a search bootstrap (core/bootstrap/search-bootstrap.ts) creates the empty follower; no snapshot. */
  "bootstrap:step": { followerIndex: string; step: "snapshot" | "restore" | "create"; snapshot: string | null };
  /** Leader settings the follower did not know (another engine or version); the follower runs without them. */
  "bootstrap:settings-dropped": { followerIndex: string; settings: string[] };
  /** The bootstrap snapshot could not be deleted from the leader; it stays there until someone does. */
  "bootstrap:snapshot-left": { followerIndex: string; snapshot: string; reason: string };
  /** The follower's recovery limit caps this restore below `ferry.bootstrap.max_bytes_per_sec`; once per bootstrap. */
  "bootstrap:restore-capped": { followerIndex: string; setting: string; value: string; reason: string };
  /** A cluster refused to change the throttles of ferry's repository (it was in use); they stay until a later bootstrap. */
  "bootstrap:throttles-kept": { followerIndex: string; cluster: "leader" | "follower"; reason: string };
  "shard:batch-applied": { followerIndex: string; shard: number; checkpoint: number; opsWritten: number };
  /** `task` "poll": the leader poll of every shard of the index failed; `type` is the FerryError's. */
  "shard:error": { followerIndex: string; shard: number; task: "follow" | "sweep" | "poll"; type: string; reason: string; retryable: boolean };
  "shard:reconciled": { followerIndex: string; shard: number; deleted: number; foreignRepaired: number };
  /** A delete sweep ended; `durationMs` from handing it to the pool to its outcome. */
  "shard:swept": { followerIndex: string; shard: number; durationMs: number };
  /** The cluster requests of a shard task, whatever its outcome. */
  "shard:requests": { followerIndex: string; shard: number; leaderAlias: string; task: "follow" | "sweep"; requests: RequestTally };
  /** One poll of a leader cluster (checkpoints, states, leases, follower checks, refresh) ended. */
  "leader:polled": { leaderAlias: string; durationMs: number; ok: boolean; requests: RequestTally };
  /** Restore of a bootstrap snapshot into the follower, summed over its primaries. */
  "bootstrap:progress": { followerIndex: string; bytesRecovered: number; bytesTotal: number };
  /** A replication's `use_roles` names roles without a credential (`unconfigured`): those sides run with
   * ferry's own. Once per replication: at its start, and when ferry starts with it stored. */
  "replication:use-roles-fallback": { followerIndex: string; roles: { leader_cluster_role: string; follower_cluster_role: string }; unconfigured: string[] };
  /** The same for an auto-follow rule: at its creation or update, and when ferry starts with it stored. */
  "autofollow:use-roles-fallback": { leaderAlias: string; rule: string; roles: { leader_cluster_role: string; follower_cluster_role: string }; unconfigured: string[] };
  /** An auto-follow rule's start of a leader index was refused. `retryable`: tried again at the rule's next
   * poll (logged again only with a new reason); otherwise it goes to `failed_indices` until retry_poll_interval. */
  "autofollow:start-refused": { leaderAlias: string; rule: string; leaderIndex: string; followerIndex: string; type: string; reason: string; retryable: boolean };
  /** Tunables changed through the API (core/config/live-settings.ts); the Settings object already holds them. */
  "settings:changed": { names: string[] };
  /** A promote recorded a step (core/failover/promote-steps.ts): done going forward, undone going back, or failed
   * (`error`, then retried or turned back). */
  "promote:step": { followerIndex: string; kind: string; step: string; direction: "forward" | "back"; error: string | null };
}

export class FerryEventBus {
  private readonly emitter = new EventEmitter();

  on<K extends keyof FerryEvents>(event: K, listener: (payload: FerryEvents[K]) => void): void {
    this.emitter.on(event, listener);
  }

  emit<K extends keyof FerryEvents>(event: K, payload: FerryEvents[K]): void {
    this.emitter.emit(event, payload);
  }
}
