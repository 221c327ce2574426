// Lag of every replication over the last hour, kept in memory for the dashboard (/_ferry/ui). One ring of
// samples per follower index beside one shared ring of sample times: memory is fixed per index (720
// float32 values, under 3 KB; under 3 MB at 1,000 indices) whatever the write rate, and a restart starts
// the hour afresh (the chart shows what this process saw).
import { reconciled } from "../follow/replication-lag.ts";
import type { Store } from "../store/db.ts";
import { getReplication, listAllShards, listReplications } from "../store/replications.ts";

export const LAG_SAMPLE_INTERVAL_MS = 5_000;
export const LAG_WINDOW_MS = 3_600_000;

export interface ShardFigures {
  checkpoint: number;
  reconciledCheckpoint: number;
  leaderCheckpoint: number;
}

/** Leader operations the follower is not known to hold, by the figures `_status` reports: its
 * `leader_checkpoint` minus its `follower_checkpoint` (copied, and reconciled by a sweep), over all shards. */
export function lagOperations(shards: ShardFigures[]): number {
  return Math.max(0, shards.reduce((acc, s) => acc + s.leaderCheckpoint - reconciled(s), 0));
}

export interface LagSeries {
  /** Epoch milliseconds, oldest first. */
  times: number[];
  /** Operations behind at each time; null where the index was not syncing (paused, bootstrapping, failed). */
  lag: Array<number | null>;
}

export class LagRing {
  private readonly times: Float64Array;
  private readonly lags = new Map<string, Float32Array>();
  /** Slot the next sample goes to, and how many slots hold one. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
  }

  /** One sample of every index ferry replicates: NaN marks one that is not syncing. Indices absent from
   * `lags` are no longer replicated and are forgotten. */
  record(time: number, lags: Map<string, number>): void {
    for (const index of this.lags.keys()) if (!lags.has(index)) this.lags.delete(index);
    for (const [index, lag] of lags) {
      let ring = this.lags.get(index);
      if (!ring) {
        ring = new Float32Array(this.capacity).fill(NaN);
        this.lags.set(index, ring);
      }
      ring[this.head] = lag;
    }
    this.times[this.head] = time;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The kept samples of `index`, starting at its first syncing sample (an index started a minute ago
   * has a minute of history, not an hour of gaps); undefined for an index not replicated. */
  series(index: string): LagSeries | undefined {
    const ring = this.lags.get(index);
    if (!ring) return undefined;
    const times: number[] = [];
    const lag: Array<number | null> = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head - this.count + i + this.capacity) % this.capacity;
      const value = ring[slot]!;
      if (Number.isNaN(value) && lag.length === 0) continue;
      times.push(this.times[slot]!);
      lag.push(Number.isNaN(value) ? null : value);
    }
    return { times, lag };
  }

  get indices(): number {
    return this.lags.size;
  }
}

/** Samples the store every `intervalMs` into a ring that holds `windowMs` of samples. */
export class LagHistory {
  private readonly ring: LagRing;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Store, readonly intervalMs = LAG_SAMPLE_INTERVAL_MS, windowMs = LAG_WINDOW_MS) {
    this.ring = new LagRing(Math.ceil(windowMs / intervalMs));
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // The dashboard's history must never keep a process alive.
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Undefined only for an index ferry does not replicate: one started since the last sample has an
   * empty history, not none (the dashboard asks for it as soon as the replication shows). */
  series(index: string): LagSeries | undefined {
    return this.ring.series(index) ?? (getReplication(this.db, index) ? { times: [], lag: [] } : undefined);
  }

  /** Current lag of every syncing replication, NaN for the others (their stored figures are stale). */
  current(): Map<string, number> {
    const byIndex = new Map<string, ShardFigures[]>();
    for (const s of listAllShards(this.db)) {
      const list = byIndex.get(s.followerIndex);
      if (list) list.push(s);
      else byIndex.set(s.followerIndex, [s]);
    }
    return new Map(listReplications(this.db).map((r) => {
      const shards = byIndex.get(r.followerIndex);
      return [r.followerIndex, r.state === "SYNCING" && shards ? lagOperations(shards) : NaN];
    }));
  }

  private sample(): void {
    this.ring.record(Date.now(), this.current());
  }
}
