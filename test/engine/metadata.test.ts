import { describe, expect, it } from "vitest";
import { bulk, converge, os } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

describe("metadata replication", () => {
  it("brings a new field's mapping before its documents, dynamic settings, and aliases added and removed", async () => {
    await os(leader, "PUT", "/meta-l", { settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings: { properties: { a: { type: "integer" } } } });
    await bulk(leader, "meta-l", [{ op: "index", id: "1", source: { a: 1 } }]);
    await core().replications.start("meta-f", { leader_alias: LEADER_ALIAS, leader_index: "meta-l", settings: { index: { number_of_replicas: 0 } } }, { waitForRestore: true });

    // A field the follower's dynamic mapping would have typed differently (text + keyword).
    await os(leader, "PUT", "/meta-l/_mapping", { properties: { code: { type: "keyword" }, price: { type: "scaled_float", scaling_factor: 100 } } });
    await bulk(leader, "meta-l", Array.from({ length: 50 }, (_, i) => ({ op: "index" as const, id: `n${i}`, source: { a: i, code: `c-${i}`, price: i + 0.25 } })));
    expect(await converge(leader, follower, "meta-l", "meta-f", 10_000)).toEqual([]);
    const mapping = await os(follower, "GET", "/meta-f/_mapping");
    expect(mapping["meta-f"].mappings.properties.code).toEqual({ type: "keyword" });
    expect(mapping["meta-f"].mappings.properties.price).toEqual({ type: "scaled_float", scaling_factor: 100.0 });

    await os(leader, "POST", "/_aliases", { actions: [{ add: { index: "meta-l", alias: "meta-alias", filter: { term: { code: "c-1" } } } }] });
    await os(leader, "PUT", "/meta-l/_settings", { index: { max_result_window: 20_000, number_of_replicas: 1 } });
    await bulk(leader, "meta-l", [{ op: "index", id: "2", source: { a: 2 } }]);
    const aliases = await eventually(() => os(follower, "GET", "/meta-f/_alias"), (a) => "meta-alias" in (a["meta-f"]?.aliases ?? {}));
    expect(aliases["meta-f"].aliases["meta-alias"].filter).toEqual({ term: { code: "c-1" } });
    const settings = await eventually(() => os(follower, "GET", "/meta-f/_settings?flat_settings=true"),
      (s) => s["meta-f"].settings["index.max_result_window"] === "20000");
    expect(settings["meta-f"].settings["index.max_result_window"]).toBe("20000");
    // Set at start: the follower's own, whatever the leader says.
    expect(settings["meta-f"].settings["index.number_of_replicas"]).toBe("0");

    await os(leader, "POST", "/_aliases", { actions: [{ remove: { index: "meta-l", alias: "meta-alias" } }] });
    await bulk(leader, "meta-l", [{ op: "index", id: "3", source: { a: 3 } }]);
    const removed = await eventually(() => os(follower, "GET", "/meta-f/_alias"), (a) => !("meta-alias" in (a["meta-f"]?.aliases ?? {})));
    expect(removed["meta-f"].aliases).toEqual({});
  });
});
