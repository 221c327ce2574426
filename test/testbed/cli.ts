// `npm run testbed -- up|down|status`: the test bed for people and scripts. `up` leaves a leader and a
// follower running in the background and prints one JSON line; `down` stops what `up` started.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive } from "./cluster.ts";
import { startPair, stopPair, type ClusterPair } from "./pair.ts";

const stateFile = join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".ferry", "testbed.json");

function readState(): ClusterPair | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as ClusterPair) : undefined;
}

function line(pair: ClusterPair): string {
  return JSON.stringify({ leader: pair.leader.url, follower: pair.follower.url, repo_path: pair.repoPath });
}

async function up(): Promise<void> {
  const running = readState();
  if (running && isAlive(running.leader.pid) && isAlive(running.follower.pid)) {
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
  const node = (c: ClusterPair["leader"]) => ({ url: c.url, pid: c.pid, alive: isAlive(c.pid), dir: c.dir });
  process.stdout.write(`${JSON.stringify({
    running: isAlive(running.leader.pid) && isAlive(running.follower.pid),
    version: running.version,
    leader: node(running.leader),
    follower: node(running.follower),
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
