// What a fault file gets: the suite's leader/follower pair (test/faults/global-setup.ts), ferry processes
// on it, and outages of either cluster.
import { afterAll, inject } from "vitest";
import { ferryEnvFor, removeFerryDirs, spawnFerry, type FerryProcess } from "../support/ferry-spawn.ts";

export interface FaultBed {
  leader: string;
  follower: string;
  /** Starts ferry on the pair, `env` over the default (new database, `leader-cluster` remote). */
  ferry(env?: Record<string, string>, onLog?: (line: string) => void): Promise<FerryProcess>;
  /** Stops every node of one cluster (SIGTERM, data kept) and returns a function that starts them again
   * on the same data and ports, resolving once the cluster is green. */
  outage(side: "leader" | "follower"): Promise<() => Promise<void>>;
  /** Like `outage`, but every node dies by SIGKILL at once, as when a site is lost: nothing is flushed
   * or handed over first. */
  crash(side: "leader" | "follower"): Promise<() => Promise<void>>;
}

async function control(action: "stop" | "kill" | "start", side: "leader" | "follower"): Promise<void> {
  const res = await fetch(`${inject("faultControl")}/${action}/${side}`, { method: "POST" });
  if (!res.ok) throw new Error(`${action} ${side} cluster: ${res.status} ${await res.text()}`);
}

/** The bed of one file; ferries it started are stopped and their databases removed after the file. */
export function useFaultBed(): FaultBed {
  const testbed = inject("testbed");
  const ferries: FerryProcess[] = [];
  afterAll(async () => {
    await Promise.all(ferries.map((f) => f.stop()));
    removeFerryDirs();
  });
  return {
    leader: testbed.leader,
    follower: testbed.follower,
    async ferry(env = {}, onLog) {
      const ferry = await spawnFerry({ ...ferryEnvFor(testbed), ...env }, { onLog });
      ferries.push(ferry);
      return ferry;
    },
    async outage(side) {
      await control("stop", side);
      return () => control("start", side);
    },
    async crash(side) {
      await control("kill", side);
      return () => control("start", side);
    },
  };
}
