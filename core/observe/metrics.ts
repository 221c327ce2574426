// ferry's Prometheus metrics (GET /metrics). Counters that follower_stats also reports are read from the
// store at scrape time, so both say the same thing and survive a restart; what the store does not keep
// (errors by type, retries, durations, requests by kind) is counted from the engine's events.
//
// Label cardinality stays bounded at thousands of indices: `index` is one value per replication and a
// series goes when its replication stops; `shard` is only on the two per-shard lag gauges, and only while
// ferry follows at most `ferry.metrics.max_shard_series` shards in all (the per-index lag gauges always
// stay); `type` is a FerryError type, `kind` an API ferry calls, `leader` a remote alias, `state` a
// status: fixed or configured sets. So a replication costs at most PER_INDEX_SERIES series plus two per
// shard, whatever the traffic.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RequestTally } from "../clusters/request-tally.ts";
import type { FerryEventBus } from "../events.ts";
import { reconciled } from "../follow/replication-lag.ts";
import type { Settings } from "../config/settings.ts";
import { pluginStatus, type ReplicationState } from "../state-machine.ts";
import type { Store } from "../store/db.ts";
import { listAllShards, listReplications, type ShardRow } from "../store/replications.ts";

/** What a scrape reads besides events. */
export interface MetricsSources {
  db: Store;
  settings: Settings;
  /** core/follow/replication-lag.ts, per shard; undefined while the index is not followed. */
  lagSeconds(followerIndex: string, now: number): number[] | undefined;
}

/** Series one replication can have, besides its per-shard lag gauges: 14, plus one per FerryError type
 * its shard tasks failed with, of the 4 they can fail with (core/clusters/errors.ts classifies every
 * failure as replication_transient_exception, replication_exception or index_not_found_exception; a
 * worker that died is worker_exception). */
export const PER_INDEX_SERIES = 18;

/** What events taught about one replication; dropped when it stops. */
interface IndexFacts {
  errors: Map<string, number>;
  retries: number;
  sweeps: number;
  sweepSeconds: number;
  bootstrapStartedAt?: number;
  bootstrapEndedAt?: number;
  bootstrapRatio?: number;
}

interface StoreSnapshot {
  shards: Map<string, ShardRow[]>;
  states: string[];
}

