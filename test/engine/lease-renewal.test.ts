// The follower-index lease on real clusters (issue 20, item 8): it is renewed on its own timer, so a slow
// leader (its answers delayed past the lease by the TCP proxy) never lets it lapse; and a shard stops
// writing as soon as a renewal fails, not when its cycle ends.
import { afterAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, startCore, testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
// Renewed every third of it: long enough that a loaded test machine does not delay a renewal past it.
const LEASE_MS = 5_000;
const docs = (from: number, to: number): Op[] => Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `r${from + k}`, source: { n: from + k } }));
const opened: Ferry[] = [];
const proxies: TcpProxy[] = [];
const created: Array<[string, string]> = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  for (const p of proxies) await p.set({ kind: "none" }).catch(() => undefined);
  for (const f of opened) await f.close().catch(() => undefined);
  for (const p of proxies) await p.close();
  await os(follower, "PUT", "/.ferry-leases/_settings", { "index.blocks.write": null }).catch(() => undefined);
  for (const [cluster, index] of created) await os(cluster, "DELETE", `/${index}`).catch(() => undefined);
});

async function following(leaderIndex: string, followerIndex: string, settings: Record<string, number>, remote = leader): Promise<Ferry> {
  const ferry = await startCore({
    FERRY_SETTINGS: JSON.stringify({ "ferry.lease.duration": LEASE_MS, ...settings }),
    FERRY_REMOTES: JSON.stringify({ [LEADER_ALIAS]: { hosts: [remote] } }),
  });
  opened.push(ferry);
  created.push([leader, leaderIndex], [follower, followerIndex]);
  await os(leader, "PUT", `/${leaderIndex}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(leader, leaderIndex, docs(0, 100));
  await ferry.replications.start(followerIndex, { leader_alias: LEADER_ALIAS, leader_index: leaderIndex }, { waitForRestore: true });
  expect(await converge(leader, follower, leaderIndex, followerIndex, 60_000)).toEqual([]);
  return ferry;
}

/** The lease document of a follower index, looked up by the index's uuid as stored in it. */
async function leaseOf(followerIndex: string): Promise<{ expires_at: number; owner: string }> {
  const uuid = (await os(follower, "GET", `/${followerIndex}/_settings`))[followerIndex].settings.index.uuid as string;
  let found: { expires_at: number; owner: string } | undefined;
  // The first claim may come a moment after the replication started.
  await until("the lease document", async () => {
    await os(follower, "POST", "/.ferry-leases/_refresh");
    found = (await os(follower, "POST", "/.ferry-leases/_search", { query: { term: { "follower_uuid.keyword": uuid } } }))?.hits?.hits?.[0]?._source;
    return found !== undefined;
  });
  return found!;
}

async function count(index: string): Promise<number> {
  await os(follower, "POST", `/${index}/_refresh`);
  return (await os(follower, "GET", `/${index}/_count`)).count as number;
}

describe("the follower lease", () => {
  it("is renewed on time while every leader answer comes later than the lease lasts", async () => {
    const proxy = await TcpProxy.start(leader);
    proxies.push(proxy);
    const ferry = await following("lease-slow-l", "lease-slow-f", {}, proxy.url);
    const before = await leaseOf("lease-slow-f");
    await proxy.set({ kind: "slow", delayMs: LEASE_MS + 1_000 });
    let lapsed = 0;
    let leastLeftMs = Infinity;
    const statuses = new Set<string>();
    await until("the lease to be renewed over four lease durations", async () => {
      const lease = await leaseOf("lease-slow-f");
      const left = lease.expires_at - Date.now();
      leastLeftMs = Math.min(leastLeftMs, left);
      if (left <= 0) lapsed++;
      statuses.add((await ferry.replications.status("lease-slow-f", false)).status as string);
      return lease.expires_at >= before.expires_at + 4 * LEASE_MS;
    }, 120_000);
    await proxy.set({ kind: "none" });
    console.log(`slow leader: lease lapsed in ${lapsed} looks, least time left ${leastLeftMs} ms, statuses ${[...statuses].join(",")}`);
    expect(lapsed).toBe(0);
    expect([...statuses]).toEqual(["SYNCING"]);
    await bulk(leader, "lease-slow-l", docs(100, 200));
    expect(await converge(leader, follower, "lease-slow-l", "lease-slow-f", 60_000)).toEqual([]);
    await ferry.replications.stop("lease-slow-f");
  });

  it("stops a shard's writes as soon as a renewal fails, in the middle of a cycle", async () => {
    // Small pages: the backlog below takes one long cycle of many bulks.
    const ferry = await following("lease-lost-l", "lease-lost-f", { "ferry.follower.search_page_size": 50 });
    await ferry.replications.pause("lease-lost-f");
    await bulk(leader, "lease-lost-l", docs(100, 30_100));
    await ferry.replications.resume("lease-lost-f");
    await until("the backlog to be copied", async () => (await count("lease-lost-f")) > 1_000);
    // Renewals fail from here on; the follower index itself still takes writes.
    await os(follower, "PUT", "/.ferry-leases/_settings", { "index.blocks.write": true });
    try {
      await until("the lease to run out", async () => (await leaseOf("lease-lost-f")).expires_at < Date.now());
      const atExpiry = await count("lease-lost-f");
      // Nothing is written any more: a moment later the follower holds the same.
      await sleep(2 * LEASE_MS);
      const later = await count("lease-lost-f");
      console.log(`lease lost: ${atExpiry} documents at expiry, ${later} ${2 * LEASE_MS} ms later, of 30100`);
      expect(later).toBe(atExpiry);
      expect(atExpiry).toBeLessThan(30_100);
      // An error being retried, as any of the follower's: the replication stays SYNCING and says why it waits.
      const status = (await ferry.replications.status("lease-lost-f", false)) as any;
      expect(status.status).toBe("SYNCING");
      expect(status.ferry_retrying[0].last_error).toMatch(/lease on follower index \[lease-lost-f\]/);
    } finally {
      await os(follower, "PUT", "/.ferry-leases/_settings", { "index.blocks.write": null });
    }
    ferry.settings.update({ "ferry.follower.search_page_size": 2_000 });
    expect(await converge(leader, follower, "lease-lost-l", "lease-lost-f", 120_000)).toEqual([]);
    await ferry.replications.stop("lease-lost-f");
  });
});
