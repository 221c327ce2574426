// A leader shard that takes writes on every poll must still get its deletes onto the follower, and
// `_status` must never call the follower caught up while a delete is outstanding.
import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes to the leader at about `perSecond` documents per second until stopped. */
function constantWriter(index: string, perSecond: number) {
  let stopped = false;
  let written = 0;
  const done = (async () => {
    const started = Date.now();
    while (!stopped) {
      const due = Math.floor(((Date.now() - started) / 1_000) * perSecond) - written;
      if (due > 0) {
        const ops: Op[] = Array.from({ length: due }, (_, k) => ({ op: "index", id: `w${written + k}`, source: { n: written + k } }));
        await bulk(leader, index, ops);
        written += due;
      }
      await sleep(20);
    }
  })();
  return { stop: async () => { stopped = true; await done; }, written: () => written };
}

async function goneOnFollower(id: string): Promise<boolean> {
  const res = await os(follower, "GET", `/dul-f/_doc/${id}`);
  return res?.found === false;
}

describe("deletes under constant writes", () => {
  it("brings every delete to the follower while the leader shard takes ~500 docs/s, and status waits for them", async () => {
    await os(leader, "PUT", "/dul-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "dul-l", Array.from({ length: 2_000 }, (_, i) => ({ op: "index", id: `d${i}`, source: { n: i } })));
    await core().replications.start("dul-f", { leader_alias: LEADER_ALIAS, leader_index: "dul-l" }, { waitForRestore: true });

    const writer = constantWriter("dul-l", 500);
    const latencies: number[] = [];
    try {
      await sleep(3_000);
      // 20 deletes, one every 500 ms, while a watcher looks for each on the follower, and writes go on.
      const pending = new Map<string, number>();
      let issuing = true;
      const watcher = (async () => {
        const deadline = Date.now() + 120_000;
        while ((issuing || pending.size) && Date.now() < deadline) {
          await Promise.all([...pending].map(async ([id, at]) => {
            if (await goneOnFollower(id)) {
              latencies.push(Date.now() - at);
              pending.delete(id);
            }
          }));
          await sleep(50);
        }
      })();
      for (let i = 0; i < 20; i++) {
        const id = `d${i * 37}`;
        const at = Date.now();
        await os(leader, "DELETE", `/dul-l/_doc/${id}`);
        pending.set(id, at);
        await sleep(500);
      }
      issuing = false;
      await watcher;
      expect([...pending.keys()]).toEqual([]);
      expect(writer.written()).toBeGreaterThan(2_000);
    } finally {
      await writer.stop();
    }
    latencies.sort((a, b) => a - b);
    console.log(`delete latency under ~500 docs/s (ms): median ${latencies[10]}, max ${latencies.at(-1)}, all ${latencies.join(",")}`);

    // Caught up means deletes too: the moment status says so, the last delete is on the follower.
    const deleted = await os(leader, "DELETE", "/dul-l/_doc/d1999");
    for (;;) {
      const status = (await core().replications.status("dul-f", false)) as any;
      const d = status.syncing_details;
      if (d && d.leader_checkpoint >= deleted._seq_no && d.follower_checkpoint === d.leader_checkpoint) break;
      await sleep(20);
    }
    expect(await goneOnFollower("d1999")).toBe(true);
    expect(await converge(leader, follower, "dul-l", "dul-f", 30_000)).toEqual([]);
  });
});
