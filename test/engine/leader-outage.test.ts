import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import { pauseCluster, resumeCluster, startCluster, stopCluster, type ClusterHandle, type StartOptions } from "../testbed/cluster.ts";
import { ensureDistribution } from "../testbed/distribution.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { startCore, testbed } from "./engine-context.ts";

const { follower, repoPath } = testbed();
let leaderNode: ClusterHandle;
let nodeOptions: StartOptions;
let ferry: Ferry;

const docs = (from: number, to: number): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `o${from + k}`, source: { n: from + k } }));

beforeAll(async () => {
  // Its own leader cluster: this test takes it down, which the shared one must never be.
  nodeOptions = { name: "outage-leader", home: await ensureDistribution(), repoPath, ownerPid: process.pid };
  leaderNode = await startCluster(nodeOptions);
  ferry = await startCore({ FERRY_REMOTES: JSON.stringify({ outage: { hosts: [leaderNode.url] } }) });
});
afterAll(async () => {
  await ferry?.close();
  if (leaderNode) await stopCluster(leaderNode);
});

describe("leader outage", () => {
  it("shows the error while the leader is down for 30 s, then recovers by itself and converges", async () => {
    const leader = leaderNode.url;
    await os(leader, "PUT", "/out-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "out-l", docs(0, 1_000));
    await ferry.replications.start("out-f", { leader_alias: "outage", leader_index: "out-l" }, { waitForRestore: true });
    await bulk(leader, "out-l", docs(1_000, 2_000));
    expect(await converge(leader, follower, "out-l", "out-f", 60_000)).toEqual([]);

    await bulk(leader, "out-l", docs(2_000, 3_000));
    await pauseCluster(leaderNode);
    const downSince = Date.now();
    let sawError: any;
    while (Date.now() - downSince < 30_000) {
      const status = (await ferry.replications.status("out-f", false)) as any;
      expect(status.status).toBe("SYNCING");
      if (status.ferry_retrying) sawError = status.ferry_retrying;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(sawError?.[0]?.last_error).toMatch(/leader unreachable/);

    await resumeCluster(leaderNode, nodeOptions);
    await bulk(leader, "out-l", docs(3_000, 4_000));
    expect(await converge(leader, follower, "out-l", "out-f", 60_000)).toEqual([]);
    const status = (await ferry.replications.status("out-f", false)) as any;
    expect(status.status).toBe("SYNCING");
  });
});
