// The replication plugin's documented request bodies, verbatim, through the official OpenSearch client:
// every example passes `use_roles` naming `all_access`, a role ferry has no credential for (no
// `cluster_roles` entry). ferry then works with its own credentials for that side, says so in `_status`
// (with `ferry_extras=true`) and once in its log; `ferry.use_roles.strict` keeps the 400 for operators who
// want it, and fails replications already running with such a role. A stored replication whose role is no longer configured keeps following after a restart, and a
// whole-site promote works on followers a documented rule created.
import { Client } from "@opensearch-project/opensearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { bulk, documents, mismatches, os } from "../support/documents.ts";
import { spawnFerry } from "../support/ferry-spawn.ts";
import { testbedFerryEnv, type FerryProcess } from "../support/ferry-process.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
const P = "/_plugins/_replication";
const ALIAS = "leader-cluster";
/** From the plugin's documentation, unchanged. */
const DOCUMENTED_ROLES = { leader_cluster_role: "all_access", follower_cluster_role: "all_access" };
const FALLBACK_EVENT = "replication:use-roles-fallback";
const RULE_FALLBACK_EVENT = "autofollow:use-roles-fallback";
const SITE_INDICES = ["docsite-1", "docsite-2"];
const INDICES = ["docroles-l", "docroles-f", "docroles-rule-1", "docroles-kept-l", "docroles-kept-f", ...SITE_INDICES];

interface Logged { ferry: FerryProcess; lines: string[] }
const ferries: FerryProcess[] = [];

async function startLogged(env: Record<string, string>): Promise<Logged> {
  const lines: string[] = [];
  const ferry = await spawnFerry(env, { onLog: (line) => lines.push(line) });
  ferries.push(ferry);
  return { ferry, lines };
}

/** ferry's log lines of `event`, parsed. */
function logged(lines: string[], event: string): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.event === event ? [entry] : [];
    } catch {
      return [];
    }
  });
}

const statusOf = async (ferry: FerryProcess, index: string, query = "") => (await ferry.call("GET", `${P}/${index}/_status${query}`)).body;
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ op: "index" as const, id: `d${from + i}`, source: { n: from + i } }));

