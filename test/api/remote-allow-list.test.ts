// The remotes allow-list on a running ferry: a host outside it is refused through the API (400, the
// host and the setting named, nothing stored) and in the configuration (no start); a remote stored
// before the list was narrowed is named at start and cannot be used.
import { spawn } from "node:child_process";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startFerry, testbedFerryEnv, type FerryProcess } from "../support/ferry-process.ts";
import { spawnFerry } from "../support/ferry-spawn.ts";

const { leader } = inject("testbed");
const leaderPort = new URL(leader).port;
const ALLOWED = `http://127.0.0.1:${leaderPort},https://*.example.com:9200`;
const SETTING = "remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED)";
const ferries: FerryProcess[] = [];
afterAll(async () => {
  for (const ferry of ferries) await ferry.stop();
});

function refusal(reason: string) {
  return { status: 400, body: { status: 400, error: expect.objectContaining({ type: "illegal_argument_exception", reason }) } };
}

describe("remotes allow-list", () => {
  it("refuses to register a host outside the list through the API, and stores nothing", async () => {
    const ferry = await startFerry({ FERRY_REMOTE_HOSTS_ALLOWED: ALLOWED });
    ferries.push(ferry);
    const before = await ferry.call("GET", "/_ferry/remotes");

    for (const host of ["https://evil.example.net:9200", "http://127.0.0.1:9", "https://a.b.example.com:9200"]) {
      expect(await ferry.call("PUT", "/_ferry/remotes/outside", { hosts: [leader, host] }))
        .toEqual(refusal(`remote [outside]: host [${host}] is not allowed by ${SETTING}, which allows [http://127.0.0.1:${leaderPort}, https://*.example.com:9200]`));
    }
    // A user part naming an allowed host does not pass: credentials never go in a host.
    expect((await ferry.call("PUT", "/_ferry/remotes/outside", { hosts: `https://a.example.com:9200@evil.example.net:9200` })).status).toBe(400);
    expect(await ferry.call("GET", "/_ferry/remotes")).toEqual(before);

    expect(await ferry.call("PUT", "/_ferry/remotes/inside", { hosts: ["https://a.example.com:9200", leader] })).toEqual({ status: 200, body: { acknowledged: true, created: true } });
  });

  it("refuses to start with a configured remote outside the list", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "api/main.ts"], {
      env: { ...process.env, ...testbedFerryEnv(), FERRY_REMOTE_HOSTS_ALLOWED: "https://*.example.com:9200" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => child.once("exit", resolve))).toBe(1);
    expect(stderr.trim()).toBe(`ferry: remote [leader-cluster]: host [${leader}] is not allowed by ${SETTING}, which allows [https://*.example.com:9200]`);
  });

  it("warns at start when there is no list and ferry listens beyond loopback", async () => {
    const log: string[] = [];
    const ferry = await spawnFerry({ ...testbedFerryEnv(), FERRY_HOST: "0.0.0.0" }, { onLog: (line) => log.push(line) });
    ferries.push(ferry);
    expect(log).toContain(`ferry: warning: ${SETTING} is not set and ferry listens on 0.0.0.0: a remote may name any host ferry can reach`);
  });

  it("names a stored remote the narrowed list refuses, and refuses to use it", async () => {
    const env = testbedFerryEnv();
    const open = await startFerry(env);
    expect((await open.call("PUT", "/_ferry/remotes/far", { hosts: "http://127.0.0.2:9200" })).status).toBe(200);
    await open.stop();

    const log: string[] = [];
    const narrowed = await spawnFerry({ ...env, FERRY_REMOTE_HOSTS_ALLOWED: ALLOWED }, { onLog: (line) => log.push(line) });
    ferries.push(narrowed);
    expect(log).toContain("ferry: warning: stored remotes [far] have hosts outside remote_hosts_allowed; ferry will not connect to them until the list or the remotes change");
    expect(await narrowed.call("PUT", "/_plugins/_replication/allow-list-f/_start", { leader_alias: "far", leader_index: "anything" }))
      .toEqual(refusal(`remote [far]: host [http://127.0.0.2:9200] is not allowed by ${SETTING}, which allows [http://127.0.0.1:${leaderPort}, https://*.example.com:9200]`));
    // Still listed, so that it can be seen and deleted.
    expect((await narrowed.call("GET", "/_ferry/remotes/far")).body).toMatchObject({ alias: "far", hosts: ["http://127.0.0.2:9200"] });
    expect((await narrowed.call("DELETE", "/_ferry/remotes/far")).status).toBe(200);
  });
});
