// Replication between two clusters that run the OpenSearch security plugin: HTTPS verified against each
// cluster's own CA, and ferry's users holding only the roles in ferry-roles.ts (docs/security.md's "Cluster
// privileges ferry needs" is this file's finding). Every privilege the security plugin refused any ferry
// user, also where ferry swallows the refusal (a lease write, the write guard), is in the nodes' logs, and
// the test fails on any.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulk, converge, os, type Endpoint, type Op } from "../support/documents.ts";
import { ferryEnvFor, removeFerryDirs, spawnFerry, type FerryProcess } from "../support/ferry-spawn.ts";
import {
  defineUser, ensureSecuredDistribution, makeCa, PluginUnavailableError, startSecuredPair, stopSecuredPair,
  type SecuredCluster, type SecuredPair,
} from "../testbed/secured.ts";
import { FERRY_FOLLOWER_ROLE, FERRY_LEADER_ROLE } from "./ferry-roles.ts";

// Only a plugin that cannot be downloaded skips these tests; any other failure to build the home fails them.
const unavailable = await ensureSecuredDistribution().then(
  () => undefined,
  (err: unknown) => {
    if (err instanceof PluginUnavailableError) return err.message;
    throw err;
  },
);
if (unavailable) process.stderr.write(`secured test bed skipped: ${unavailable}\n`);

const LEADER_INDEX = "secured-docs-l";
const FOLLOWER_INDEX = "secured-docs-f";

/** Superuser access for the test's own writes and reads, never ferry's. */
const asAdmin = (cluster: SecuredCluster): Endpoint => ({ url: cluster.url, fetch: cluster.admin });

/** What the security plugin logged as refused to a ferry user on this cluster. */
function refusals(cluster: SecuredCluster): string[] {
  return cluster.handle.nodes.flatMap((node) => readFileSync(join(node.dir, "stdout.log"), "utf8").split("\n"))
    .filter((line) => /perm match for User \[name=ferry_/.test(line));
}

function docs(from: number, to: number, tag: string): Op[] {
  return Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `d${from + k}`, source: { n: from + k, tag } }));
}

