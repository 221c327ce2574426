// The SDK against a running ferry, and at the type level: wrong bodies and wrong answers do not compile
// (`tsc --noEmit`, part of `npm test`, checks the @ts-expect-error lines below).
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { inject } from "vitest";
import { os } from "../test/support/documents.ts";
import { startFerry, type FerryProcess } from "../test/support/ferry-process.ts";
import { createFerryClient, FerryApiError, type FerryClient, type Schemas } from "./index.ts";

const { leader } = inject("testbed");
let ferry: FerryProcess;
let client: FerryClient;

beforeAll(async () => {
  ferry = await startFerry();
  client = createFerryClient(ferry.url);
});
afterAll(async () => {
  await ferry?.stop();
});

describe("SDK against a running ferry", () => {
  it("drives the bulk routes and lists rules", async () => {
    await os(leader, "PUT", "/sdkbulk-1", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const accepted = await client.bulk("start", { pattern: "sdkbulk-*", leader_alias: "leader-cluster" });
    expect(accepted.acknowledged).toBe(true);
    const deadline = Date.now() + 60_000;
    let task = await client.taskStatus(accepted.task_id);
    while (task.num_pending > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      task = await client.taskStatus(accepted.task_id);
    }
    expect(task).toMatchObject({ operation_type: "bulk_start_replication", num_success: 1, num_failed: 0 });
    expect(Object.keys((await client.bulkStatus("sdkbulk-*")).indices)).toEqual(["sdkbulk-1"]);
    expect(await client.autoFollowRules()).toBeDefined();
    await expect(client.taskStatus("nonode:999999")).rejects.toBeInstanceOf(FerryApiError);
    expect(await client.stop("sdkbulk-1")).toEqual({ acknowledged: true });
  });

  it("runs a replication from start to stop", async () => {
    await os(leader, "PUT", "/sdk-leader", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(leader, "PUT", "/sdk-leader/_doc/1?refresh=true", { n: 1 });

    expect(await client.start("sdk-follower", { leader_alias: "leader-cluster", leader_index: "sdk-leader" }, { wait_for_restore: true }))
      .toEqual({ acknowledged: true });
    const status = await client.status("sdk-follower", { verbose: true });
    expect(["BOOTSTRAPPING", "SYNCING"]).toContain(status.status);
    expect(status).toMatchObject({ leader_alias: "leader-cluster", leader_index: "sdk-leader", follower_index: "sdk-follower" });

    expect(await client.pause("sdk-follower", { reason: "maintenance" })).toEqual({ acknowledged: true });
    expect(await client.status("sdk-follower")).toMatchObject({ status: "PAUSED", reason: "maintenance" });
    expect(await client.resume("sdk-follower")).toEqual({ acknowledged: true });
    expect(await client.updateSettings("sdk-follower", { settings: { "index.number_of_replicas": 0 } })).toEqual({ acknowledged: true });
    const stats = await client.followerStats();
    expect(stats.index_stats["sdk-follower"]).toBeDefined();
    expect(await client.stop("sdk-follower")).toEqual({ acknowledged: true });
    expect(await client.status("sdk-follower")).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });

  it("promotes a follower, and a whole site as a task", async () => {
    await os(leader, "PUT", "/sdk-promote-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(leader, "PUT", "/sdk-promote-l/_doc/1?refresh=true", { n: 1 });
    await client.start("sdk-promote-f", { leader_alias: "leader-cluster", leader_index: "sdk-promote-l" }, { wait_for_restore: true });
    const promoted = await client.promote("sdk-promote-f", { write_alias: "sdk-promote-app" });
    expect(promoted).toMatchObject({ promotion: "planned", documents: { leader: 1, follower: 1 }, write_alias: { alias: "sdk-promote-app" } });
    await expect(client.promoteSite({ pattern: "sdk-promote-none-*" })).rejects.toMatchObject({ status: 404 });
  });

  it("throws FerryApiError with the error body", async () => {
    const failure = await client.stop("sdk-never").catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(FerryApiError);
    expect((failure as FerryApiError).status).toBe(400);
    expect((failure as FerryApiError).body.error.type).toBe("illegal_argument_exception");
  });

  it("manages remotes without ever returning secrets", async () => {
    const put = await client.remotes.put("sdk-remote", { hosts: [leader], auth: { type: "basic", username: "u", password: "s3cret" } });
    expect(put).toEqual({ acknowledged: true, created: true });
    const remote = await client.remotes.get("sdk-remote");
    expect(remote).toEqual({ alias: "sdk-remote", hosts: [leader], auth: { type: "basic", username: "u" }, tls: { verify: true }, source: "api" });
    expect(JSON.stringify(await client.remotes.list())).not.toContain("s3cret");
    expect(await client.remotes.delete("sdk-remote")).toEqual({ acknowledged: true });
    await expect(client.remotes.get("sdk-remote")).rejects.toMatchObject({ status: 404 });
  });

  it("reports health", async () => {
    expect(await client.health()).toMatchObject({ status: "ready", follower: { reachable: true } });
  });
});

describe("SDK types", () => {
  // Never called: these lines exist for the compiler.
  function compileOnly(c: FerryClient) {
    // @ts-expect-error leader_index is required
    void c.start("f", { leader_alias: "a" });
    // @ts-expect-error unknown field
    void c.start("f", { leader_alias: "a", leader_index: "l", remote: 1 });
    // @ts-expect-error leader_alias must be a string
    void c.start("f", { leader_alias: 1, leader_index: "l" });
    // @ts-expect-error force_resume is a boolean
    void c.resume("f", { force_resume: "yes" });
    // @ts-expect-error pattern is required to create a rule
    void c.createAutoFollow({ leader_alias: "a", name: "n" });
    // @ts-expect-error auth.type is one of none, basic, api_key
    void c.remotes.put("r", { hosts: "http://h:9200", auth: { type: "kerberos" } });
    // @ts-expect-error the raw client knows the routes
    void c.raw.GET("/_plugins/_replication/{index}/_nope", {});
  }

  it("types answers from the contract", () => {
    expectTypeOf(compileOnly).toBeFunction();
    expectTypeOf<Awaited<ReturnType<FerryClient["status"]>>["status"]>().toEqualTypeOf<Schemas["ReplicationStatus"]>();
    expectTypeOf<Awaited<ReturnType<FerryClient["stop"]>>>().toEqualTypeOf<Schemas["Acknowledged"]>();
    expectTypeOf<Parameters<FerryClient["start"]>[1]>().toEqualTypeOf<Schemas["StartRequest"]>();
  });
});
