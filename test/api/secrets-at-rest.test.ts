// A planted secret — passwords and an API key of remotes, from the config and through the API — never
// shows in what ferry writes or answers: the SQLite file and its WAL, ferry's log lines, error bodies,
// status, stats, the remotes view and health. The key decides what a restart can do.
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { os } from "../support/documents.ts";
import { testbedFerryEnv } from "../support/ferry-process.ts";
import { newFerryDir, spawnFerry, type FerryProcess } from "../support/ferry-spawn.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
// Every secret below starts with this; finding it anywhere is a leak.
const planted = `planted-s3cr3t-${randomUUID()}`;
const key = randomBytes(32).toString("base64");
const leaderIndex = `secrets-l-${randomUUID().slice(0, 8)}`;
const P = "/_plugins/_replication";

const dbPath = join(newFerryDir(), "ferry.db");
const env: Record<string, string> = {
  ...testbedFerryEnv(),
  FERRY_DB: dbPath,
  FERRY_SECRET_KEY: key,
  FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: [leader], auth: { type: "basic", username: "ferry", password: `${planted}-config` } } }),
};
const log: string[] = [];
const seen: Array<{ what: string; text: string }> = [];
let ferry: FerryProcess;

/** A call whose answer is kept to be searched for the secret. */
async function call(method: string, path: string, body?: unknown) {
  const answer = await ferry.call(method, path, body);
  seen.push({ what: `${method} ${path}`, text: JSON.stringify(answer.body) });
  return answer;
}

/** The database's bytes on disk, WAL included, as latin1 text to search. */
function databaseText(): string {
  return [dbPath, `${dbPath}-wal`].filter(existsSync).map((p) => readFileSync(p).toString("latin1")).join("");
}

function refusedStart(extra: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, ...extra };
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, ["--import", "tsx", "api/main.ts"], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

