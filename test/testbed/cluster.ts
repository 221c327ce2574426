// Starts and stops OpenSearch or Elasticsearch clusters of one or more nodes on 127.0.0.1, each node with its own data
// directory and every node sharing one `path.repo`, so a snapshot taken on one cluster can be restored on
// another. Single nodes of a cluster can be stopped and started again, to fail over or restart them.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { distributionAt } from "./distribution.ts";
import { jdkFor } from "./prerequisites.ts";
import { testbedVersion, type DistributionSpec } from "./spec.ts";

export interface NodeHandle {
  /** `node.name`, used by allocation filters and `_cat` answers. */
  name: string;
  url: string;
  /** pid of the node's JVM (its process group); 0 while the node is stopped. */
  pid: number;
  /** This node's configuration, data and logs, inside the cluster's directory. */
  dir: string;
}

export interface ClusterHandle {
  name: string;
  /** The first node's HTTP address; `urls` has every node's. */
  url: string;
  urls: string[];
  /** Holds one sub-directory per node; removed when the cluster stops. */
  dir: string;
  /** What the nodes run, read from the home they were started from. */
  distribution: DistributionSpec;
  nodes: NodeHandle[];
  /** What a node restart needs to launch the JVM exactly as before. */
  launch: LaunchSettings;
  /** pid of the process that stops every node when the owner dies; absent when nobody owns the cluster. */
  watchdogPid?: number;
}

interface LaunchSettings {
  home: string;
  /** The JDK the nodes run on, chosen for the distribution (prerequisites.ts `jdkFor`). */
  javaHome: string;
  heap: string;
  readyTimeoutMs: number;
  /** How the readiness probe reaches a node when plain `fetch` cannot (TLS, credentials). Not kept in the
   * JSON state `npm run testbed` writes, which only stops clusters. */
  probe?: typeof fetch;
}

export interface StartOptions {
  name: string;
  home: string;
  repoPath: string;
  /** Number of nodes, all cluster-manager-eligible data nodes (default 1). */
  nodes?: number;
  /** JVM heap of each node, e.g. "384m"; kept small so several nodes fit beside ferry and the tests. */
  heap?: string;
  /** Process whose death must take the nodes with it (the test runner). */
  ownerPid?: number;
  readyTimeoutMs?: number;
  /** `https` when the nodes serve TLS (the secured test bed); default `http`. */
  scheme?: "http" | "https";
  /** Lines appended to every node's opensearch.yml (elasticsearch.yml). */
  settings?: string[];
  /** Files written into every node's config directory before it starts, by path relative to it. */
  configFiles?: Record<string, string>;
  /** A fetch that can reach the nodes (their CA, credentials) for the readiness probe; default `fetch`. */
  probe?: typeof fetch;
}

/** Nodes of a multi-node cluster get less heap by default: five or more JVMs share this machine. */
function defaultHeap(nodes: number): string {
  return process.env.FERRY_TESTBED_HEAP || (nodes > 1 ? "384m" : "512m");
}

function listenOnFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** `count` distinct free ports: the OS may hand out a port again once its probe socket is closed. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await listenOnFreePort());
  return [...ports];
}

/** The JDK to run `spec` with (default: the test bed's OpenSearch release) for tools beside the nodes. */
export function javaHome(spec: DistributionSpec = { engine: "opensearch", version: testbedVersion() }): string {
  return jdkFor(spec);
}

export function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether every node of the cluster runs. */
export function isClusterAlive(handle: ClusterHandle): boolean {
  return handle.nodes.every((node) => isAlive(node.pid));
}

