// The records ferry keeps per shard (regions, core/store/regions.ts) must not grow with the number of
// gaps: every foreign write between ferry's own splits its writes, and a shard that collected thousands
// of regions would cost each sweep thousands of counts.
import { describe, expect, it } from "vitest";
import { listRegions } from "../../core/store/regions.ts";
import { converge, os } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("region records", () => {
  it("stay a handful after 1,500 foreign writes interleaved with following, which all get repaired", async () => {
    await os(leader, "PUT", "/rb-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(leader, "PUT", "/rb-l/_doc/seed?refresh=true", { n: -1 });
    await core().replications.start("rb-f", { leader_alias: LEADER_ALIAS, leader_index: "rb-l" }, { waitForRestore: true });

    let most = 0;
    for (let i = 0; i < 1_500; i++) {
      await os(leader, "PUT", `/rb-l/_doc/l${i}`, { n: i });
      // Someone writes to the follower directly, between ferry's cycles (what a proxy cannot stop).
      await os(follower, "PUT", `/rb-f/_doc/foreign${i}`, { foreign: i });
      if (i % 100 === 0) {
        most = Math.max(most, listRegions(core().store, "rb-f", 0).length);
        await sleep(20);
      }
    }
    expect(await converge(leader, follower, "rb-l", "rb-f", 120_000)).toEqual([]);
    // Gaps were made: foreign documents were found and removed by sweeps.
    const status = (await core().replications.status("rb-f", false)) as any;
    expect(status.foreign_writes_repaired).toBeGreaterThan(0);
    let regions = listRegions(core().store, "rb-f", 0);
    for (let i = 0; i < 100 && regions.length > 3; i++) {
      await sleep(200);
      regions = listRegions(core().store, "rb-f", 0);
    }
    console.log(`regions: at most ${most} while writing, ${regions.length} at the end: ${JSON.stringify(regions.map((r) => r.kind))}`);
    expect(regions.length).toBeLessThanOrEqual(3);
    await core().replications.stop("rb-f");
  });
});
