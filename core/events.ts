// The typed events of the engine, emitted once where a fact happens; logs (api/main.ts) and anything
// else that wants to know subscribe here instead of counting or logging the same fact again.
import { EventEmitter } from "node:events";

export interface FerryEvents {
  "replication:state": { followerIndex: string; state: string; reason: string | null };
  "replication:stopped": { followerIndex: string };
  "bootstrap:step": { followerIndex: string; step: "snapshot" | "restore"; snapshot: string };
  /** The bootstrap snapshot could not be deleted from the leader; it stays there until someone does. */
  "bootstrap:snapshot-left": { followerIndex: string; snapshot: string; reason: string };
  "shard:batch-applied": { followerIndex: string; shard: number; checkpoint: number; opsWritten: number };
  "shard:error": { followerIndex: string; shard: number; reason: string; retryable: boolean };
  "shard:reconciled": { followerIndex: string; shard: number; deleted: number; foreignRepaired: number };
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
