import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

describe("delete replication", () => {
  it("follows 5,000 random creates, updates, deletes and delete-then-recreates over 3 shards exactly", async () => {
    await os(leader, "PUT", "/del-mix-l", { settings: { number_of_shards: 3, number_of_replicas: 0 } });
    const seed: Op[] = Array.from({ length: 3_000 }, (_, i) => ({ op: "index", id: `m${i}`, routing: i % 4 === 0 ? `r${i % 3}` : undefined, source: { v: 0 } }));
    await bulk(leader, "del-mix-l", seed);
    await core().replications.start("del-mix-f", { leader_alias: LEADER_ALIAS, leader_index: "del-mix-l" }, { waitForRestore: true });

    const next = random(42);
    const ops: Op[] = [];
    for (let i = 0; i < 5_000; i++) {
      const n = Math.floor(next() * 4_000);
      const routing = n % 4 === 0 ? `r${n % 3}` : undefined;
      const r = next();
      if (r < 0.35) ops.push({ op: "delete", id: `m${n}`, routing });
      else if (r < 0.45) ops.push({ op: "delete", id: `m${n}`, routing }, { op: "index", id: `m${n}`, routing, source: { v: i, recreated: true } });
      else ops.push({ op: "index", id: `m${n}`, routing, source: { v: i } });
    }
    // Sent in small bulks, so deletes, follows and sweeps interleave.
    for (let i = 0; i < ops.length; i += 250) await bulk(leader, "del-mix-l", ops.slice(i, i + 250));
    expect(await converge(leader, follower, "del-mix-l", "del-mix-f", 10_000)).toEqual([]);
  });
});
