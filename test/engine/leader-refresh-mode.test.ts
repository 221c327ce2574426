// The leader-refresh read mode (`ferry.leader.refresh_wait` above 0, core/follow/leader-visibility.ts):
// ferry follows what the leader's own refreshes made searchable and refreshes nothing itself while the
// leader never stops creating, updating and deleting; a shard nobody searches goes search-idle, and the
// write that comes to it afterwards still arrives (ferry refreshes that index once, after refresh_wait).
import { describe, expect, it } from "vitest";
import { bulk, converge, os } from "../support/documents.ts";
import { MixedWriter } from "../support/mixed-writer.ts";
import { until } from "../support/until.ts";
import type { RequestTally } from "../../core/clusters/request-tally.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the requests of each kind ferry sends the leader (polls and shard tasks) while `counting`. */
function leaderRequests() {
  const kinds: Record<string, number> = {};
  let counting = true;
  const add = (tally: RequestTally) => {
    if (!counting) return;
    for (const [kind, n] of Object.entries(tally.leader?.kinds ?? {})) kinds[kind] = (kinds[kind] ?? 0) + n;
  };
  core().events.on("leader:polled", (e) => add(e.requests));
  core().events.on("shard:requests", (e) => add(e.requests));
  return {
    kinds,
    stop: () => {
      counting = false;
    },
  };
}

/** The shards of one follower index in the order their sweeps ended. */
function sweepsOf(followerIndex: string) {
  const swept: number[] = [];
  core().events.on("shard:swept", (e) => {
    if (e.followerIndex === followerIndex) swept.push(e.shard);
  });
  return swept;
}

const externalRefreshes = async (index: string): Promise<number[]> => {
  const stats = await os(leader, "GET", `/${index}/_stats/refresh?level=shards`);
  return Object.values<any[]>(stats.indices[index].shards).map((copies) => copies.find((c) => c.routing.primary).refresh.external_total);
};

describe("leader-refresh mode", () => {
  it("follows a leader that never stops writing and deleting without refreshing it, and loses nothing", async () => {
    core().settings.update({ "ferry.leader.refresh_wait": 600_000 }, false);
    // An explicit refresh_interval: the leader refreshes every second whether searched or not.
    await os(leader, "PUT", "/lrm-l", { settings: { number_of_shards: 2, number_of_replicas: 0, refresh_interval: "1s" } });
    // Ids of their own: the writer's ids carry routings these would not.
    await bulk(leader, "lrm-l", Array.from({ length: 300 }, (_, i) => ({ op: "index", id: `s${i}`, source: { n: i } })), true);
    await core().replications.start("lrm-f", { leader_alias: LEADER_ALIAS, leader_index: "lrm-l" }, { waitForRestore: true });
    // The first sweep after a start compares both ways from a checkpoint no watched refresh covers yet,
    // and may refresh once; what is counted starts after it.
    const swept = sweepsOf("lrm-f");
    await until("the first sweep of both shards", async () => new Set(swept).size === 2);

    // How far each shard followed while the writer goes on. Not the documents copied: the writer
    // rewrites its 400 ids so fast that most documents of a followed range were rewritten above it by
    // the time it is read, and come in a later cycle (the quieter the machine, the fewer per cycle).
    const started = new Map<number, number>();
    const followed = new Map<number, number>();
    core().events.on("shard:batch-applied", (e) => {
      if (e.followerIndex !== "lrm-f") return;
      if (!started.has(e.shard)) started.set(e.shard, e.checkpoint);
      followed.set(e.shard, e.checkpoint - started.get(e.shard)!);
    });
    const requests = leaderRequests();
    const writer = new MixedWriter(leader, { index: "lrm-l", ids: 400, batch: 20, pauseMs: 30 }).start();
    try {
      // Followed while the writer goes on: what the leader's own refreshes showed.
      await until("a thousand operations written and both shards followed 200 further", async () =>
        writer.operations >= 1_000 && followed.size === 2 && [...followed.values()].every((n) => n >= 200));
    } finally {
      await writer.stop();
      requests.stop();
    }
    expect(requests.kinds.search ?? 0).toBeGreaterThan(0);
    expect(requests.kinds.refresh ?? 0).toBe(0);

    // Once the writes stop the leader has nothing left to refresh, and the last operations wait for a
    // refresh that does not come: refresh_wait bounds that wait.
    core().settings.update({ "ferry.leader.refresh_wait": 1_000 }, false);
    expect(await converge(leader, follower, "lrm-l", "lrm-f", 120_000)).toEqual([]);

    await core().replications.stop("lrm-f");
    await os(leader, "DELETE", "/lrm-l");
    await os(follower, "DELETE", "/lrm-f");
  });

  it("lets a shard without writes go search-idle, and follows the write that comes to it later", async () => {
    const wait = 6_000;
    core().settings.update({ "ferry.leader.refresh_wait": wait }, false);
    // No explicit refresh_interval: a shard nobody searched for a second skips its scheduled refreshes.
    await os(leader, "PUT", "/lrm-idle-l", { settings: { number_of_shards: 1, number_of_replicas: 0, "index.search.idle.after": "1s" } });
    await bulk(leader, "lrm-idle-l", [{ op: "index", id: "a", source: { n: 1 } }], true);
    await core().replications.start("lrm-idle-f", { leader_alias: LEADER_ALIAS, leader_index: "lrm-idle-l" }, { waitForRestore: true });
    await bulk(leader, "lrm-idle-l", [{ op: "index", id: "b", source: { n: 2 } }]);
    // The sweep that follows a moved checkpoint counts on the leader (a search); the quiet starts after it.
    const tasks: string[] = [];
    core().events.on("shard:batch-applied", (e) => {
      if (e.followerIndex === "lrm-idle-f") tasks.push("copy");
    });
    core().events.on("shard:swept", (e) => {
      if (e.followerIndex === "lrm-idle-f") tasks.push("sweep");
    });
    await until("the first write after the start", async () => (await os(follower, "GET", "/lrm-idle-f/_doc/b"))?.found === true);
    await until("the sweep after it", async () => tasks.lastIndexOf("sweep") > tasks.lastIndexOf("copy"));

    // Quiet: ferry sends the shard no search, so it goes idle, which its refresh count shows: a write
    // to it no longer gets a scheduled refresh.
    const requests = leaderRequests();
    await sleep(4_000);
    const before = await externalRefreshes("lrm-idle-l");
    await bulk(leader, "lrm-idle-l", [{ op: "index", id: "c", source: { n: 3 } }]);
    await sleep(2_500);
    expect(await externalRefreshes("lrm-idle-l")).toEqual(before);
    expect({ search: requests.kinds.search ?? 0, count: requests.kinds.count ?? 0 }).toEqual({ search: 0, count: 0 });

    // ferry waits refresh_wait for a refresh that does not come, then refreshes the index once itself.
    await until("the write to the idle shard", async () => (await os(follower, "GET", "/lrm-idle-f/_doc/c"))?.found === true);
    requests.stop();
    expect(requests.kinds.refresh ?? 0).toBeGreaterThanOrEqual(1);

    await core().replications.stop("lrm-idle-f");
    await os(leader, "DELETE", "/lrm-idle-l");
    await os(follower, "DELETE", "/lrm-idle-f");
    core().settings.update({ "ferry.leader.refresh_wait": null }, false);
  });
});
