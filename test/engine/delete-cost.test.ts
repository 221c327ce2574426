import { describe, expect, it } from "vitest";
import { requestCounts } from "../../core/clusters/client.ts";
import { listRegions } from "../../core/store/regions.ts";
import { listShards } from "../../core/store/replications.ts";
import { sweepShard } from "../../workers/delete-sweep.ts";
import { followShard } from "../../workers/shard-follow.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

const DOCS = 200_000;
const requests = () => (requestCounts.get("leader") ?? 0) + (requestCounts.get("follower") ?? 0);

describe("delete detection cost", () => {
  it("finds 10 deletes in a 200,000-document shard with far fewer requests than a scan", async () => {
    await os(leader, "PUT", "/del-cost-l", { settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: "-1" } });
    await bulk(leader, "del-cost-l", Array.from({ length: DOCS }, (_, i): Op => ({ op: "index", id: `k${i}`, source: { i } })));
    await core().replications.start("del-cost-f", { leader_alias: LEADER_ALIAS, leader_index: "del-cost-l" }, { waitForRestore: true });
    // Updates after the start put part of the shard in ferry-written regions, beside the restored one.
    await bulk(leader, "del-cost-l", Array.from({ length: 20_000 }, (_, i): Op => ({ op: "index", id: `k${i * 7}`, source: { i, updated: true } })));
    expect(await converge(leader, follower, "del-cost-l", "del-cost-f", 120_000)).toEqual([]);

    await core().replications.pause("del-cost-f");
    const deleted = Array.from({ length: 10 }, (_, i) => `k${(i * 19_997 + 13) % DOCS}`);
    await bulk(leader, "del-cost-l", deleted.map((id): Op => ({ op: "delete", id })));
    await os(leader, "POST", "/del-cost-l/_refresh");

    const [shard] = listShards(core().store, "del-cost-f");
    const stats = await os(leader, "GET", "/del-cost-l/_stats?level=shards");
    const target = stats.indices["del-cost-l"].shards["0"][0].seq_no.global_checkpoint as number;
    const conn = (url: string) => ({ hosts: [url], auth: { type: "none" as const }, tls: {} });
    const common = { leader: conn(leader), follower: conn(follower), leaderIndex: "del-cost-l", followerIndex: "del-cost-f", shard: 0, versionOffset: 0,
      // The test runs the tasks itself, in the paused replication's place: a window that stays open.
      writeWindow: BigInt64Array.of(BigInt(Number.MAX_SAFE_INTEGER)) };
    const cycle = await followShard({ ...common, checkpoint: shard!.checkpoint, target, pageSize: 2_000, maxOps: 50_000, bulkMaxBytes: 8 << 20 });
    expect(cycle.opsWritten).toBe(0);

    const regions = listRegions(core().store, "del-cost-f", 0);
    const before = requests();
    const sweep = await sweepShard({ ...common, checkpoint: cycle.checkpoint, regions, leafSize: 256, foreignSuspected: false, scanAfter: -1, scanSize: 500, pageSize: 2_000, bulkMaxBytes: 8 << 20 });
    const spent = requests() - before;
    console.log(`delete sweep: ${sweep.deleted} deletes in ${DOCS} documents, ${regions.length} regions, ${spent} requests`);

    expect(sweep.deleted).toBe(10);
    expect(spent).toBeLessThanOrEqual(300);
    for (const id of deleted) expect((await os(follower, "GET", `/del-cost-f/_doc/${id}`)).found).toBe(false);
    await core().replications.resume("del-cost-f");
    expect(await converge(leader, follower, "del-cost-l", "del-cost-f", 60_000)).toEqual([]);
  });
});
