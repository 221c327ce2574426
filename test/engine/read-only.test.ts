import { afterAll, describe, expect, it } from "vitest";
import { bulk, converge, os } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
// The pipeline guard is an opt-in (it costs _source fidelity, core/config/settings.ts); this file tests it.
const core = useCore({ FERRY_SETTINGS: JSON.stringify({ "ferry.follower.write_guard": 1 }) });

async function direct(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${follower}${path}`, {
    method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function statusOf(index: string): Promise<any> {
  return core().replications.status(index, false);
}

afterAll(async () => {
  await os(leader, "DELETE", "/ro-l");
  await os(follower, "DELETE", "/ro-f");
});

describe("read-only follower", () => {
  it("guards the follower on the cluster, repairs what slips through from the leader, and lets go at stop", async () => {
    await os(leader, "PUT", "/ro-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "ro-l", Array.from({ length: 200 }, (_, i) => ({ op: "index" as const, id: `r${i}`, routing: i % 5 === 0 ? "x" : undefined, source: { n: i } })));
    await core().replications.start("ro-f", { leader_alias: LEADER_ALIAS, leader_index: "ro-l" }, { waitForRestore: true });
    expect(await converge(leader, follower, "ro-l", "ro-f", 10_000)).toEqual([]);
    expect((await statusOf("ro-f")).ferry_write_guard).toBe("final_pipeline");

    // Writes that go through ingest are refused by the cluster itself.
    const refused = await direct("PUT", "/ro-f/_doc/intruder", { n: -1 });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(refused.json)).toContain("read-only");
    const refusedBulk = await fetch(`${follower}/_bulk`, {
      method: "POST", headers: { "content-type": "application/x-ndjson" }, body: '{"index":{"_index":"ro-f","_id":"r1"}}\n{"n":-1}\n',
    });
    expect(((await refusedBulk.json()) as any).items[0].index.status).toBeGreaterThanOrEqual(400);

    // On 2.19 partial updates run the final pipeline too (they are refused); deletes skip ingest, and so
    // does nothing stop a writer that happens to use external_gte versions. Those land, and ferry undoes
    // them from the leader.
    expect((await direct("POST", "/ro-f/_update/r4", { doc: { n: 4444 } })).status).toBeGreaterThanOrEqual(400);
    expect((await direct("DELETE", "/ro-f/_doc/r3")).json.result).toBe("deleted");
    expect((await direct("DELETE", "/ro-f/_doc/r10?routing=x")).json.result).toBe("deleted");
    expect((await direct("PUT", "/ro-f/_doc/r4?version=1000&version_type=external_gte", { n: 4444 })).json.result).toBe("updated");
    const started = Date.now();
    expect(await converge(leader, follower, "ro-l", "ro-f", 10_000)).toEqual([]);
    console.log(`foreign writes repaired after ${Date.now() - started} ms`);
    const deadline = Date.now() + 5_000;
    let status = await statusOf("ro-f");
    while (status.foreign_writes_repaired < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = await statusOf("ro-f");
    }
    expect(status.foreign_writes_repaired).toBe(3);

    // Leader writes keep flowing after the repair, deletes included.
    await bulk(leader, "ro-l", [{ op: "index", id: "r3", source: { n: 33 } }, { op: "delete", id: "r5" }, { op: "index", id: "new", source: { n: 1 } }]);
    expect(await converge(leader, follower, "ro-l", "ro-f", 10_000)).toEqual([]);

    await core().replications.stop("ro-f");
    const allowed = await direct("PUT", "/ro-f/_doc/local?refresh=true", { n: 0 });
    expect(allowed.status).toBe(201);
  });
});
