// ferry's log (api/logger.ts) as a real process writes it at its most verbose: structured lines with a
// request id per API call and the replication and shard on engine lines, and never a remote's password,
// even when errors about that remote are logged (its request failing, the engine retrying against it).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bulk, converge, os } from "../support/documents.ts";
import { spawnFerry } from "../support/ferry-spawn.ts";
import { testbedFerryEnv } from "../support/ferry-process.ts";
import { until } from "../support/until.ts";
import { testbed } from "../engine/engine-context.ts";

const { leader, follower } = testbed();
const SECRET = `planted-s3cr3t-${randomBytes(8).toString("hex")}`;
const BASIC = Buffer.from(`ferry-user:${SECRET}`).toString("base64");
const auth = { type: "basic", username: "ferry-user", password: SECRET };

describe("ferry's log", () => {
  it("is JSON with request ids and replication/shard ids, and holds no planted secret", async () => {
    const lines: string[] = [];
    const env = testbedFerryEnv();
    const remotes = {
      ...JSON.parse(env.FERRY_REMOTES!),
      // The test bed's leader has no security plugin, so it takes the planted credentials and ignores them.
      "planted-live": { hosts: [leader], auth },
      // Nothing listens here: every request to it fails.
      "planted-dead": { hosts: ["http://127.0.0.1:9"], auth },
    };
    const ferry = await spawnFerry({
      ...env, FERRY_REMOTES: JSON.stringify(remotes), FERRY_LOG_LEVEL: "trace",
      // Remotes registered through the API keep their password sealed with this key.
      FERRY_SECRET_KEY: randomBytes(32).toString("base64"),
    }, { onLog: (l) => lines.push(l) });
    try {
      // An API call that fails on the remote.
      const refused = await fetch(`${ferry.url}/_plugins/_replication/log-dead-f/_start`, {
        method: "PUT", headers: { "content-type": "application/json", "x-request-id": "planted-start-1" },
        body: JSON.stringify({ leader_alias: "planted-dead", leader_index: "anything" }),
      });
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(refused.headers.get("x-request-id")).toBe("planted-start-1");
      // The secret in a request body (a remote registered through the API).
      const put = await ferry.call("PUT", "/_ferry/remotes/planted-api", { hosts: "http://127.0.0.1:9", auth });
      expect(put.status).toBe(200);

      // An engine that follows through the planted remote, then loses it: shard errors are logged.
      await os(leader, "PUT", "/log-live-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      await bulk(leader, "log-live-l", [{ op: "index", id: "a", source: { n: 1 } }]);
      const started = await ferry.call("PUT", "/_plugins/_replication/log-live-f/_start?wait_for_restore=true", { leader_alias: "planted-live", leader_index: "log-live-l" });
      expect(started.status).toBe(200);
      expect(await converge(leader, follower, "log-live-l", "log-live-f", 60_000)).toEqual([]);
      expect((await ferry.call("PUT", "/_ferry/remotes/planted-live", { hosts: "http://127.0.0.1:9", auth })).status).toBe(200);
      await until("a logged shard error", async () => lines.some((l) => l.includes('"event":"shard:error"')), 60_000);
      await ferry.call("POST", "/_plugins/_replication/log-live-f/_stop", {});
    } finally {
      await ferry.stop();
    }

    const log = lines.join("\n");
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(BASIC);
    // The listening line (stdout) aside, every line is one of the log's.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.ferry !== "listening");
    expect(entries.filter((e) => typeof e.level !== "string" || typeof e.time !== "string")).toEqual([]);
    expect(entries).toContainEqual(expect.objectContaining({ msg: "request", request_id: "planted-start-1", method: "PUT", status: refused500(entries) }));
    const shardError = entries.find((e) => e.event === "shard:error");
    expect(shardError).toMatchObject({ replication: "log-live-f", shard: 0, level: "warn" });
    // Every engine line about a replication names it; those about a shard name the shard too.
    for (const e of entries.filter((x) => typeof x.event === "string" && String(x.event).startsWith("shard:"))) {
      expect(e).toHaveProperty("replication");
      expect(e).toHaveProperty("shard");
    }
  });
});

/** The status the failed start was answered with, as its log line has it. */
function refused500(entries: Array<Record<string, unknown>>): number {
  const line = entries.find((e) => e.request_id === "planted-start-1");
  expect(line?.status).toBeGreaterThanOrEqual(500);
  return line!.status as number;
}
