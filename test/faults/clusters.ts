// Each fault file runs against its own leader/follower pair, started before its tests and removed after
// them: the scenarios stop nodes and break connections, which no other file may see.
import { afterAll, beforeAll } from "vitest";
import { ferryEnvFor, removeFerryDirs, spawnFerry, type FerryProcess } from "../support/ferry-spawn.ts";
import { ensureDistribution } from "../testbed/distribution.ts";
import { pauseCluster, resumeCluster, type ClusterHandle } from "../testbed/cluster.ts";
import { startPair, stopPair, type ClusterPair } from "../testbed/pair.ts";

export interface FaultBed {
  pair: ClusterPair;
  /** Starts ferry on this pair, `env` over the default (new database, `leader-cluster` remote). */
  ferry(env?: Record<string, string>, onLog?: (line: string) => void): Promise<FerryProcess>;
  /** Stops every node of `cluster` (SIGTERM, data kept) and returns a function that starts them again on
   * the same data and ports, waiting for green. */
  outage(cluster: ClusterHandle): Promise<() => Promise<void>>;
}

/** Registers the file's pair and returns it once `beforeAll` has run; ferries it started are stopped and
 * their databases removed after the file. */
export function useFaultBed(): FaultBed {
  const ferries: FerryProcess[] = [];
  const bed = {
    async ferry(env: Record<string, string> = {}, onLog?: (line: string) => void) {
      const p = bed.pair;
      const ferry = await spawnFerry({ ...ferryEnvFor({ leader: p.leader.url, follower: p.follower.url, repoPath: p.repoPath }), ...env }, { onLog });
      ferries.push(ferry);
      return ferry;
    },
    async outage(cluster: ClusterHandle) {
      await pauseCluster(cluster);
      const home = await ensureDistribution(bed.pair.version);
      return () => resumeCluster(cluster, { name: cluster.name, home, repoPath: bed.pair.repoPath, ownerPid: process.pid });
    },
  } as FaultBed;
  beforeAll(async () => {
    bed.pair = await startPair({ ownerPid: process.pid });
  });
  afterAll(async () => {
    await Promise.all(ferries.map((f) => f.stop()));
    removeFerryDirs();
    if (bed.pair) await stopPair(bed.pair);
  });
  return bed;
}
