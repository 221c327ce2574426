// A follower that lacks a document the leader has is repaired, even when counts cannot tell: one
// document missing on the follower beside one the leader deleted leaves both sides with the same count.
import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

describe("a short follower", () => {
  it("gets back a document removed on the follower while the leader deleted another, at equal counts", async () => {
    await os(leader, "PUT", "/short-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "short-l", Array.from({ length: 3_000 }, (_, i): Op => ({ op: "index", id: `s${i}`, source: { i } })));
    await core().replications.start("short-f", { leader_alias: LEADER_ALIAS, leader_index: "short-l" }, { waitForRestore: true });
    expect(await converge(leader, follower, "short-l", "short-f", 30_000)).toEqual([]);

    await core().replications.pause("short-f");
    // Both documents came with the restore, so they sit in the same region: its counts stay equal.
    await os(leader, "DELETE", "/short-l/_doc/s100?refresh=true");
    await os(follower, "DELETE", "/short-f/_doc/s2500?refresh=true");
    const [l, f] = await Promise.all([os(leader, "GET", "/short-l/_count"), os(follower, "GET", "/short-f/_count")]);
    expect(l.count).toBe(f.count);

    await core().replications.resume("short-f");
    expect(await converge(leader, follower, "short-l", "short-f", 90_000)).toEqual([]);
    const status = (await core().replications.status("short-f", false)) as any;
    expect(status.deletes_replicated).toBeGreaterThanOrEqual(1);
    expect(status.foreign_writes_repaired).toBeGreaterThanOrEqual(1);
  });
});