beforeAll(async () => {
  await os(leader, "PUT", `/${leaderIndex}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await os(leader, "PUT", `/${leaderIndex}/_doc/1?refresh=true`, { n: 1 });
  ferry = await spawnFerry(env, { onLog: (line) => log.push(line) });
});

afterAll(async () => {
  await ferry?.stop();
  await os(leader, "DELETE", `/${leaderIndex}`);
  for (const index of ["secrets-f-config", "secrets-f-api"]) await os(follower, "DELETE", `/${index}`).catch(() => undefined);
});

describe("secrets at rest", () => {
  it("registers remotes with secrets and replicates through them and through the configured one", async () => {
    expect((await call("PUT", "/_ferry/remotes/secrets-api", { hosts: [leader], auth: { type: "basic", username: "ferry", password: `${planted}-api` } })).status).toBe(200);
    expect((await call("PUT", "/_ferry/remotes/secrets-key", { hosts: [leader], auth: { type: "api_key", api_key: `${planted}-key` } })).status).toBe(200);
    expect((await call("PUT", "/_ferry/remotes/secrets-dead", { hosts: ["http://127.0.0.1:9"], auth: { type: "basic", username: "ferry", password: `${planted}-dead` } })).status).toBe(200);

    for (const [followerIndex, alias] of [["secrets-f-config", "leader-cluster"], ["secrets-f-api", "secrets-api"]]) {
      expect(await call("PUT", `${P}/${followerIndex}/_start?wait_for_restore=true`, { leader_alias: alias, leader_index: leaderIndex }))
        .toEqual({ status: 200, body: { acknowledged: true } });
    }
    await until("the follower through the API remote syncs", async () => (await call("GET", `${P}/secrets-f-api/_status`)).body.status === "SYNCING", 120_000);
  });

  it("answers failing calls without the secret", async () => {
    const dead = await call("PUT", `${P}/secrets-f-dead/_start`, { leader_alias: "secrets-dead", leader_index: leaderIndex });
    expect(dead.status).toBeGreaterThanOrEqual(400);
    const bad = await call("PUT", "/_ferry/remotes/secrets-bad", { hosts: [leader], auth: { type: "basic", password: `${planted}-bad` } });
    expect(bad.status).toBe(400);
    const extra = await call("PUT", "/_ferry/remotes/secrets-bad", { hosts: [leader], auth: { type: "basic", username: "u", password: `${planted}-bad`, token: `${planted}-bad` } });
    expect(extra.status).toBe(400);
    const outside = await call("PUT", "/_ferry/remotes/secrets-bad", { hosts: "ftp://x", auth: { type: "api_key", api_key: `${planted}-bad` } });
    expect(outside.status).toBe(400);
  });

  it("shows no secret in status, stats, the remotes view and health", async () => {
    for (const index of ["secrets-f-config", "secrets-f-api"]) expect((await call("GET", `${P}/${index}/_status?verbose=true`)).status).toBe(200);
    for (const path of [`${P}/follower_stats`, `${P}/leader_stats`, `${P}/autofollow_stats`, "/_ferry/remotes", "/_ferry/remotes/secrets-api", "/_ferry/remotes/secrets-key", "/_ferry/remotes/leader-cluster", "/_ferry/health"]) {
      expect((await call("GET", path)).status).toBe(200);
    }
    for (const { what, text } of seen) expect(text, what).not.toContain(planted);
    // Not vacuous: the remotes' public parts are there.
    expect(seen.find((s) => s.what === "GET /_ferry/remotes/secrets-api")!.text).toContain('"username":"ferry"');
  });

  it("serves /metrics without the secret, if ferry has that route", async () => {
    const contract = await ferry.call("GET", "/_ferry/openapi.json");
    const metricsPath = Object.keys(contract.body.paths).find((p) => p.endsWith("/metrics"));
    if (!metricsPath) {
      console.warn("secrets-at-rest: ferry has no metrics route in its contract; nothing to check there");
      return;
    }
    const text = await (await fetch(`${ferry.url}${metricsPath}`)).text();
    expect(text).not.toContain(planted);
  });

  it("never writes the secret into the database file or its WAL, running or stopped", async () => {
    const running = databaseText();
    expect(running).toContain("secrets-api");
    expect(running).not.toContain(planted);
    await ferry.stop();
    expect(databaseText()).not.toContain(planted);
  });

  it("refuses to start with a wrong key, or with none, in one line", async () => {
    for (const [extra, message] of [
      [{ FERRY_SECRET_KEY: randomBytes(32).toString("base64") }, "does not open the secrets stored for remotes [secrets-api, secrets-dead, secrets-key]"],
      [{ FERRY_SECRET_KEY: undefined }, "the database holds encrypted secrets of remotes [secrets-api, secrets-dead, secrets-key], but neither FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE is set"],
      [{ FERRY_SECRET_KEY: "c2hvcnQ=" }, "ferry: FERRY_SECRET_KEY must be 32 random bytes in base64"],
    ] as const) {
      const { code, stderr } = await refusedStart(extra);
      expect(code).toBe(1);
      expect(stderr).toContain(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      log.push(stderr);
    }
  });

  it("starts again with the key from a file, replications resumed", async () => {
    const keyFile = join(newFerryDir(), "secret.key");
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    const withoutKey = Object.fromEntries(Object.entries(env).filter(([name]) => name !== "FERRY_SECRET_KEY"));
    ferry = await spawnFerry({ ...withoutKey, FERRY_SECRET_KEY_FILE: keyFile }, { onLog: (line) => log.push(line) });
    expect((await call("GET", `${P}/secrets-f-api/_status`)).body.status).toBe("SYNCING");
    for (const index of ["secrets-f-config", "secrets-f-api"]) expect(await call("POST", `${P}/${index}/_stop`, {})).toEqual({ status: 200, body: { acknowledged: true } });
  });

  it("logged nothing of the secret", () => {
    expect(log.length).toBeGreaterThan(0);
    for (const line of log) expect(line).not.toContain(planted);
  });
});
