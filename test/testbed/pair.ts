// A leader and a follower cluster sharing one snapshot repository directory: the unit every ferry test
// and the demo run against.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, stopCluster, type ClusterHandle } from "./cluster.ts";
import { ensureDistribution, testbedVersion } from "./distribution.ts";

export interface ClusterPair {
  version: string;
  leader: ClusterHandle;
  follower: ClusterHandle;
  repoPath: string;
}

export interface PairOptions {
  /** Process whose death must take every node with it (the test runner). */
  ownerPid?: number;
  /** Nodes per cluster: one number for both, or each side's. Default `FERRY_TESTBED_NODES`, else 1. */
  nodes?: number | { leader: number; follower: number };
  /** Heap of each node; see `StartOptions.heap`. */
  heap?: string;
}

/** `FERRY_TESTBED_NODES`: "3" for three nodes on each side, "3,2" for a 3-node leader and a 2-node follower. */
export function nodesFromEnv(value = process.env.FERRY_TESTBED_NODES): { leader: number; follower: number } {
  if (!value) return { leader: 1, follower: 1 };
  const counts = value.split(",").map((part) => Number(part.trim()));
  if (counts.length > 2 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`FERRY_TESTBED_NODES must be a node count or "leader,follower" counts, got ${JSON.stringify(value)}`);
  }
  return { leader: counts[0]!, follower: counts[1] ?? counts[0]! };
}

export async function startPair(options: PairOptions = {}): Promise<ClusterPair> {
  const version = testbedVersion();
  const home = await ensureDistribution(version);
  const repoPath = await mkdtemp(join(tmpdir(), "ferry-testbed-repo-"));
  const nodes = typeof options.nodes === "number" ? { leader: options.nodes, follower: options.nodes } : options.nodes ?? nodesFromEnv();
  const started = await Promise.allSettled((["leader", "follower"] as const).map((name) =>
    startCluster({ name, home, repoPath, nodes: nodes[name], heap: options.heap, ownerPid: options.ownerPid })));
  const [leader, follower] = started;
  if (leader?.status === "fulfilled" && follower?.status === "fulfilled") {
    return { version, leader: leader.value, follower: follower.value, repoPath };
  }
  for (const result of started) if (result.status === "fulfilled") await stopCluster(result.value);
  await rm(repoPath, { recursive: true, force: true });
  const failure = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  throw failure?.reason ?? new Error("test bed did not start");
}

export async function stopPair(pair: ClusterPair): Promise<void> {
  await Promise.all([stopCluster(pair.leader), stopCluster(pair.follower)]);
  await rm(pair.repoPath, { recursive: true, force: true });
}
