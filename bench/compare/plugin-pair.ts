// The OpenSearch replication plugin's leader and follower clusters in a given shape: the plugin zip comes
// from the peer recipe (../shared/peers/opensearch-ccr/build.sh, cached), installed into a copy of the test
// bed's OpenSearch home as the recipe's up.sh does (same cache folder and marker, so either reuses the
// other's), and the nodes are started by the test bed's cluster starter, which also runs multi-node
// clusters. ferry replicates between the same clusters: it needs their REST ports and the shared
// snapshot path every node is given.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { os } from "../../test/support/documents.ts";
import { javaHome, startCluster, stopCluster, type ClusterHandle } from "../../test/testbed/cluster.ts";
import { ensureDistribution } from "../../test/testbed/distribution.ts";
import type { Shape } from "./shape.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PEER_DIR = process.env.FERRY_BENCH_PEER_DIR ?? join(root, "..", "shared", "peers", "opensearch-ccr");
const OPENSEARCH_VERSION = "2.19.6";
const PLUGIN = "opensearch-cross-cluster-replication";
const ZIP_NAME = `${PLUGIN}-${OPENSEARCH_VERSION}.zip`;
const REMOTE_ALIAS = "leader-cluster";

export interface PluginPair {
  shape: Shape;
  /** The first node of each cluster; `leaderUrls` has every leader node. */
  leader: string;
  leaderUrls: string[];
  follower: string;
  remoteAlias: string;
  repoPath: string;
  /** JVMs of each cluster, one per node. */
  leaderPids: number[];
  followerPids: number[];
  version: string;
  /** Where the plugin zip came from, for the results header. */
  pluginBuild: string;
  /** The plugin's fixed 10 s waits so far, by the failure its follower logged before each. */
  pluginRetries(): Record<string, number>;
  stop(): Promise<void>;
}

/** Counts the follower's "Encountered a failure(can be ignored) while getting changes: <reason>. Retrying in
 * 10 seconds." lines in a node's main log, by reason. */
export function countPluginRetries(log: string, into: Record<string, number> = {}): Record<string, number> {
  for (const m of log.matchAll(/while getting changes:\s*(.*?)\.? Retrying in \d+ seconds/g)) {
    const reason = m[1]!.trim() || "?";
    into[reason] = (into[reason] ?? 0) + 1;
  }
  return into;
}

function retriesIn(cluster: ClusterHandle): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of cluster.nodes) {
    const logs = join(node.dir, "logs");
    if (!existsSync(logs)) continue;
    for (const f of readdirSync(logs).filter((name) => /^[^_]+\.log$/.test(name))) countPluginRetries(readFileSync(join(logs, f), "utf8"), out);
  }
  return out;
}

