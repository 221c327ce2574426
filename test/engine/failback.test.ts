// Fail-back against the real clusters: a planned promote with `reverse` makes the old leader index follow
// the promoted one without a copy; a later promote with `reverse` swaps the roles back. Both sites must end
// with identical documents, including a document updated more often than the other side has operations
// (its versions are what a fail-back's version offset must stay above).
import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

const docs = (from: number, to: number, tag: string): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `d${from + k}`, routing: (from + k) % 5 === 0 ? `r${(from + k) % 3}` : undefined, source: { n: from + k, tag } }));

/** One document written `times` times, one request each: its version climbs past most sequence numbers. */
async function hammer(base: string, index: string, id: string, times: number, tag: string): Promise<void> {
  for (let i = 0; i < times; i++) await os(base, "PUT", `/${index}/_doc/${id}`, { hot: i, tag });
}

async function status(index: string): Promise<any> {
  return core().replications.status(index, false);
}

describe("fail-back", () => {
  it("promote with reverse, write on the new leader, promote back: both sites hold identical data", async () => {
    await os(leader, "PUT", "/failback-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "failback-l", docs(0, 1_000, "start"));
    await core().replications.start("failback-f", { leader_alias: LEADER_ALIAS, leader_index: "failback-l" }, { waitForRestore: true });
    await hammer(leader, "failback-l", "hot", 150, "site-a");
    await bulk(leader, "failback-l", [...docs(0, 200, "a-update"), ...Array.from({ length: 50 }, (_, i): Op => ({ op: "delete", id: `d${900 + i}` }))]);

    const there = await core().replications.promote("failback-f", { reverse: true });
    expect(there).toMatchObject({ promotion: "planned", leader_write_block: false });
    expect(there.reverse).toEqual({ leader_alias: "_local", leader_index: "failback-f", follower_alias: LEADER_ALIAS, follower_index: "failback-l", bootstrap: "none" });
    expect(await status("failback-l")).toMatchObject({ status: "SYNCING", ferry_bootstrap: "reverse", ferry_follower_alias: LEADER_ALIAS, leader_index: "failback-f" });
    // The promoted index takes writes (the proxy no longer guards it); the old leader follows it.
    expect(core().replications.isFollowerIndex("failback-f")).toBe(false);
    await bulk(follower, "failback-f", [
      ...docs(1_000, 1_300, "b-new"), ...docs(100, 300, "b-update"),
      ...Array.from({ length: 40 }, (_, i): Op => ({ op: "delete", id: `d${i * 7}` })), { op: "delete", id: "d1001" },
    ]);
    await hammer(follower, "failback-f", "hot", 20, "site-b");
    expect(await converge(follower, leader, "failback-f", "failback-l", 120_000)).toEqual([]);

    const back = await core().replications.promote("failback-l", { reverse: true });
    expect(back.reverse).toEqual({ leader_alias: LEADER_ALIAS, leader_index: "failback-l", follower_alias: "_local", follower_index: "failback-f", bootstrap: "none" });
    expect(await status("failback-f")).toMatchObject({ status: "SYNCING", ferry_bootstrap: "reverse", leader_alias: LEADER_ALIAS });
    expect(core().replications.isFollowerIndex("failback-f")).toBe(true);
    await bulk(leader, "failback-l", [...docs(1_300, 1_400, "a-again"), ...docs(250, 350, "a-again"), { op: "delete", id: "d500" }, { op: "delete", id: "d1200" }]);
    await hammer(leader, "failback-l", "hot", 10, "site-a-again");
    expect(await converge(leader, follower, "failback-l", "failback-f", 120_000)).toEqual([]);
    await until("caught up with deletes settled", async () => {
      const s = await status("failback-f");
      return s.syncing_details?.follower_checkpoint === s.syncing_details?.leader_checkpoint;
    });
    await core().replications.stop("failback-f");
  });
});
