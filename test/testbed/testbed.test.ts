import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, inject, it } from "vitest";
import { isAlive, startCluster, stopCluster, type ClusterHandle } from "./cluster.ts";
import { ensureDistribution } from "./distribution.ts";
import { TESTBED_MODULES } from "./modules.ts";
import { nodesFromEnv } from "./pair.ts";
import { javaRange, releaseMajor } from "./prerequisites.ts";
import { parseSpec, type DistributionSpec } from "./spec.ts";

const { leader, follower, repoPath, distributions } = inject("testbed");

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/**
 * Engine and release as a cluster reports them: `GET /`, or the local node's info where Elasticsearch 8's
 * integ-test-zip lacks the rest-root module that serves `/` (answered 405 then).
 */
async function reported(url: string): Promise<DistributionSpec> {
  const root = await call(url, "GET", "/");
  if (root.status === 200) {
    return { engine: root.json.version.distribution === "opensearch" ? "opensearch" : "elasticsearch", version: root.json.version.number };
  }
  const info = await call(url, "GET", "/_nodes/_local?filter_path=nodes.*.version");
  return { engine: "elasticsearch", version: (Object.values(info.json.nodes)[0] as { version: string }).version };
}

/** A snapshot restores only on the same engine at the same or a newer release. */
function snapshotReadable(from: DistributionSpec, to: DistributionSpec): boolean {
  const parts = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(from.version), parts(to.version)];
  const order = a.map((n, i) => Math.sign((b[i] ?? 0) - n)).find((d) => d !== 0) ?? 0;
  return from.engine === to.engine && order >= 0;
}

/** The Java feature release a cluster's nodes run on. */
const javaOf = (handle: ClusterHandle) => releaseMajor(readFileSync(join(handle.launch.javaHome, "release"), "utf8"));

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 250));
  return !isAlive(pid);
}

