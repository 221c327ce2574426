// The bound on GET /metrics series at 1,000 replications (core/observe/metrics.ts), with every per-index series
// present: what events can add (all error types, sweeps, a bootstrap) and what the store holds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FerryEventBus } from "../events.ts";
import { FerryMetrics, PER_INDEX_SERIES } from "./metrics.ts";
import { resolveSettings } from "../config/settings.ts";
import { openStore } from "../store/db.ts";
import { completeBootstrap, deleteReplication, insertReplication } from "../store/replications.ts";

const INDICES = 1_000;
const SHARDS = 3;
const ERROR_TYPES = ["replication_transient_exception", "replication_exception", "index_not_found_exception", "worker_exception"];

const dir = mkdtempSync(join(tmpdir(), "ferry-metrics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ferryWithIndices(maxShardSeries: number) {
  const db = openStore(join(dir, `${maxShardSeries}.db`));
  const events = new FerryEventBus();
  const settings = resolveSettings({ "ferry.metrics.max_shard_series": maxShardSeries });
  const metrics = new FerryMetrics(events, { db, settings, lagSeconds: () => Array.from({ length: SHARDS }, () => 1.5) });
  const names = Array.from({ length: INDICES }, (_, i) => `a-rather-long-follower-index-name-of-a-busy-tenant-${i}`);
  for (const followerIndex of names) {
    insertReplication(db, {
      followerIndex, leaderAlias: "leader-cluster", leaderIndex: followerIndex, state: "BOOTSTRAPPING", reason: null, settings: {},
      useRoles: null, leaderUuid: "u", followerUuid: null, shardCount: SHARDS, bootstrap: null, followerAlias: null,
      bootstrapKind: "snapshot", versionOffset: 0, leaderVersionCeiling: 0,
    });
    events.emit("bootstrap:step", { followerIndex, step: "snapshot", snapshot: "s" });
    events.emit("bootstrap:progress", { followerIndex, bytesRecovered: 5, bytesTotal: 10 });
    completeBootstrap(db, followerIndex, "f", [10, 10, 10], [10, 10, 10]);
    events.emit("replication:state", { followerIndex, state: "SYNCING", reason: null });
    for (const [shard, type] of ERROR_TYPES.entries()) {
      events.emit("shard:error", { followerIndex, shard: shard % SHARDS, task: "follow", type, reason: "r", retryable: true });
    }
    events.emit("shard:error", { followerIndex, shard: 0, task: "poll", type: "replication_transient_exception", reason: "r", retryable: true });
    events.emit("shard:swept", { followerIndex, shard: 0, durationMs: 12 });
  }
  for (const leader of ["leader-cluster", "other-leader"]) {
    events.emit("leader:polled", {
      leaderAlias: leader, durationMs: 30, ok: true,
      requests: { leader: { requests: 3, failed: 1, throttled: 1, bytesSent: 0, bytesReceived: 0, timeMs: 30, kinds: { stats: 1, cluster: 1, refresh: 1 } } },
    });
  }
  return { db, metrics, names };
}

/** Sample lines (not # HELP / # TYPE) whose labels name a replication. */
const indexSeries = (text: string) => text.split("\n").filter((l) => /^ferry_\w+\{[^}]*index="/.test(l));

describe("metrics cardinality", () => {
  it("stays within PER_INDEX_SERIES per replication, without per-shard gauges above the cap", async () => {
    const { metrics, db, names } = ferryWithIndices(1_000);
    const text = await metrics.text();
    const series = indexSeries(text);
    expect(series).toHaveLength(INDICES * PER_INDEX_SERIES);
    expect(series.some((l) => l.includes("shard="))).toBe(false);
    // Everything else (process, leaders, histograms without labels) does not grow with indices.
    expect(text.split("\n").filter((l) => l && !l.startsWith("#")).length - series.length).toBeLessThan(200);

    // A stopped replication leaves no series behind.
    for (const followerIndex of names.slice(0, 500)) deleteReplication(db, followerIndex);
    expect(indexSeries(await metrics.text()).length).toBeGreaterThanOrEqual(500 * 4);
    expect(indexSeries(await metrics.text()).filter((l) => l.startsWith("ferry_operations_replicated_total"))).toHaveLength(500);
    db.$client.close();
  });

  it("adds two lag gauges per shard while the shards are within ferry.metrics.max_shard_series", async () => {
    const { metrics, db } = ferryWithIndices(INDICES * SHARDS);
    const series = indexSeries(await metrics.text());
    expect(series).toHaveLength(INDICES * (PER_INDEX_SERIES + 2 * SHARDS));
    db.$client.close();
  });
});
