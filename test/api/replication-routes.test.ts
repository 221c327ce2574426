// Every route of the contract against a running ferry with the real clusters behind it: success and
// failure, the plugin handbook's calls verbatim, the OpenDistro-era calls, and the legacy prefix
// answering exactly as the current one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";

const { leader, follower } = inject("testbed");
let ferry: FerryProcess;

beforeAll(async () => {
  ferry = await startFerry();
  for (const index of ["routes-l1", "routes-l2", "leader-01"]) {
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await os(leader, "PUT", `/${index}/_doc/1?refresh=true`, { n: 1 });
  }
});
afterAll(async () => {
  await ferry?.stop();
});

const call = (method: string, path: string, body?: unknown) => ferry.call(method, path, body);

function error(status: number, type: string, reason?: string) {
  return { status, body: { status, error: expect.objectContaining({ type, ...(reason ? { reason } : {}) }) } };
}

const ACK = { status: 200, body: { acknowledged: true } };
const P = "/_plugins/_replication";

describe("replication routes", () => {
  it("start (handbook call), status, pause, resume, update, stats, stop", async () => {
    expect(await call("PUT", `${P}/routes-f1/_start?pretty&wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: "routes-l1" })).toEqual(ACK);

    const status = await call("GET", `${P}/routes-f1/_status?verbose=true`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ leader_alias: "leader-cluster", leader_index: "routes-l1", follower_index: "routes-f1" });
    expect(["BOOTSTRAPPING", "SYNCING"]).toContain(status.body.status);

    expect(await call("POST", `${P}/routes-f1/_pause`, { reason: "for the test" })).toEqual(ACK);
    expect((await call("GET", `${P}/routes-f1/_status`)).body).toEqual({
      status: "PAUSED", reason: "for the test", leader_alias: "leader-cluster", leader_index: "routes-l1", follower_index: "routes-f1",
    });
    expect(await call("POST", `${P}/routes-f1/_pause`, {})).toEqual(error(400, "resource_already_exists_exception", "Index routes-f1 is already paused"));

    expect(await call("POST", `${P}/routes-f1/_resume`, {})).toEqual(ACK);
    expect(await call("POST", `${P}/routes-f1/_resume`, {})).toEqual(
      error(400, "resource_already_exists_exception", "Replication on Index routes-f1 is already running"));

    expect(await call("PUT", `${P}/routes-f1/_update`, { settings: { "index.number_of_replicas": 0 } })).toEqual(ACK);

    const followerStats = await call("GET", `${P}/follower_stats`);
    expect(followerStats.status).toBe(200);
    expect(followerStats.body.index_stats).toHaveProperty("routes-f1");
    const leaderStats = await call("GET", `${P}/leader_stats`);
    expect(leaderStats.status).toBe(200);
    expect(leaderStats.body).toHaveProperty("num_replicated_indices");

    expect(await call("POST", `${P}/routes-f1/_stop`, {})).toEqual(ACK);
    expect(await call("GET", `${P}/routes-f1/_status`)).toEqual({ status: 200, body: { status: "REPLICATION NOT IN PROGRESS" } });
  });

  it("start refuses what the plugin refuses", async () => {
    expect(await call("PUT", `${P}/routes-f2/_start`, { leader_alias: "nowhere", leader_index: "routes-l2" }))
      .toEqual(error(404, "no_such_remote_cluster_exception", "no such remote cluster: [nowhere]"));
    expect(await call("PUT", `${P}/routes-f2/_start`, { leader_alias: "leader-cluster", leader_index: "routes-missing" }))
      .toEqual(error(404, "index_not_found_exception"));
    expect(await call("PUT", `${P}/Routes-F2/_start`, { leader_alias: "leader-cluster", leader_index: "routes-l2" }))
      .toEqual(error(400, "action_request_validation_exception", "Validation Failed: 1: Value Routes-F2 must be lowercase;"));
    await os(follower, "PUT", "/routes-taken", {});
    expect(await call("PUT", `${P}/routes-taken/_start`, { leader_alias: "leader-cluster", leader_index: "routes-l2" }))
      .toEqual(error(400, "illegal_argument_exception", "Cant use same index again for replication. Delete the index:routes-taken"));
  });

  it.each([
    ["POST", "_stop", {}],
    ["POST", "_pause", {}],
    ["POST", "_resume", {}],
    ["PUT", "_update", { "index.number_of_replicas": 0 }],
  ])("%s %s on an index that is not replicated", async (method, op, body) => {
    expect(await call(method, `${P}/routes-none/${op}`, body))
      .toEqual(error(400, "illegal_argument_exception", "No replication in progress for index:routes-none"));
  });

  it("takes the OpenDistro announcement's call verbatim", async () => {
    expect(await call("PUT", "/_opendistro/_replication/follower-01/_start?wait_for_restore=true", '{"remote_cluster":"leader-cluster", "remote_index": "leader-01"}')).toEqual(ACK);
    expect((await call("GET", "/_opendistro/_replication/follower-01/_status")).body).toMatchObject({ leader_alias: "leader-cluster", leader_index: "leader-01" });
    expect(await call("POST", "/_opendistro/_replication/follower-01/_stop", {})).toEqual(ACK);
  });
});

describe("the legacy prefix", () => {
  it.each([
    ["GET", "/routes-none/_status", undefined],
    ["GET", "/routes-none/_status?verbose=true&pretty", undefined],
    ["POST", "/routes-none/_stop", {}],
    ["POST", "/routes-none/_pause", { reason: "r" }],
    ["POST", "/routes-none/_resume", {}],
    ["PUT", "/routes-none/_update", { settings: {} }],
    ["PUT", "/routes-none/_start", { leader_alias: "nowhere", leader_index: "x" }],
    ["PUT", "/routes-none/_start", { leader_alias: "a", bogus: 1 }],
    ["PUT", "/routes-none/_start", undefined],
    ["GET", "/routes-none/_status?bogus", undefined],
    ["GET", "/routes-none/_nope", undefined],
    ["DELETE", "/routes-none/_status", undefined],
    ["GET", "/leader_stats", undefined],
    ["POST", "/_autofollow", { leader_alias: "leader-cluster", name: "n" }],
    ["DELETE", "/_autofollow", { leader_alias: "leader-cluster", name: "n", pattern: "x" }],
  ])("answers %s %s as the current one", async (method, route, body) => {
    const current = await call(method, `${P}${route}`, body);
    const legacy = await call(method, `/_opendistro/_replication${route}`, body);
    const normalize = (r: { status: number; body: any }) => JSON.parse(JSON.stringify(r).replaceAll("/_opendistro/_replication", P));
    expect(normalize(legacy)).toEqual(current);
    expect(current.status).not.toBe(500);
  });
});

describe("ferry's own routes", () => {
  it("registers, lists, reads and deletes remotes, never returning secrets", async () => {
    const input = { hosts: [leader], auth: { type: "api_key", api_key: "k-secret" }, tls: { verify: false, ca: "-----BEGIN CERTIFICATE-----" } };
    expect(await call("PUT", "/_ferry/remotes/routes-remote", input)).toEqual({ status: 200, body: { acknowledged: true, created: true } });
    expect(await call("PUT", "/_ferry/remotes/routes-remote", input)).toEqual({ status: 200, body: { acknowledged: true, created: false } });
    const one = await call("GET", "/_ferry/remotes/routes-remote");
    expect(one).toEqual({ status: 200, body: { alias: "routes-remote", hosts: [leader], auth: { type: "api_key" }, tls: { verify: false, ca: "<set>" }, source: "api" } });
    const list = await call("GET", "/_ferry/remotes");
    expect(list.body.remotes.map((r: { alias: string }) => r.alias)).toEqual(expect.arrayContaining(["leader-cluster", "routes-remote"]));
    expect(list.body.remotes.find((r: { alias: string }) => r.alias === "leader-cluster").source).toBe("config");
    expect(JSON.stringify(list)).not.toContain("k-secret");
    expect(await call("DELETE", "/_ferry/remotes/routes-remote")).toEqual(ACK);
    expect(await call("GET", "/_ferry/remotes/routes-remote")).toEqual(error(404, "no_such_remote_cluster_exception", "no such remote cluster: [routes-remote]"));
    expect(await call("DELETE", "/_ferry/remotes/routes-remote")).toEqual(error(404, "no_such_remote_cluster_exception"));
    expect(await call("PUT", "/_ferry/remotes/routes-remote", { hosts: [leader], auth: { type: "basic" } }))
      .toEqual(error(400, "illegal_argument_exception", "remote [routes-remote]: basic auth needs username and password"));
  });

  it("a remote registered through the API can be used to start", async () => {
    expect((await call("PUT", "/_ferry/remotes/routes-api-remote", { hosts: leader })).status).toBe(200);
    expect(await call("PUT", `${P}/routes-f3/_start?wait_for_restore=true`, { leader_alias: "routes-api-remote", leader_index: "routes-l2" })).toEqual(ACK);
    expect(await call("POST", `${P}/routes-f3/_stop`, {})).toEqual(ACK);
  });

  it("reports health and serves the contract", async () => {
    expect(await call("GET", "/_ferry/health")).toMatchObject({ status: 200, body: { status: "ready", follower: { reachable: true } } });
    const doc = await call("GET", "/_ferry/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toContain("/_plugins/_replication/{index}/_start");
  });

  it("reports an unreachable follower as not ready", async () => {
    const lonely = await startFerry({ FERRY_FOLLOWER_URL: "http://127.0.0.1:9" });
    try {
      const res = await fetch(`${lonely.url}/_ferry/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "unavailable", follower: { reachable: false } });
    } finally {
      await lonely.stop();
    }
  });
});

