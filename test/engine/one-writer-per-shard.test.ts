// One writer per shard (issue 20, item 6), on the real clusters with TCP proxies in between: a resume
// while a slow pause still waits for its cycle must not start a second cycle of the same shard, and a
// forced promote must neither kill other indices' tasks on the same pool thread nor answer while one of
// its own bulks can still land on the follower.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import type { FerryEvents } from "../../core/events.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";
import { startCore, testbed } from "./engine-context.ts";

const { leader, follower } = testbed();

const docs = (prefix: string, from: number, to: number): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `${prefix}${from + k}`, source: { n: from + k } }));

/** Requests in flight through a proxy, by a key the test chooses; remembers the most at once. */
class InFlight {
  private readonly open = new Map<string, number>();
  readonly most = new Map<string, number>();

  constructor(proxy: TcpProxy, keyOf: (requestLine: string) => string | undefined) {
    proxy.onRequest = (line) => {
      const key = keyOf(line);
      if (key === undefined) return;
      const n = (this.open.get(key) ?? 0) + 1;
      this.open.set(key, n);
      this.most.set(key, Math.max(n, this.most.get(key) ?? 0));
    };
    proxy.onRequestEnd = (line) => {
      const key = keyOf(line);
      if (key !== undefined) this.open.set(key, (this.open.get(key) ?? 1) - 1);
    };
  }

  now(key: string): number {
    return this.open.get(key) ?? 0;
  }
}

async function createLeaderIndex(index: string): Promise<void> {
  await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
}

async function followerMaxSeqNo(index: string): Promise<number> {
  const stats = await os(follower, "GET", `/${index}/_stats/docs?level=shards`);
  return stats.indices[index].shards["0"][0].seq_no.max_seq_no as number;
}

describe("a resume during a slow pause", () => {
  const LEADER_INDEX = "wr-pause-l";
  const FOLLOWER_INDEX = "wr-pause-f";
  let proxy: TcpProxy;
  let ferry: Ferry;

  beforeAll(async () => {
    proxy = await TcpProxy.start(leader);
    ferry = await startCore({
      FERRY_REMOTES: JSON.stringify({ "wr-slow": { hosts: [proxy.url] } }),
      // Small pages: one cycle over the backlog takes many slow round trips.
      FERRY_SETTINGS: JSON.stringify({ "ferry.follower.search_page_size": 10 }),
    });
  });
  afterAll(async () => {
    await proxy.set({ kind: "none" });
    await ferry?.replications.stop(FOLLOWER_INDEX).catch(() => undefined);
    await ferry?.close();
    await proxy?.close();
    await os(leader, "DELETE", `/${LEADER_INDEX}`);
    await os(follower, "DELETE", `/${FOLLOWER_INDEX}`);
  });

  it("starts no second cycle of the shard while the paused one still runs", async () => {
    const searches = new InFlight(proxy, (line) => (line.startsWith(`POST /${LEADER_INDEX}/_search`) ? "shard 0" : undefined));
    await createLeaderIndex(LEADER_INDEX);
    await bulk(leader, LEADER_INDEX, docs("p", 0, 50));
    await ferry.replications.start(FOLLOWER_INDEX, { leader_alias: "wr-slow", leader_index: LEADER_INDEX }, { waitForRestore: true });
    expect(await converge(leader, follower, LEADER_INDEX, FOLLOWER_INDEX, 60_000)).toEqual([]);

    // Slow first: the whole cycle over the backlog then runs through the slow link.
    await proxy.set({ kind: "slow", delayMs: 300 });
    await bulk(leader, LEADER_INDEX, docs("p", 50, 600));
    await until("a cycle reads the backlog", async () => searches.now("shard 0") > 0);
    const pausing = ferry.replications.pause(FOLLOWER_INDEX);
    await ferry.replications.resume(FOLLOWER_INDEX);
    await pausing;
    // The resumed replication's poll has had time to start a cycle of its own by now (several requests
    // through the slow proxy); with one writer per shard it starts it only after the paused one ended.
    await proxy.set({ kind: "none" });
    expect(await converge(leader, follower, LEADER_INDEX, FOLLOWER_INDEX, 120_000)).toEqual([]);
    expect(searches.most.get("shard 0")).toBe(1);
  });
});

