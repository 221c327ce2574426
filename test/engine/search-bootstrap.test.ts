// The bootstrap by copying documents (core/bootstrap/search-bootstrap.ts), forced here between two OpenSearch
// clusters with `ferry.bootstrap.search_copy`, as it runs by itself between engines or versions whose
// snapshots do not fit (test/engine/cross-engine.test.ts). A leader that keeps writing creates, updates,
// deletes and routed documents while the copy runs, and its mapping grows; the follower must end equal,
// each document on the shard of the same number, without any snapshot taken.
import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore({ FERRY_SETTINGS: JSON.stringify({ "ferry.bootstrap.search_copy": 1 }) });

/** Mixed writes in small bulks until stopped: every tenth a delete, every third routed. */
function startWriter(index: string, ids: number): () => Promise<number> {
  let stopped = false;
  let rounds = 0;
  const done = (async () => {
    for (let round = 1; !stopped; round++, rounds++) {
      const ops: Op[] = Array.from({ length: 50 }, (_, k) => {
        const n = (round * 53 + k * 97) % ids;
        const routing = n % 3 === 0 ? `r${n % 7}` : undefined;
        return (round + k) % 10 === 0
          ? { op: "delete", id: `d${n}`, routing }
          : { op: "index", id: `d${n}`, routing, source: { n, round, note: `round ${round}` } };
      });
      await bulk(leader, index, ops);
    }
  })();
  return async () => {
    stopped = true;
    await done;
    return rounds;
  };
}

async function shardOfEach(base: string, index: string, shards: number): Promise<Map<string, number>> {
  await os(base, "POST", `/${index}/_refresh`);
  const where = new Map<string, number>();
  for (let shard = 0; shard < shards; shard++) {
    const res = await os(base, "POST", `/${index}/_search?preference=_shards:${shard}`, { size: 10_000, _source: false, query: { match_all: {} } });
    for (const hit of res.hits.hits as Array<{ _id: string }>) where.set(hit._id, shard);
  }
  return where;
}

describe("search bootstrap", () => {
  it("copies a leader that keeps writing, mapping changes included, onto the same shards, without a snapshot", async () => {
    const [l, f] = ["search-boot-l", "search-boot-f"];
    await os(leader, "PUT", `/${l}`, {
      settings: { number_of_shards: 3, number_of_replicas: 0, refresh_interval: "5s" },
      mappings: { properties: { n: { type: "long" }, note: { type: "text" } } },
    });
    await bulk(leader, l, Array.from({ length: 6_000 }, (_, i) => ({
      op: "index", id: `d${i}`, routing: i % 3 === 0 ? `r${i % 7}` : undefined, source: { n: i, round: 0, note: "seed" },
    })));
    const stopWriter = startWriter(l, 8_000);
    await core().replications.start(f, { leader_alias: LEADER_ALIAS, leader_index: l }, { waitForRestore: true });
    const status = await core().replications.status(f, false);
    expect(status.ferry_bootstrap).toBe("search");
    await new Promise((r) => setTimeout(r, 2_000));
    // A mapping change while documents are still being copied: the new field arrives before its documents.
    await os(leader, "PUT", `/${l}/_mapping`, { properties: { tag: { type: "keyword" } } });
    await bulk(leader, l, [{ op: "index", id: "tagged", source: { n: -1, tag: "after-mapping-change" } }]);
    await new Promise((r) => setTimeout(r, 2_000));
    const rounds = await stopWriter();
    expect(rounds).toBeGreaterThan(5);

    expect(await converge(leader, follower, l, f, 120_000)).toEqual([]);
    const [leaderShards, followerShards] = await Promise.all([shardOfEach(leader, l, 3), shardOfEach(follower, f, 3)]);
    const misplaced = [...leaderShards].filter(([id, shard]) => followerShards.get(id) !== shard).map(([id]) => id);
    expect(misplaced).toEqual([]);
    const mapping = await os(follower, "GET", `/${f}/_mapping`);
    expect(mapping[f].mappings.properties.tag).toEqual({ type: "keyword" });
    const settings = await os(follower, "GET", `/${f}/_settings`);
    expect(settings[f].settings.index.number_of_shards).toBe("3");
    expect(settings[f].settings.index.refresh_interval).toBe("5s");
    // No snapshot was asked for: the leader's ferry repository, if any, holds none of this index.
    const snapshots = await os(leader, "GET", `/_snapshot/ferry-${LEADER_ALIAS}/_all`);
    expect(((snapshots?.snapshots ?? []) as Array<{ indices: string[] }>).filter((s) => s.indices.includes(l))).toEqual([]);
    await core().replications.stop(f);
    await os(leader, "DELETE", `/${l}`);
    await os(follower, "DELETE", `/${f}`);
  });
});
