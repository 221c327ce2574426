// Wildcard start, the bulk routes and the auto-follow extensions through a running ferry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { until } from "../support/until.ts";

const { leader } = inject("testbed");
const P = "/_plugins/_replication";
let ferry: FerryProcess;

beforeAll(async () => {
  ferry = await startFerry({ FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": 300 }) });
  for (const index of ["pr-1", "pr-2", "pr-debug-1", "prb-1", "prb-2"]) {
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(leader, "PUT", `/${index}/_doc/1?refresh=true`, { n: 1 });
  }
});
afterAll(async () => {
  await ferry?.stop();
});

const call = (method: string, path: string, body?: unknown) => ferry.call(method, path, body);

describe("wildcard start", () => {
  it("takes a pattern with an exclusion and a {{leader_index}} path, and lists the outcome per index", async () => {
    const res = await call("PUT", `${P}/copy-{{leader_index}}/_start`, { leader_alias: "leader-cluster", leader_index: "pr-*,-pr-debug-*" });
    expect(res).toEqual({ status: 200, body: { acknowledged: true, indices: [
      { leader_index: "pr-1", follower_index: "copy-pr-1", result: "started" },
      { leader_index: "pr-2", follower_index: "copy-pr-2", result: "started" },
    ] } });
    const encoded = await call("PUT", `${P}/${encodeURIComponent("copy-{{leader_index}}")}/_start`, { leader_alias: "leader-cluster", leader_index: "pr-1" });
    expect(encoded.body.indices).toEqual([{ leader_index: "pr-1", follower_index: "copy-pr-1", result: "already_replicating" }]);
    await until("copy-pr-2 SYNCING", async () => (await call("GET", `${P}/copy-pr-2/_status`)).body.status === "SYNCING");
  });
});

describe("bulk routes", () => {
  it("start, status, task status, pause, cancel and stop with the plugin's bodies and answers", async () => {
    const started = await call("POST", `${P}/_bulk_start`, { pattern: "prb-*", leader_alias: "leader-cluster", filters: { exclude_index: ["prb-2"] } });
    expect(started).toEqual({ status: 200, body: { acknowledged: true, task_id: expect.stringMatching(/^[\w-]+:\d+$/) } });
    await until("bulk start", async () => (await call("GET", `${P}/_task_status/${started.body.task_id}`)).body.num_pending === 0);
    expect((await call("GET", `${P}/_task_status/${started.body.task_id}`)).body).toMatchObject({
      operation_type: "bulk_start_replication", pattern: "prb-*", num_success: 1, num_failed: 0, num_cancelled: 0, failed_indices: [],
    });
    expect((await call("GET", `${P}/_bulk_status?pattern=prb-*`)).body).toEqual({
      indices: { "prb-1": expect.objectContaining({ status: "SYNCING", leader_index: "prb-1", follower_index: "prb-1" }) },
    });

    const paused = await call("POST", `${P}/_bulk_pause`, { pattern: "prb-*" });
    await until("bulk pause", async () => (await call("GET", `${P}/_task_status/${paused.body.task_id}`)).body.num_pending === 0);
    expect((await call("GET", `${P}/prb-1/_status`)).body).toMatchObject({ status: "PAUSED", reason: "bulk_pause" });
    expect(await call("POST", `${P}/_task_cancel/${paused.body.task_id}`)).toMatchObject({ status: 404 });

    const stopped = await call("POST", `${P}/_bulk_stop`, { pattern: "prb-*" });
    await until("bulk stop", async () => (await call("GET", `${P}/_task_status/${stopped.body.task_id}`)).body.num_pending === 0);
    expect((await call("GET", `${P}/prb-1/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });

  it("refuses what the plugin refuses", async () => {
    expect(await call("POST", `${P}/_bulk_start`, { pattern: "prb-*" })).toMatchObject({ status: 400, body: { error: { reason: "Validation Failed: 1: leader_alias is required for bulk start;" } } });
    expect(await call("POST", `${P}/_bulk_start`, { pattern: "prb-*", bogus: 1 })).toMatchObject({ status: 400, body: { error: { type: "x_content_parse_exception" } } });
    expect(await call("POST", `${P}/_bulk_stop`, { pattern: "nothing-here-*" })).toMatchObject({ status: 404 });
    expect(await call("GET", `${P}/_bulk_status`)).toMatchObject({ status: 400, body: { error: { reason: "pattern parameter is required" } } });
    expect(await call("GET", `${P}/_task_status/garbage`)).toMatchObject({ status: 400, body: { error: { reason: "Invalid task_id format" } } });
    expect(await call("GET", `${P}/_task_status/abc:1`)).toMatchObject({ status: 404, body: { error: { reason: "Task abc:1 not found or already completed" } } });
  });
});

describe("auto-follow extensions", () => {
  it("lists rules, updates one in place, reports blocked names, and takes start_existing", async () => {
    const rule = { leader_alias: "leader-cluster", name: "pr-rule", pattern: "pr-*,-pr-*", follower_index_pattern: "rule-{{leader_index}}" };
    expect(await call("POST", `${P}/_autofollow`, { ...rule, start_existing: false })).toEqual({ status: 200, body: { acknowledged: true } });
    expect((await call("GET", `${P}/_autofollow`)).body.rules).toEqual(expect.arrayContaining([{ ...rule, settings: {} }]));
    expect(await call("PUT", `${P}/_autofollow`, { ...rule, pattern: "pr-*" })).toEqual({ status: 200, body: { acknowledged: true } });
    expect((await call("GET", `${P}/_autofollow`)).body.rules).toEqual(expect.arrayContaining([expect.objectContaining({ name: "pr-rule", pattern: "pr-*" })]));
    expect(await call("PUT", `${P}/_autofollow`, { ...rule, name: "no-such-rule" })).toMatchObject({ status: 404 });
    expect(await call("DELETE", `${P}/_autofollow`, { leader_alias: "leader-cluster", name: "pr-rule" })).toEqual({ status: 200, body: { acknowledged: true } });
    expect((await call("GET", `${P}/_autofollow`)).body.rules.find((r: { name: string }) => r.name === "pr-rule")).toBeUndefined();
  });

  it("reports a local index that blocks a rule in autofollow_stats", async () => {
    await os(leader, "PUT", "/prx-1", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const { follower } = inject("testbed");
    await os(follower, "PUT", "/prx-1", { settings: { number_of_replicas: 0 } });
    expect((await call("POST", `${P}/_autofollow?ferry_extras=true`, { leader_alias: "leader-cluster", name: "prx", pattern: "prx-*" })).body.existing_indices).toBe(0);
    const stats = await call("GET", `${P}/autofollow_stats?ferry_extras=true`);
    expect(stats.body.autofollow_stats.find((r: { name: string }) => r.name === "prx")).toMatchObject({
      blocked_indices: [{ leader_index: "prx-1", follower_index: "prx-1", reason: "Cant use same index again for replication. Delete the index:prx-1" }],
    });
    await call("DELETE", `${P}/_autofollow`, { leader_alias: "leader-cluster", name: "prx" });
  });
});