/** Runs a script with stderr passed through; resolves with its stdout. */
function run(file: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, [], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${file} exited with ${code}`))));
  });
}

/** The plugin zip: an official one (FERRY_BENCH_PLUGIN_ZIP), else the recipe's build, made once and cached
 * in ~/.cache/ferry-plugin-peer/out. */
async function pluginZip(): Promise<{ zip: string; build: string }> {
  const official = process.env.FERRY_BENCH_PLUGIN_ZIP;
  if (official) {
    const zip = resolve(official);
    const sha = createHash("sha256").update(readFileSync(zip)).digest("hex").slice(0, 12);
    return { zip, build: `official zip ${zip} (sha256 ${sha}…)` };
  }
  const peerOut = process.env.PEER_OUT ?? join(homedir(), ".cache", "ferry-plugin-peer", "out");
  if (!existsSync(join(peerOut, ZIP_NAME))) {
    console.error(`bench: building the replication plugin with ${PEER_DIR}/build.sh (about a minute, once)`);
    mkdirSync(peerOut, { recursive: true });
    await run(join(PEER_DIR, "build.sh"), { PEER_OUT: peerOut });
  }
  const info = readFileSync(join(peerOut, "BUILD-INFO.txt"), "utf8").split("\n");
  const line = (key: string) => info.find((l) => l.startsWith(key))?.slice(key.length).trim() ?? "?";
  return { zip: join(peerOut, ZIP_NAME), build: `built from source by the peer recipe: ${line("source:")}; ${line("opensearch.version:")}; ${line("built:")}` };
}

/** An OpenSearch home with the plugin installed, rebuilt when the zip changes. */
async function pluginHome(zip: string): Promise<string> {
  const cache = process.env.PEER_CACHE ?? join(homedir(), ".cache", "ferry-plugin-peer");
  const home = join(cache, `opensearch-${OPENSEARCH_VERSION}-ccr`);
  const marker = join(home, ".plugin-peer-ready");
  // up.sh's marker: the zip's sha1.
  const sha = createHash("sha1").update(readFileSync(zip)).digest("hex");
  if (existsSync(marker) && readFileSync(marker, "utf8").trim() === sha) return home;
  const base = await ensureDistribution(OPENSEARCH_VERSION);
  const staging = join(cache, `.staging-bench-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  try {
    cpSync(base, staging, { recursive: true });
    rmSync(join(staging, "plugins", PLUGIN), { recursive: true, force: true });
    console.error(`bench: installing ${ZIP_NAME} into a copy of ${base}`);
    execFileSync(join(staging, "bin", "opensearch-plugin"), ["install", "--batch", `file://${zip}`], {
      env: { ...process.env, JAVA_HOME: javaHome(), OPENSEARCH_JAVA_OPTS: "" }, stdio: ["ignore", "inherit", "inherit"],
    });
    writeFileSync(join(staging, ".plugin-peer-origin"), `copy of ${base}\n`);
    writeFileSync(join(staging, ".plugin-peer-ready"), `${sha}\n`);
    rmSync(home, { recursive: true, force: true });
    renameSync(staging, home);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

/** The follower's remote connection to the leader, through every leader node's transport address. */
async function connectRemote(leader: string, follower: string): Promise<void> {
  const nodes = await os(leader, "GET", "/_nodes/transport?filter_path=nodes.*.transport.publish_address");
  const seeds = Object.values(nodes.nodes as Record<string, { transport: { publish_address: string } }>).map((n) => n.transport.publish_address);
  await os(follower, "PUT", "/_cluster/settings", { persistent: { [`cluster.remote.${REMOTE_ALIAS}.seeds`]: seeds } });
  for (let i = 0; i < 60; i++) {
    const info = await os(follower, "GET", "/_remote/info");
    if (info?.[REMOTE_ALIAS]?.connected) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the follower did not connect to ${REMOTE_ALIAS} (${seeds.join(", ")})`);
}

/** Starts both clusters in `shape`; `stop()` stops them and removes their folders, as does a failed start. */
export async function startPluginPair(shape: Shape, heap: string): Promise<PluginPair> {
  const { zip, build } = await pluginZip();
  const home = await pluginHome(zip);
  const repoPath = mkdtempSync(join(tmpdir(), "ferry-bench-repo-"));
  const clusters: ClusterHandle[] = [];
  const stop = async () => {
    await Promise.all(clusters.splice(0).map((c) => stopCluster(c)));
    rmSync(repoPath, { recursive: true, force: true });
  };
  try {
    // The watchdog (ownerPid) stops the nodes if this process dies without its clean-up.
    const start = (name: string, nodes: number) => startCluster({ name, home, repoPath, nodes, heap, ownerPid: process.pid });
    const [leader, follower] = await Promise.allSettled([start("bench-leader", shape.leaderNodes), start("bench-follower", shape.followerNodes)]);
    for (const c of [leader, follower]) if (c?.status === "fulfilled") clusters.push(c.value);
    if (leader?.status !== "fulfilled" || follower?.status !== "fulfilled") {
      throw [leader, follower].find((c): c is PromiseRejectedResult => c?.status === "rejected")?.reason;
    }
    for (const url of [leader.value.url, follower.value.url]) {
      const plugins = await (await fetch(`${url}/_cat/plugins?h=component`)).text();
      if (!plugins.includes(PLUGIN)) throw new Error(`${url} does not list ${PLUGIN}`);
    }
    await connectRemote(leader.value.url, follower.value.url);
    const about = await os(leader.value.url, "GET", "/");
    return {
      shape, leader: leader.value.url, leaderUrls: leader.value.urls, follower: follower.value.url, remoteAlias: REMOTE_ALIAS, repoPath,
      leaderPids: leader.value.nodes.map((n) => n.pid), followerPids: follower.value.nodes.map((n) => n.pid),
      version: about.version.number, pluginBuild: build, pluginRetries: () => retriesIn(follower.value), stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
