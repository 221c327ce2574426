// A cluster down for 60 s, then started again on the same data directory and port: while it is down
// ferry's `_status` shows the error (and `/_ferry/health` a missing follower), the replication stays
// SYNCING, and afterwards it resumes by itself and converges.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { os } from "../support/documents.ts";
import type { FerryProcess } from "../support/ferry-spawn.ts";
import { useFaultBed } from "./clusters.ts";
import { converged, report, SEED, sleep, Workload } from "./workload.ts";

const OUTAGE_MS = 60_000;
const bed = useFaultBed();
const pair = { leaderIndex: "outage-l", followerIndex: "outage-f" };
let ferry: FerryProcess;
let workload: Workload;

beforeAll(async () => {
  ferry = await bed.ferry();
  workload = new Workload(bed.leader, SEED);
  await os(bed.leader, "PUT", `/${pair.leaderIndex}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  await workload.add(pair.leaderIndex, 2_000);
  const started = await ferry.call("PUT", `/_plugins/_replication/${pair.followerIndex}/_start?wait_for_restore=true`,
    { leader_alias: "leader-cluster", leader_index: pair.leaderIndex });
  expect(started).toEqual({ status: 200, body: { acknowledged: true } });
});
afterAll(async () => {
  await workload?.stop();
  await os(bed.leader, "DELETE", `/${pair.leaderIndex}`);
  await os(bed.follower, "DELETE", `/${pair.followerIndex}`);
});

interface Observed {
  statuses: Set<string>;
  errors: Set<string>;
  health: Set<number>;
}

/** What ferry says about the replication, every 2 s for `ms`. */
async function observe(ms: number): Promise<Observed> {
  const seen: Observed = { statuses: new Set(), errors: new Set(), health: new Set() };
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
    seen.statuses.add(String(status.body.status));
    for (const shard of status.body.ferry_retrying ?? []) seen.errors.add(String(shard.last_error));
    seen.health.add((await ferry.call("GET", "/_ferry/health")).status);
    await sleep(2_000);
  }
  return seen;
}

/** After the outage: more writes, then the follower must match the leader and the errors be gone. */
async function recovers(scenario: string, seen: Observed): Promise<void> {
  workload.start();
  await sleep(5_000);
  await workload.stop();
  const result = await converged(bed.leader, bed.follower, [pair], 120_000);
  let status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
  for (const until = Date.now() + 30_000; status.body.ferry_retrying && Date.now() < until; await sleep(1_000)) {
    status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
  }
  report(scenario, {
    down_s: OUTAGE_MS / 1000, statuses: [...seen.statuses].join("|"), health: [...seen.health].join("|"),
    error: JSON.stringify([...seen.errors][0] ?? null), operations: workload.operations, documents_compared: result.compared,
    mismatches: result.lost + result.extra + result.stale,
  });
  expect(result.examples).toEqual([]);
  expect(status.body.status).toBe("SYNCING");
  expect(status.body.ferry_retrying).toBeUndefined();
}

describe("cluster outages", () => {
  it("leader down 60 s: the error shows in _status, replication resumes by itself and converges", async () => {
    workload.start();
    await sleep(3_000);
    // The workload writes to the leader: it waits while the leader is away.
    await workload.stop();
    const restart = await bed.outage("leader");
    let seen: Observed;
    try {
      seen = await observe(OUTAGE_MS);
    } finally {
      await restart();
    }
    expect([...seen.statuses]).toEqual(["SYNCING"]);
    expect([...seen.errors].join("\n")).toMatch(/leader/i);
    await recovers("leader down", seen);
  });

  it("follower down 60 s while the leader keeps changing: the error shows, health is 503, then it converges", async () => {
    workload.start();
    const restart = await bed.outage("follower");
    let seen: Observed;
    try {
      seen = await observe(OUTAGE_MS);
    } finally {
      await restart();
    }
    await workload.stop();
    expect([...seen.statuses]).toEqual(["SYNCING"]);
    expect(seen.health).toContain(503);
    expect(seen.errors.size).toBeGreaterThan(0);
    await recovers("follower down", seen);
  });
});
