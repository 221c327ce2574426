// A leader and a follower cluster sharing one snapshot repository directory: the unit every ferry test
// and the demo run against.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, stopCluster, type ClusterHandle } from "./cluster.ts";
import { ensureDistribution } from "./distribution.ts";
import { ensureIsmHome, ISM_NODE_SETTINGS } from "./ism.ts";
import { parseSpec, testbedSpecs, type DistributionSpec } from "./spec.ts";

export interface ClusterPair {
  /** The leader's release, as when both sides always ran the same OpenSearch. */
  version: string;
  /** What each side runs (also on each handle, as `distribution`). */
  distributions: { leader: DistributionSpec; follower: DistributionSpec };
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
  /** The leader's distribution, or a string such as `es:8.19`; default `FERRY_TESTBED_LEADER`, see `testbedSpecs`. */
  leader?: DistributionSpec | string;
  /** The follower's, likewise; default `FERRY_TESTBED_FOLLOWER`. */
  follower?: DistributionSpec | string;
  /** Both sides run OpenSearch 2.19 with Index State Management (ism.ts). */
  ism?: boolean;
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

const asSpec = (spec: DistributionSpec | string) => (typeof spec === "string" ? parseSpec(spec) : spec);

export async function startPair(options: PairOptions = {}): Promise<ClusterPair> {
  const fromEnv = testbedSpecs();
  const distributions = {
    leader: asSpec(options.leader ?? fromEnv.leader),
    follower: asSpec(options.follower ?? fromEnv.follower),
  };
  // One after the other: with one distribution on both sides, the second call finds the home the first
  // built (two at once would build it twice, in the same staging folder).
  const home = (spec: DistributionSpec) => (options.ism ? ensureIsmHome(spec.version) : ensureDistribution(spec));
  const homes = { leader: await home(distributions.leader), follower: await home(distributions.follower) };
  const repoPath = await mkdtemp(join(tmpdir(), "ferry-testbed-repo-"));
  const nodes = typeof options.nodes === "number" ? { leader: options.nodes, follower: options.nodes } : options.nodes ?? nodesFromEnv();
  const started = await Promise.allSettled((["leader", "follower"] as const).map((name) =>
    startCluster({
      name, home: homes[name], repoPath, nodes: nodes[name], heap: options.heap, ownerPid: options.ownerPid,
      ...(options.ism ? { settings: ISM_NODE_SETTINGS } : {}),
    })));
  const [leader, follower] = started;
  if (leader?.status === "fulfilled" && follower?.status === "fulfilled") {
    return { version: distributions.leader.version, distributions, leader: leader.value, follower: follower.value, repoPath };
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
