// Two ferry instances with their own databases pointed at one follower (here: the second started from a
// copy of the first's database) must not both write to a follower index: the second waits, visibly, and
// takes over once the first is gone and its lease has run out.
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { newFerryDir } from "../support/ferry-spawn.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, startCore, testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
const LEASE = { FERRY_SETTINGS: JSON.stringify({ "ferry.lease.duration": 6_000 }) };
const docs = (from: number, to: number): Op[] => Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `o${from + k}`, source: { n: from + k } }));
const opened: Ferry[] = [];
const created: Array<[string, string]> = [];
afterAll(async () => {
  for (const f of opened) await f.close().catch(() => undefined);
  for (const [cluster, index] of created) {
    await os(cluster, "PUT", `/${index}/_settings`, { "index.blocks.write": null }).catch(() => undefined);
    await os(cluster, "DELETE", `/${index}`).catch(() => undefined);
  }
});

/** A second ferry started from a copy of `first`'s database: it lists the same replications. */
async function standbyOf(first: Ferry): Promise<Ferry> {
  const copy = join(newFerryDir(), "copy.db");
  const source = new Database(first.config.dbPath, { readonly: true });
  await source.backup(copy);
  source.close();
  const second = await startCore({ ...LEASE, FERRY_DB: copy, FERRY_DB_CREATE: "false" });
  opened.push(second);
  return second;
}

/** A first ferry following `leaderIndex` into `followerIndex`, and a standby copy of it waiting for the lease. */
async function pairFollowing(leaderIndex: string, followerIndex: string): Promise<{ first: Ferry; second: Ferry }> {
  const first = await startCore(LEASE);
  opened.push(first);
  created.push([leader, leaderIndex], [follower, followerIndex]);
  await os(leader, "PUT", `/${leaderIndex}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(leader, leaderIndex, docs(0, 100));
  await first.replications.start(followerIndex, { leader_alias: LEADER_ALIAS, leader_index: leaderIndex }, { waitForRestore: true });
  expect(await converge(leader, follower, leaderIndex, followerIndex, 30_000)).toEqual([]);
  const second = await standbyOf(first);
  await until("the standby to wait for the lease", async () => (await second.replications.status(followerIndex, false)).status === "PAUSED");
  return { first, second };
}

/** The application's own writes into an index no replication owns any more. */
const appDocs = (): Op[] => Array.from({ length: 20 }, (_, k) => ({ op: "index", id: `app${k}`, source: { app: k } }));
const appDocsLeft = async (index: string) =>
  (await os(follower, "POST", `/${index}/_count`, { query: { exists: { field: "app" } } })).count as number;

/** The standby must give the index up for good, with a reason that says why and what to do. */
async function standbyGivesUp(second: Ferry, followerIndex: string, because: RegExp): Promise<void> {
  await until("the standby to leave its wait", async () => (await second.replications.status(followerIndex, false)).reason !== undefined
    && !String((await second.replications.status(followerIndex, false)).reason).includes("is followed by another ferry instance"), 60_000);
  const status = (await second.replications.status(followerIndex, false)) as any;
  expect(status.status).toBe("FAILED");
  expect(status.reason).toMatch(because);
}

describe("one ferry per follower index", () => {
  it("a second instance waits while the first holds the lease, then takes over when the first is gone", async () => {
    const first = await startCore(LEASE);
    opened.push(first);
    created.push([leader, "lease-l"], [follower, "lease-f"]);
    await os(leader, "PUT", "/lease-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "lease-l", docs(0, 500));
    await first.replications.start("lease-f", { leader_alias: LEADER_ALIAS, leader_index: "lease-l" }, { waitForRestore: true });
    expect(await converge(leader, follower, "lease-l", "lease-f", 30_000)).toEqual([]);

    // The same replications in another database file: another instance.
    const second = await standbyOf(first);
    await until("the second instance to wait", async () => (await second.replications.status("lease-f", false)).status === "PAUSED");
    const waiting = (await second.replications.status("lease-f", false)) as any;
    expect(waiting.reason).toMatch(/^AutoPaused: follower index \[lease-f\] is followed by another ferry instance \(.*\) whose lease runs until .*; this one takes over/);
    expect(await first.replications.status("lease-f", false)).toMatchObject({ status: "SYNCING" });

    await bulk(leader, "lease-l", docs(500, 800));
    expect(await converge(leader, follower, "lease-l", "lease-f", 30_000)).toEqual([]);
    expect((await second.replications.status("lease-f", false)).status).toBe("PAUSED");

    // The first goes away without a word (its lease is not given back); the second takes over.
    await first.close();
    await until("the second instance to follow", async () => (await second.replications.status("lease-f", false)).status === "SYNCING", 30_000);
    await bulk(leader, "lease-l", [...docs(800, 1_000), { op: "delete", id: "o1" }]);
    expect(await converge(leader, follower, "lease-l", "lease-f", 30_000)).toEqual([]);
    await second.replications.stop("lease-f");
  });

  it("an index the first instance stopped stays off-limits to a standby that still lists it", async () => {
    const { first, second } = await pairFollowing("lease-stop-l", "lease-stop-f");
    await first.replications.stop("lease-stop-f");
    await bulk(follower, "lease-stop-f", appDocs(), true);
    // Past the lease it would have taken over before: it must not write, sweep or change anything.
    await standbyGivesUp(second, "lease-stop-f", /stopped .*lease-stop-f|lease-stop-f.* stopped/);
    expect(await appDocsLeft("lease-stop-f")).toBe(20);
    await second.replications.stop("lease-stop-f");
  });

  it("an index the first instance promoted stays off-limits to a standby, write alias included", async () => {
    const { first, second } = await pairFollowing("lease-promote-l", "lease-promote-f");
    await first.replications.promote("lease-promote-f", { write_alias: "lease-promote-w" });
    await bulk(follower, "lease-promote-w", appDocs(), true);
    await standbyGivesUp(second, "lease-promote-f", /promoted|stopped/);
    expect(await appDocsLeft("lease-promote-f")).toBe(20);
    const aliases = await os(follower, "GET", "/_alias/lease-promote-w");
    expect(Object.keys(aliases)).toEqual(["lease-promote-f"]);
    await second.replications.stop("lease-promote-f");
  });
});
