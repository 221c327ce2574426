// Live settings through a running ferry: `GET|PUT /_ferry/settings`, the plugin's names through
// `PUT _cluster/settings` on ferry's address, bounds as at start, and persistence across a restart.
import { afterAll, describe, expect, it } from "vitest";
import { startFerry, testbedFerryEnv, type FerryProcess } from "../support/ferry-process.ts";

const env = testbedFerryEnv();
let ferry: FerryProcess;
afterAll(async () => {
  await ferry?.stop();
});

const POLL = "plugins.replication.follower.poll_interval";
const FETCH = "plugins.replication.autofollow.fetch_poll_interval";

describe("live settings", () => {
  it("shows, validates, applies and keeps tunables; the plugin's names work through _cluster/settings", async () => {
    ferry = await startFerry(env);
    const before = (await ferry.call("GET", "/_ferry/settings")).body;
    expect(before[POLL]).toMatchObject({ value: 50, default: 50, source: "default", unit: "ms", applies: "live" });
    expect(before["ferry.pool.max_threads"]).toMatchObject({ applies: "restart" });
    expect(before["ferry.memory.heap_growing_percent"]).toMatchObject({ value: 30, default: 30, applies: "restart" });

    // Out of bounds, unknown, wrong type: 400, nothing changed.
    for (const body of [{ [POLL]: 0 }, { [POLL]: 100, "ferry.no_such_setting": 1 }, { [POLL]: "fast" }]) {
      const refused = await ferry.call("PUT", "/_ferry/settings", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.type).toBe("illegal_argument_exception");
    }
    expect((await ferry.call("GET", "/_ferry/settings")).body).toEqual(before);

    expect((await ferry.call("PUT", "/_ferry/settings", { [POLL]: "200ms", "ferry.pool.max_threads": 3 })).body)
      .toEqual({ acknowledged: true, applied: { [POLL]: 200, "ferry.pool.max_threads": 3 }, restart_required: ["ferry.pool.max_threads"] });

    // The plugin's way: nested names and time values, as its users write them.
    const viaCluster = await ferry.call("PUT", "/_cluster/settings", { persistent: { plugins: { replication: { autofollow: { fetch_poll_interval: "45s" } } } } });
    expect(viaCluster).toEqual({ status: 200, body: { acknowledged: true, persistent: { plugins: { replication: { autofollow: { fetch_poll_interval: "45s" } } } }, transient: {} } });
    const mixed = await ferry.call("PUT", "/_cluster/settings", { persistent: { [FETCH]: "40s", "cluster.routing.allocation.enable": "all" } });
    expect(mixed.status).toBe(400);
    // Settings of the cluster itself still reach the follower.
    const theirs = await ferry.call("PUT", "/_cluster/settings", { transient: { "cluster.routing.allocation.enable": "all" } });
    expect(theirs.status).toBe(200);
    expect(theirs.body.transient).toEqual({ cluster: { routing: { allocation: { enable: "all" } } } });
    await ferry.call("PUT", "/_cluster/settings", { transient: { "cluster.routing.allocation.enable": null } });

    // Kept across a restart, with their source; null goes back to configuration.
    await ferry.stop();
    ferry = await startFerry({ ...env, FERRY_DB_CREATE: "false" });
    const after = (await ferry.call("GET", "/_ferry/settings")).body;
    expect(after[POLL]).toMatchObject({ value: 200, source: "api" });
    expect(after[FETCH]).toMatchObject({ value: 45_000, source: "api" });
    expect(after["ferry.pool.max_threads"]).toMatchObject({ value: 3, source: "api" });
    expect((await ferry.call("PUT", "/_ferry/settings", { [POLL]: null, [FETCH]: null, "ferry.pool.max_threads": null })).status).toBe(200);
    expect((await ferry.call("GET", "/_ferry/settings")).body[POLL]).toMatchObject({ value: 50, source: "default" });
  });
});