describe("auto-follow routes", () => {
  const CREATED = { status: 200, body: { acknowledged: true } };

  it("handbook calls: create a rule, see it in stats, delete it", async () => {
    const rule = { leader_alias: "leader-cluster", pattern: "routes-auto-*", name: "my-replication" };
    expect(await call("POST", `${P}/_autofollow`, rule)).toEqual(CREATED);
    const stats = await call("GET", `${P}/autofollow_stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.autofollow_stats).toEqual(expect.arrayContaining([expect.objectContaining({ name: "my-replication", pattern: "routes-auto-*" })]));
    // The same definition again is acknowledged; another one under the same name gets the plugin's 500.
    expect(await call("POST", `${P}/_autofollow`, rule)).toEqual(CREATED);
    expect(await call("POST", `${P}/_autofollow`, { ...rule, pattern: "routes-other-*" })).toEqual(error(500, "exception",
      "Exisiting autofollow replication rule cannot be recreated/updated"));
    expect(await call("DELETE", `${P}/_autofollow`, { leader_alias: "leader-cluster", name: "my-replication" })).toEqual(ACK);
    expect(await call("DELETE", `${P}/_autofollow`, { leader_alias: "leader-cluster", name: "my-replication" })).toEqual(ACK);
  });

  it("OpenDistro-era rule fields", async () => {
    expect(await call("POST", "/_opendistro/_replication/_autofollow", { connection: "leader-cluster", name: "od-rule", pattern: "routes-od-*" })).toEqual(CREATED);
    expect(await call("DELETE", "/_opendistro/_replication/_autofollow", { connection: "leader-cluster", name: "od-rule" })).toEqual(ACK);
  });
});
