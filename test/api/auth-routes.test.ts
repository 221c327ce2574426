// ferry with authentication configured, against the real clusters: refused calls change nothing,
// `monitor` reads but cannot stop a replication, `admin` drives it, and `use_roles` makes a replication
// reach the leader with its role's credential (read off the wire through a TCP relay in front of the
// leader; the test clusters run without security, so only the bytes show which credential was sent).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bulk, os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const ADMIN_KEY = `admin-key-${randomUUID()}`;
const ADMIN = basic("ops", "ops-password");
const API_KEY = `ApiKey ${Buffer.from(`ci:${ADMIN_KEY}`).toString("base64")}`;
const MONITOR = basic("watcher", "watch-password");
const ROLE_PASSWORD = `role-${randomUUID()}`;
const ROLE_BASIC = basic("leader-reader", ROLE_PASSWORD);

let ferry: FerryProcess;
let relay: TcpProxy;
/** Request heads that reached the leader through the relay. */
const leaderHeads: Array<{ line: string; authorization: string[] }> = [];

async function call(method: string, path: string, authorization?: string, body?: unknown) {
  const res = await fetch(`${ferry.url}${path}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get("www-authenticate"), body: text ? JSON.parse(text) : undefined };
}

/** What a refused call could have changed: the replication, the remotes, the rules, the follower's indices. */
async function state() {
  const status = await call("GET", "/_plugins/_replication/auth-follower/_status", ADMIN);
  const remotes = await call("GET", "/_ferry/remotes", ADMIN);
  const rules = await call("GET", "/_plugins/_replication/_autofollow", ADMIN);
  const indices = await os(follower, "GET", "/_cat/indices/auth-*?h=index&s=index&format=json");
  return { status: status.body.status, remotes: remotes.body, rules: rules.body, indices };
}

async function followerCount(index: string): Promise<number> {
  await os(follower, "POST", `/${index}/_refresh`);
  return (await os(follower, "GET", `/${index}/_count`)).count;
}

beforeAll(async () => {
  relay = await TcpProxy.start(leader);
  relay.onRequestHead = (line, headers) => leaderHeads.push({
    line, authorization: headers.filter((h) => /^authorization:/i.test(h)).map((h) => h.slice(h.indexOf(":") + 1).trim()),
  });
  for (const index of ["auth-leader", "auth-roles-leader"]) {
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, index, [{ op: "index", id: "1", source: { n: 1 } }], true);
  }
  ferry = await startFerry({
    FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: [relay.url] } }),
    FERRY_AUTH: JSON.stringify({
      users: [{ name: "ops", password: "ops-password", role: "admin" }, { name: "watcher", password: "watch-password", role: "monitor" }],
      api_keys: [{ id: "ci", key: ADMIN_KEY, role: "admin" }],
    }),
    FERRY_CLUSTER_ROLES: JSON.stringify({
      "leader-reader": { type: "basic", username: "leader-reader", password: ROLE_PASSWORD },
      "follower-writer": { type: "basic", username: "follower-writer", password: `w-${randomUUID()}` },
    }),
  });
  const started = await call("PUT", "/_plugins/_replication/auth-follower/_start?wait_for_restore=true", ADMIN, { leader_alias: "leader-cluster", leader_index: "auth-leader" });
  expect(started).toMatchObject({ status: 200, body: { acknowledged: true } });
});
afterAll(async () => {
  await ferry?.stop();
  await relay?.close();
});

describe("calls without valid credentials", () => {
  const refusedCalls: Array<[string, string, unknown]> = [
    ["POST", "/_plugins/_replication/auth-follower/_stop", {}],
    ["POST", "/_plugins/_replication/auth-follower/_pause", {}],
    ["PUT", "/_plugins/_replication/auth-other/_start", { leader_alias: "leader-cluster", leader_index: "auth-leader" }],
    ["PUT", "/_ferry/remotes/elsewhere", { hosts: ["http://127.0.0.1:1"] }],
    ["DELETE", "/_ferry/remotes/leader-cluster", undefined],
    ["POST", "/_plugins/_replication/_autofollow", { leader_alias: "leader-cluster", name: "r", pattern: "auth-*" }],
    ["GET", "/_plugins/_replication/auth-follower/_status", undefined],
    ["GET", "/auth-follower/_count", undefined],
  ];
  const credentials: Array<[string, string | undefined]> = [
    ["none", undefined],
    ["a wrong password", basic("ops", "not-the-password")],
    ["an unknown user", basic("mallory", "ops-password")],
    ["a wrong API key", `ApiKey ${Buffer.from(`ci:${ADMIN_KEY}x`).toString("base64")}`],
  ];

  it.each(credentials)("with %s get 401 with the challenge and change nothing", async (_, authorization) => {
    const before = await state();
    for (const [method, path, body] of refusedCalls) {
      const res = await call(method, path, authorization, body);
      expect({ path, status: res.status, challenge: res.challenge }).toEqual({ path, status: 401, challenge: 'Basic realm="OpenSearch Security"' });
      expect(res.body).toMatchObject({ status: 401, error: { type: "security_exception", root_cause: [{ type: "security_exception" }] } });
      expect(JSON.stringify(res.body)).not.toContain("ops-password");
    }
    expect(await state()).toEqual(before);
    expect(before.status).toBe("SYNCING");
  });
});

describe("monitor", () => {
  it("reads status, stats, remotes, health and the follower through the proxy", async () => {
    for (const path of ["/_plugins/_replication/auth-follower/_status", "/_plugins/_replication/follower_stats", "/_ferry/remotes", "/_ferry/health", "/auth-follower/_count"]) {
      expect({ path, status: (await call("GET", path, MONITOR)).status }).toEqual({ path, status: 200 });
    }
    expect((await call("POST", "/auth-follower/_search", MONITOR, { query: { match_all: {} } })).status).toBe(200);
  });

  it("gets 403 on _stop, and the replication keeps running", async () => {
    const res = await call("POST", "/_plugins/_replication/auth-follower/_stop", MONITOR, {});
    expect(res.status).toBe(403);
    expect(res.challenge).toBeNull();
    expect(res.body).toEqual({
      error: {
        root_cause: [{ type: "security_exception", reason: "no permissions for [POST /_plugins/_replication/auth-follower/_stop] and User [name=watcher, role=monitor]; it needs role [admin]" }],
        type: "security_exception",
        reason: "no permissions for [POST /_plugins/_replication/auth-follower/_stop] and User [name=watcher, role=monitor]; it needs role [admin]",
      },
      status: 403,
    });
    expect((await call("GET", "/_plugins/_replication/auth-follower/_status", MONITOR)).body.status).toBe("SYNCING");
    await bulk(leader, "auth-leader", [{ op: "index", id: "after-403", source: { n: 2 } }], true);
    await until("the document written after the 403 on the follower", async () => (await followerCount("auth-follower")) === 2);
  });

  it("gets 403 on admin routes and proxied writes", async () => {
    expect((await call("PUT", "/_ferry/remotes/elsewhere", MONITOR, { hosts: ["http://127.0.0.1:1"] })).status).toBe(403);
    expect((await call("POST", "/_plugins/_replication/_autofollow", MONITOR, { leader_alias: "leader-cluster", name: "r", pattern: "auth-*" })).status).toBe(403);
    expect((await call("PUT", "/auth-plain/_doc/1", MONITOR, { n: 1 })).status).toBe(403);
    expect((await os(follower, "GET", "/_cat/indices/auth-plain?format=json"))).toMatchObject({ status: 404 });
  });
});

describe("admin", () => {
  it("pauses and resumes with an API key, and writes through the proxy", async () => {
    expect((await call("POST", "/_plugins/_replication/auth-follower/_pause", API_KEY, {})).body).toEqual({ acknowledged: true });
    expect((await call("GET", "/_plugins/_replication/auth-follower/_status", API_KEY)).body.status).toBe("PAUSED");
    expect((await call("POST", "/_plugins/_replication/auth-follower/_resume", ADMIN, {})).body).toEqual({ acknowledged: true });
    expect((await call("PUT", "/auth-plain/_doc/1?refresh=true", ADMIN, { n: 1 })).status).toBe(201);
  });
});

describe("use_roles", () => {
  const start = (index: string, roles: Record<string, string>) =>
    call("PUT", `/_plugins/_replication/${index}/_start?wait_for_restore=true`, ADMIN, { leader_alias: "leader-cluster", leader_index: "auth-roles-leader", use_roles: roles });

  it("with ferry.use_roles.strict, refuses a role without a configured credential with a 400, and starts nothing", async () => {
    expect((await call("PUT", "/_ferry/settings", ADMIN, { "ferry.use_roles.strict": 1 })).status).toBe(200);
    const before = await state();
    const res = await start("auth-roles-unknown", { leader_cluster_role: "leader-reader", follower_cluster_role: "no-such-role" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "illegal_argument_exception", reason: "use_roles.follower_cluster_role [no-such-role] is not a configured cluster role (cluster_roles)" });
    const rule = await call("POST", "/_plugins/_replication/_autofollow", ADMIN, {
      leader_alias: "leader-cluster", name: "roles-rule", pattern: "auth-nothing-*", use_roles: { leader_cluster_role: "nobody", follower_cluster_role: "follower-writer" },
    });
    expect(rule.status).toBe(400);
    expect(await state()).toEqual(before);
    expect((await call("PUT", "/_ferry/settings", ADMIN, { "ferry.use_roles.strict": null })).status).toBe(200);
  });

  it("reaches the leader with the role's credential for that replication", async () => {
    const from = leaderHeads.length;
    expect((await start("auth-roles-follower", { leader_cluster_role: "leader-reader", follower_cluster_role: "follower-writer" })).body).toEqual({ acknowledged: true });
    await bulk(leader, "auth-roles-leader", [{ op: "index", id: "2", source: { n: 2 } }], true);
    await until("the role replication's second document", async () => (await followerCount("auth-roles-follower")) === 2);
    const reads = leaderHeads.slice(from).filter((h) => h.line.includes("auth-roles-leader"));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((h) => h.authorization.join() !== ROLE_BASIC)).toEqual([]);
    // The replication without roles keeps the remote's own (here: no) credentials.
    const plain = leaderHeads.filter((h) => /\/auth-leader[/?]/.test(h.line));
    expect(plain.length).toBeGreaterThan(0);
    expect(plain.filter((h) => h.authorization.length > 0)).toEqual([]);
  });
});
