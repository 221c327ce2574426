// Two writers on one shard (issue 20, item 6) under a leader that keeps writing. Pause/resume storms:
// each resume is sent while its pause still waits for a cycle (the leader link is slow), and the follower
// must end with exactly the leader's documents. Forced promotes of a second index while the first keeps
// following: no bulk of the promoted index lands after the answer (the follower takes long over ferry's
// bulks), every leader document at or below a shard's reported checkpoint is on the promoted index, and
// the other index is not disturbed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documents, os } from "../support/documents.ts";
import type { FerryProcess } from "../support/ferry-spawn.ts";
import { random } from "../support/seeded-random.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";
import { useFaultBed } from "./clusters.ts";
import { converged, LONG, report, SEED, sleep, Workload } from "./workload.ts";

const STORM_ROUNDS = LONG ? 60 : 10;
const PROMOTES = LONG ? 6 : 2;
const bed = useFaultBed();
const storm = { leaderIndex: "writers-storm-l", followerIndex: "writers-storm-f" };
const promoted = (round: number) => ({ leaderIndex: `writers-promote-l${round}`, followerIndex: `writers-promote-f${round}` });
const proxies: Record<"leader" | "follower", TcpProxy> = {} as never;
let ferry: FerryProcess;
let workload: Workload;

const api = (index: string, action: string) => `/_plugins/_replication/${index}/_${action}`;

beforeAll(async () => {
  proxies.leader = await TcpProxy.start(bed.leader);
  proxies.follower = await TcpProxy.start(bed.follower);
  ferry = await bed.ferry({
    FERRY_FOLLOWER_URL: proxies.follower.url,
    FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: [proxies.leader.url] } }),
    FERRY_SETTINGS: JSON.stringify({ "ferry.pool.max_threads": 1, "ferry.promote.leader_timeout": 200, "ferry.follower.search_page_size": 50 }),
  });
  workload = new Workload(bed.leader, SEED, 50);
  await os(bed.leader, "PUT", `/${storm.leaderIndex}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  await workload.add(storm.leaderIndex, 1_000);
  expect(await ferry.call("PUT", `${api(storm.followerIndex, "start")}?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: storm.leaderIndex }))
    .toEqual({ status: 200, body: { acknowledged: true } });
});
afterAll(async () => {
  await workload?.stop();
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  for (let round = 0; round < PROMOTES; round++) {
    await os(bed.leader, "DELETE", `/${promoted(round).leaderIndex}`);
    await os(bed.follower, "DELETE", `/${promoted(round).followerIndex}`);
  }
  await os(bed.leader, "DELETE", `/${storm.leaderIndex}`);
  await os(bed.follower, "DELETE", `/${storm.followerIndex}`);
});

/** Leader documents at or below each shard's checkpoint that the promoted index lacks or holds otherwise. */
async function belowCheckpoints(leaderIndex: string, followerIndex: string, checkpoints: number[]): Promise<{ compared: number; wrong: string[] }> {
  const onFollower = await documents(bed.follower, followerIndex);
  let compared = 0;
  const wrong: string[] = [];
  for (const [shard, checkpoint] of checkpoints.entries()) {
    await os(bed.leader, "POST", `/${leaderIndex}/_refresh`);
    let page = await os(bed.leader, "POST", `/${leaderIndex}/_search?scroll=1m&preference=_shards:${shard}`,
      { size: 5_000, query: { range: { _seq_no: { lte: checkpoint } } }, sort: ["_doc"] });
    while (page?.hits?.hits?.length) {
      for (const hit of page.hits.hits) {
        compared++;
        if (JSON.stringify(onFollower.get(hit._id)?.source) !== JSON.stringify(hit._source)) wrong.push(`${hit._id} (shard ${shard})`);
      }
      page = await os(bed.leader, "POST", "/_search/scroll", { scroll: "1m", scroll_id: page._scroll_id });
    }
  }
  return { compared, wrong };
}

async function followerMaxSeqNos(index: string): Promise<number[]> {
  const stats = await os(bed.follower, "GET", `/${index}/_stats/docs?level=shards`);
  const shards = stats.indices[index].shards as Record<string, Array<{ routing: { primary: boolean }; seq_no: { max_seq_no: number } }>>;
  return Object.keys(shards).sort().map((s) => shards[s]!.find((c) => c.routing.primary)!.seq_no.max_seq_no);
}