async function leaderIndex(name: string, docs: number): Promise<void> {
  await os(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(leader, name, ids(docs), true);
}

async function converged(leaderName: string, followerName: string): Promise<void> {
  await until(`${followerName} holds ${leaderName}'s documents`, async () => {
    const m = mismatches(await documents(leader, leaderName), await documents(follower, followerName));
    return m.lost === 0 && m.extra === 0 && m.stale === 0;
  }, 180_000, 500);
}

let main: Logged;
let client: Client;

beforeAll(async () => {
  main = await startLogged({
    ...testbedFerryEnv(),
    FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": 300 }),
  });
  client = new Client({ node: main.ferry.url });
});

afterAll(async () => {
  await client?.close();
  for (const ferry of ferries) {
    await ferry.call("DELETE", `${P}/_autofollow`, { leader_alias: ALIAS, name: "docroles-rule" }).catch(() => undefined);
    for (const index of INDICES) await ferry.call("POST", `${P}/${index}/_stop`, {}).catch(() => undefined);
    await ferry.stop();
  }
  for (const base of [leader, follower]) for (const index of INDICES) await os(base, "DELETE", `/${index}`);
});

describe("use_roles as documented, with no cluster_roles configured", () => {
  it("client.replication.start follows with ferry's own credentials, says so in _status and once in the log", async () => {
    await leaderIndex("docroles-l", 5);
    const started = await client.replication.start({
      index: "docroles-f",
      body: { leader_alias: ALIAS, leader_index: "docroles-l", use_roles: DOCUMENTED_ROLES },
    }).catch((err: { statusCode: number; body: unknown }) => ({ statusCode: err.statusCode, body: err.body }));
    expect(started).toMatchObject({ statusCode: 200, body: { acknowledged: true } });
    await until("docroles-f SYNCING", async () => (await statusOf(main.ferry, "docroles-f")).status === "SYNCING", 180_000, 500);
    await converged("docroles-l", "docroles-f");
    // More cycles after the start: the log line stays one.
    await bulk(leader, "docroles-l", ids(5, 5), true);
    await converged("docroles-l", "docroles-f");

    const plain = await statusOf(main.ferry, "docroles-f");
    expect(plain).not.toHaveProperty("use_roles");
    expect((await statusOf(main.ferry, "docroles-f", "?ferry_extras=true")).use_roles).toEqual({
      ...DOCUMENTED_ROLES, leader_credential: "ferry", follower_credential: "ferry",
    });
    const lines = logged(main.lines, FALLBACK_EVENT).filter((e) => e.replication === "docroles-f");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", unconfigured: ["leader_cluster_role", "follower_cluster_role"] });
  }, 300_000);

  it("client.replication.createReplicationRule creates the rule, which follows the matching leader indices", async () => {
    await leaderIndex("docroles-rule-1", 3);
    const created = await client.replication.createReplicationRule({
      body: { leader_alias: ALIAS, name: "docroles-rule", pattern: "docroles-rule-*", use_roles: DOCUMENTED_ROLES },
    }).catch((err: { statusCode: number; body: unknown }) => ({ statusCode: err.statusCode, body: err.body }));
    expect(created).toMatchObject({ statusCode: 200, body: { acknowledged: true } });
    await until("docroles-rule-1 SYNCING", async () => (await statusOf(main.ferry, "docroles-rule-1")).status === "SYNCING", 180_000, 500);
    await converged("docroles-rule-1", "docroles-rule-1");
    expect(logged(main.lines, RULE_FALLBACK_EVENT).filter((e) => e.rule === "docroles-rule")).toHaveLength(1);
    expect(logged(main.lines, FALLBACK_EVENT).filter((e) => e.replication === "docroles-rule-1")).toHaveLength(1);
  }, 300_000);

  it("ferry.use_roles.strict keeps today's 400 for a role without a credential", async () => {
    expect(await main.ferry.call("PUT", "/_ferry/settings", { "ferry.use_roles.strict": 1 })).toMatchObject({ status: 200 });
    try {
      const refused = {
        status: 400,
        body: { status: 400, error: expect.objectContaining({ type: "illegal_argument_exception", reason: "use_roles.leader_cluster_role [all_access] is not a configured cluster role (cluster_roles)" }) },
      };
      expect(await main.ferry.call("PUT", `${P}/docroles-strict/_start`, { leader_alias: ALIAS, leader_index: "docroles-l", use_roles: DOCUMENTED_ROLES })).toEqual(refused);
      expect(await main.ferry.call("POST", `${P}/_autofollow`, { leader_alias: ALIAS, name: "docroles-strict", pattern: "docroles-strict-*", use_roles: DOCUMENTED_ROLES })).toEqual(refused);
      // A running replication whose role has no credential fails with a reason, rather than retrying.
      await until("docroles-f FAILED", async () => (await statusOf(main.ferry, "docroles-f")).status === "FAILED", 60_000, 300);
      expect((await statusOf(main.ferry, "docroles-f")).reason).toBe(
        "use_roles.leader_cluster_role [all_access] is not a configured cluster role (cluster_roles) and ferry.use_roles.strict is set");
    } finally {
      await main.ferry.call("PUT", "/_ferry/settings", { "ferry.use_roles.strict": null });
    }
  });
});

describe("a stored replication whose role is no longer configured", () => {
  it("keeps following after a restart without that role, with ferry's own credentials", async () => {
    const env = testbedFerryEnv();
    // A test bed without the security plugin takes any credential: the role's is accepted as ferry's is.
    const withRole = await startLogged({ ...env, FERRY_CLUSTER_ROLES: JSON.stringify({ ops: { type: "basic", username: "ops", password: "ops-secret" } }) });
    await leaderIndex("docroles-kept-l", 4);
    expect(await withRole.ferry.call("PUT", `${P}/docroles-kept-f/_start`, {
      leader_alias: ALIAS, leader_index: "docroles-kept-l", use_roles: { leader_cluster_role: "ops", follower_cluster_role: "ops" },
    })).toEqual({ status: 200, body: { acknowledged: true } });
    await until("docroles-kept-f SYNCING", async () => (await statusOf(withRole.ferry, "docroles-kept-f")).status === "SYNCING", 180_000, 500);
    expect.soft((await statusOf(withRole.ferry, "docroles-kept-f", "?ferry_extras=true")).use_roles)
      .toMatchObject({ leader_credential: "cluster_role", follower_credential: "cluster_role" });
    await withRole.ferry.stop();

    // The same database, without the role in the configuration.

    const without = await startLogged({ ...env, FERRY_DB_CREATE: "false" });
    await bulk(leader, "docroles-kept-l", ids(4, 4), true);
    await converged("docroles-kept-l", "docroles-kept-f").catch(async (err: Error) => {
      throw new Error(`${err.message}; _status: ${JSON.stringify(await statusOf(without.ferry, "docroles-kept-f"))}`);
    });
    expect(await statusOf(without.ferry, "docroles-kept-f")).toMatchObject({ status: "SYNCING" });
    expect((await statusOf(without.ferry, "docroles-kept-f", "?ferry_extras=true")).use_roles).toEqual({
      leader_cluster_role: "ops", follower_cluster_role: "ops", leader_credential: "ferry", follower_credential: "ferry",
    });
    expect(logged(without.lines, FALLBACK_EVENT).filter((e) => e.replication === "docroles-kept-f")).toHaveLength(1);
    await without.ferry.call("POST", `${P}/docroles-kept-f/_stop`, {});
  }, 300_000);
});

describe("whole-site promote of followers a documented rule created", () => {
  it("promotes them all", async () => {
    const site = await startLogged(testbedFerryEnv());
    for (const index of SITE_INDICES) await leaderIndex(index, 3);
    const siteClient = new Client({ node: site.ferry.url });
    try {
      const created = await siteClient.replication.createReplicationRule({
        body: { leader_alias: ALIAS, name: "docsite-rule", pattern: "docsite-*", use_roles: DOCUMENTED_ROLES },
      }).catch((err: { statusCode: number; body: unknown }) => ({ statusCode: err.statusCode, body: err.body }));
      expect(created).toMatchObject({ statusCode: 200, body: { acknowledged: true } });
      for (const index of SITE_INDICES) {
        await until(`${index} SYNCING`, async () => (await statusOf(site.ferry, index)).status === "SYNCING", 180_000, 500);
      }
      const accepted = await site.ferry.call("POST", `${P}/_promote`, { leader_alias: ALIAS });
      expect(accepted).toMatchObject({ status: 200, body: { acknowledged: true } });
      const taskPath = `${P}/_task_status/${accepted.body.task_id}`;
      await until("the promote task ends", async () => (await site.ferry.call("GET", taskPath)).body.num_pending === 0, 300_000, 500);
      expect((await site.ferry.call("GET", taskPath)).body).toMatchObject({ num_success: SITE_INDICES.length, num_failed: 0 });
      for (const index of SITE_INDICES) {
        expect(await statusOf(site.ferry, index)).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
        expect(mismatches(await documents(leader, index), await documents(follower, index))).toMatchObject({ compared: 3, lost: 0, extra: 0, stale: 0 });
      }
    } finally {
      await site.ferry.call("DELETE", `${P}/_autofollow`, { leader_alias: ALIAS, name: "docsite-rule" });
      await siteClient.close();
    }
  }, 600_000);
});
