// vitest globalSetup: one leader/follower pair per test run, handed to every test through `inject`.
import type { TestProject } from "vitest/node";
import { startPair, stopPair } from "./pair.ts";

export interface TestbedContext {
  leader: string;
  follower: string;
  repoPath: string;
  version: string;
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
  });
  return () => stopPair(pair);
}
