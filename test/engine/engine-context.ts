// An in-process ferry core wired to the test bed's clusters, each with its own SQLite file.
import { afterAll, beforeAll, inject } from "vitest";
import { loadConfig } from "../../core/config/config.ts";
import { createFerry, type Ferry } from "../../core/ferry.ts";
import { testbedFerryEnv } from "../support/ferry-process.ts";

/** The alias under which `testbedFerryEnv` registers the test bed's leader. */
export const LEADER_ALIAS = "leader-cluster";

export function testbed() {
  return inject("testbed");
}

export async function startCore(extra: Record<string, string> = {}): Promise<Ferry> {
  return createFerry(loadConfig({ ...testbedFerryEnv(), ...extra }));
}

/** One core for the tests of a file: started before them, closed after them. */
export function useCore(extra: Record<string, string> | (() => Record<string, string>) = {}): () => Ferry {
  let ferry: Ferry | undefined;
  beforeAll(async () => {
    ferry = await startCore(typeof extra === "function" ? extra() : extra);
  });
  afterAll(async () => {
    await ferry?.close();
  });
  return () => {
    if (!ferry) throw new Error("the core is started in beforeAll");
    return ferry;
  };
}
