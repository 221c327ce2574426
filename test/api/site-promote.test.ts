// Whole-site promote through a running ferry: 20 followers of one leader alias promoted by one call as a
// task, each writable with its leader's documents; the alias's auto-follow rule disabled, across a restart,
// so a new matching leader index is not followed until the rule is updated. Bad bodies answer 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { bulk, documents, mismatches, os } from "../support/documents.ts";
import { startFerry, testbedFerryEnv, type FerryProcess } from "../support/ferry-process.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
const P = "/_plugins/_replication";
const ALIAS = "leader-cluster";
const POLL_MS = 300;
const INDICES = Array.from({ length: 20 }, (_, i) => `sitep-${String(i + 1).padStart(2, "0")}`);
const NEW_INDEX = "sitep-new";
const RULE = { leader_alias: ALIAS, name: "sitep-rule", pattern: "sitep-*" };

let env: Record<string, string>;
let ferry: FerryProcess;
const call = (method: string, path: string, body?: unknown) => ferry.call(method, path, body);

beforeAll(async () => {
  env = { ...testbedFerryEnv(), FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": POLL_MS }) };
  ferry = await startFerry(env);
  for (const [i, index] of INDICES.entries()) {
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1 + (i % 2), number_of_replicas: 0 } });
    await bulk(leader, index, [1, 2, 3].map((n) => ({ op: "index", id: `d${n}`, source: { index, n } })), true);
  }
});

afterAll(async () => {
  if (ferry) {
    await call("DELETE", `${P}/_autofollow`, { leader_alias: ALIAS, name: RULE.name });
    await call("POST", `${P}/${NEW_INDEX}/_stop`, {});
    await ferry.stop();
  }
  for (const base of [leader, follower]) {
    for (const index of [...INDICES, NEW_INDEX]) await os(base, "DELETE", `/${index}`);
  }
});

const error = (status: number, type: string, reason?: unknown) =>
  ({ status, body: { status, error: expect.objectContaining({ type, ...(reason ? { reason } : {}) }) } });

