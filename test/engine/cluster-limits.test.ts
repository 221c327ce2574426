// A refusal the operator can lift is not a fatal error (issue 20, item 10): the follower's shard limit
// (`cluster.max_shards_per_node`) refusing a bootstrap's restore, and a `read_only_allow_delete` block
// (what the flood-stage disk watermark puts on an index) refusing ferry's writes. The replication waits
// with the reason in `_status` and goes on by itself once the limit is lifted.
import { afterAll, describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const status = async (index: string) => (await core().replications.status(index, false)) as any;

const docs = (from: number, to: number): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `k${from + k}`, source: { n: from + k } }));

const PAIRS = [["limit-shards-l", "limit-shards-f"], ["limit-block-l", "limit-block-f"]] as const;

afterAll(async () => {
  await os(follower, "PUT", "/_cluster/settings", { persistent: { "cluster.max_shards_per_node": null } });
  for (const [leaderIndex, followerIndex] of PAIRS) {
    await core().replications.stop(followerIndex).catch(() => undefined);
    await os(follower, "PUT", `/${followerIndex}/_settings`, { "index.blocks.read_only_allow_delete": null }).catch(() => undefined);
    await os(leader, "DELETE", `/${leaderIndex}`);
    await os(follower, "DELETE", `/${followerIndex}`);
  }
});

describe("cluster limits the operator can lift", () => {
  it("a restore refused by the follower's shard limit waits with the reason and bootstraps once the limit is raised", async () => {
    const [leaderIndex, followerIndex] = PAIRS[0];
    await os(leader, "PUT", `/${leaderIndex}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, leaderIndex, docs(0, 200));
    // No room for one more shard: every open shard the follower has (ferry's lease index among them).
    await os(follower, "PUT", "/_cluster/settings", { persistent: { "cluster.max_shards_per_node": 1 } });
    try {
      await core().replications.start(followerIndex, { leader_alias: LEADER_ALIAS, leader_index: leaderIndex }, { waitForRestore: false });
      await until("the refusal shows in _status", async () => /maximum shards open/.test((await status(followerIndex)).reason ?? ""), 60_000)
        .catch(async (err) => {
          throw new Error(`${(err as Error).message}: ${JSON.stringify(await status(followerIndex))}`);
        });
      // It keeps waiting, it does not fail.
      await sleep(5_000);
      const waiting = await status(followerIndex);
      expect(waiting).toMatchObject({ status: "BOOTSTRAPPING", reason: expect.stringMatching(/cluster\.max_shards_per_node/) });
    } finally {
      await os(follower, "PUT", "/_cluster/settings", { persistent: { "cluster.max_shards_per_node": null } });
    }
    await until("bootstrapped after the limit was raised", async () => (await status(followerIndex)).status === "SYNCING", 120_000);
    await bulk(leader, leaderIndex, docs(200, 300));
    expect(await converge(leader, follower, leaderIndex, followerIndex, 60_000)).toEqual([]);
  });

  it("a read_only_allow_delete block on the following index holds following with the reason, which resumes once it is lifted", async () => {
    const [leaderIndex, followerIndex] = PAIRS[1];
    await os(leader, "PUT", `/${leaderIndex}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, leaderIndex, docs(0, 100));
    await core().replications.start(followerIndex, { leader_alias: LEADER_ALIAS, leader_index: leaderIndex }, { waitForRestore: true });
    await os(follower, "PUT", `/${followerIndex}/_settings`, { "index.blocks.read_only_allow_delete": true });
    try {
      await bulk(leader, leaderIndex, docs(100, 300));
      await until("the block shows in _status", async () => /read-only-allow-delete|read_only_allow_delete/.test(JSON.stringify(await status(followerIndex))), 60_000)
        .catch(async (err) => {
          throw new Error(`${(err as Error).message}: ${JSON.stringify(await status(followerIndex))}`);
        });
      await sleep(5_000);
      expect((await status(followerIndex)).status).not.toBe("FAILED");
      // ferry does not lift the block itself: it is the cluster's (or the operator's) to lift.
      const settings = await os(follower, "GET", `/${followerIndex}/_settings?flat_settings=true`);
      expect(settings[followerIndex].settings["index.blocks.read_only_allow_delete"]).toBe("true");
    } finally {
      await os(follower, "PUT", `/${followerIndex}/_settings`, { "index.blocks.read_only_allow_delete": null });
    }
    expect(await converge(leader, follower, leaderIndex, followerIndex, 60_000)).toEqual([]);
    await until("the reason is gone", async () => {
      const s = await status(followerIndex);
      return s.status === "SYNCING" && s.ferry_retrying === undefined;
    }, 60_000);
  });
});
