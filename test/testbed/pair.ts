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

export async function startPair(options: { ownerPid?: number } = {}): Promise<ClusterPair> {
  const version = testbedVersion();
  const home = await ensureDistribution(version);
  const repoPath = await mkdtemp(join(tmpdir(), "ferry-testbed-repo-"));
  const started = await Promise.allSettled(
    ["leader", "follower"].map((name) => startCluster({ name, home, repoPath, ownerPid: options.ownerPid })),
  );
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