describe("whole-site promote", () => {
  it("refuses bad bodies in OpenSearch's error shape, under both prefixes", async () => {
    const exactlyOne = error(400, "action_request_validation_exception", "Validation Failed: 1: exactly one of leader_alias and pattern is required;");
    for (const prefix of [P, "/_opendistro/_replication"]) {
      expect(await call("POST", `${prefix}/_promote`, { leader_alias: ALIAS, pattern: "sitep-*" })).toEqual(exactlyOne);
      expect(await call("POST", `${prefix}/_promote`, {})).toEqual(exactlyOne);
      expect(await call("POST", `${prefix}/_promote`, { force: true })).toEqual(exactlyOne);
      expect(await call("POST", `${prefix}/_promote`, { leader_alias: ALIAS, bogus: 1 }))
        .toEqual(error(400, "x_content_parse_exception", expect.stringContaining("[SitePromoteRequestParser] unknown field [bogus]")));
      expect(await call("POST", `${prefix}/_promote`)).toEqual(error(400, "parse_exception", "request body is required"));
      expect(await call("POST", `${prefix}/_promote`, { pattern: "sitep-*", timeout: "soon" }))
        .toEqual(error(400, "action_request_validation_exception", "Validation Failed: 1: timeout must be a positive number with a unit (ms, s, m), e.g. 30s;"));
    }
    expect(await call("POST", `${P}/_promote`, { leader_alias: "nowhere" }))
      .toEqual(error(404, "resource_not_found_exception", "No follower index replicates from leader alias [nowhere]"));
    expect(await call("POST", `${P}/_promote`, { pattern: "_bad" })).toMatchObject({ status: 400 });
  });

  it("promotes all 20 followers of a leader alias in one task and disables its auto-follow rule, across a restart", async () => {
    const started = await call("PUT", `${P}/*/_start`, { leader_alias: ALIAS, leader_index: "sitep-*" });
    expect(started.status).toBe(200);
    expect(started.body.indices.map((i: { result: string }) => i.result)).toEqual(INDICES.map(() => "started"));
    expect(await call("POST", `${P}/_autofollow`, { ...RULE, start_existing: false })).toEqual({ status: 200, body: { acknowledged: true } });
    await until("all 20 SYNCING", async () => {
      const { body } = await call("GET", `${P}/_bulk_status?pattern=sitep-*`);
      return INDICES.every((index) => body.indices[index]?.status === "SYNCING");
    }, 300_000, 500);
    // Writes after the start: the planned promotes must drain them.
    for (const index of INDICES) await bulk(leader, index, [{ op: "index", id: "late", source: { index, late: true } }]);

    const t0 = Date.now();
    const accepted = await call("POST", `${P}/_promote`, { leader_alias: ALIAS });
    expect(accepted).toEqual({ status: 200, body: { acknowledged: true, task_id: expect.stringMatching(/^[\w-]+:\d+$/) } });
    const taskPath = `${P}/_task_status/${accepted.body.task_id}`;
    await until("the promote task ends", async () => (await call("GET", taskPath)).body.num_pending === 0, 600_000, 500);
    console.log(`[site-promote] 20 indices promoted in ${Date.now() - t0} ms`);

    const { body: task } = await call("GET", taskPath);
    expect(task).toMatchObject({
      operation_type: "bulk_promote_replication", pattern: "*", leader_alias: ALIAS,
      num_success: 20, num_failed: 0, num_pending: 0, num_cancelled: 0, failed_indices: [],
      disabled_autofollow_rules: [{ leader_alias: ALIAS, name: RULE.name }],
    });
    expect(task.promoted_indices.map((p: { index: string }) => p.index).sort()).toEqual(INDICES);
    for (const p of task.promoted_indices) {
      expect(p).toMatchObject({ promotion: "planned", leader_alias: ALIAS, leader_index: p.index, leader_write_block: true });
      expect(p.documents).toEqual({ leader: 4, follower: 4 });
      expect(p.shards).toHaveLength(1 + (INDICES.indexOf(p.index) % 2));
    }

    for (const index of INDICES) {
      expect((await call("GET", `${P}/${index}/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
      expect(mismatches(await documents(leader, index), await documents(follower, index))).toMatchObject({ compared: 4, lost: 0, extra: 0, stale: 0 });
      // Through ferry's proxy, which refuses writes only to following indices.
      expect((await call("PUT", `/${index}/_doc/after-promote`, { after: true })).status).toBe(201);
    }

    const disabledRule = (rules: Array<Record<string, any>>) => rules.find((r) => r.name === RULE.name);
    const listed = disabledRule((await call("GET", `${P}/_autofollow`)).body.rules);
    expect(listed).toMatchObject({ ...RULE, disabled: { at: expect.any(Number), reason: expect.stringContaining(accepted.body.task_id) } });

    // The rule stays disabled after a restart on the same database.
    await ferry.stop();
    ferry = await startFerry(env);
    expect(disabledRule((await call("GET", `${P}/_autofollow`)).body.rules)).toEqual(listed);

    // A new leader index the rule's pattern selects is not followed; the rule does not even poll.
    const polledAt = async () => ((await call("GET", `${P}/autofollow_stats`)).body.autofollow_stats as Array<Record<string, any>>)
      .find((r) => r.name === RULE.name)!.last_execution_time as number;
    const lastPoll = await polledAt();
    await os(leader, "PUT", `/${NEW_INDEX}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, NEW_INDEX, [{ op: "index", id: "n1", source: { n: 1 } }], true);
    await new Promise((r) => setTimeout(r, POLL_MS * 10));
    expect((await call("GET", `${P}/${NEW_INDEX}/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
    expect((await fetch(`${follower}/${NEW_INDEX}`, { method: "HEAD" })).status).toBe(404);
    expect(await polledAt()).toBe(lastPoll);

    // Updating the rule enables it again, and it follows the new index.
    expect(await call("PUT", `${P}/_autofollow`, RULE)).toEqual({ status: 200, body: { acknowledged: true } });
    expect(disabledRule((await call("GET", `${P}/_autofollow`)).body.rules)).not.toHaveProperty("disabled");
    await until(`${NEW_INDEX} followed after the rule was enabled`,
      async () => (await call("GET", `${P}/${NEW_INDEX}/_status`)).body.status === "SYNCING", 120_000, 500);
  }, 900_000);
});
