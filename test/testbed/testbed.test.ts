import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { describe, expect, inject, it } from "vitest";
import { isAlive, startCluster, stopCluster, type ClusterHandle } from "./cluster.ts";
import { ensureDistribution } from "./distribution.ts";
import { TESTBED_MODULES } from "./modules.ts";
import { nodesFromEnv } from "./pair.ts";

const { leader, follower, repoPath, version } = inject("testbed");

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 250));
  return !isAlive(pid);
}

describe("test bed", () => {
  it("starts a leader and a follower running the pinned OpenSearch, every primary active", async () => {
    const nodes = nodesFromEnv();
    for (const [url, side] of [[leader, "leader"], [follower, "follower"]] as const) {
      const root = await call(url, "GET", "/");
      expect(root.json.version.distribution).toBe("opensearch");
      expect(root.json.version.number).toBe(version);
      // Green when started (startCluster waits for it); other test files may since have created indices
      // with a replica, which a single node leaves unassigned: yellow then, never red.
      const health = await call(url, "GET", "/_cluster/health");
      expect(["green", "yellow"]).toContain(health.json.status);
      expect(health.json.number_of_nodes).toBe(nodes[side]);
    }
    expect(leader).not.toBe(follower);
  });

  it("loads the modules ferry relies on", async () => {
    const nodes = await call(follower, "GET", "/_nodes/plugins");
    const node = Object.values(nodes.json.nodes)[0] as { modules: { name: string }[] };
    const loaded = node.modules.map((m) => m.name);
    for (const name of TESTBED_MODULES) expect(loaded).toContain(name);
  });

  it("finds a document indexed on each cluster", async () => {
    for (const url of [leader, follower]) {
      const index = `tb-search-${url.split(":").pop()}`;
      await call(url, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      const put = await call(url, "PUT", `/${index}/_doc/1?refresh=true`, { title: "Ferry crosses the river" });
      expect(put.status).toBe(201);
      const found = await call(url, "POST", `/${index}/_search`, { query: { match: { title: "river" } } });
      expect(found.json.hits.total.value).toBe(1);
      expect(found.json.hits.hits[0]._source.title).toBe("Ferry crosses the river");
    }
  });

  it("restores on the follower a snapshot taken on the leader through the shared repository", async () => {
    const repo = { type: "fs", settings: { location: repoPath } };
    expect((await call(leader, "PUT", "/_snapshot/tb-shared", repo)).status).toBe(200);
    expect((await call(follower, "PUT", "/_snapshot/tb-shared", repo)).status).toBe(200);

    await call(leader, "PUT", "/tb-snap", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    const bulk = Array.from({ length: 50 }, (_, i) => `{"index":{"_id":"${i}"}}\n{"n":${i}}\n`).join("");
    const res = await fetch(`${leader}/tb-snap/_bulk?refresh=true`, {
      method: "POST", headers: { "content-type": "application/x-ndjson" }, body: bulk,
    });
    expect(((await res.json()) as { errors: boolean }).errors).toBe(false);

    const snap = await call(leader, "PUT", "/_snapshot/tb-shared/snap-1?wait_for_completion=true", { indices: "tb-snap" });
    expect(snap.json.snapshot.state).toBe("SUCCESS");

    const restore = await call(follower, "POST", "/_snapshot/tb-shared/snap-1/_restore?wait_for_completion=true", {
      indices: "tb-snap", rename_pattern: "tb-snap", rename_replacement: "tb-restored",
    });
    expect(restore.status).toBe(200);
    const count = await call(follower, "GET", "/tb-restored/_count");
    expect(count.json.count).toBe(50);
    const doc = await call(follower, "GET", "/tb-restored/_doc/7");
    expect(doc.json._source).toEqual({ n: 7 });
  });

  it("guards an index with a final ingest pipeline (ingest-common + painless)", async () => {
    const pipeline = await call(follower, "PUT", "/_ingest/pipeline/tb-guard", {
      processors: [{ fail: { if: "ctx._version_type != 'external_gte'", message: "read-only" } }],
    });
    expect(pipeline.status).toBe(200);
    await call(follower, "PUT", "/tb-guarded", { settings: { number_of_replicas: 0, "index.final_pipeline": "tb-guard" } });
    const refused = await call(follower, "PUT", "/tb-guarded/_doc/1", { a: 1 });
    expect(refused.status).toBe(500);
    expect(JSON.stringify(refused.json)).toContain("read-only");
    const allowed = await call(follower, "PUT", "/tb-guarded/_doc/1?version=3&version_type=external_gte", { a: 1 });
    expect(allowed.status).toBe(201);
  });

  it("reads FERRY_TESTBED_NODES as one count for both sides or as leader,follower", () => {
    expect(nodesFromEnv("")).toEqual({ leader: 1, follower: 1 });
    expect(nodesFromEnv("3")).toEqual({ leader: 3, follower: 3 });
    expect(nodesFromEnv("3, 2")).toEqual({ leader: 3, follower: 2 });
    for (const bad of ["0", "two", "3,2,1", "1.5"]) expect(() => nodesFromEnv(bad)).toThrow(/FERRY_TESTBED_NODES/);
  });

  it("stops a node and removes its data: no JVM left", async () => {
    const handle = await startCluster({ name: "extra", home: await ensureDistribution(), repoPath });
    const [node] = handle.nodes;
    expect(isAlive(node!.pid)).toBe(true);
    await stopCluster(handle);
    expect(isAlive(node!.pid)).toBe(false);
    expect(existsSync(handle.dir)).toBe(false);
  });

  // Two nodes, one of them restarted by the fixture: the watchdog must stop the JVM it did not start.
  it("joins the nodes of a cluster, and takes all of them down when their owner is killed with SIGKILL", async () => {
    const owner = spawn(process.execPath, ["--import", "tsx", "test/testbed/fixtures/owned-cluster.ts", repoPath, "2"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: owner.stdout! }).once("line", resolve);
      owner.once("exit", (code) => reject(new Error(`owner exited early with ${code}`)));
    });
    const handle = JSON.parse(firstLine) as ClusterHandle;
    expect(handle.nodes).toHaveLength(2);
    for (const node of handle.nodes) {
      expect(isAlive(node.pid)).toBe(true);
      const joined = await call(node.url, "GET", "/_cat/nodes?h=name&format=json");
      expect(joined.json.map((n: { name: string }) => n.name).sort()).toEqual(["owned-0", "owned-1"]);
    }
    owner.kill("SIGKILL");
    for (const node of handle.nodes) expect(await waitUntilGone(node.pid, 60_000)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (existsSync(handle.dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(handle.dir)).toBe(false);
  });
});
