// The pass-through proxy, against a running ferry with the real follower cluster behind it.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { bulk, os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";

const { leader, follower } = inject("testbed");
let ferry: FerryProcess;

beforeAll(async () => {
  ferry = await startFerry();
  await os(follower, "PUT", "/proxy-plain", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(follower, "proxy-plain", Array.from({ length: 50 }, (_, i) => ({ op: "index" as const, id: `p${i}`, source: { n: i } })), true);
});
afterAll(async () => {
  await ferry?.stop();
});

function json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${ferry.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("pass-through to the follower", () => {
  it("answers _search as the follower does", async () => {
    const query = { query: { range: { n: { gte: 10, lt: 20 } } }, sort: [{ n: "asc" }], size: 100 };
    const direct = await (await fetch(`${follower}/proxy-plain/_search`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(query) })).json() as any;
    const res = await json("POST", "/proxy-plain/_search?filter_path=hits.hits._id,hits.total", query);
    expect(res.status).toBe(200);
    const proxied = await res.json() as any;
    expect(proxied.hits.total).toEqual(direct.hits.total);
    expect(proxied.hits.hits.map((h: any) => h._id)).toEqual(direct.hits.hits.map((h: any) => h._id));
    expect(Object.keys(proxied)).toEqual(["hits"]);
  });

  it("answers _cat/indices with the follower's text and status", async () => {
    const res = await json("GET", "/_cat/indices/proxy-plain?h=index,docs.count");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect((await res.text()).trim()).toBe("proxy-plain 50");
  });

  it("passes errors, HEAD and gzip through unchanged", async () => {
    const missing = await json("GET", "/no-such-index/_search");
    expect(missing.status).toBe(404);
    expect((await missing.json() as any).error.type).toBe("index_not_found_exception");
    expect((await json("HEAD", "/proxy-plain")).status).toBe(200);
    expect((await json("HEAD", "/no-such-index")).status).toBe(404);
    const gz = await json("GET", "/proxy-plain/_doc/p3", undefined, { "accept-encoding": "gzip" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect((await gz.json() as any)._source).toEqual({ n: 3 });
  });

  it("streams a large request body and a large response", async () => {
    const pad = "x".repeat(2_000);
    const lines = Array.from({ length: 6_000 }, (_, i) => `{"index":{"_id":"big${i}"}}\n{"n":${i},"pad":"${pad}"}\n`).join("");
    const put = await json("POST", "/proxy-big/_bulk?refresh=true", lines, { "content-type": "application/x-ndjson" });
    expect(put.status).toBe(200);
    expect((await put.json() as any).errors).toBe(false);

    const res = await json("POST", "/proxy-big/_search", { size: 6_000, sort: [{ n: "asc" }] });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    expect(body.hits.hits).toHaveLength(6_000);
    expect(body.hits.hits[5_999]._source.n).toBe(5_999);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it("handles a client that waits for 100-continue, as curl does for larger bodies", async () => {
    const body = JSON.stringify({ query: { match_all: {} }, size: 1, track_total_hits: true });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${ferry.url}/proxy-plain/_search`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
      }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.on("continue", () => req.end(body));
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).hits.total.value).toBe(50);
  });

  it("proxies paths that only look like ferry's", async () => {
    const res = await json("GET", "/_plugins/_replicationx");
    expect(res.status).toBe(400);
    expect((await res.json() as any).error.type).not.toBe("no_handler_found_exception");
  });
});

describe("writes to a following index", () => {
  beforeAll(async () => {
    await os(leader, "PUT", "/proxy-leader", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "proxy-leader", [{ op: "index", id: "1", source: { n: 1 } }], true);
    const res = await json("PUT", "/_plugins/_replication/proxy-follower/_start?wait_for_restore=true", { leader_alias: "leader-cluster", leader_index: "proxy-leader" });
    expect(await res.json()).toEqual({ acknowledged: true });
  });

  const blocked = {
    error: {
      root_cause: [{ type: "cluster_block_exception", reason: "index [proxy-follower] blocked by: [FORBIDDEN/1000/index read-only(cross-cluster-replication)];" }],
      type: "cluster_block_exception",
      reason: "index [proxy-follower] blocked by: [FORBIDDEN/1000/index read-only(cross-cluster-replication)];",
    },
    status: 403,
  };

  it.each([
    ["PUT", "/proxy-follower/_doc/9", { n: 9 }],
    ["POST", "/proxy-follower/_doc", { n: 9 }],
    ["PUT", "/proxy-follower/_create/9", { n: 9 }],
    ["POST", "/proxy-follower/_update/1", { doc: { n: 2 } }],
    ["DELETE", "/proxy-follower/_doc/1", undefined],
    ["POST", "/proxy-follower/_delete_by_query", { query: { match_all: {} } }],
    ["POST", "/proxy-follower/_update_by_query", { query: { match_all: {} } }],
    ["POST", "/_reindex", { source: { index: "proxy-plain" }, dest: { index: "proxy-follower" } }],
    ["POST", "/_bulk", '{"index":{"_index":"proxy-plain","_id":"ok"}}\n{"n":1}\n{"delete":{"_index":"proxy-follower","_id":"1"}}\n'],
    ["POST", "/proxy-follower/_bulk", '{"index":{"_id":"x"}}\n{"n":1}\n'],
    ["PUT", "/proxy-follower/_settings", { index: { number_of_replicas: 1 } }],
    ["PUT", "/proxy-follower/_mapping", { properties: { extra: { type: "keyword" } } }],
    ["POST", "/proxy-follower/_close", undefined],
    ["DELETE", "/proxy-follower", undefined],
  ])("refuses %s %s", async (method, path, body) => {
    const res = await json(method, path, body);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(blocked);
  });

  it("still reads the following index and writes elsewhere", async () => {
    expect((await (await json("GET", "/proxy-follower/_doc/1")).json() as any)._source).toEqual({ n: 1 });
    const ok = await json("POST", "/_bulk", '{"index":{"_index":"proxy-plain","_id":"other"}}\n{"n":1}\n', { "content-type": "application/x-ndjson" });
    expect(ok.status).toBe(200);
  });

  it("takes writes again once replication is stopped", async () => {
    expect(await (await json("POST", "/_plugins/_replication/proxy-follower/_stop", {})).json()).toEqual({ acknowledged: true });
    const res = await json("PUT", "/proxy-follower/_doc/9?refresh=true", { n: 9 });
    expect(res.status).toBe(201);
  });
});
