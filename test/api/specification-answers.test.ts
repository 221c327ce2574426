// Every answer of the replication namespace, from a real run through the official client, validated with
// ajv against the OpenSearch API specification's schemas, closed as the specification's own test runner
// closes them (test/support/opensearch-specification.ts): generated clients that validate must accept
// ferry's default answers. ferry's own fields come only with `ferry_extras=true`.
import { Client } from "@opensearch-project/opensearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { bulk, os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { specificationProblems, type ReplicationOperation } from "../support/opensearch-specification.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
const ALIAS = "leader-cluster";
const RULE = { leader_alias: ALIAS, name: "spec-rule", pattern: "spec-rule-*" };
const INDICES = ["spec-l", "spec-f", "spec-rule-1", "spec-rule-2"];

let ferry: FerryProcess;
let client: Client;

beforeAll(async () => {
  ferry = await startFerry({ FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": 300 }) });
  client = new Client({ node: ferry.url });
  for (const index of ["spec-l", "spec-rule-1", "spec-rule-2"]) {
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, index, [1, 2, 3].map((n) => ({ op: "index", id: `d${n}`, source: { n } })), true);
  }
  // A local index of the rule's follower name: the rule lists it as blocked (a ferry extra), in the
  // evaluation that starts spec-rule-1.
  await os(follower, "PUT", "/spec-rule-2", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
});

afterAll(async () => {
  await client?.close();
  if (ferry) {
    await ferry.call("DELETE", "/_plugins/_replication/_autofollow", { leader_alias: ALIAS, name: RULE.name });
    for (const index of INDICES) await ferry.call("POST", `/_plugins/_replication/${index}/_stop`, {});
    await ferry.stop();
  }
  for (const base of [leader, follower]) for (const index of INDICES) await os(base, "DELETE", `/${index}`);
});

/** The answer of an official client call, an error's too. */
async function answer(call: Promise<{ statusCode: number | null; body: unknown }>): Promise<{ statusCode: number | null; body: any }> {
  return call.catch((err: { statusCode: number; body: unknown }) => ({ statusCode: err.statusCode, body: err.body }));
}

/** Checks `body` as the 200 answer of `operation`; named so that a failure says which answer differs. */
function conforms(operation: ReplicationOperation, what: string, res: { statusCode: number | null; body: unknown }): void {
  expect.soft(res.statusCode, `${what}: status code`).toBe(200);
  expect.soft(specificationProblems(operation, res.body), `${what}: ${JSON.stringify(res.body)}`).toEqual([]);
}

describe("replication answers against the OpenSearch API specification", () => {
  it("every answer of a start, status, update, pause, resume, rules, stats and stop conforms", async () => {
    const r = client.replication;
    conforms("status", "status, not replicated", await answer(r.status({ index: "spec-f" })));
    conforms("start", "start", await answer(r.start({
      index: "spec-f", body: { leader_alias: ALIAS, leader_index: "spec-l" }, wait_for_restore: true,
    } as Parameters<Client["replication"]["start"]>[0])));
    await until("spec-f SYNCING", async () => (await r.status({ index: "spec-f" })).body.status === "SYNCING", 180_000, 500);
    conforms("status", "status, syncing", await answer(r.status({ index: "spec-f" })));
    conforms("update_settings", "update settings", await answer(r.updateSettings({ index: "spec-f", body: { settings: { "index.number_of_replicas": 0 } } })));

    conforms("create_replication_rule", "create rule", await answer(r.createReplicationRule({ body: RULE })));
    await until("the rule follows spec-rule-1", async () => (await r.status({ index: "spec-rule-1" })).body.status === "SYNCING", 180_000, 500);
    conforms("autofollow_stats", "autofollow stats", await answer(r.autofollowStats()));
    conforms("leader_stats", "leader stats", await answer(r.leaderStats()));
    conforms("follower_stats", "follower stats", await answer(r.followerStats()));

    conforms("pause", "pause", await answer(r.pause({ index: "spec-f", body: {} })));
    conforms("status", "status, paused", await answer(r.status({ index: "spec-f" })));
    conforms("resume", "resume", await answer(r.resume({ index: "spec-f", body: {} })));
    // The same answers under the OpenDistro prefix.
    for (const path of ["/_opendistro/_replication/spec-f/_status", "/_opendistro/_replication/autofollow_stats"]) {
      const { status, body } = await ferry.call("GET", path);
      conforms(path.endsWith("_status") ? "status" : "autofollow_stats", path, { statusCode: status, body });
    }
    conforms("delete_replication_rule", "delete rule", await answer(r.deleteReplicationRule({ body: { leader_alias: ALIAS, name: RULE.name } })));
    conforms("stop", "stop", await answer(r.stop({ index: "spec-f", body: {} })));
    conforms("stop", "stop, rule's follower", await answer(r.stop({ index: "spec-rule-1", body: {} })));
  }, 400_000);

  it("gives ferry's own fields with ferry_extras=true", async () => {
    const P = "/_plugins/_replication";
    const created = await ferry.call("POST", `${P}/_autofollow?ferry_extras=true`, { leader_alias: ALIAS, name: "spec-extras", pattern: "spec-none-*" });
    expect(created).toEqual({ status: 200, body: { acknowledged: true, existing_indices: 0 } });
    const stats = (await ferry.call("GET", `${P}/autofollow_stats?ferry_extras=true`)).body;
    expect(stats.autofollow_stats.find((s: { name: string }) => s.name === "spec-extras")).toMatchObject({ leader_alias: ALIAS, blocked_indices: [] });
    expect((await ferry.call("DELETE", `${P}/_autofollow`, { leader_alias: ALIAS, name: "spec-extras" })).status).toBe(200);

    await os(follower, "DELETE", "/spec-f");
    expect((await ferry.call("PUT", `${P}/spec-f/_start`, { leader_alias: ALIAS, leader_index: "spec-l" })).status).toBe(200);
    await until("spec-f SYNCING again", async () => (await ferry.call("GET", `${P}/spec-f/_status`)).body.status === "SYNCING", 180_000, 500);
    expect((await ferry.call("GET", `${P}/spec-f/_status?ferry_extras=true`)).body).toMatchObject({
      status: "SYNCING", ferry_bootstrap: expect.any(String), ferry_write_guard: expect.any(String), deletes_replicated: 0,
    });
  }, 300_000);
});
