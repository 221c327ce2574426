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
const LEASE = { FERRY_SETTINGS: JSON.stringify({ "ferry.lease.duration": 3_000 }) };
const docs = (from: number, to: number): Op[] => Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `o${from + k}`, source: { n: from + k } }));
const opened: Ferry[] = [];
afterAll(async () => {
  for (const f of opened) await f.close().catch(() => undefined);
});

describe("one ferry per follower index", () => {
  it("a second instance waits while the first holds the lease, then takes over when the first is gone", async () => {
    const first = await startCore(LEASE);
    opened.push(first);
    await os(leader, "PUT", "/lease-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "lease-l", docs(0, 500));
    await first.replications.start("lease-f", { leader_alias: LEADER_ALIAS, leader_index: "lease-l" }, { waitForRestore: true });
    expect(await converge(leader, follower, "lease-l", "lease-f", 30_000)).toEqual([]);

    // The same replications in another database file: another instance.
    const copy = join(newFerryDir(), "copy.db");
    const source = new Database(first.config.dbPath, { readonly: true });
    await source.backup(copy);
    source.close();
    const second = await startCore({ ...LEASE, FERRY_DB: copy, FERRY_DB_CREATE: "false" });
    opened.push(second);
    await until("the second instance to wait", async () => (await second.replications.status("lease-f", false)).status === "PAUSED");
    const waiting = (await second.replications.status("lease-f", false)) as any;
    expect(waiting.reason).toMatch(/^AutoPaused: follower index \[lease-f\] is followed by another ferry instance \(.*\) whose lease runs until .*; this one takes over/);
    expect((await first.replications.status("lease-f", false)).status).toBe("SYNCING");

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
});
