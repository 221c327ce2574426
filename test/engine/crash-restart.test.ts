import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { newFerryDir } from "../support/ferry-spawn.ts";
import { LEADER_ALIAS, testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
const running: FerryProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((f) => f.stop()));
});

async function start(db: string): Promise<FerryProcess> {
  const ferry = await startFerry({ FERRY_DB: db });
  running.push(ferry);
  return ferry;
}

const ops = (from: number, to: number, tag: string): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({
    op: "index", id: `c${(from + k) % 30_000}`, routing: (from + k) % 3 === 0 ? "r1" : undefined, source: { n: from + k, tag },
  }));

// In a folder the test support removes after the file.
const newDb = () => join(newFerryDir(), "ferry.db");

describe("crash safety", () => {
  it("converges to the leader's exact content after SIGKILL in the middle of 50,000 operations", async () => {
    const db = newDb();
    await os(leader, "PUT", "/crash-l", { settings: { number_of_shards: 3, number_of_replicas: 0 } });
    await bulk(leader, "crash-l", ops(0, 5_000, "seed"));
    const first = await start(db);
    const started = await first.call("PUT", "/_plugins/_replication/crash-f/_start?wait_for_restore=true",
      { leader_alias: LEADER_ALIAS, leader_index: "crash-l" });
    expect(started).toEqual({ status: 200, body: { acknowledged: true } });

    // 50,000 operations: new ids, then overwrites of ids written before (ids wrap at 30,000).
    const writing = bulk(leader, "crash-l", ops(5_000, 55_000, "load"));
    await new Promise((r) => setTimeout(r, 2_000));
    const before = await first.call("GET", "/_plugins/_replication/crash-f/_status");
    expect(before.body.status).toBe("SYNCING");
    first.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 1_000));

    const second = await start(db);
    await writing;
    expect(await converge(leader, follower, "crash-l", "crash-f", 30_000)).toEqual([]);
    // Caught up includes deletes: status says so once a sweep has found the follower equal.
    let after = await second.call("GET", "/_plugins/_replication/crash-f/_status");
    for (let i = 0; i < 150 && after.body.syncing_details?.follower_checkpoint !== after.body.syncing_details?.leader_checkpoint; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await second.call("GET", "/_plugins/_replication/crash-f/_status");
    }
    expect(after.body.status).toBe("SYNCING");
    expect(after.body.syncing_details.follower_checkpoint).toBe(after.body.syncing_details.leader_checkpoint);
  });

  it("finishes a bootstrap interrupted by SIGKILL after a restart", async () => {
    const db = newDb();
    await os(leader, "PUT", "/crashboot-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "crashboot-l", ops(0, 20_000, "seed"));
    const first = await start(db);
    const started = await first.call("PUT", "/_plugins/_replication/crashboot-f/_start",
      { leader_alias: LEADER_ALIAS, leader_index: "crashboot-l" });
    expect(started.status).toBe(200);
    first.kill("SIGKILL");

    const second = await start(db);
    await bulk(leader, "crashboot-l", ops(0, 1_000, "during"));
    const deadline = Date.now() + 60_000;
    let status = await second.call("GET", "/_plugins/_replication/crashboot-f/_status");
    while (status.body.status !== "SYNCING" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = await second.call("GET", "/_plugins/_replication/crashboot-f/_status");
    }
    expect(status.body.status).toBe("SYNCING");
    await bulk(leader, "crashboot-l", ops(500, 1_500, "after"));
    expect(await converge(leader, follower, "crashboot-l", "crashboot-f", 10_000)).toEqual([]);
  });
});