function logTail(node: NodeHandle): string {
  const file = join(node.dir, "stdout.log");
  if (!existsSync(file)) return "";
  return `--- ${node.name} ---\n${readFileSync(file, "utf8").split("\n").slice(-25).join("\n")}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the cluster is green with all of `handle`'s running nodes joined, asking any running
 * node (the first may be the one that is down). A node that exits meanwhile fails the wait at once.
 */
async function waitForGreen(handle: ClusterHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const running = handle.nodes.filter((n) => n.pid);
  let last = "";
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const dead = running.find((n) => !isAlive(n.pid));
    if (dead) throw new Error(`node ${dead.name} exited during start-up:\n${logTail(dead)}`);
    const node = running[attempt % running.length]!;
    try {
      const res = await (handle.launch.probe ?? fetch)(`${node.url}/_cluster/health?wait_for_status=green&wait_for_nodes=${running.length}&timeout=2s`);
      const body = (await res.json()) as { status?: string; number_of_nodes?: number };
      if (res.ok && body.status === "green" && body.number_of_nodes === running.length) return;
      last = JSON.stringify(body);
    } catch (err) {
      last = String(err);
      await sleep(500);
    }
  }
  throw new Error(`cluster ${handle.name} not green with ${running.length} node(s) after ${timeoutMs} ms (${last}):\n` +
    running.map(logTail).join("\n"));
}

export async function startCluster(options: StartOptions): Promise<ClusterHandle> {
  const count = options.nodes ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`a cluster needs at least one node, got ${options.nodes}`);
  const dir = await mkdtemp(join(tmpdir(), `ferry-testbed-${options.name}-`));
  const ports = await freePorts(2 * count);
  const httpPorts = ports.slice(0, count);
  const transportPorts = ports.slice(count);
  // A one-node cluster keeps the cluster's name as its node name, as before multi-node clusters existed.
  const names = Array.from({ length: count }, (_, i) => (count === 1 ? options.name : `${options.name}-${i}`));
  const scheme = options.scheme ?? "http";
  const distribution = distributionAt(options.home);
  const handle: ClusterHandle = {
    name: options.name,
    url: `${scheme}://127.0.0.1:${httpPorts[0]}`,
    urls: httpPorts.map((port) => `${scheme}://127.0.0.1:${port}`),
    dir,
    distribution,
    nodes: names.map((name, i) => ({ name, url: `${scheme}://127.0.0.1:${httpPorts[i]}`, pid: 0, dir: join(dir, name) })),
    launch: {
      home: options.home,
      javaHome: jdkFor(distribution),
      heap: options.heap ?? defaultHeap(count),
      readyTimeoutMs: options.readyTimeoutMs ?? 180_000,
      ...(options.probe ? { probe: options.probe } : {}),
    },
  };

  // One-node clusters skip discovery (and the bootstrap checks that come with it); larger ones find each
  // other through their transport ports and elect a cluster manager among all nodes on first start.
  const elasticsearch = distribution.engine === "elasticsearch";
  const discovery = count === 1
    ? ["discovery.type: single-node"]
    : [
      `discovery.seed_hosts: ${JSON.stringify(transportPorts.map((port) => `127.0.0.1:${port}`))}`,
      `${elasticsearch ? "cluster.initial_master_nodes" : "cluster.initial_cluster_manager_nodes"}: ${JSON.stringify(names)}`,
    ];
  const engineSettings = elasticsearch ? elasticsearchSettings(options.home) : [];
  for (const [i, node] of handle.nodes.entries()) {
    const conf = join(node.dir, "config");
    await mkdir(node.dir);
    await cp(join(options.home, "config"), conf, { recursive: true });
    await writeFile(join(conf, elasticsearch ? "elasticsearch.yml" : "opensearch.yml"), [
      `cluster.name: ferry-testbed-${options.name}`,
      `node.name: ${node.name}`,
      "network.host: 127.0.0.1",
      `http.port: ${httpPorts[i]}`,
      `transport.port: ${transportPorts[i]}`,
      ...discovery,
      `path.data: ${join(node.dir, "data")}`,
      `path.logs: ${join(node.dir, "logs")}`,
      `path.repo: [${JSON.stringify(options.repoPath)}]`,
      // Test machines may run with little free disk; the watermarks would then block shard allocation.
      "cluster.routing.allocation.disk.threshold_enabled: false",
      ...engineSettings,
      ...(options.settings ?? []),
      "",
    ].join("\n"));
    for (const [file, text] of Object.entries(options.configFiles ?? {})) {
      await mkdir(dirname(join(conf, file)), { recursive: true });
      await writeFile(join(conf, file), text);
    }
  }

  if (options.ownerPid) handle.watchdogPid = startWatchdog(options.ownerPid, dir);
  try {
    await Promise.all(handle.nodes.map((node) => spawnNode(node, handle.launch, handle.distribution)));
    await waitForGreen(handle, handle.launch.readyTimeoutMs);
  } catch (err) {
    await stopCluster(handle);
    throw err;
  }
  return handle;
}

/**
 * What Elasticsearch needs beyond the common settings. The integ-test-zip carries x-pack-core and
 * x-pack-security, and security would otherwise be on in 8.x (HTTPS and passwords); 7.x is told the same so
 * both behave alike. 8.x refuses wildcard deletes by default, which the tests' clean-up relies on
 * (OpenSearch and 7.x allow them). The zips have no ingest-geoip, so there is no GeoIP downloader to stop.
 */
function elasticsearchSettings(home: string): string[] {
  return [
    "action.destructive_requires_name: false",
    ...(existsSync(join(home, "modules", "x-pack-security")) ? ["xpack.security.enabled: false"] : []),
  ];
}

