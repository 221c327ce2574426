// An in-process ferry core wired to the test bed's clusters, each with its own SQLite file.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { createFerry, type Ferry } from "../../core/ferry.ts";

export const LEADER_ALIAS = "leader-cluster";

export function testbed() {
  return inject("testbed");
}

export function ferryEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { leader, follower, repoPath } = testbed();
  return {
    FERRY_FOLLOWER_URL: follower,
    FERRY_REMOTES: JSON.stringify({ [LEADER_ALIAS]: { hosts: [leader] } }),
    FERRY_SNAPSHOT_PATH: repoPath,
    FERRY_DB: join(mkdtempSync(join(tmpdir(), "ferry-test-db-")), "ferry.db"),
    ...extra,
  };
}

export async function startCore(extra: Record<string, string> = {}): Promise<Ferry> {
  return createFerry(loadConfig(ferryEnv(extra)));
}
