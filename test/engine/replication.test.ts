import { describe, expect, it } from "vitest";
import { bulk, converge, documents, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

async function createLeaderIndex(index: string, shards = 3): Promise<void> {
  await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: shards, number_of_replicas: 0 } });
}

function docs(from: number, to: number, tag: string): Op[] {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { op: "index", id: `d${i}`, routing: i % 7 === 0 ? `r${i % 5}` : undefined, source: { n: i, tag, text: `document ${i}` } };
  });
}

async function waitForStatus(index: string, status: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = await core().replications.status(index, true);
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`status of ${index} stayed ${JSON.stringify(last)}`);
}

describe("replication engine", () => {
  it("bootstraps a 3-shard index with custom routing and follows new writes and updates", async () => {
    await createLeaderIndex("eng-basic-l");
    await bulk(leader, "eng-basic-l", docs(0, 10_000, "v1"));
    await core().replications.start("eng-basic-f", { leader_alias: LEADER_ALIAS, leader_index: "eng-basic-l" }, { waitForRestore: true });
    const status = await waitForStatus("eng-basic-f", "SYNCING");
    expect(status.leader_alias).toBe(LEADER_ALIAS);
    expect(await converge(leader, follower, "eng-basic-l", "eng-basic-f", 30_000)).toEqual([]);
    expect((await documents(follower, "eng-basic-f")).size).toBe(10_000);

    // 20,000 more writes: 10,000 new ids and 10,000 updates of existing ids, in concurrent streams.
    await Promise.all([
      bulk(leader, "eng-basic-l", docs(10_000, 20_000, "v1")),
      bulk(leader, "eng-basic-l", docs(0, 10_000, "v2")),
    ]);
    expect(await converge(leader, follower, "eng-basic-l", "eng-basic-f", 60_000)).toEqual([]);
    // Caught up includes deletes: status says so once a sweep has found the follower equal.
    let caughtUp = await core().replications.status("eng-basic-f", false) as any;
    for (let i = 0; i < 150 && caughtUp.syncing_details.follower_checkpoint !== caughtUp.syncing_details.leader_checkpoint; i++) {
      await new Promise((r) => setTimeout(r, 200));
      caughtUp = await core().replications.status("eng-basic-f", false) as any;
    }
    expect(caughtUp.syncing_details.follower_checkpoint).toBe(caughtUp.syncing_details.leader_checkpoint);
  });

  it("keeps an update made right after the start, while the snapshot is restored", async () => {
    await createLeaderIndex("eng-race-l", 2);
    await bulk(leader, "eng-race-l", docs(0, 2_000, "before"));
    await core().replications.start("eng-race-f", { leader_alias: LEADER_ALIAS, leader_index: "eng-race-l" }, { waitForRestore: false });
    await bulk(leader, "eng-race-l", docs(0, 500, "during"));
    await waitForStatus("eng-race-f", "SYNCING");
    await bulk(leader, "eng-race-l", docs(250, 750, "after"));
    expect(await converge(leader, follower, "eng-race-l", "eng-race-f", 60_000)).toEqual([]);
    const doc = await os(follower, "GET", "/eng-race-f/_doc/d100");
    expect(doc._source.tag).toBe("during");
  });

  it("pauses, resumes from its checkpoint, and stops into an ordinary writable index", async () => {
    await createLeaderIndex("eng-life-l", 1);
    await bulk(leader, "eng-life-l", docs(0, 100, "v1"));
    await core().replications.start("eng-life-f", { leader_alias: LEADER_ALIAS, leader_index: "eng-life-l" }, { waitForRestore: true });
    await waitForStatus("eng-life-f", "SYNCING");

    const announced: string[] = [];
    core().events.on("replication:state", (e) => e.followerIndex === "eng-life-f" && announced.push(e.state));
    core().events.on("replication:stopped", (e) => e.followerIndex === "eng-life-f" && announced.push("stopped"));
    await core().replications.pause("eng-life-f", "maintenance");
    const paused = await core().replications.status("eng-life-f", true);
    expect(paused).toEqual({ status: "PAUSED", reason: "maintenance", leader_alias: LEADER_ALIAS, leader_index: "eng-life-l", follower_index: "eng-life-f" });
    await bulk(leader, "eng-life-l", docs(100, 200, "while-paused"), true);
    await new Promise((r) => setTimeout(r, 500));
    expect((await documents(follower, "eng-life-f")).size).toBe(100);
    await expect(core().replications.pause("eng-life-f")).rejects.toMatchObject({ type: "resource_already_exists_exception" });

    await core().replications.resume("eng-life-f");
    expect(await converge(leader, follower, "eng-life-l", "eng-life-f", 60_000)).toEqual([]);
    await expect(core().replications.resume("eng-life-f")).rejects.toMatchObject({ status: 400 });

    await core().replications.stop("eng-life-f");
    expect(await core().replications.status("eng-life-f", false)).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
    expect(announced).toEqual(["PAUSED", "SYNCING", "stopped"]);
    expect(core().replications.writeRefusal("eng-life-f")).toBeUndefined();
    const direct = await os(follower, "PUT", "/eng-life-f/_doc/local?refresh=true", { local: true });
    expect(direct.result).toBe("created");
    await bulk(leader, "eng-life-l", docs(200, 300, "after-stop"), true);
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await documents(follower, "eng-life-f");
    expect(after.size).toBe(201);
    expect(after.has("d250")).toBe(false);
  });

  it("refuses a leader whose _source is disabled and creates nothing on the follower", async () => {
    await os(leader, "PUT", "/eng-nosource-l", { settings: { number_of_replicas: 0 }, mappings: { _source: { enabled: false } } });
    await expect(core().replications.start("eng-nosource-f", { leader_alias: LEADER_ALIAS, leader_index: "eng-nosource-l" }, { waitForRestore: true }))
      .rejects.toMatchObject({ status: 400, type: "illegal_argument_exception", message: expect.stringContaining("_source is disabled") });
    expect(await os(follower, "GET", "/eng-nosource-f")).toMatchObject({ status: 404 });
    expect(await core().replications.status("eng-nosource-f", false)).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });

  it("refuses unknown aliases, missing leaders and existing follower indices with the plugin's errors", async () => {
    await expect(core().replications.start("eng-x-f", { leader_alias: "nope", leader_index: "x" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 404, type: "no_such_remote_cluster_exception" });
    await expect(core().replications.start("eng-x-f", { leader_alias: LEADER_ALIAS, leader_index: "eng-missing" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 404, type: "index_not_found_exception" });
    await createLeaderIndex("eng-exists-l", 1);
    await os(follower, "PUT", "/eng-exists-f", { settings: { number_of_replicas: 0 } });
    await expect(core().replications.start("eng-exists-f", { leader_alias: LEADER_ALIAS, leader_index: "eng-exists-l" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 400, message: "Cant use same index again for replication. Delete the index:eng-exists-f" });
    await expect(core().replications.start("Bad#Name", { leader_alias: LEADER_ALIAS, leader_index: "eng-exists-l" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 400, type: "action_request_validation_exception" });
  });
});