const SECOND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class FerryMetrics {
  readonly registry = new Registry();
  private readonly facts = new Map<string, IndexFacts>();
  /** What the store held when the running scrape began: every collect of one scrape reads the same. */
  private scrape: StoreSnapshot | undefined;

  constructor(events: FerryEventBus, private readonly sources: MetricsSources) {
    // Under their usual names (process_*, nodejs_*), which existing dashboards expect.
    collectDefaultMetrics({ register: this.registry });
    this.storeCounters();
    this.eventSeries();
    const leaderRequests = new Counter({
      name: "ferry_leader_requests_total", help: "Requests ferry's polls and shard tasks sent to a leader cluster, by API.",
      labelNames: ["leader", "kind"], registers: [this.registry],
    });
    const leaderFailed = new Counter({
      name: "ferry_leader_requests_failed_total", help: "Requests to a leader cluster that failed (a 404 ferry expects excepted).",
      labelNames: ["leader"], registers: [this.registry],
    });
    const leaderThrottled = new Counter({
      name: "ferry_leader_requests_throttled_total", help: "Requests to a leader cluster answered 429.",
      labelNames: ["leader"], registers: [this.registry],
    });
    const followerRequests = new Counter({
      name: "ferry_follower_requests_total", help: "Requests ferry's polls and shard tasks sent to the follower cluster, by API.",
      labelNames: ["kind"], registers: [this.registry],
    });
    const pollSeconds = new Histogram({
      name: "ferry_leader_poll_duration_seconds", help: "One poll of a leader cluster: checkpoints, states, leases, follower checks, refresh.",
      labelNames: ["leader"], buckets: SECOND_BUCKETS, registers: [this.registry],
    });
    const pollFailures = new Counter({
      name: "ferry_leader_poll_failures_total", help: "Polls of a leader cluster that failed (every shard of its indices then backs off).",
      labelNames: ["leader"], registers: [this.registry],
    });
    const sweepSeconds = new Histogram({
      name: "ferry_sweep_duration_seconds", help: "Delete sweeps of all shards (per index: ferry_sweep_seconds_total).",
      buckets: SECOND_BUCKETS, registers: [this.registry],
    });
    const countRequests = (leader: string, tally: RequestTally) => {
      for (const [kind, n] of Object.entries(tally.leader?.kinds ?? {})) leaderRequests.inc({ leader, kind }, n);
      for (const [kind, n] of Object.entries(tally.follower?.kinds ?? {})) followerRequests.inc({ kind }, n);
      if (tally.leader?.failed) leaderFailed.inc({ leader }, tally.leader.failed);
      if (tally.leader?.throttled) leaderThrottled.inc({ leader }, tally.leader.throttled);
    };

    events.on("leader:polled", (e) => {
      countRequests(e.leaderAlias, e.requests);
      pollSeconds.observe({ leader: e.leaderAlias }, e.durationMs / 1000);
      if (!e.ok) pollFailures.inc({ leader: e.leaderAlias });
    });
    events.on("shard:requests", (e) => countRequests(e.leaderAlias, e.requests));
    events.on("shard:error", (e) => {
      // A failed poll is the leader's (ferry_leader_poll_failures_total), not one error per shard.
      if (e.task === "poll") return;
      const facts = this.factsOf(e.followerIndex);
      facts.errors.set(e.type, (facts.errors.get(e.type) ?? 0) + 1);
      if (e.retryable) facts.retries++;
    });
    events.on("shard:swept", (e) => {
      const facts = this.factsOf(e.followerIndex);
      facts.sweeps++;
      facts.sweepSeconds += e.durationMs / 1000;
      sweepSeconds.observe(e.durationMs / 1000);
    });
    events.on("bootstrap:step", (e) => {
      const facts = this.factsOf(e.followerIndex);
      if (e.step !== "restore") Object.assign(facts, { bootstrapStartedAt: Date.now(), bootstrapEndedAt: undefined, bootstrapRatio: 0 });
    });
    events.on("bootstrap:progress", (e) => {
      const facts = this.factsOf(e.followerIndex);
      // A bootstrap resumed after a restart is timed from here on.
      facts.bootstrapStartedAt ??= Date.now();
      if (e.bytesTotal > 0) facts.bootstrapRatio = e.bytesRecovered / e.bytesTotal;
    });
    events.on("replication:state", (e) => {
      const facts = this.facts.get(e.followerIndex);
      if (e.state === "SYNCING" && facts?.bootstrapStartedAt !== undefined && facts.bootstrapEndedAt === undefined) {
        facts.bootstrapEndedAt = Date.now();
        facts.bootstrapRatio = 1;
      }
    });
    events.on("replication:stopped", (e) => this.facts.delete(e.followerIndex));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async text(): Promise<string> {
    this.scrape = undefined;
    try {
      return await this.registry.metrics();
    } finally {
      this.scrape = undefined;
    }
  }

  private snapshot(): StoreSnapshot {
    if (!this.scrape) {
      const shards = new Map<string, ShardRow[]>();
      for (const s of listAllShards(this.sources.db)) {
        const list = shards.get(s.followerIndex);
        if (list) list.push(s);
        else shards.set(s.followerIndex, [s]);
      }
      this.scrape = { shards, states: listReplications(this.sources.db).map((r) => r.state) };
    }
    return this.scrape;
  }

  private factsOf(index: string): IndexFacts {
    let facts = this.facts.get(index);
    if (!facts) {
      facts = { errors: new Map(), retries: 0, sweeps: 0, sweepSeconds: 0 };
      this.facts.set(index, facts);
    }
    return facts;
  }

  /** Per-index counters and lag gauges from the store, computed once per scrape. */
  private storeCounters(): void {
    const { registry } = this;
    const snapshot = () => this.snapshot();
    const perIndex = (name: string, help: string, value: (s: ShardRow) => number) => new Counter({
      name, help, labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        for (const [index, shards] of snapshot().shards) this.inc({ index }, shards.reduce((acc, s) => acc + value(s), 0));
      },
    });
    perIndex("ferry_operations_replicated_total", "Documents ferry wrote to the follower and the follower acknowledged (follower_stats operations_written).", (s) => s.opsWritten),
    perIndex("ferry_operations_read_total", "Documents follow cycles read from the leader (follower_stats operations_read).", (s) => s.opsWritten + s.conflicts),
    perIndex("ferry_leader_read_bytes_total", "Bytes of leader search pages follow cycles read (leader_stats bytes_read).", (s) => s.bytesRead),
    perIndex("ferry_follower_written_bytes_total", "Bytes of write requests follow cycles sent to the follower.", (s) => s.bytesWritten),
    perIndex("ferry_batches_total", "Write requests (_bulk and single documents) follow cycles sent to the follower.", (s) => s.batches),
    perIndex("ferry_deletes_replicated_total", "Follower documents delete sweeps removed because the leader had deleted them.", (s) => s.deletesReplicated),
    perIndex("ferry_foreign_writes_repaired_total", "Follower documents delete sweeps rewrote from the leader after someone else wrote them.", (s) => s.foreignWritesRepaired),
    new Gauge({
      name: "ferry_replications", help: "Replications by status.", labelNames: ["state"], registers: [registry],
      collect() {
        this.reset();
        for (const state of snapshot().states) this.inc({ state: pluginStatus(state as ReplicationState) });
      },
    });
    this.lagGauges(snapshot);
  }

  private lagGauges(snapshot: () => StoreSnapshot): void {
    const { registry, sources } = this;
    // Only followed indices have a lag: a paused one's leader checkpoint is no longer read.
    const followed = () => {
      const now = Date.now();
      const lags: Array<{ index: string; shards: ShardRow[]; seconds: number[] }> = [];
      for (const [index, shards] of snapshot().shards) {
        const seconds = sources.lagSeconds(index, now);
        if (seconds) lags.push({ index, shards, seconds });
      }
      return lags;
    };
    const operations = (s: ShardRow) => Math.max(0, s.leaderCheckpoint - reconciled(s));
    const shardSeries = (lags: ReturnType<typeof followed>) =>
      lags.reduce((acc, l) => acc + l.shards.length, 0) <= sources.settings["ferry.metrics.max_shard_series"];
    new Gauge({
      name: "ferry_follower_lag_operations", help: "Leader operations the follower is not known to hold: leader_checkpoint - follower_checkpoint of _status, summed over shards.",
      labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        for (const { index, shards } of followed()) this.set({ index }, shards.reduce((acc, s) => acc + operations(s), 0));
      },
    });
    new Gauge({
      name: "ferry_follower_lag_seconds", help: "Seconds since ferry first saw on the leader the oldest operation the follower lacks; the largest over shards (docs/operations.md, Metrics).",
      labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        for (const { index, seconds } of followed()) this.set({ index }, Math.max(0, ...seconds));
      },
    });
    new Gauge({
      name: "ferry_shard_lag_operations", help: "ferry_follower_lag_operations of one shard; only while ferry follows at most ferry.metrics.max_shard_series shards.",
      labelNames: ["index", "shard"], registers: [registry],
      collect() {
        this.reset();
        const lags = followed();
        if (!shardSeries(lags)) return;
        for (const { index, shards } of lags) for (const s of shards) this.set({ index, shard: String(s.shard) }, operations(s));
      },
    });
    new Gauge({
      name: "ferry_shard_lag_seconds", help: "ferry_follower_lag_seconds of one shard; only while ferry follows at most ferry.metrics.max_shard_series shards.",
      labelNames: ["index", "shard"], registers: [registry],
      collect() {
        this.reset();
        const lags = followed();
        if (!shardSeries(lags)) return;
        for (const { index, seconds } of lags) seconds.forEach((value, shard) => this.set({ index, shard: String(shard) }, value));
      },
    });
  }

  /** Per-index series of what the events taught. */
  private eventSeries(): void {
    const { registry, facts } = this;
    const each = (f: (index: string, facts: IndexFacts) => void) => {
      for (const [index, known] of facts) f(index, known);
    };
    new Counter({
      name: "ferry_shard_errors_total", help: "Failed shard tasks (follow cycles, sweeps), by FerryError type.", labelNames: ["index", "type"], registers: [registry],
      collect() {
        this.reset();
        each((index, f) => f.errors.forEach((n, type) => this.inc({ index, type }, n)));
      },
    });
    new Counter({
      name: "ferry_shard_retries_total", help: "Shard tasks that failed with a retryable error and are retried after a backoff.", labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        each((index, f) => this.inc({ index }, f.retries));
      },
    });
    new Counter({
      name: "ferry_sweeps_total", help: "Delete sweeps that ended.", labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        each((index, f) => this.inc({ index }, f.sweeps));
      },
    });
    new Counter({
      name: "ferry_sweep_seconds_total", help: "Time delete sweeps took, from handing them to a worker to their outcome.", labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        each((index, f) => this.inc({ index }, f.sweepSeconds));
      },
    });
    new Gauge({
      name: "ferry_bootstrap_duration_seconds", help: "Time the bootstrap (snapshot and restore) took, or takes so far while it runs.", labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        each((index, f) => f.bootstrapStartedAt !== undefined && this.set({ index }, ((f.bootstrapEndedAt ?? now) - f.bootstrapStartedAt) / 1000));
      },
    });
    new Gauge({
      name: "ferry_bootstrap_progress_ratio", help: "Bytes of the snapshot restored on the follower / bytes to restore: 0 while the leader's snapshot is taken, 1 when done.", labelNames: ["index"], registers: [registry],
      collect() {
        this.reset();
        each((index, f) => f.bootstrapRatio !== undefined && this.set({ index }, f.bootstrapRatio));
      },
    });
  }
}
