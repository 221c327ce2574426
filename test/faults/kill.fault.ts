// SIGKILL at random moments — while following, right after a delete sweep reconciled a shard (others are
// mid-sweep), and in the middle of bootstraps — under a create/update/delete/re-create workload with custom
// routing. ferry restarts each time on the same SQLite file; at the end every follower must hold exactly
// its leader's documents.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { os } from "../support/documents.ts";
import { newFerryDir, type FerryProcess } from "../support/ferry-spawn.ts";
import { useFaultBed } from "./clusters.ts";
import { random } from "../support/seeded-random.ts";
import { converged, LONG, report, SEED, sleep, Workload, type Pair } from "./workload.ts";

const TRIALS = LONG ? 50 : 10;
const bed = useFaultBed();
const pairs: Pair[] = [];

afterAll(async () => {
  for (const p of pairs) {
    await os(bed.leader, "DELETE", `/${p.leaderIndex}`);
    await os(bed.follower, "DELETE", `/${p.followerIndex}`);
  }
});

type Moment = "random" | "sweep" | "bootstrap";

describe(`SIGKILL (${TRIALS} trials, seed ${SEED})`, () => {
  it("loses, adds and leaves stale nothing: the follower converges id by id and _source by _source", async () => {
    const { leader, follower } = { leader: bed.leader, follower: bed.follower };
    const rand = random(SEED);
    const workload = new Workload(leader, SEED + 1);
    // Lines ferry logs, for the trials that kill on an event; each restart gets a fresh list.
    let log: string[] = [];
    const waitForLog = async (pattern: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !log.some((line) => pattern.test(line))) await sleep(20);
      return log.some((line) => pattern.test(line));
    };
    const db = join(newFerryDir(), "ferry.db");
    let ferry: FerryProcess = await bed.ferry({ FERRY_DB: db }, (line) => log.push(line));
    // Restarts must find the file: a missing one would be refused, not silently replaced.
    const env = { FERRY_DB: db, FERRY_DB_CREATE: "false" };

    const start = async (followerIndex: string, leaderIndex: string, wait: boolean) => {
      const res = await ferry.call("PUT", `/_plugins/_replication/${followerIndex}/_start${wait ? "?wait_for_restore=true" : ""}`,
        { leader_alias: "leader-cluster", leader_index: leaderIndex });
      expect(res, `start ${followerIndex}`).toEqual({ status: 200, body: { acknowledged: true } });
      pairs.push({ leaderIndex, followerIndex });
    };

    await os(leader, "PUT", "/kill-main-l", { settings: { number_of_shards: 3, number_of_replicas: 0 } });
    await workload.add("kill-main-l", 3_000);
    await start("kill-main-f", "kill-main-l", true);
    workload.start();

    const moments: Record<Moment, number> = { random: 0, sweep: 0, bootstrap: 0 };
    // Kills that came right after the event they waited for (the rest waited in vain and killed anyway).
    const onEvent = { sweep: 0, bootstrap: 0 };
    const trialsStarted = Date.now();
    for (let trial = 0; trial < TRIALS; trial++) {
      const moment: Moment = (["bootstrap", "sweep", "random"] as const)[trial % 3]!;
      moments[moment]++;
      log = [];
      if (moment === "bootstrap") {
        const [l, f] = [`kill-boot-${trial}-l`, `kill-boot-${trial}-f`];
        await os(leader, "PUT", `/${l}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
        await workload.add(l, 1_000 + Math.floor(rand() * 2_000));
        await start(f, l, false);
        // Killed at the snapshot or the restore step, or a moment later.
        if (await waitForLog(new RegExp(`"bootstrap:step".*"${f}".*"(snapshot|restore)"`), 10_000)) onEvent.bootstrap++;
        await sleep(rand() * 800);
      } else if (moment === "sweep") {
        // A shard sweeps once it has caught up, which a steady workload can postpone: a pause lets it.
        await workload.stop();
        await workload.deleteBurst("kill-main-l", 50 + Math.floor(rand() * 100));
        // One shard reconciled: the others are usually still sweeping.
        if (await waitForLog(/"shard:reconciled"/, 8_000)) onEvent.sweep++;
        await sleep(rand() * 200);
        workload.start();
      } else {
        await sleep(200 + rand() * 2_500);
      }
      ferry.kill("SIGKILL");
      await ferry.stop();
      await sleep(rand() * 1_000);
      ferry = await bed.ferry(env, (line) => log.push(line));
      await sleep(300 + rand() * 1_000);
    }

    await workload.stop();
    const trialSeconds = Math.round((Date.now() - trialsStarted) / 1000);
    const convergeStarted = Date.now();
    const result = await converged(leader, follower, pairs, 180_000);
    const convergeSeconds = Math.round((Date.now() - convergeStarted) / 1000);
    const statuses = await Promise.all(pairs.map(async (p) => (await ferry.call("GET", `/_plugins/_replication/${p.followerIndex}/_status`)).body.status));
    report("SIGKILL", {
      seed: SEED, trials: TRIALS, ...Object.fromEntries(Object.entries(moments).map(([k, v]) => [`killed_${k}`, v])),
      killed_on_sweep_event: onEvent.sweep, killed_on_bootstrap_event: onEvent.bootstrap, trials_s: trialSeconds, converge_s: convergeSeconds,
      operations: workload.operations, indices: pairs.length, documents_compared: result.compared,
      mismatches: result.lost + result.extra + result.stale, lost: result.lost, extra: result.extra, stale: result.stale,
    });
    expect(result.examples).toEqual([]);
    expect({ lost: result.lost, extra: result.extra, stale: result.stale }).toEqual({ lost: 0, extra: 0, stale: 0 });
    expect(statuses.every((s) => s === "SYNCING"), JSON.stringify(statuses)).toBe(true);
  });
});