async function status(ferry: FerryProcess, index: string, want: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await ferry.call("GET", `/_plugins/_replication/${index}/_status?ferry_extras=true`)).body;
    if (last.status === want) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${index} stayed ${JSON.stringify(last)}`);
}

describe.skipIf(unavailable !== undefined)(`replication through secured clusters${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let pair: SecuredPair;
  let dir: string;
  const password = { leader: randomBytes(18).toString("base64url"), follower: randomBytes(18).toString("base64url") };

  /** ferry wired to the secured pair as its least-privilege users; `ca` overrides a side's CA. */
  function ferryEnv(ca: { leader?: string; follower?: string } = {}): Record<string, string> {
    const followerCa = join(dir, `follower-ca-${randomBytes(4).toString("hex")}.pem`);
    writeFileSync(followerCa, ca.follower ?? pair.follower.ca);
    return {
      ...ferryEnvFor({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }),
      FERRY_FOLLOWER_USERNAME: "ferry_follower",
      FERRY_FOLLOWER_PASSWORD: password.follower,
      FERRY_FOLLOWER_CA: followerCa,
      FERRY_FOLLOWER_TLS_VERIFY: "true",
      FERRY_REMOTES: JSON.stringify({
        "leader-cluster": {
          hosts: [pair.leader.url],
          auth: { type: "basic", username: "ferry_leader", password: password.leader },
          tls: { ca: ca.leader ?? pair.leader.ca, verify: true },
        },
      }),
      // The guard's pipeline and index setting are part of what the follower user must be allowed.
      FERRY_SETTINGS: JSON.stringify({ "ferry.follower.write_guard": 1 }),
    };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ferry-secured-test-"));
    pair = await startSecuredPair({ ownerPid: process.pid });
    await defineUser(pair.leader, "ferry_leader", password.leader, FERRY_LEADER_ROLE);
    await defineUser(pair.follower, "ferry_follower", password.follower, FERRY_FOLLOWER_ROLE);
  });

  afterAll(async () => {
    if (pair) await stopSecuredPair(pair);
    if (dir) rmSync(dir, { recursive: true, force: true });
    removeFerryDirs();
  });

  it("follows writes, updates, deletes and metadata with least-privilege users over verified TLS", async () => {
    const leader = asAdmin(pair.leader);
    const follower = asAdmin(pair.follower);
    await os(leader, "PUT", `/${LEADER_INDEX}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, LEADER_INDEX, docs(0, 500, "v1"));

    const ferry = await spawnFerry(ferryEnv());
    try {
      const started = await ferry.call("PUT", `/_plugins/_replication/${FOLLOWER_INDEX}/_start?wait_for_restore=true`,
        { leader_alias: "leader-cluster", leader_index: LEADER_INDEX });
      expect(started).toEqual({ status: 200, body: { acknowledged: true } });
      const syncing = await status(ferry, FOLLOWER_INDEX, "SYNCING");
      expect(syncing.ferry_write_guard).toBe("final_pipeline");
      expect(await converge(leader, follower, LEADER_INDEX, FOLLOWER_INDEX, 30_000)).toEqual([]);

      await bulk(leader, LEADER_INDEX, [
        ...docs(500, 700, "v1"),
        ...docs(0, 200, "v2"),
        ...Array.from({ length: 50 }, (_, k): Op => ({ op: "delete", id: `d${300 + k}` })),
      ]);
      // A new field (follower mapping update) and a new alias travel as metadata.
      await os(leader, "PUT", `/${LEADER_INDEX}/_doc/late`, { brand_new_field: "x" });
      await os(leader, "POST", "/_aliases", { actions: [{ add: { index: LEADER_INDEX, alias: "secured-docs" } }] });
      expect(await converge(leader, follower, LEADER_INDEX, FOLLOWER_INDEX, 30_000)).toEqual([]);
      for (let i = 0; i < 60; i++) {
        const aliases = await os(follower, "GET", `/${FOLLOWER_INDEX}/_alias`);
        if (aliases[FOLLOWER_INDEX]?.aliases?.["secured-docs"]) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(Object.keys((await os(follower, "GET", `/${FOLLOWER_INDEX}/_alias`))[FOLLOWER_INDEX].aliases)).toContain("secured-docs");
      const mapping = await os(follower, "GET", `/${FOLLOWER_INDEX}/_mapping`);
      expect(mapping[FOLLOWER_INDEX].mappings.properties).toHaveProperty("brand_new_field");

      expect((await ferry.call("POST", `/_plugins/_replication/${FOLLOWER_INDEX}/_pause`, {})).status).toBe(200);
      expect((await ferry.call("POST", `/_plugins/_replication/${FOLLOWER_INDEX}/_resume`, {})).status).toBe(200);
      await status(ferry, FOLLOWER_INDEX, "SYNCING");
      expect((await ferry.call("POST", `/_plugins/_replication/${FOLLOWER_INDEX}/_stop`, {})).status).toBe(200);
      // Stopped means an ordinary index again: guard and write block gone.
      await os(follower, "PUT", `/${FOLLOWER_INDEX}/_doc/after-stop?refresh=true`, { n: -1 });
    } finally {
      await ferry.stop();
    }
    expect([...refusals(pair.leader), ...refusals(pair.follower)]).toEqual([]);
  });

  it("follows indices whose names together pass 2,500 bytes, as users that may read only those indices", async () => {
    const leader = asAdmin(pair.leader);
    const follower = asAdmin(pair.follower);
    // A list of all twelve names is 2,700 bytes: past what one request path holds (core/clusters/index-list.ts).
    const names = Array.from({ length: 12 }, (_, i) => `secured-long-${String(i).padStart(2, "0")}-${"n".repeat(208)}`);
    expect(names.join(",").length).toBeGreaterThan(2_500);
    for (const name of names) {
      await os(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      await bulk(leader, name, docs(0, 20, "v1"));
    }
    const ferry = await spawnFerry(ferryEnv());
    try {
      for (const name of names) {
        const started = await ferry.call("PUT", `/_plugins/_replication/${name}/_start`, { leader_alias: "leader-cluster", leader_index: name });
        expect(started.status).toBe(200);
      }
      for (const name of names) await status(ferry, name, "SYNCING", 180_000);
      for (const name of names) await bulk(leader, name, [...docs(20, 25, "v1"), ...docs(0, 5, "v2"), { op: "delete", id: "d10" }]);
      for (const name of names) expect(await converge(leader, follower, name, name, 60_000)).toEqual([]);
      for (const name of names) {
        expect((await ferry.call("GET", `/_plugins/_replication/${name}/_status?ferry_extras=true`)).body.ferry_retrying ?? []).toEqual([]);
        expect((await ferry.call("POST", `/_plugins/_replication/${name}/_stop`, {})).status).toBe(200);
      }
    } finally {
      await ferry.stop();
    }
    expect([...refusals(pair.leader), ...refusals(pair.follower)]).toEqual([]);
  });

  it("refuses a leader or follower whose certificate the configured CA did not sign", async () => {
    const stranger = await makeCa(dir, "stranger-ca");

    const wrongLeader = await spawnFerry(ferryEnv({ leader: stranger.pem }));
    try {
      const started = await wrongLeader.call("PUT", "/_plugins/_replication/secured-wrong-ca-f/_start",
        { leader_alias: "leader-cluster", leader_index: LEADER_INDEX });
      expect(started.status).toBe(503);
      expect(started.body.error.reason).toBe("leader unreachable: unable to verify the first certificate");
    } finally {
      await wrongLeader.stop();
    }

    const wrongFollower = await spawnFerry(ferryEnv({ follower: stranger.pem }));
    try {
      expect(await wrongFollower.call("GET", "/_ferry/health")).toMatchObject({
        status: 503,
        body: { status: "unavailable", follower: { reachable: false, reason: "unable to verify the first certificate", tls_verify: true } },
      });
    } finally {
      await wrongFollower.stop();
    }
  });
});
