// A data stream that OpenSearch's Index State Management rolls over on the leader, not the test
// (docs/data-streams.md): both clusters run ISM (test/testbed/ism.ts), a shipper appends to the stream
// throughout, the leader's policy rolls it over three times, and the follower's own policy, which would
// delete whatever it manages, must leave ferry's copies alone. Then a planned promote by the stream's name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promoteIndexOrStream } from "../../core/autofollow/stream-actions.ts";
import { loadConfig } from "../../core/config/config.ts";
import { createFerry, type Ferry } from "../../core/ferry.ts";
import { os } from "../support/documents.ts";
import { streamShipper } from "../support/stream-shipper.ts";
import { ferryEnvFor, removeFerryDirs } from "../support/ferry-spawn.ts";
import { until } from "../support/until.ts";
import { startPair, stopPair, type ClusterPair } from "../testbed/pair.ts";

const STREAM = "ism-logs-app";
const ROLLOVERS = 3;
let pair: ClusterPair;
let ferry: Ferry;

beforeAll(async () => {
  pair = await startPair({ ism: true, leader: "os:2.19", follower: "os:2.19", ownerPid: process.pid });
  ferry = await createFerry(loadConfig({
    ...ferryEnvFor({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }),
    FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": 1000 }),
  }));
}, 600_000);

afterAll(async () => {
  await ferry?.close();
  removeFerryDirs();
  if (pair) await stopPair(pair);
});

const backing = async (base: string): Promise<string[]> =>
  ((await os(base, "GET", `/_data_stream/${STREAM}`)).data_streams[0].indices as Array<{ index_name: string }>).map((i) => i.index_name);

describe("a data stream rolled over by ISM on the leader", () => {
  it("follows every backing index ISM adds, the follower's ISM leaves the copies alone, and a planned promote loses nothing", async () => {
    const { leader, follower } = { leader: pair.leader.url, follower: pair.follower.url };
    await os(leader, "PUT", "/_index_template/ism-logs", {
      index_patterns: ["ism-logs-*"], data_stream: {}, priority: 100,
      template: { settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings: { properties: { "@timestamp": { type: "date" }, n: { type: "long" } } } },
    });
    await os(leader, "PUT", "/_plugins/_ism/policies/ism-rollover", {
      policy: {
        description: "rolls the stream over as soon as its write index holds a document",
        default_state: "hot",
        states: [{ name: "hot", actions: [{ rollover: { min_doc_count: 1 } }], transitions: [] }],
        ism_template: [{ index_patterns: ["ism-logs-*"], priority: 100 }],
      },
    });
    // On the follower, a policy that deletes every index it manages, for the stream's name and for the
    // copies' own names: it must never get hold of a copy ferry writes.
    await os(follower, "PUT", "/_plugins/_ism/policies/ism-delete", {
      policy: {
        description: "deletes what it manages",
        default_state: "gone",
        states: [{ name: "gone", actions: [{ delete: {} }], transitions: [] }],
        ism_template: [{ index_patterns: ["ism-logs-*", ".ds-ism-logs-*"], priority: 100 }],
      },
    });

    const writes = streamShipper(leader, STREAM, { batch: 10, pauseMs: 200 });
    let rolledAfterS = 0;
    try {
      await until("the stream exists", async () => (await fetch(`${leader}/_data_stream/${STREAM}`)).status === 200);
      await ferry.wildcardStart.startIndexOrStream(STREAM, { leader_alias: "leader-cluster", leader_index: STREAM }, { waitForRestore: true });
      // ISM initialises each new write index on one run of its job and rolls it over on a later one: about
      // two minutes per rollover with a one-minute job interval.
      const started = Date.now();
      await until(`${ROLLOVERS} rollovers by ISM`, async () => (await backing(leader)).length > ROLLOVERS, 12 * 60_000, 5_000);
      rolledAfterS = Math.round((Date.now() - started) / 1000);
      const members = await backing(leader);
      await until("every backing index followed", async () => {
        const status = await ferry.replications.status(STREAM, false);
        return status.status === "SYNCING" && (status.ferry_backing_indices as unknown[] | undefined)?.length === members.length;
      }, 120_000);
      // The follower holds a copy of each, none rolled over, added or deleted on its own, none managed by its ISM.
      const copies = ((await os(follower, "GET", "/_cat/indices/.ds-ism-logs-*?format=json&expand_wildcards=all&h=index")) as Array<{ index: string }>)
        .map((r) => r.index).sort();
      expect(copies).toEqual(members.slice().sort());
      const explained = await os(follower, "GET", `/_plugins/_ism/explain/${members.join(",")}`);
      expect(explained.total_managed_indices).toBe(0);

      const answer = await promoteIndexOrStream({ replications: ferry.replications, autofollow: ferry.autofollow }, STREAM, {});
      expect(answer).toMatchObject({ promotion: "planned", follower_index: STREAM });
      expect(answer.documents!.follower).toBe(answer.documents!.leader);
    } finally {
      await writes.stop();
    }
    // Every write the leader acknowledged is on the follower, and the two streams answer the same searches.
    await os(follower, "POST", `/${STREAM}/_refresh`);
    await os(leader, "POST", `/${STREAM}/_refresh`);
    const ids = [...writes.acknowledged];
    for (let i = 0; i < ids.length; i += 1000) {
      const found = await os(follower, "POST", `/${STREAM}/_count`, { query: { ids: { values: ids.slice(i, i + 1000) } } });
      expect(found.count).toBe(ids.slice(i, i + 1000).length);
    }
    const query = { query: { range: { n: { gte: 100, lt: 400 } } } };
    expect((await os(follower, "POST", `/${STREAM}/_count`, query)).count).toBe((await os(leader, "POST", `/${STREAM}/_count`, query)).count);
    expect((await os(follower, "GET", `/${STREAM}/_count`)).count).toBe(ids.length);
    console.log(`ISM: ${ROLLOVERS} rollovers in ${rolledAfterS} s; ${ids.length} writes acknowledged, all on the follower`);
    // The follower stream's name takes writes after the promote.
    expect(await os(follower, "POST", `/${STREAM}/_doc?op_type=create&refresh=true`, { "@timestamp": new Date().toISOString(), n: -1 }))
      .toMatchObject({ result: "created" });
  }, 20 * 60_000);
});