describe("test bed", () => {
  it("starts a leader and a follower running the distributions asked for, every primary active", async () => {
    const nodes = nodesFromEnv();
    for (const [url, side] of [[leader, "leader"], [follower, "follower"]] as const) {
      expect(await reported(url)).toEqual(distributions[side]);
      // Green when started (startCluster waits for it); other test files may since have created indices
      // with a replica, which a single node leaves unassigned: yellow then, never red.
      const health = await call(url, "GET", "/_cluster/health");
      expect(["green", "yellow"]).toContain(health.json.status);
      expect(health.json.number_of_nodes).toBe(nodes[side]);
    }
    expect(leader).not.toBe(follower);
  });

  // The Elasticsearch zips have no such modules, and Elastic publishes none of them (see modules.ts).
  it.runIf(distributions.follower.engine === "opensearch")("loads the modules ferry relies on", async () => {
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

  it.runIf(snapshotReadable(distributions.leader, distributions.follower))("restores on the follower a snapshot taken on the leader through the shared repository", async () => {
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

  it.runIf(distributions.follower.engine === "opensearch")("guards an index with a final ingest pipeline (ingest-common + painless)", async () => {
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

  it("starts Elasticsearch 8.19 and 7.17 nodes that index, snapshot into a shared path.repo, and restore 7.17's snapshot on 8.19", async () => {
    const specs = [parseSpec("es:8.19"), parseSpec("es:7.17")];
    const homes = [await ensureDistribution(specs[0]!), await ensureDistribution(specs[1]!)];
    const shared = await mkdtemp(join(tmpdir(), "ferry-testbed-es-repo-"));
    const started = await Promise.allSettled(specs.map((spec, i) =>
      startCluster({ name: `es${spec.version.split(".")[0]}`, home: homes[i]!, repoPath: shared, heap: "256m", ownerPid: process.pid })));
    const handles = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    try {
      for (const r of started) if (r.status === "rejected") throw r.reason;
      const [es8, es7] = handles as [ClusterHandle, ClusterHandle];
      expect(es8.distribution).toEqual(specs[0]);
      expect(es7.distribution).toEqual(specs[1]);
      // 8.x's zip lacks the rest-root module: no `GET /`, what ferry's engine detection must cope with.
      expect((await call(es8.url, "GET", "/")).status).toBe(405);
      expect((await call(es7.url, "GET", "/")).json.version.number).toBe(specs[1]!.version);
      for (const [handle, spec] of [[es8, specs[0]!], [es7, specs[1]!]] as const) {
        expect(await reported(handle.url)).toEqual(spec);
        const java = javaOf(handle)!;
        const range = javaRange(spec);
        expect(java).toBeGreaterThanOrEqual(range.min);
        expect(java).toBeLessThanOrEqual(range.max ?? java);
        const put = await call(handle.url, "PUT", "/tb-es/_doc/1?refresh=true", { title: `written on ${spec.version}` });
        expect(put.status).toBe(201);
        const found = await call(handle.url, "POST", "/tb-es/_search", { query: { match: { title: "written" } } });
        expect(found.json.hits.total.value).toBe(1);
        const repo = { type: "fs", settings: { location: join(shared, spec.version) } };
        expect((await call(handle.url, "PUT", "/_snapshot/tb-es", repo)).status).toBe(200);
        const snap = await call(handle.url, "PUT", "/_snapshot/tb-es/snap-1?wait_for_completion=true", { indices: "tb-es" });
        expect(snap.json.snapshot.state).toBe("SUCCESS");
      }
      // Both nodes write into the one directory they were given as path.repo; 8.19 reads what 7.17 wrote there.
      const from7 = { type: "fs", settings: { location: join(shared, specs[1]!.version), readonly: true } };
      expect((await call(es8.url, "PUT", "/_snapshot/tb-es7", from7)).status).toBe(200);
      const restore = await call(es8.url, "POST", "/_snapshot/tb-es7/snap-1/_restore?wait_for_completion=true", {
        indices: "tb-es", rename_pattern: "tb-es", rename_replacement: "tb-from-7",
      });
      expect(restore.status).toBe(200);
      expect((await call(es8.url, "GET", "/tb-from-7/_doc/1")).json._source).toEqual({ title: `written on ${specs[1]!.version}` });
      // 8.x refuses wildcard deletes unless told otherwise; the test bed tells it, for the tests' clean-up.
      expect((await call(es8.url, "DELETE", "/tb-*")).status).toBe(200);
    } finally {
      await Promise.all(handles.map((handle) => stopCluster(handle)));
      await rm(shared, { recursive: true, force: true });
    }
    for (const handle of handles) {
      expect(isAlive(handle.nodes[0]!.pid)).toBe(false);
      expect(existsSync(handle.dir)).toBe(false);
    }
  });

  it("starts OpenSearch 3 on a Java 21+ found on the machine, with the test bed's modules", async () => {
    const spec = parseSpec("opensearch:3");
    const handle = await startCluster({ name: "os3", home: await ensureDistribution(spec), repoPath, heap: "256m", ownerPid: process.pid });
    try {
      expect(javaOf(handle)).toBeGreaterThanOrEqual(21);
      expect(await reported(handle.url)).toEqual(spec);
      const plugins = await call(handle.url, "GET", "/_nodes/plugins");
      const loaded = (Object.values(plugins.json.nodes)[0] as { modules: { name: string }[] }).modules.map((m) => m.name);
      for (const name of TESTBED_MODULES) expect(loaded).toContain(name);
      const pipeline = await call(handle.url, "PUT", "/_ingest/pipeline/tb-guard", {
        processors: [{ fail: { if: "ctx._version_type != 'external_gte'", message: "read-only" } }],
      });
      expect(pipeline.status).toBe(200);
      await call(handle.url, "PUT", "/tb-guarded", { settings: { number_of_replicas: 0, "index.final_pipeline": "tb-guard" } });
      expect((await call(handle.url, "PUT", "/tb-guarded/_doc/1", { a: 1 })).status).toBe(500);
      expect((await call(handle.url, "PUT", "/tb-guarded/_doc/1?version=3&version_type=external_gte", { a: 1 })).status).toBe(201);
    } finally {
      await stopCluster(handle);
    }
    expect(isAlive(handle.nodes[0]!.pid)).toBe(false);
    expect(existsSync(handle.dir)).toBe(false);
  });
});
