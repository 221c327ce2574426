// Starts and stops single-node OpenSearch clusters on 127.0.0.1, each with its own data directory and a
// shared `path.repo`, so a snapshot taken on one cluster can be restored on another.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync, realpathSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";

export interface ClusterHandle {
  name: string;
  url: string;
  pid: number;
  dir: string;
  /** pid of the process that kills the node when its owner dies; absent when nobody owns it. */
  watchdogPid?: number;
}

export interface StartOptions {
  name: string;
  home: string;
  repoPath: string;
  /** JVM heap, e.g. "384m"; kept small so two or three nodes fit beside ferry and the tests. */
  heap?: string;
  /** Process whose death must take the node with it (the test runner). */
  ownerPid?: number;
  readyTimeoutMs?: number;
}

const DEFAULT_HEAP = process.env.FERRY_TESTBED_HEAP || "512m";

function freePort(): Promise<number> {
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

function javaHome(): string {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  const java = execFileSync("sh", ["-c", "command -v java"], { encoding: "utf8" }).trim();
  if (!java) throw new Error("no java on PATH and JAVA_HOME is not set");
  return dirname(dirname(realpathSync(java)));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function logTail(dir: string): string {
  const file = join(dir, "stdout.log");
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-25).join("\n");
}

async function waitForGreen(handle: ClusterHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (!isAlive(handle.pid)) throw new Error(`node ${handle.name} exited during start-up:\n${logTail(handle.dir)}`);
    try {
      const res = await fetch(`${handle.url}/_cluster/health?wait_for_status=green&timeout=2s`);
      const body = (await res.json()) as { status?: string };
      if (res.ok && body.status === "green") return;
      last = JSON.stringify(body);
    } catch (err) {
      last = String(err);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`node ${handle.name} not green after ${timeoutMs} ms (${last}):\n${logTail(handle.dir)}`);
}

export async function startCluster(options: StartOptions): Promise<ClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), `ferry-testbed-${options.name}-`));
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const conf = join(dir, "config");
  await cp(join(options.home, "config"), conf, { recursive: true });
  await writeFile(join(conf, "opensearch.yml"), [
    `cluster.name: ferry-testbed-${options.name}`,
    `node.name: ${options.name}`,
    "network.host: 127.0.0.1",
    `http.port: ${httpPort}`,
    `transport.port: ${transportPort}`,
    "discovery.type: single-node",
    `path.data: ${join(dir, "data")}`,
    `path.logs: ${join(dir, "logs")}`,
    `path.repo: [${JSON.stringify(options.repoPath)}]`,
    // Test machines may run with little free disk; the watermarks would then block shard allocation.
    "cluster.routing.allocation.disk.threshold_enabled: false",
    "",
  ].join("\n"));

  const handle: ClusterHandle = { name: options.name, url: `http://127.0.0.1:${httpPort}`, pid: 0, dir };
  await launch(handle, options);
  return handle;
}

/** Starts the JVM of a node whose directory and configuration exist, and waits for green. */
async function launch(handle: ClusterHandle, options: StartOptions): Promise<void> {
  const log = openSync(join(handle.dir, "stdout.log"), "a");
  const heap = options.heap ?? DEFAULT_HEAP;
  const [command, ...args] = launchCommand(join(options.home, "bin", "opensearch"));
  const child = spawn(command!, args, {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      JAVA_HOME: javaHome(),
      OPENSEARCH_PATH_CONF: join(handle.dir, "config"),
      OPENSEARCH_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
    },
  });
  closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not spawn OpenSearch for ${options.name}`);
  handle.pid = child.pid;
  if (options.ownerPid) handle.watchdogPid = startWatchdog(options.ownerPid, child.pid, handle.dir);
  await writeFile(join(handle.dir, "node.pid"), `${child.pid}\n`);
  try {
    await waitForGreen(handle, options.readyTimeoutMs ?? 180_000);
  } catch (err) {
    await stopCluster(handle);
    throw err;
  }
}

/**
 * OpenSearch refuses to run as root. CI and these machines run as root, so the node is started in a user
 * namespace where it is an ordinary user (mapped to root outside, so files and signals keep working).
 */
function launchCommand(executable: string): string[] {
  if (process.getuid?.() !== 0) return [executable];
  return ["unshare", "--user", "--map-user=1000", "--map-group=1000", executable];
}

/**
 * A tiny shell loop outside the owner's process tree: if the owner is killed (even with SIGKILL, when no
 * teardown can run), it stops the node, so no JVM outlives the test run.
 */
function startWatchdog(ownerPid: number, nodePid: number, dir: string): number {
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done; kill -TERM -${nodePid} 2>/dev/null; ` +
    `for i in $(seq 40); do kill -0 ${nodePid} 2>/dev/null || break; sleep 0.5; done; ` +
    `kill -KILL -${nodePid} 2>/dev/null; rm -rf ${JSON.stringify(dir)}`;
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return watchdog.pid ?? 0;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 200));
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

/** Stops the JVM (TERM, then KILL after 30 s) and its watchdog; the data directory stays. */
async function stopNode(handle: ClusterHandle): Promise<void> {
  if (isAlive(handle.pid)) {
    signalGroup(handle.pid, "SIGTERM");
    if (!(await waitForExit(handle.pid, 30_000))) {
      signalGroup(handle.pid, "SIGKILL");
      await waitForExit(handle.pid, 10_000);
    }
  }
  if (handle.watchdogPid) signalGroup(handle.watchdogPid, "SIGKILL");
}

/** Stops the node and removes its data directory. */
export async function stopCluster(handle: ClusterHandle): Promise<void> {
  await stopNode(handle);
  await rm(handle.dir, { recursive: true, force: true });
}

/** An outage: the node goes down and comes back on the same address with the same data. */
export async function pauseCluster(handle: ClusterHandle): Promise<void> {
  await stopNode(handle);
}

export async function resumeCluster(handle: ClusterHandle, options: StartOptions): Promise<void> {
  await launch(handle, options);
}
