// follower_stats, leader_stats and GET /metrics account exactly for 1,000 leader operations (600 creates,
// 250 updates, 150 deletes), and the lag gauges go to 0 once the follower caught up.
//
// "Exactly": ferry copies live documents, not the leader's operation log, so each phase waits until the
// follower caught up before the next one writes. Then every create and every update is one document ferry
// wrote (operations_written, ferry_operations_replicated_total), every delete one document a sweep removed
// (ferry_deletes_replicated_total), and the leader's checkpoints account for all 1,000 operations.
import { describe, expect, it } from "vitest";
import { buildApp } from "../../api/app.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { parsePrometheusText, sampleValue, type Sample } from "../support/prometheus-text.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const LEADER = "stats-exact-l";
const FOLLOWER = "stats-exact-f";
const SHARDS = 2;

const docs = (from: number, to: number, tag: string): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `d${from + k}`, source: { n: from + k, tag } }));

async function scrape(): Promise<{ samples: Sample[]; contentType: string | null; requestId: string | null }> {
  const res = await buildApp(core()).request("/metrics", { headers: { "x-request-id": "scrape-1" } });
  expect(res.status).toBe(200);
  return { samples: parsePrometheusText(await res.text()), contentType: res.headers.get("content-type"), requestId: res.headers.get("x-request-id") };
}

async function stats(): Promise<{ follower: any; leader: any }> {
  return {
    follower: ((await core().replications.followerStats()) as any).index_stats[FOLLOWER],
    leader: ((await core().replications.leaderStats()) as any).index_stats[LEADER],
  };
}

/** Caught up as `_status` says it: every shard's follower checkpoint (copied and reconciled) at the leader's. */
async function caughtUp(): Promise<void> {
  await until("the follower to catch up", async () => {
    const s = (await core().replications.status(FOLLOWER, false)) as any;
    return s.syncing_details?.follower_checkpoint === s.syncing_details?.leader_checkpoint;
  }, 120_000);
}

describe("stats and metrics", () => {
  it("account for 1,000 creates, updates and deletes, and lag returns to 0", async () => {
    await os(leader, "PUT", `/${LEADER}`, { settings: { number_of_shards: SHARDS, number_of_replicas: 0 } });
    await core().replications.start(FOLLOWER, { leader_alias: LEADER_ALIAS, leader_index: LEADER }, { waitForRestore: true });

    await bulk(leader, LEADER, docs(0, 600, "created"));
    expect(await converge(leader, follower, LEADER, FOLLOWER, 60_000)).toEqual([]);
    await caughtUp();
    expect((await stats()).follower.operations_written).toBe(600);

    await bulk(leader, LEADER, docs(0, 250, "updated"));
    expect(await converge(leader, follower, LEADER, FOLLOWER, 60_000)).toEqual([]);
    await caughtUp();

    await bulk(leader, LEADER, Array.from({ length: 150 }, (_, k): Op => ({ op: "delete", id: `d${250 + k}` })));
    expect(await converge(leader, follower, LEADER, FOLLOWER, 60_000)).toEqual([]);
    await caughtUp();

    const { follower: f, leader: l } = await stats();
    expect(f).toMatchObject({
      operations_written: 850,
      // Every document read was written: none was older than the follower's copy.
      operations_read: 850,
      failed_read_requests: 0, throttled_read_requests: 0, failed_write_requests: 0, throttled_write_requests: 0,
      // Sequence numbers 0..999 over the shards: each shard's checkpoint is its last one.
      leader_checkpoint: 1_000 - SHARDS,
      follower_checkpoint: 1_000 - SHARDS,
    });
    expect(l).toMatchObject({ operations_read: 850, operations_read_lucene: 850, operations_read_translog: 0, total_read_time_translog_millis: 0 });
    expect(l.bytes_read).toBeGreaterThan(0);
    expect(l).not.toHaveProperty("translog_size_bytes");

    // Lag: the gauges read what _status reads, so they are 0 once it says caught up and a sweep saw it.
    let scraped = await scrape();
    await until("lag gauges at 0", async () => {
      scraped = await scrape();
      return sampleValue(scraped.samples, "ferry_follower_lag_operations", { index: FOLLOWER }) === 0
        && sampleValue(scraped.samples, "ferry_follower_lag_seconds", { index: FOLLOWER }) === 0;
    }, 60_000);
    const { samples } = scraped;
    expect(scraped.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scraped.requestId).toBe("scrape-1");
    const ofIndex = (name: string) => sampleValue(samples, name, { index: FOLLOWER });
    expect(ofIndex("ferry_operations_replicated_total")).toBe(850);
    expect(ofIndex("ferry_operations_read_total")).toBe(850);
    expect(ofIndex("ferry_deletes_replicated_total")).toBe(150);
    expect(ofIndex("ferry_foreign_writes_repaired_total")).toBe(0);
    expect(ofIndex("ferry_leader_read_bytes_total")).toBe(l.bytes_read);
    // One batch per shard and phase at least; each carried at least one document.
    const batches = ofIndex("ferry_batches_total")!;
    expect(batches).toBeGreaterThanOrEqual(2 * SHARDS);
    expect(batches).toBeLessThanOrEqual(850);
    expect(ofIndex("ferry_follower_written_bytes_total")).toBeGreaterThan(0);
    for (let shard = 0; shard < SHARDS; shard++) {
      expect(sampleValue(samples, "ferry_shard_lag_operations", { index: FOLLOWER, shard: String(shard) })).toBe(0);
      expect(sampleValue(samples, "ferry_shard_lag_seconds", { index: FOLLOWER, shard: String(shard) })).toBe(0);
    }
    expect(ofIndex("ferry_sweeps_total")).toBeGreaterThan(0);
    expect(ofIndex("ferry_bootstrap_duration_seconds")).toBeGreaterThan(0);
    expect(ofIndex("ferry_bootstrap_progress_ratio")).toBe(1);
    expect(sampleValue(samples, "ferry_leader_requests_total", { leader: LEADER_ALIAS, kind: "search" })).toBeGreaterThan(0);
    expect(sampleValue(samples, "ferry_follower_requests_total", { kind: "bulk" })).toBeGreaterThanOrEqual(batches);
    expect(sampleValue(samples, "ferry_leader_poll_duration_seconds_count", { leader: LEADER_ALIAS })).toBeGreaterThan(0);
    expect(sampleValue(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});
