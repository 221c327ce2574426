// The OpenSearch replication plugin's leader/follower pair, started with the peer recipe's scripts
// (../shared/peers/opensearch-ccr: build.sh, up.sh, down.sh). ferry replicates between the same two
// clusters: it needs only their REST ports and the shared snapshot path up.sh gives both nodes.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { os } from "../../test/support/documents.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PEER_DIR = process.env.FERRY_BENCH_PEER_DIR ?? join(root, "..", "shared", "peers", "opensearch-ccr");
const OPENSEARCH_VERSION = "2.19.6";
const ZIP_NAME = `opensearch-cross-cluster-replication-${OPENSEARCH_VERSION}.zip`;

export interface PluginPair {
  leader: string;
  follower: string;
  remoteAlias: string;
  repoPath: string;
  leaderPid: number;
  followerPid: number;
  version: string;
  /** Where the plugin zip came from, for the results header. */
  pluginBuild: string;
  stop(): Promise<void>;
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

/** The folder up.sh reads the zip from: an official zip (FERRY_BENCH_PLUGIN_ZIP) linked under the name
 * up.sh expects, else the recipe's build, made once and cached in ~/.cache/ferry-plugin-peer/out. */
async function pluginZip(): Promise<{ peerOut: string; build: string }> {
  const official = process.env.FERRY_BENCH_PLUGIN_ZIP;
  if (official) {
    const zip = resolve(official);
    const peerOut = mkdtempSync(join(tmpdir(), "ferry-bench-plugin-"));
    symlinkSync(zip, join(peerOut, ZIP_NAME));
    const sha = createHash("sha256").update(readFileSync(zip)).digest("hex").slice(0, 12);
    return { peerOut, build: `official zip ${zip} (sha256 ${sha}…)` };
  }
  const peerOut = process.env.PEER_OUT ?? join(homedir(), ".cache", "ferry-plugin-peer", "out");
  if (!existsSync(join(peerOut, ZIP_NAME))) {
    console.error(`bench: building the replication plugin with ${PEER_DIR}/build.sh (about a minute, once)`);
    mkdirSync(peerOut, { recursive: true });
    await run(join(PEER_DIR, "build.sh"), { PEER_OUT: peerOut });
  }
  const info = readFileSync(join(peerOut, "BUILD-INFO.txt"), "utf8").split("\n");
  const line = (key: string) => info.find((l) => l.startsWith(key))?.slice(key.length).trim() ?? "?";
  return { peerOut, build: `built from source by the peer recipe: ${line("source:")}; ${line("opensearch.version:")}; ${line("built:")}` };
}

/** Starts the pair; `down.sh` stops it through `stop()`, and also when the start failed half-way. */
export async function startPluginPair(heap: string): Promise<PluginPair> {
  const { peerOut, build } = await pluginZip();
  const state = mkdtempSync(join(tmpdir(), "ferry-bench-peer-state-"));
  // Each pair gets its own state folder: other sessions may run the recipe at the same time.
  const env = { PEER_OUT: peerOut, PEER_STATE: state, PEER_HEAP: heap };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await run(join(PEER_DIR, "down.sh"), env).catch((err: unknown) => console.error(`bench: down.sh: ${String(err)}`));
    rmSync(state, { recursive: true, force: true });
  };
  try {
    const out = await run(join(PEER_DIR, "up.sh"), env);
    const info = JSON.parse(out.trim().split("\n").pop()!) as { leader: string; follower: string; remote_alias: string; repo_path: string };
    const pids = new Map(readFileSync(join(state, "nodes"), "utf8").trim().split("\n").map((l) => {
      const [name, pid] = l.split(" ");
      return [name!, Number(pid)] as const;
    }));
    // ferry's bootstrap writes the snapshot on the leader and restores it on the follower from one folder.
    for (const url of [info.leader, info.follower]) {
      const nodes = await os(url, "GET", "/_nodes/settings?filter_path=nodes.*.settings.path.repo");
      for (const node of Object.values(nodes.nodes) as Array<{ settings: { path: { repo: string[] | string } } }>) {
        const repo = ([] as string[]).concat(node.settings.path.repo);
        if (!repo.includes(info.repo_path)) throw new Error(`${url} has path.repo ${JSON.stringify(repo)}, not ${info.repo_path}`);
      }
    }
    const about = await os(info.leader, "GET", "/");
    return {
      leader: info.leader, follower: info.follower, remoteAlias: info.remote_alias, repoPath: info.repo_path,
      leaderPid: pids.get("leader")!, followerPid: pids.get("follower")!,
      version: about.version.number, pluginBuild: build, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
