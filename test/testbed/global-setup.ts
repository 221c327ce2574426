// vitest globalSetup: one leader/follower pair per test run, handed to every test through `inject`.
import type { TestProject } from "vitest/node";
import { startPair, stopPair } from "./pair.ts";
import type { DistributionSpec } from "./spec.ts";

export interface TestbedContext {
  leader: string;
  follower: string;
  repoPath: string;
  /** The leader's release. */
  version: string;
  /** What each side runs (`FERRY_TESTBED_LEADER`, `FERRY_TESTBED_FOLLOWER`). */
  distributions: { leader: DistributionSpec; follower: DistributionSpec };
}

declare module "vitest" {
  export interface ProvidedContext {
    testbed: TestbedContext;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The watchdog ties the JVMs to this process: if the runner is killed, the nodes go too.
  const pair = await startPair({ ownerPid: process.pid });
  project.provide("testbed", {
    leader: pair.leader.url,
    follower: pair.follower.url,
    repoPath: pair.repoPath,
    version: pair.version,
    distributions: pair.distributions,
  });
  return () => stopPair(pair);
}
