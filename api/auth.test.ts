// Authentication and authorisation without clusters: credential parsing, the digest comparison, which
// role a request needs, the start-up warning, the auth configuration, and refusals through the app
// (they are answered before any handler or the proxy runs, so the core is not needed).
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, type AuthConfig } from "../core/config/config.ts";
import type { Ferry } from "../core/ferry.ts";
import { buildApp } from "./app.ts";
import { Authenticator, CHALLENGE, openListenerWarning, sameSecret } from "./auth.ts";
import { requiredRole } from "./authorisation.ts";
import { createHash } from "node:crypto";

const ADMIN_KEY = "k3y-for-the-admin-0123456789";
const auth: AuthConfig = {
  users: [{ name: "ops", password: "ops-password", role: "admin" }, { name: "watcher", password: "watch", role: "monitor" }],
  apiKeys: [{ id: "ci", key: ADMIN_KEY, role: "admin" }],
  lendFollowerCredentials: false,
};
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const apiKey = (id: string, key: string) => `ApiKey ${Buffer.from(`${id}:${key}`).toString("base64")}`;

describe("sameSecret", () => {
  const expected = createHash("sha256").update("s3cret").digest();
  it("matches only the same secret, whatever the lengths (timingSafeEqual alone throws on unequal lengths)", () => {
    expect(sameSecret("s3cret", expected)).toBe(true);
    expect(sameSecret("s3cre", expected)).toBe(false);
    expect(sameSecret("s3cret-and-more", expected)).toBe(false);
    expect(sameSecret("", expected)).toBe(false);
  });
});

describe("Authenticator", () => {
  const authenticator = new Authenticator(auth);
  const request = "GET /_ferry/remotes";

  it("knows basic users and API keys, with their roles", () => {
    expect(authenticator.authenticate(basic("ops", "ops-password"), request)).toEqual({ name: "ops", role: "admin" });
    expect(authenticator.authenticate(basic("watcher", "watch"), request)).toEqual({ name: "watcher", role: "monitor" });
    expect(authenticator.authenticate(apiKey("ci", ADMIN_KEY), request)).toEqual({ name: "ci", role: "admin" });
    expect(authenticator.authenticate(`basic  ${Buffer.from("ops:ops-password").toString("base64")}`, request).name).toBe("ops");
  });

  it.each([
    ["no header", undefined, "authentication required for [GET /_ferry/remotes]"],
    ["wrong password", basic("ops", "nope"), "authentication failed for [GET /_ferry/remotes]"],
    ["unknown user", basic("nobody", "ops-password"), "authentication failed for [GET /_ferry/remotes]"],
    ["a password as an API key", apiKey("ops", "ops-password"), "authentication failed for [GET /_ferry/remotes]"],
    ["an API key as a password", basic("ci", ADMIN_KEY), "authentication failed for [GET /_ferry/remotes]"],
    ["no colon", `Basic ${Buffer.from("ops").toString("base64")}`, "authentication failed for [GET /_ferry/remotes]"],
    ["another scheme", "Bearer abc", "authentication failed for [GET /_ferry/remotes]"],
    ["garbage", "Basic", "authentication failed for [GET /_ferry/remotes]"],
  ])("refuses %s with a 401 that names no secret", (_, header, reason) => {
    let error: any;
    try {
      authenticator.authenticate(header, request);
    } catch (err) {
      error = err;
    }
    expect({ type: error?.type, status: error?.status, reason: error?.reason }).toEqual({ type: "security_exception", status: 401, reason });
    expect(error.reason).not.toContain("ops-password");
  });
});

describe("requiredRole", () => {
  it.each([
    ["GET", "/_plugins/_replication/x/_status", "monitor"],
    ["GET", "/_plugins/_replication/follower_stats", "monitor"],
    ["GET", "/_ferry/remotes", "monitor"],
    ["GET", "/_ferry/health", "monitor"],
    ["GET", "/_plugins/_replication/_task_status/n:1", "monitor"],
    ["POST", "/_plugins/_replication/x/_stop", "admin"],
    ["PUT", "/_plugins/_replication/x/_start", "admin"],
    ["POST", "/_plugins/_replication/_promote", "admin"],
    ["POST", "/_plugins/_replication/_bulk_pause", "admin"],
    ["DELETE", "/_plugins/_replication/_autofollow", "admin"],
    ["PUT", "/_ferry/remotes/a", "admin"],
    // A path of ours that looks like a proxied read is still ours, and still needs admin.
    ["POST", "/_ferry/_search", "admin"],
    ["GET", "/logs/_doc/1", "monitor"],
    ["HEAD", "/logs", "monitor"],
    ["POST", "/logs/_search", "monitor"],
    ["POST", "/_search", "monitor"],
    ["POST", "/_all/_count", "monitor"],
    ["POST", "/a,b/_msearch", "monitor"],
    ["POST", "/_search/scroll", "monitor"],
    ["POST", "/logs/_explain/1", "monitor"],
    ["POST", "/logs/_doc", "admin"],
    // Indexing a document whose id is `_search` is a write.
    ["POST", "/logs/_doc/_search", "admin"],
    ["POST", "/logs/_update/1", "admin"],
    ["POST", "/logs/_delete_by_query", "admin"],
    ["PUT", "/logs/_settings", "admin"],
    ["DELETE", "/logs", "admin"],
    ["POST", "/_snapshot/repo/snap/_restore", "admin"],
  ])("%s %s needs %s", (method, path, role) => {
    expect(requiredRole(method, path)).toBe(role);
  });
});

