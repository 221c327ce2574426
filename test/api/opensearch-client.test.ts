// The official OpenSearch JavaScript client's `replication` namespace, pointed at ferry's address,
// drives ferry as it would drive the plugin; its other namespaces reach the follower through the proxy.
import { Client } from "@opensearch-project/opensearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";

const { leader } = inject("testbed");
let ferry: FerryProcess;
let client: Client;

beforeAll(async () => {
  ferry = await startFerry();
  client = new Client({ node: ferry.url });
});
afterAll(async () => {
  await client?.close();
  await ferry?.stop();
});

describe("@opensearch-project/opensearch against ferry", () => {
  it("status of an index that is not replicated", async () => {
    const res = await client.replication.status({ index: "osjs-never" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });

  it("start, status, pause, resume, update, stats and stop", async () => {
    await os(leader, "PUT", "/osjs-leader", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(leader, "PUT", "/osjs-leader/_doc/1?refresh=true", { n: 1 });

    const started = await client.replication.start({
      index: "osjs-follower",
      body: { leader_alias: "leader-cluster", leader_index: "osjs-leader" },
      wait_for_restore: true,
    } as Parameters<Client["replication"]["start"]>[0]);
    expect(started.body).toEqual({ acknowledged: true });
    expect((await client.replication.status({ index: "osjs-follower" })).body).toMatchObject({ leader_index: "osjs-leader" });
    expect((await client.replication.pause({ index: "osjs-follower", body: {} })).body).toEqual({ acknowledged: true });
    expect((await client.replication.status({ index: "osjs-follower" })).body).toMatchObject({ status: "PAUSED", reason: "User initiated" });
    expect((await client.replication.resume({ index: "osjs-follower", body: {} })).body).toEqual({ acknowledged: true });
    expect((await client.replication.updateSettings({ index: "osjs-follower", body: { settings: { "index.number_of_replicas": 0 } } })).body)
      .toEqual({ acknowledged: true });
    expect((await client.replication.followerStats()).body).toHaveProperty("index_stats");
    expect((await client.replication.leaderStats()).body).toHaveProperty("index_stats");
    expect((await client.replication.stop({ index: "osjs-follower", body: {} })).body).toEqual({ acknowledged: true });
  });

  it("raises the plugin's errors as ResponseError", async () => {
    const failure = await client.replication.stop({ index: "osjs-never", body: {} }).catch((err: { statusCode: number; body: any }) => err);
    expect(failure).toMatchObject({ statusCode: 400, body: { error: { type: "illegal_argument_exception", reason: "No replication in progress for index:osjs-never" } } });
  });

  it("reaches the follower through the proxy for everything else", async () => {
    expect((await client.cluster.health()).body).toHaveProperty("cluster_name");
    expect((await client.indices.exists({ index: "osjs-follower" })).body).toBe(true);
  });
});