describe("two writers on one shard", () => {
  it(`${STORM_ROUNDS} resumes sent during slow pauses, then ${PROMOTES} forced promotes beside it: nothing lost, nothing late`, async () => {
    workload.start();
    let refusedResumes = 0;
    const rand = random(SEED);
    // Every cycle crosses a slow leader link, so a pause waits for one most of the time.
    await proxies.leader.set({ kind: "slow", delayMs: 50 });
    try {
      for (let round = 0; round < STORM_ROUNDS; round++) {
        const pausing = ferry.call("POST", api(storm.followerIndex, "pause"), {});
        await sleep(Math.floor(rand() * 200));
        const resumed = await ferry.call("POST", api(storm.followerIndex, "resume"), {});
        const paused = await pausing;
        expect(paused.status, JSON.stringify(paused.body)).toBe(200);
        // A resume that overtook its pause finds the replication still running: it is tried again.
        if (resumed.status !== 200) {
          refusedResumes++;
          expect((await ferry.call("POST", api(storm.followerIndex, "resume"), {})).status).toBe(200);
        }
        await sleep(300);
      }
    } finally {
      await proxies.leader.set({ kind: "none" });
    }

    // One count for every round, never below zero: a bulk sent before it was set (or in the round before)
    // may end in this round, and a count that went below zero would miss the bulk a round waits for.
    const bulk = /^POST \/_bulk\?pipeline=_none/;
    let bulksOnTheirWay = 0;
    proxies.follower.onRequest = (line) => void (bulk.test(line) && bulksOnTheirWay++);
    proxies.follower.onRequestEnd = (line) => void (bulk.test(line) && (bulksOnTheirWay = Math.max(0, bulksOnTheirWay - 1)));
    let promoteMs = 0;
    let landedLate = 0;
    let compared = 0;
    const wrong: string[] = [];
    for (let round = 0; round < PROMOTES; round++) {
      const pair = promoted(round);
      await os(bed.leader, "PUT", `/${pair.leaderIndex}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
      await workload.add(pair.leaderIndex, 500);
      expect((await ferry.call("PUT", `${api(pair.followerIndex, "start")}?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: pair.leaderIndex })).status).toBe(200);
      await sleep(2_000);
      // The follower takes long over ferry's bulks: one is still on its way when the promote comes.
      await proxies.follower.set({ kind: "latency", delayMs: 1_500, requests: bulk });
      try {
        await until("a bulk of ferry's is on its way to the follower", async () => bulksOnTheirWay > 0, 60_000, 50);
        const began = Date.now();
        const answer = await ferry.call("POST", api(pair.followerIndex, "promote"), { force: true });
        promoteMs = Math.max(promoteMs, Date.now() - began);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(answer.body.promotion).toBe("unplanned");
        const atAnswer = await followerMaxSeqNos(pair.followerIndex);
        await proxies.follower.delivered();
        const after = await followerMaxSeqNos(pair.followerIndex);
        landedLate += after.reduce((n, max, shard) => n + max - atAnswer[shard]!, 0);
        const checkpoints = (answer.body.shards as Array<{ shard: number; follower_checkpoint: number }>).map((s) => s.follower_checkpoint);
        const below = await belowCheckpoints(pair.leaderIndex, pair.followerIndex, checkpoints);
        compared += below.compared;
        wrong.push(...below.wrong);
      } finally {
        await proxies.follower.set({ kind: "none" });
      }
    }
    await workload.stop();

    const result = await converged(bed.leader, bed.follower, [storm], LONG ? 300_000 : 90_000);
    const status = await ferry.call("GET", api(storm.followerIndex, "status"));
    report("writers", {
      storm_rounds: STORM_ROUNDS, resumes_refused_then_retried: refusedResumes, promotes: PROMOTES, promote_max_ms: promoteMs,
      ops_landed_after_promote: landedLate, promoted_docs_compared: compared, promoted_docs_wrong: wrong.length,
      storm_compared: result.compared, lost: result.lost, extra: result.extra, stale: result.stale,
    });
    expect(landedLate, "follower operations of a promoted index after the promote answered").toBe(0);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect({ lost: result.lost, extra: result.extra, stale: result.stale, examples: result.examples }).toEqual({ lost: 0, extra: 0, stale: 0, examples: [] });
    expect(status.body.status).toBe("SYNCING");
  });
});
