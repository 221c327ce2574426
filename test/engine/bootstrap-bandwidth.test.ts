// A snapshot bootstrap runs at the bandwidth `ferry.bootstrap.max_bytes_per_sec` allows (0: no cap), not at
// the repository's default throttles (a snapshot's 40 MB/s per node): ferry keeps its repository's
// throttles in step with the setting on both clusters. The follower's own recovery limit
// (`indices.recovery.max_bytes_per_sec`, a cluster setting ferry leaves to its operator) still caps a
// restore: `_status?ferry_extras=true` and the log (once) say so.
import { afterAll, describe, expect, it } from "vitest";
import { shapeAnswer } from "../../api/answer-shape.ts";
import { bulk, os } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const REPOSITORY = `ferry-${LEADER_ALIAS}`;
const INDICES = ["bw-a-l", "bw-a-f", "bw-b-l", "bw-b-f", "bw-capped-l", "bw-capped-f"];

afterAll(async () => {
  await os(follower, "PUT", "/_cluster/settings", { transient: { "indices.recovery.max_bytes_per_sec": null } });
  for (const base of [leader, follower]) for (const index of INDICES) await os(base, "DELETE", `/${index}`);
});

async function throttles(base: string): Promise<Record<string, unknown>> {
  const settings = (await os(base, "GET", `/_snapshot/${REPOSITORY}`))[REPOSITORY].settings;
  return { snapshot: settings.max_snapshot_bytes_per_sec, restore: settings.max_restore_bytes_per_sec };
}

async function leaderIndex(name: string, docs: number, bytesEach: number): Promise<void> {
  await os(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  const pad = "x".repeat(bytesEach);
  for (let from = 0; from < docs; from += 1_000) {
    await bulk(leader, name, Array.from({ length: Math.min(1_000, docs - from) }, (_, i) => ({
      op: "index", id: `d${from + i}`, source: { n: from + i, pad: `${from + i}${pad}` },
    })));
  }
  await os(leader, "POST", `/${name}/_flush`);
}

describe("bootstrap bandwidth", () => {
  it("puts the setting on the repository of both clusters, and follows a change of it", async () => {
    await leaderIndex("bw-a-l", 10, 10);
    await core().replications.start("bw-a-f", { leader_alias: LEADER_ALIAS, leader_index: "bw-a-l" }, { waitForRestore: true });
    // Default 0: no cap on either side.
    expect(await throttles(leader)).toEqual({ snapshot: "0b", restore: "0b" });
    expect(await throttles(follower)).toEqual({ snapshot: "0b", restore: "0b" });

    core().settings.update({ "ferry.bootstrap.max_bytes_per_sec": 50 * 1024 * 1024 });
    try {
      await leaderIndex("bw-b-l", 10, 10);
      await core().replications.start("bw-b-f", { leader_alias: LEADER_ALIAS, leader_index: "bw-b-l" }, { waitForRestore: true });
      expect(await throttles(leader)).toEqual({ snapshot: "52428800b", restore: "52428800b" });
      expect(await throttles(follower)).toEqual({ snapshot: "52428800b", restore: "52428800b" });
    } finally {
      core().settings.update({ "ferry.bootstrap.max_bytes_per_sec": null });
    }
    await core().replications.stop("bw-a-f");
    await core().replications.stop("bw-b-f");
  });

  it("says in _status extras and once in the log that the follower's recovery limit caps the restore", async () => {
    const capped: unknown[] = [];
    core().events.on("bootstrap:restore-capped", (e) => { if (e.followerIndex === "bw-capped-f") capped.push(e); });
    // About 4 MB restored at 100 kb/s: tens of seconds in BOOTSTRAPPING, until the limit is lifted below.
    await leaderIndex("bw-capped-l", 2_000, 2_000);
    await os(follower, "PUT", "/_cluster/settings", { transient: { "indices.recovery.max_bytes_per_sec": "100kb" } });
    await core().replications.start("bw-capped-f", { leader_alias: LEADER_ALIAS, leader_index: "bw-capped-l" }, { waitForRestore: false });
    let status: Record<string, unknown> = {};
    await until("the restore under way", async () => {
      status = await core().replications.status("bw-capped-f", false);
      return status.status === "BOOTSTRAPPING" && status.bootstrap_details !== undefined && status.ferry_restore_limit !== undefined;
    });
    expect(status.ferry_restore_limit).toMatchObject({ setting: "indices.recovery.max_bytes_per_sec", value: "100kb" });
    expect(String((status.ferry_restore_limit as { reason: string }).reason)).toMatch(/indices\.recovery\.max_bytes_per_sec/);
    // The OpenSearch API's answer carries it only with ferry_extras=true.
    expect(shapeAnswer(status, "StatusResponse", { extras: false, verbose: true })).not.toHaveProperty("ferry_restore_limit");

    await os(follower, "PUT", "/_cluster/settings", { transient: { "indices.recovery.max_bytes_per_sec": null } });
    await until("syncing", async () => (await core().replications.status("bw-capped-f", false)).status === "SYNCING");
    expect(capped).toHaveLength(1);
    expect(await core().replications.status("bw-capped-f", false)).not.toHaveProperty("ferry_restore_limit");
    await core().replications.stop("bw-capped-f");
  });
});
