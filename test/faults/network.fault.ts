// Network faults between ferry and each cluster, through a TCP proxy in front of the leader and one in
// front of the follower: refused connections, a black hole, a slow link, responses cut halfway. The
// workload keeps writing to the leader directly. During a fault the error must show in `_status`; after it
// the follower must converge with nothing lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { os } from "../support/documents.ts";
import type { FerryProcess } from "../support/ferry-spawn.ts";
import { TcpProxy, type ProxyFault } from "../support/tcp-proxy.ts";
import { useFaultBed } from "./clusters.ts";
import { converged, LONG, report, SEED, sleep, Workload } from "./workload.ts";

const FAULT_MS = LONG ? 60_000 : 8_000;
// Short enough that a black hole shows as a timeout within the fault, long enough for a slow link's requests.
const REQUEST_TIMEOUT_MS = 5_000;
const bed = useFaultBed();
const pair = { leaderIndex: "net-l", followerIndex: "net-f" };
const proxies: Record<"leader" | "follower", TcpProxy> = {} as never;
let ferry: FerryProcess;
let workload: Workload;

beforeAll(async () => {
  proxies.leader = await TcpProxy.start(bed.leader);
  proxies.follower = await TcpProxy.start(bed.follower);
  ferry = await bed.ferry({
    FERRY_FOLLOWER_URL: proxies.follower.url,
    FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: [proxies.leader.url] } }),
    FERRY_SETTINGS: JSON.stringify({ "ferry.http.request_timeout": REQUEST_TIMEOUT_MS, "ferry.retry.max_backoff": 2_000 }),
  });
  workload = new Workload(bed.leader, SEED);
  await os(bed.leader, "PUT", `/${pair.leaderIndex}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  await workload.add(pair.leaderIndex, 2_000);
  const started = await ferry.call("PUT", `/_plugins/_replication/${pair.followerIndex}/_start?wait_for_restore=true`,
    { leader_alias: "leader-cluster", leader_index: pair.leaderIndex });
  expect(started).toEqual({ status: 200, body: { acknowledged: true } });
});
afterAll(async () => {
  await workload?.stop();
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  await os(bed.leader, "DELETE", `/${pair.leaderIndex}`);
  await os(bed.follower, "DELETE", `/${pair.followerIndex}`);
});

type Side = "leader" | "follower";
const faults: Array<{ side: Side; fault: ProxyFault; showsError: boolean }> = [];
for (const side of ["leader", "follower"] as const) {
  faults.push({ side, fault: { kind: "refuse" }, showsError: true });
  faults.push({ side, fault: { kind: "cut" }, showsError: true });
  // A slow link is not an error: requests take longer and still succeed.
  faults.push({ side, fault: { kind: "slow", delayMs: 200 }, showsError: false });
}
// Black holes come last: requests into them hang until `ferry.http.request_timeout` (5 s here), and
// connections they swallowed stay dead afterwards, so another fault right after them would show their
// errors rather than its own.
for (const side of ["leader", "follower"] as const) faults.push({ side, fault: { kind: "blackhole" }, showsError: true });

/** `_status` every second for `ms`; ferry itself is reached directly, never through a proxy. */
async function errorsDuring(ms: number): Promise<{ statuses: Set<string>; errors: Set<string> }> {
  const seen = { statuses: new Set<string>(), errors: new Set<string>() };
  for (const until = Date.now() + ms; Date.now() < until; await sleep(1_000)) {
    const status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
    seen.statuses.add(String(status.body.status));
    // A replication that failed says why in its reason; a fault must never get it there.
    if (status.body.status === "FAILED") seen.errors.add(`FAILED: ${String(status.body.reason)}`);
    for (const shard of status.body.ferry_retrying ?? []) seen.errors.add(String(shard.last_error));
  }
  return seen;
}

describe("network faults between ferry and each cluster", () => {
  for (const { side, fault, showsError } of faults) {
    it(`${side}: ${fault.kind} for ${FAULT_MS / 1000} s — ${showsError ? "the error shows, " : ""}nothing is lost, it recovers`, async () => {
      workload.start();
      await sleep(1_000);
      await proxies[side].set(fault);
      let seen;
      try {
        seen = await errorsDuring(FAULT_MS);
      } finally {
        await proxies[side].set({ kind: "none" });
      }
      await workload.stop();
      report(`network ${side} ${fault.kind}, during`, {
        fault_s: FAULT_MS / 1000, statuses: [...seen.statuses].join("|"), error: JSON.stringify([...seen.errors][0] ?? null),
        proxy: JSON.stringify(proxies[side].counts),
      });
      expect([...seen.statuses]).toEqual(["SYNCING"]);
      if (showsError) expect([...seen.errors].join("\n"), "this side's error in _status during the fault").toMatch(`${side} unreachable`);
      const result = await converged(bed.leader, bed.follower, [pair], 90_000);
      let status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
      for (const until = Date.now() + 30_000; status.body.ferry_retrying && Date.now() < until; await sleep(1_000)) {
        status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
      }
      report(`network ${side} ${fault.kind}, after`, {
        operations: workload.operations, documents_compared: result.compared, mismatches: result.lost + result.extra + result.stale,
      });
      expect(result.examples).toEqual([]);
      expect(status.body.status).toBe("SYNCING");
      expect(status.body.ferry_retrying).toBeUndefined();
    });
  }

  it("after the black holes: nothing is lost, replication resumes and converges", async () => {
    workload.start();
    await sleep(3_000);
    await workload.stop();
    const result = await converged(bed.leader, bed.follower, [pair], 120_000);
    const status = await ferry.call("GET", `/_plugins/_replication/${pair.followerIndex}/_status?ferry_extras=true`);
    report("network after black holes", {
      operations: workload.operations, documents_compared: result.compared, mismatches: result.lost + result.extra + result.stale,
      status: status.body.status, syncing: JSON.stringify(status.body.syncing_details), retrying: JSON.stringify(status.body.ferry_retrying ?? null),
    });
    expect(result.examples).toEqual([]);
  });
});