/** Starts the JVM of a node whose directory and configuration exist; does not wait for it. */
async function spawnNode(node: NodeHandle, launch: LaunchSettings, distribution: DistributionSpec): Promise<void> {
  const log = openSync(join(node.dir, "stdout.log"), "a");
  const elasticsearch = distribution.engine === "elasticsearch";
  const [command, ...args] = launchCommand(join(launch.home, "bin", distribution.engine));
  const conf = join(node.dir, "config");
  const heap = `-Xms${launch.heap} -Xmx${launch.heap}`;
  const child = spawn(command!, args, {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      JAVA_HOME: launch.javaHome,
      ...(elasticsearch
        // Elasticsearch 8 reads only ES_JAVA_HOME; 7.17 prefers it to JAVA_HOME.
        ? { ES_JAVA_HOME: launch.javaHome, ES_PATH_CONF: conf, ES_JAVA_OPTS: heap }
        : { OPENSEARCH_PATH_CONF: conf, OPENSEARCH_JAVA_OPTS: heap }),
    },
  });
  closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not spawn ${distribution.engine} for ${node.name}`);
  node.pid = child.pid;
  // The watchdog reads this file: it knows a restarted node by its new pid, and a stopped one by no file.
  await writeFile(join(node.dir, "node.pid"), `${child.pid}\n`);
}

/**
 * OpenSearch and Elasticsearch refuse to run as root. CI and these machines run as root, so the node is started in a user
 * namespace where it is an ordinary user (mapped to root outside, so files and signals keep working).
 */
function launchCommand(executable: string): string[] {
  if (process.getuid?.() !== 0) return [executable];
  return ["unshare", "--user", "--map-user=1000", "--map-group=1000", executable];
}

/**
 * A tiny shell loop outside the owner's process tree: if the owner is killed (even with SIGKILL, when no
 * teardown can run), it stops every node of the cluster and removes its directory, so no JVM outlives the
 * test run. It finds the nodes through their `node.pid` files, so nodes restarted since are covered too.
 */
function startWatchdog(ownerPid: number, dir: string): number {
  const pids = `cat ${JSON.stringify(dir)}/*/node.pid 2>/dev/null`;
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done; ` +
    `for p in $(${pids}); do kill -TERM -$p 2>/dev/null; done; ` +
    `for i in $(seq 40); do alive=; for p in $(${pids}); do kill -0 $p 2>/dev/null && alive=1; done; ` +
    `[ -z "$alive" ] && break; sleep 0.5; done; ` +
    `for p in $(${pids}); do kill -KILL -$p 2>/dev/null; done; rm -rf ${JSON.stringify(dir)}`;
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return watchdog.pid ?? 0;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Stops one JVM (TERM, then KILL after 30 s; or KILL at once, as a crash); its data directory stays. */
async function stopJvm(node: NodeHandle, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  if (isAlive(node.pid)) {
    signalGroup(node.pid, signal);
    if (!(await waitForExit(node.pid, 30_000))) {
      signalGroup(node.pid, "SIGKILL");
      await waitForExit(node.pid, 10_000);
    }
  }
  node.pid = 0;
  await rm(join(node.dir, "node.pid"), { force: true });
}

/** Stops every node and the watchdog, and removes the cluster's directory. */
export async function stopCluster(handle: ClusterHandle): Promise<void> {
  await Promise.all(handle.nodes.map((node) => stopJvm(node)));
  if (handle.watchdogPid) signalGroup(handle.watchdogPid, "SIGKILL");
  await rm(handle.dir, { recursive: true, force: true });
}

/** An outage: every node goes down and comes back on the same address with the same data. */
export async function pauseCluster(handle: ClusterHandle): Promise<void> {
  await Promise.all(handle.nodes.map((node) => stopJvm(node)));
}

/**
 * Brings a paused cluster back with the options it was started with, and waits for green. The watchdog
 * of a cluster started with an owner lives on through the pause; one started without gets one now if
 * `options` names an owner.
 */
export async function resumeCluster(handle: ClusterHandle, options: StartOptions): Promise<void> {
  handle.distribution = distributionAt(options.home);
  handle.launch = {
    ...handle.launch, home: options.home, javaHome: jdkFor(handle.distribution), ...(options.heap ? { heap: options.heap } : {}),
  };
  if (options.ownerPid && !handle.watchdogPid) handle.watchdogPid = startWatchdog(options.ownerPid, handle.dir);
  try {
    await Promise.all(handle.nodes.map((node) => spawnNode(node, handle.launch, handle.distribution)));
    await waitForGreen(handle, options.readyTimeoutMs ?? handle.launch.readyTimeoutMs);
  } catch (err) {
    await stopCluster(handle);
    throw err;
  }
}

function nodeNamed(handle: ClusterHandle, name: string): NodeHandle {
  const node = handle.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`cluster ${handle.name} has no node ${name} (it has ${handle.nodes.map((n) => n.name).join(", ")})`);
  return node;
}

/**
 * Stops one node of a running cluster, keeping its data, so its shards fail over to their other copies:
 * with SIGTERM as an operator would, or with `crash` by SIGKILL, cutting off whatever it was doing. The
 * rest of the cluster must keep a quorum of cluster-manager votes for it to stay available: in a 3-node
 * cluster any one node may stop.
 */
export async function stopNode(handle: ClusterHandle, name: string, options: { crash?: boolean } = {}): Promise<void> {
  await stopJvm(nodeNamed(handle, name), options.crash ? "SIGKILL" : "SIGTERM");
}

/** Starts a node stopped by `stopNode` again, and waits until it has rejoined and the cluster is green. */
export async function startNode(handle: ClusterHandle, name: string): Promise<void> {
  const node = nodeNamed(handle, name);
  if (isAlive(node.pid)) throw new Error(`node ${name} of cluster ${handle.name} is running`);
  await spawnNode(node, handle.launch, handle.distribution);
  await waitForGreen(handle, handle.launch.readyTimeoutMs);
}
