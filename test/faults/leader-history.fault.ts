// A leader index restored from an older snapshot while the application keeps writing (issue 20, item 3).
// The restore keeps the index UUID but starts each shard's history again at the snapshot's sequence
// numbers, so later leader writes reuse numbers ferry already copied. What must hold: ferry stops with a
// reason that says what happened and what to do (never SYNCING over a follower that silently diverges),
// the follower keeps its documents and stays a following index, and doing what the reason says (stop,
// delete the follower, start again) brings the follower back to the leader's documents under writes.
import { afterAll, describe, expect, inject, it } from "vitest";
import { os } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { useFaultBed } from "./clusters.ts";
import { converged, report, SEED, sleep, Workload } from "./workload.ts";

const bed = useFaultBed();
const LEADER_INDEX = "history-orders-l";
const FOLLOWER_INDEX = "history-orders-f";
const REPO = "history-fault-repo";
const P = `/_plugins/_replication/${FOLLOWER_INDEX}`;

afterAll(async () => {
  await os(bed.leader, "DELETE", `/_snapshot/${REPO}/older`).catch(() => undefined);
  await os(bed.leader, "DELETE", `/_snapshot/${REPO}`).catch(() => undefined);
  await os(bed.leader, "DELETE", `/${LEADER_INDEX}`);
  await os(bed.follower, "DELETE", `/${FOLLOWER_INDEX}`);
});

describe(`leader restored from a snapshot under writes (seed ${SEED})`, () => {
  it("fails with an actionable reason, keeps the follower's documents, and a new start converges", async () => {
    const ferry = await bed.ferry();
    const workload = new Workload(bed.leader, SEED);
    await os(bed.leader, "PUT", `/${LEADER_INDEX}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await workload.add(LEADER_INDEX, 2_000);
    const start = async () => expect(await ferry.call("PUT", `${P}/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: LEADER_INDEX }))
      .toEqual({ status: 200, body: { acknowledged: true } });
    await start();
    workload.start();
    try {
      const written = async () => (await ferry.call("GET", `${P}/_status`)).body.syncing_details?.seq_no ?? 0;
      await sleep(2_000);
      await os(bed.leader, "PUT", `/_snapshot/${REPO}`, { type: "fs", settings: { location: `${inject("testbed").repoPath}/${REPO}` } });
      await os(bed.leader, "PUT", `/_snapshot/${REPO}/older?wait_for_completion=true`, { indices: LEADER_INDEX, include_global_state: false });
      // ferry copies well past the snapshot before the leader goes back to it.
      const atSnapshot = await written();
      await until("ferry copied past the snapshot", async () => (await written()) > atSnapshot + 500, 120_000);

      await workload.stop();
      await os(bed.leader, "POST", `/${LEADER_INDEX}/_close`);
      await os(bed.leader, "POST", `/_snapshot/${REPO}/older/_restore?wait_for_completion=true`, { indices: LEADER_INDEX });
      // Counted once ferry's last writes from before the close are searchable: `_count` sees only refreshed documents.
      const followerDocs = async () => {
        await os(bed.follower, "POST", `/${FOLLOWER_INDEX}/_refresh`);
        return (await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_count`)).count as number;
      };
      const followerCount = await followerDocs();
      workload.start();

      await until("the replication fails", async () => (await ferry.call("GET", `${P}/_status`)).body.status === "FAILED", 60_000);
      const failed = (await ferry.call("GET", `${P}/_status`)).body;
      expect(failed.reason).toMatch(/^leader index \[history-orders-l\] shard \d has a new history \(history uuid /);
      expect(failed.reason).toMatch(/stop the replication, delete follower index \[history-orders-f\] and start it again$/);
      // Failed is not stopped: the follower keeps what it had and ferry still refuses writes to it.
      expect(await followerDocs()).toBe(followerCount);
      const write = await fetch(`${ferry.url}/${FOLLOWER_INDEX}/_doc/by-hand`, {
        method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "hand" }),
      });
      expect(write.status).toBe(403);

      // What the reason says to do, with the leader still writing.
      expect(await ferry.call("POST", `${P}/_stop`, {})).toEqual({ status: 200, body: { acknowledged: true } });
      await os(bed.follower, "DELETE", `/${FOLLOWER_INDEX}`);
      await start();
      await sleep(3_000);
    } finally {
      await workload.stop();
    }
    const result = await converged(bed.leader, bed.follower, [{ leaderIndex: LEADER_INDEX, followerIndex: FOLLOWER_INDEX }], 120_000);
    report("leader-history", { operations: workload.operations, compared: result.compared, lost: result.lost, extra: result.extra, stale: result.stale });
    expect(result.examples).toEqual([]);
  });
});