describe("openListenerWarning", () => {
  it("warns only without auth beyond loopback", () => {
    expect(openListenerWarning({ auth: undefined, host: "0.0.0.0" })).toMatch(/^ferry: WARNING: no authentication is configured and ferry listens on 0\.0\.0\.0/);
    expect(openListenerWarning({ auth: undefined, host: "10.1.2.3" })).toBeDefined();
    for (const host of ["127.0.0.1", "::1", "localhost", "127.0.0.2"]) expect(openListenerWarning({ auth: undefined, host })).toBeUndefined();
    expect(openListenerWarning({ auth, host: "0.0.0.0" })).toBeUndefined();
  });
});

describe("auth configuration", () => {
  const base = { FERRY_FOLLOWER_URL: "http://127.0.0.1:1" };
  const load = (value: unknown, extra: Record<string, string> = {}) => loadConfig({ ...base, FERRY_AUTH: JSON.stringify(value), ...extra });

  it("is off unless configured", () => {
    expect(loadConfig(base).auth).toBeUndefined();
    expect(loadConfig(base).clusterRoles).toEqual({});
  });

  it("reads users, API keys and lending", () => {
    expect(load({ users: [{ name: "ops", password: "p", role: "admin" }], api_keys: [{ id: "ci", key: ADMIN_KEY, role: "monitor" }], lend_follower_credentials: true }))
      .toMatchObject({ auth: { users: [{ name: "ops", role: "admin" }], apiKeys: [{ id: "ci", role: "monitor" }], lendFollowerCredentials: true } });
  });

  it.each([
    [{}, "auth: configure at least one user or api key"],
    [{ users: [{ name: "ops", password: "planted-password", role: "root" }] }, "auth.users[0] [ops]: role must be one of monitor, admin"],
    [{ users: [{ name: "a:b", password: "planted-password", role: "admin" }] }, "auth.users[0]: name must be a non-empty string without ':'"],
    [{ users: [{ name: "ops", role: "admin" }] }, "auth.users[0] [ops]: password must be a non-empty string"],
    [{ users: [{ name: "ops", password: "planted-password", role: "admin" }, { name: "ops", password: "x", role: "admin" }] }, "auth.users[1]: user [ops] is listed twice"],
    [{ api_keys: [{ id: "ci", key: "planted-short", role: "admin" }] }, "auth.api_keys[0] [ci]: key must be a string of at least 16 characters"],
  ])("refuses %j without naming its secrets", (value, message) => {
    expect(() => load(value)).toThrow(new ConfigError(message));
  });

  it("maps cluster roles to credentials, and refuses a role without one", () => {
    const roles = { FERRY_CLUSTER_ROLES: JSON.stringify({ reader: { type: "basic", username: "r", password: "p" }, writer: { type: "api_key", api_key: "k" } }) };
    expect(loadConfig({ ...base, ...roles }).clusterRoles).toEqual({ reader: { type: "basic", username: "r", password: "p" }, writer: { type: "api_key", api_key: "k" } });
    expect(() => loadConfig({ ...base, FERRY_CLUSTER_ROLES: JSON.stringify({ reader: { type: "none" } }) })).toThrow(ConfigError);
  });
});

describe("refusals through the app", () => {
  // Refused requests never reach a handler or the proxy, so an empty core serves.
  const app = buildApp({ config: { auth, clusterRoles: {} }, replications: {}, autofollow: {} } as unknown as Ferry);

  it("answers 401 in OpenSearch's shape with the security plugin's challenge", async () => {
    for (const headers of [{}, { authorization: basic("ops", "wrong") }] as Array<Record<string, string>>) {
      const res = await app.request("/_plugins/_replication/x/_stop", { method: "POST", body: "{}", headers: { "content-type": "application/json", ...headers } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe(CHALLENGE);
      const body = await res.json() as any;
      expect(body.status).toBe(401);
      expect(body.error.type).toBe("security_exception");
      expect(body.error.root_cause[0].type).toBe("security_exception");
    }
  });

  it("answers 403 to monitor on an admin route, before validation", async () => {
    const res = await app.request("/_ferry/remotes/r", { method: "PUT", body: "not json", headers: { authorization: basic("watcher", "watch") } });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBeNull();
    expect((await res.json() as any).error).toMatchObject({
      type: "security_exception",
      reason: "no permissions for [PUT /_ferry/remotes/r] and User [name=watcher, role=monitor]; it needs role [admin]",
    });
  });
});
