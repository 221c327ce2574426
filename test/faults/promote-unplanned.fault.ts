// An unplanned promote (issue 11): the leader cluster's nodes are SIGKILLed while a writer runs, and the
// operator promotes the follower through ferry without `force`. ferry must find the leader unreachable,
// promote unplanned, and answer with per-shard figures that match what the follower really holds: once
// the leader is back (its acknowledged writes are on disk), every leader document at or below a shard's
// follower_checkpoint must be on the promoted index, and every one missing must lie above it.
import { afterAll, describe, expect, it } from "vitest";
import { os } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { useFaultBed } from "./clusters.ts";
import { report, sleep } from "./workload.ts";

const bed = useFaultBed();
const LEADER_INDEX = "unplanned-l";
const FOLLOWER_INDEX = "unplanned-f";
const SHARDS = 2;

afterAll(async () => {
  await os(bed.leader, "DELETE", `/${LEADER_INDEX}`).catch(() => undefined);
  await os(bed.follower, "DELETE", `/${FOLLOWER_INDEX}`);
});

/** Creates and updates in small bulks until stopped or the leader stops answering. */
async function write(leader: string, stopped: () => boolean): Promise<number> {
  let sent = 0;
  for (let round = 0; !stopped(); round++) {
    const body = Array.from({ length: 20 }, (_, k) => {
      const id = k % 4 === 0 ? `w${(round * 7 + k) % 300}` : `n${round}-${k}`;
      return `${JSON.stringify({ index: { _index: LEADER_INDEX, _id: id } })}\n${JSON.stringify({ id, round })}\n`;
    }).join("");
    try {
      await fetch(`${leader}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body });
    } catch {
      return sent;
    }
    sent += 20;
    await sleep(20);
  }
  return sent;
}

async function shardDocs(base: string, index: string, shard: number): Promise<Map<string, { seqNo: number; source: unknown }>> {
  await os(base, "POST", `/${index}/_refresh`);
  const docs = new Map<string, { seqNo: number; source: unknown }>();
  let page = await os(base, "POST", `/${index}/_search?scroll=1m&preference=_shards:${shard}`, { size: 5_000, seq_no_primary_term: true, sort: ["_doc"] });
  while (page?.hits?.hits?.length) {
    for (const h of page.hits.hits) docs.set(h._id, { seqNo: h._seq_no, source: h._source });
    page = await os(base, "POST", "/_search/scroll", { scroll: "1m", scroll_id: page._scroll_id });
  }
  return docs;
}

describe("unplanned promote", () => {
  it("leader cluster killed: promote answers unplanned, the follower takes writes, the figures match", async () => {
    const ferry = await bed.ferry();
    await os(bed.leader, "PUT", `/${LEADER_INDEX}`, { settings: { number_of_shards: SHARDS, number_of_replicas: 0 } });
    for (let i = 0; i < 300; i++) await os(bed.leader, "PUT", `/${LEADER_INDEX}/_doc/w${i}`, { id: `w${i}`, round: -1 });
    const started = await ferry.call("PUT", `/_plugins/_replication/${FOLLOWER_INDEX}/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: LEADER_INDEX });
    expect(started).toEqual({ status: 200, body: { acknowledged: true } });

    let stopWriter = false;
    const writer = write(bed.leader, () => stopWriter);
    await until("ferry follows the writer", async () => (await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_count`)).count > 800);
    const restartLeader = await bed.crash("leader");
    let leaderBack = false;
    try {
      stopWriter = true;
      const sent = await writer;

      const began = Date.now();
      const promoted = await ferry.call("POST", `/_plugins/_replication/${FOLLOWER_INDEX}/_promote`, {});
      const tookMs = Date.now() - began;
      expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
      expect(promoted.body).toMatchObject({ promotion: "unplanned", follower_index: FOLLOWER_INDEX });
      expect(promoted.body.unplanned_because).toContain("did not answer");
      const shards = promoted.body.shards as Array<{ shard: number; follower_checkpoint: number; leader_checkpoint: number; operations_missing_at_most: number }>;
      expect(shards.map((s) => s.shard)).toEqual([0, 1]);
      for (const s of shards) expect(s.operations_missing_at_most).toBe(Math.max(0, s.leader_checkpoint - s.follower_checkpoint));

      // The promoted index takes writes at once, through ferry's proxy.
      const written = await ferry.call("PUT", `/${FOLLOWER_INDEX}/_doc/after-promote?refresh=true`, { after: true });
      expect(written.status, JSON.stringify(written.body)).toBe(201);
      expect((await ferry.call("GET", `/_plugins/_replication/${FOLLOWER_INDEX}/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });

      // The old leader comes back with what it acknowledged: the figures must describe the promoted index.
      await restartLeader();
      leaderBack = true;
      let missingTotal = 0;
      let belowCheckpoint = 0;
      for (const s of shards) {
        const [onLeader, onFollower] = await Promise.all([shardDocs(bed.leader, LEADER_INDEX, s.shard), shardDocs(bed.follower, FOLLOWER_INDEX, s.shard)]);
        for (const [id, doc] of onLeader) {
          const copy = onFollower.get(id);
          if (doc.seqNo <= s.follower_checkpoint) {
            belowCheckpoint++;
            expect(copy?.source, `${id} (seq_no ${doc.seqNo}, shard ${s.shard} checkpoint ${s.follower_checkpoint})`).toEqual(doc.source);
          } else if (JSON.stringify(copy?.source) !== JSON.stringify(doc.source)) {
            missingTotal++;
          }
        }
      }
      report("unplanned-promote", {
        writer_docs_sent: sent, promote_took_ms: tookMs, leader_docs_at_or_below_checkpoints: belowCheckpoint,
        leader_docs_missing_or_older_above: missingTotal,
        shards: JSON.stringify(shards.map((s) => [s.follower_checkpoint, s.leader_checkpoint])),
      });
    } finally {
      if (!leaderBack) await restartLeader();
    }
  });
});
