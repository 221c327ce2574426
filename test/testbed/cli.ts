// `npm run testbed -- up|down|status`: the test bed for people and scripts. `up` leaves a leader and a
// follower running in the background and prints one JSON line; `down` stops what `up` started.
// `FERRY_TESTBED_NODES=3` (or `3,2`: leader, follower) makes `up` start clusters of several nodes;
// `FERRY_TESTBED_LEADER=es:7.17 FERRY_TESTBED_FOLLOWER=opensearch:2.19` picks each side's distribution.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive, isClusterAlive } from "./cluster.ts";
import { startPair, stopPair, type ClusterPair } from "./pair.ts";
import { testbedSpecs } from "./spec.ts";

const stateFile = join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".ferry", "testbed.json");

function readState(): ClusterPair | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as ClusterPair) : undefined;
}

/** The first node's address stays under `leader`/`follower`, so scripts written for one node keep working. */
function line(pair: ClusterPair): string {
  return JSON.stringify({
    leader: pair.leader.url, follower: pair.follower.url, repo_path: pair.repoPath,
    leader_nodes: pair.leader.urls, follower_nodes: pair.follower.urls,
    leader_distribution: pair.distributions.leader, follower_distribution: pair.distributions.follower,
  });
}

/** Whether a running pair is the one the environment asks for (a state file from before has no distributions). */
function asked(pair: ClusterPair): boolean {
  const wanted = testbedSpecs();
  return (["leader", "follower"] as const).every((side) =>
    pair.distributions?.[side]?.engine === wanted[side].engine && pair.distributions[side].version === wanted[side].version);
}

async function up(): Promise<void> {
  const running = readState();
  if (running && isClusterAlive(running.leader) && isClusterAlive(running.follower) && asked(running)) {
    process.stdout.write(`${line(running)}\n`);
    return;
  }
  if (running) await stopPair(running);
  const pair = await startPair();
  await mkdir(dirname(stateFile), { recursive: true });
  await writeFile(stateFile, JSON.stringify(pair, null, 2));
  process.stdout.write(`${line(pair)}\n`);
}

async function down(): Promise<void> {
  const running = readState();
  if (!running) {
    process.stderr.write("testbed: nothing is running\n");
    return;
  }
  await stopPair(running);
  await rm(stateFile, { force: true });
  process.stderr.write("testbed: stopped leader and follower\n");
}

function status(): void {
  const running = readState();
  if (!running) {
    process.stdout.write(`${JSON.stringify({ running: false })}\n`);
    return;
  }
  const cluster = (c: ClusterPair["leader"]) => ({
    url: c.url,
    dir: c.dir,
    nodes: c.nodes.map((n) => ({ name: n.name, url: n.url, pid: n.pid, alive: isAlive(n.pid) })),
  });
  process.stdout.write(`${JSON.stringify({
    running: isClusterAlive(running.leader) && isClusterAlive(running.follower),
    version: running.version,
    distributions: running.distributions,
    leader: cluster(running.leader),
    follower: cluster(running.follower),
    repo_path: running.repoPath,
  })}\n`);
}

const commands: Record<string, () => Promise<void> | void> = { up, down, status };
const command = commands[process.argv[2] ?? ""];
if (!command) {
  process.stderr.write("usage: npm run testbed -- up|down|status\n");
  process.exit(2);
}
try {
  await command();
} catch (err) {
  process.stderr.write(`testbed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
