// ferry as a real process wired to the test bed's clusters (the vitest side of ferry-spawn.ts).
import { inject } from "vitest";
import { ferryEnvFor, spawnFerry, type FerryProcess } from "./ferry-spawn.ts";

export type { FerryProcess };

/** The environment of a ferry wired to the test bed: free port, own SQLite file, "leader-cluster" remote. */
export function testbedFerryEnv(): Record<string, string> {
  return ferryEnvFor(inject("testbed"));
}

/** Starts ferry with the test-bed environment, overridden by `env`. */
export function startFerry(env: Record<string, string> = {}): Promise<FerryProcess> {
  return spawnFerry({ ...testbedFerryEnv(), ...env });
}
