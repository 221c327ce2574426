// Many followed indices with long names: every per-index list ferry sends (stats, cluster state,
// refresh, existence checks) would pass OpenSearch's 4 KB request line long before a thousand indices.
// 40 names of 220 characters make any one list 8.8 KB, which shows the same property at a fraction of
// the cost of a thousand bootstraps.
import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";
import { until } from "../support/until.ts";

const { leader, follower } = testbed();
const core = useCore();
const COUNT = 40;
const names = Array.from({ length: COUNT }, (_, i) => `long-${String(i).padStart(2, "0")}-${"n".repeat(211)}`);

describe("long index lists", () => {
  it("starts, follows, deletes and stops 40 indices whose names together pass the request-line limit", async () => {
    expect(names.join(",").length).toBeGreaterThan(4_096);
    for (const name of names) {
      await os(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      await bulk(leader, name, Array.from({ length: 5 }, (_, d): Op => ({ op: "index", id: `d${d}`, source: { d } })));
    }
    // `*`: follower names are the leader names (the follower is another cluster).
    const answer = await core().wildcardStart.start("*", { leader_alias: LEADER_ALIAS, leader_index: "long-*" }, { waitForRestore: false });
    expect(answer.indices.filter((i) => i.result === "started")).toHaveLength(COUNT);
    await until("every index SYNCING", async () => {
      for (const name of names) if ((await core().replications.status(name, false)).status !== "SYNCING") return false;
      return true;
    }, 300_000, 500);

    // New documents and deletes in every index at once: cycles, refreshes and sweeps for all of them.
    for (const name of names) await bulk(leader, name, [{ op: "index", id: "new", source: { fresh: true } }, { op: "delete", id: "d0" }]);
    for (const name of names) expect(await converge(leader, follower, name, name, 60_000)).toEqual([]);
    for (const name of names) {
      const status = (await core().replications.status(name, false)) as any;
      expect(status.ferry_retrying ?? []).toEqual([]);
    }
    for (const name of names) await core().replications.stop(name);
  });
});
