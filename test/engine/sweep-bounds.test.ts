// A sweep's requests stay within what the clusters take: a backlog of deletes larger than one request
// body may be, and more repaired documents than one terms query may name, leave the replication SYNCING
// and the follower equal to the leader (before, each ended FAILED).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import { startCluster, stopCluster, type ClusterHandle } from "../testbed/cluster.ts";
import { ensureDistribution } from "../testbed/distribution.ts";
import { bulk, documents, differences, os, type Endpoint, type Op } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, startCore, testbed } from "./engine-context.ts";

const { leader, follower: sharedFollower, repoPath } = testbed();

const docs = (prefix: string, from: number, to: number, source: Record<string, unknown> = {}): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `${prefix}${from + k}`, source: { n: from + k, ...source } }));

/** Waits until the follower holds exactly the leader's documents or the replication failed; returns the
 * status and the remaining differences. */
async function settle(ferry: Ferry, follower: Endpoint, leaderIndex: string, followerIndex: string) {
  const leaderDocs = await documents(leader, leaderIndex);
  let status: any;
  let diff: string[] = [];
  await until(`${followerIndex} equal to ${leaderIndex} or failed`, async () => {
    status = await ferry.replications.status(followerIndex, false);
    if (status.status === "FAILED") return true;
    diff = differences(leaderDocs, await documents(follower, followerIndex));
    return diff.length === 0;
  }, 180_000, 1_000);
  return { status: status.status as string, reason: status.reason as string | undefined, diff };
}

describe("a sweep bounded by the follower's request size", () => {
  // Its own follower node: it takes request bodies of at most 512 KB, a node setting.
  let node: ClusterHandle;
  let ferry: Ferry;
  beforeAll(async () => {
    node = await startCluster({
      name: "bounded-follower", home: await ensureDistribution(), repoPath, ownerPid: process.pid,
      settings: ["http.max_content_length: 512kb"],
    });
    ferry = await startCore({
      FERRY_FOLLOWER_URL: node.url,
      FERRY_SETTINGS: JSON.stringify({ "ferry.follower.bulk_max_bytes": 256 * 1024 }),
    });
  });
  afterAll(async () => {
    await ferry?.close();
    if (node) await stopCluster(node);
    await os(leader, "DELETE", "/sweep-del-l");
  });

  it("replicates 20,000 deletes made while paused, a backlog larger than one request", async () => {
    await os(leader, "PUT", "/sweep-del-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "sweep-del-l", docs("d", 0, 25_000));
    await ferry.replications.start("sweep-del-f", { leader_alias: LEADER_ALIAS, leader_index: "sweep-del-l" }, { waitForRestore: true });
    expect((await settle(ferry, node.url, "sweep-del-l", "sweep-del-f")).diff).toEqual([]);

    await ferry.replications.pause("sweep-del-f");
    await bulk(leader, "sweep-del-l", Array.from({ length: 20_000 }, (_, i): Op => ({ op: "delete", id: `d${i}` })), true);
    await ferry.replications.resume("sweep-del-f");

    const after = await settle(ferry, node.url, "sweep-del-l", "sweep-del-f");
    expect(after.status, after.reason).toBe("SYNCING");
    expect(after.diff).toEqual([]);
    expect((await os(node.url, "GET", "/sweep-del-f/_count")).count).toBe(5_000);
  });
});

describe("a sweep bounded by index.max_terms_count", () => {
  let ferry: Ferry;
  beforeAll(async () => {
    ferry = await startCore();
  });
  afterAll(async () => {
    await ferry?.close();
    await os(leader, "DELETE", "/sweep-terms-l");
    await os(sharedFollower, "DELETE", "/sweep-terms-f");
  });

  it("repairs 300 foreign overwrites on an index that allows 50 terms per query, then replicates deletes", async () => {
    // The setting travels with the restore, so both sides allow 50 terms.
    await os(leader, "PUT", "/sweep-terms-l", { settings: { number_of_shards: 1, number_of_replicas: 0, "index.max_terms_count": 50 } });
    await bulk(leader, "sweep-terms-l", docs("t", 0, 2_000));
    await ferry.replications.start("sweep-terms-f", { leader_alias: LEADER_ALIAS, leader_index: "sweep-terms-l" }, { waitForRestore: true });
    expect((await settle(ferry, sharedFollower, "sweep-terms-l", "sweep-terms-f")).diff).toEqual([]);

    // Someone writes into the follower directly: 300 documents, every other one, that the sweep rewrites
    // from the leader; their leader sequence numbers are no run that one range could name.
    const overwritten = Array.from({ length: 300 }, (_, k): Op => ({ op: "index", id: `t${500 + 2 * k}`, source: { foreign: true } }));
    await bulk(sharedFollower, "sweep-terms-f", overwritten, true);
    const repaired = await settle(ferry, sharedFollower, "sweep-terms-l", "sweep-terms-f");
    expect(repaired.status, repaired.reason).toBe("SYNCING");
    expect(repaired.diff).toEqual([]);

    // Deletes make the next sweeps count regions, less the 300 repaired sequence numbers.
    await bulk(leader, "sweep-terms-l", Array.from({ length: 100 }, (_, i): Op => ({ op: "delete", id: `t${i * 20 + 1}` })), true);
    const after = await settle(ferry, sharedFollower, "sweep-terms-l", "sweep-terms-f");
    expect(after.status, after.reason).toBe("SYNCING");
    expect(after.diff).toEqual([]);
  });
});
