// Wildcard start and the bulk routes' core against the real clusters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import { bulk, converge, os } from "../support/documents.ts";
import { LEADER_ALIAS, startCore, testbed } from "./engine-context.ts";
import { until } from "../support/until.ts";

const { leader, follower } = testbed();
let ferry: Ferry;

beforeAll(async () => {
  ferry = await startCore();
});
afterAll(async () => {
  await ferry?.close();
});

async function leaderIndex(index: string, settings: Record<string, unknown> = {}): Promise<void> {
  await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0, ...settings } });
  await bulk(leader, index, Array.from({ length: 20 }, (_, i) => ({ op: "index" as const, id: `d${i}`, source: { i, index } })), true);
}

const status = async (index: string) => (await ferry.replications.status(index, false)).status as string;

describe("wildcard start", () => {
  it("starts every matching open index under a templated name and says what happened to each", async () => {
    for (const i of ["ws-1", "ws-2", "ws-3", "ws-debug-1"]) await leaderIndex(i);
    await leaderIndex("ws-hidden", { "index.hidden": true });
    await os(follower, "PUT", "/copy-ws-3", { settings: { number_of_replicas: 0 } });

    const answer = await ferry.wildcardStart.start("copy-{{leader_index}}", { leader_alias: LEADER_ALIAS, leader_index: "ws-*,-ws-debug-*" }, { waitForRestore: true });
    expect(answer).toEqual({
      acknowledged: true,
      indices: [
        { leader_index: "ws-1", follower_index: "copy-ws-1", result: "started" },
        { leader_index: "ws-2", follower_index: "copy-ws-2", result: "started" },
        { leader_index: "ws-3", follower_index: "copy-ws-3", result: "refused", reason: "Cant use same index again for replication. Delete the index:copy-ws-3" },
      ],
    });
    for (const i of ["ws-1", "ws-2"]) {
      await until(`copy-${i} SYNCING`, async () => (await status(`copy-${i}`)) === "SYNCING");
      expect(await converge(leader, follower, i, `copy-${i}`, 30_000)).toEqual([]);
    }

    const again = await ferry.wildcardStart.start("copy-{{leader_index}}", { leader_alias: LEADER_ALIAS, leader_index: "ws-1,ws-hidden" }, { waitForRestore: false });
    expect(again.indices).toEqual([
      { leader_index: "ws-1", follower_index: "copy-ws-1", result: "already_replicating" },
      { leader_index: "ws-hidden", follower_index: "copy-ws-hidden", result: "started" },
    ]);
  });

  it("keeps the leader's name for a * path and refuses what cannot work", async () => {
    await leaderIndex("wsb-1");
    await leaderIndex("wsb-2");
    const answer = await ferry.wildcardStart.start("*", { leader_alias: LEADER_ALIAS, leader_index: "wsb-*" }, { waitForRestore: false });
    expect(answer.indices.map((o) => [o.follower_index, o.result])).toEqual([["wsb-1", "started"], ["wsb-2", "started"]]);
    await expect(ferry.wildcardStart.start("*", { leader_alias: LEADER_ALIAS, leader_index: "wsb-*" }, { waitForRestore: false }))
      .resolves.toMatchObject({ indices: [{ result: "already_replicating" }, { result: "already_replicating" }] });
    await expect(ferry.wildcardStart.start("fixed", { leader_alias: LEADER_ALIAS, leader_index: "wsb-*" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 400, type: "action_request_validation_exception" });
    await expect(ferry.wildcardStart.start("*", { leader_alias: LEADER_ALIAS, leader_index: "wsb-none-*" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 404, message: "No indices found matching pattern: [wsb-none-*] on leader cluster" });
    await expect(ferry.wildcardStart.start("copy-{{leader_index}}", { leader_alias: LEADER_ALIAS, leader_index: "wsb-missing" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 404, type: "index_not_found_exception" });
  });
});

describe("bulk tasks", () => {
  it("starts, pauses, resumes and stops by pattern, reporting each task", async () => {
    for (const i of ["bk-1", "bk-2", "bk-3"]) await leaderIndex(i);
    const { task_id } = await ferry.bulk.submit("start", { pattern: "bk-*", leader_alias: LEADER_ALIAS, filters: { exclude_index: ["bk-3"] } });
    expect(task_id).toMatch(/^[A-Za-z0-9_-]+:\d+$/);
    await until("bulk start done", async () => ferry.bulk.taskStatus(task_id).num_pending === 0);
    expect(ferry.bulk.taskStatus(task_id)).toMatchObject({
      operation_type: "bulk_start_replication", pattern: "bk-*", num_success: 2, num_failed: 0, num_cancelled: 0, failed_indices: [],
    });
    expect(Object.keys((await ferry.bulk.bulkStatus("bk-*")).indices)).toEqual(["bk-1", "bk-2"]);
    expect(await status("bk-3")).toBe("REPLICATION NOT IN PROGRESS");

    const paused = await ferry.bulk.submit("pause", { pattern: "bk-*" });
    await until("bulk pause done", async () => ferry.bulk.taskStatus(paused.task_id).num_pending === 0);
    // bk-3 on the follower does not exist, so it is not matched; both followers pause with the plugin's reason.
    expect(await ferry.bulk.bulkStatus("bk-*")).toEqual({ indices: {
      "bk-1": expect.objectContaining({ status: "PAUSED", reason: "bulk_pause" }),
      "bk-2": expect.objectContaining({ status: "PAUSED", reason: "bulk_pause" }),
    } });
    await expect(ferry.bulk.submit("pause", { pattern: "bk-*" })).rejects.toMatchObject({ status: 400, message: expect.stringContaining("is already paused") });

    const resumed = await ferry.bulk.submit("resume", { pattern: "bk-1,bk-2" });
    await until("bulk resume done", async () => ferry.bulk.taskStatus(resumed.task_id).num_pending === 0);
    expect(await status("bk-1")).toBe("SYNCING");

    const stopped = await ferry.bulk.submit("stop", { pattern: "bk-*" });
    await until("bulk stop done", async () => ferry.bulk.taskStatus(stopped.task_id).num_pending === 0);
    expect(await ferry.bulk.bulkStatus("bk-*")).toEqual({ indices: {} });
    expect(() => ferry.bulk.cancel(stopped.task_id)).toThrow(/not found or already completed/);
  });

  it("answers the plugin's errors", async () => {
    await expect(ferry.bulk.submit("start", { pattern: "bk-*" })).rejects.toMatchObject({ status: 400, message: "Validation Failed: 1: leader_alias is required for bulk start;" });
    await expect(ferry.bulk.submit("start", { pattern: "nothing-*", leader_alias: LEADER_ALIAS })).rejects.toMatchObject({ status: 404 });
    await expect(ferry.bulk.submit("stop", { pattern: "nothing-*" })).rejects.toMatchObject({ status: 404, message: "No indices found matching pattern: [nothing-*]" });
    expect(() => ferry.bulk.taskStatus("garbage")).toThrow("Invalid task_id format");
    expect(() => ferry.bulk.taskStatus("abc:99999")).toThrow("Task abc:99999 not found or already completed");
  });
});
