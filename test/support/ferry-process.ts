// ferry as a real process wired to the test bed's clusters (the vitest side of ferry-spawn.ts).
import { afterAll, inject } from "vitest";
import { ferryEnvFor, removeFerryDirs, spawnFerry, type FerryProcess } from "./ferry-spawn.ts";

export type { FerryProcess };

// Registered when a test file imports this module, so before the file's own hooks: with vitest's stacked
// after-hooks it runs last, once the file has stopped its ferries. (The exit hook alone would keep every
// folder until the worker process ends, and nothing promises that a worker's exit handlers run.)
afterAll(removeFerryDirs);

/** The environment of a ferry wired to the test bed: free port, own SQLite file, "leader-cluster" remote. */
export function testbedFerryEnv(): Record<string, string> {
  return ferryEnvFor(inject("testbed"));
}

/** Starts ferry with the test-bed environment, overridden by `env`. */
export function startFerry(env: Record<string, string> = {}): Promise<FerryProcess> {
  return spawnFerry({ ...testbedFerryEnv(), ...env });
}