describe("a forced promote", () => {
  const A_LEADER = "wr-a-l";
  const A_FOLLOWER = "wr-a-f";
  const B_LEADER = "wr-b-l";
  const B_FOLLOWER = "wr-b-f";
  let leaderA: TcpProxy;
  let leaderB: TcpProxy;
  let followerProxy: TcpProxy;
  let ferry: Ferry;

  beforeAll(async () => {
    [leaderA, leaderB, followerProxy] = await Promise.all([TcpProxy.start(leader), TcpProxy.start(leader), TcpProxy.start(follower)]);
    ferry = await startCore({
      FERRY_FOLLOWER_URL: followerProxy.url,
      FERRY_REMOTES: JSON.stringify({ "wr-a": { hosts: [leaderA.url] }, "wr-b": { hosts: [leaderB.url] } }),
      // One pool thread: both indices' tasks run on it side by side. A hung request stays hung for the
      // whole test.
      FERRY_SETTINGS: JSON.stringify({ "ferry.pool.max_threads": 1, "ferry.promote.leader_timeout": 200, "ferry.http.request_timeout": 300_000 }),
    });
  });
  afterAll(async () => {
    await Promise.all([leaderA, leaderB, followerProxy].map((p) => p?.set({ kind: "none" })));
    await ferry?.replications.stop(B_FOLLOWER).catch(() => undefined);
    await ferry?.close();
    await Promise.all([leaderA, leaderB, followerProxy].map((p) => p?.close()));
    for (const index of [A_LEADER, B_LEADER]) await os(leader, "DELETE", `/${index}`);
    for (const index of [A_FOLLOWER, B_FOLLOWER]) await os(follower, "DELETE", `/${index}`);
  });

  it("runs beside a hung task of another index, cancels only its own index's tasks and answers once none of its bulks can still land", async () => {
    const errors: Array<FerryEvents["shard:error"]> = [];
    ferry.events.on("shard:error", (e) => errors.push(e));
    const bSearches = new InFlight(leaderB, (line) => (line.startsWith(`POST /${B_LEADER}/_search`) ? "search" : undefined));
    const bulks = new InFlight(followerProxy, (line) => (line.startsWith("POST /_bulk?pipeline=_none") ? "bulk" : undefined));
    await Promise.all([createLeaderIndex(A_LEADER), createLeaderIndex(B_LEADER)]);
    await Promise.all([bulk(leader, A_LEADER, docs("a", 0, 20)), bulk(leader, B_LEADER, docs("b", 0, 20))]);
    await ferry.replications.start(A_FOLLOWER, { leader_alias: "wr-a", leader_index: A_LEADER }, { waitForRestore: true });
    await ferry.replications.start(B_FOLLOWER, { leader_alias: "wr-b", leader_index: B_LEADER }, { waitForRestore: true });
    expect(await converge(leader, follower, B_LEADER, B_FOLLOWER, 60_000)).toEqual([]);

    // B's next cycle hangs in its leader read (swallowed), so its task stays on the one pool thread.
    await leaderB.set({ kind: "slow", delayMs: 500 });
    await bulk(leader, B_LEADER, docs("b", 20, 21));
    await until("B's cycle reads the leader", async () => bSearches.now("search") > 0);
    await leaderB.set({ kind: "blackhole" });
    // A's tasks share the thread with B's hung one and go on meanwhile.
    await bulk(leader, A_LEADER, docs("a", 20, 60));
    expect(await converge(leader, follower, A_LEADER, A_FOLLOWER, 90_000)).toEqual([]);

    // The follower takes long over ferry's bulks (they arrive 3 s late, even when ferry gave up on them).
    await followerProxy.set({ kind: "latency", delayMs: 3_000, requests: /^POST \/_bulk\?pipeline=_none/ });
    let writing = true;
    const writer = (async () => {
      for (let round = 1; writing; round++) {
        await bulk(leader, A_LEADER, docs(`a${round}-`, 0, 20));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await until("one of A's bulks is on its way to the follower", async () => bulks.now("bulk") > 0);
      const promoted = await ferry.replications.promote(A_FOLLOWER, { force: true });
      expect(promoted.promotion).toBe("unplanned");
      const atAnswer = await followerMaxSeqNo(A_FOLLOWER);
      await followerProxy.delivered();
      expect(await followerMaxSeqNo(A_FOLLOWER), "a bulk of the promoted index landed after the promote answered").toBe(atAnswer);
      expect(errors.filter((e) => e.followerIndex === B_FOLLOWER && e.type === "worker_exception"), "B's task was killed").toEqual([]);
    } finally {
      writing = false;
      await writer;
    }
  });
});
