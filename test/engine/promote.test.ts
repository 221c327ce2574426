// Promote against the real clusters: planned while a writer keeps writing to the leader (nothing it was
// told succeeded is lost, everything after the freeze is refused to it), a drain that cannot finish (all
// undone), and a forced promote whose per-shard figures must match what the follower really holds.
import { describe, expect, it } from "vitest";
import { bulk, documents, mismatches, os, type Op } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

async function createLeaderIndex(index: string, shards: number): Promise<void> {
  await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: shards, number_of_replicas: 0 } });
}

const seed = (n: number): Op[] => Array.from({ length: n }, (_, i) => ({ op: "index", id: `d${i}`, source: { n: i, v: 0 } }));

/**
 * Writes creates, updates and deletes to the leader in small bulks until stopped, and keeps what the
 * leader acknowledged: the expected content of every id it touched. Items the leader refused are counted
 * by error type; an item with neither outcome would be a silent drop.
 */
class Writer {
  readonly acknowledged = new Map<string, Record<string, unknown> | null>();
  readonly refused = new Map<string, number>();
  unanswered = 0;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly index: string, private readonly ids: number) {}

  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async run(): Promise<void> {
    for (let round = 1; !this.stopped; round++) {
      const ops: Op[] = Array.from({ length: 40 }, (_, k) => {
        const id = `d${(round * 37 + k * 101) % this.ids}`;
        return (round + k) % 10 === 0 ? { op: "delete", id } : { op: "index", id, source: { id, v: round, k } };
      });
      const body = ops.map((o) => `${JSON.stringify({ [o.op]: { _index: this.index, _id: o.id } })}\n${o.op === "index" ? `${JSON.stringify(o.source)}\n` : ""}`).join("");
      const res = await fetch(`${leader}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body });
      const json = (await res.json()) as { items?: Array<Record<string, { status: number; error?: { type: string } }>>; error?: { type: string } };
      if (!json.items) {
        this.refused.set(json.error?.type ?? `http_${res.status}`, (this.refused.get(json.error?.type ?? `http_${res.status}`) ?? 0) + ops.length);
        continue;
      }
      json.items.forEach((item, i) => {
        const result = Object.values(item)[0]!;
        const op = ops[i]!;
        if (result.status < 300 || (op.op === "delete" && result.status === 404)) this.acknowledged.set(op.id, op.op === "delete" ? null : op.source!);
        else if (result.error) this.refused.set(result.error.type, (this.refused.get(result.error.type) ?? 0) + 1);
        else this.unanswered++;
      });
    }
  }
}

/** Leader documents of one shard with their sequence numbers. */
async function shardDocs(base: string, index: string, shard: number): Promise<Map<string, { seqNo: number; source: unknown }>> {
  // The last writes on either side may not be searchable yet.
  await os(base, "POST", `/${index}/_refresh`);
  const res = await os(base, "POST", `/${index}/_search?preference=_shards:${shard}`, { size: 10_000, seq_no_primary_term: true, query: { match_all: {} } });
  return new Map((res.hits.hits as any[]).map((h) => [h._id, { seqNo: h._seq_no, source: h._source }]));
}

describe("promote", () => {
  it("planned, with a writer running: every acknowledged write is on the promoted index, later writes are refused", async () => {
    await createLeaderIndex("promote-planned-l", 3);
    await bulk(leader, "promote-planned-l", seed(2_000));
    await core().replications.start("promote-planned-f", { leader_alias: LEADER_ALIAS, leader_index: "promote-planned-l" }, { waitForRestore: true });
    const writer = new Writer("promote-planned-l", 2_000);
    writer.start();
    await new Promise((r) => setTimeout(r, 3_000));
    const answer = await core().replications.promote("promote-planned-f", { write_alias: "promote-planned-app" });
    await new Promise((r) => setTimeout(r, 500));
    await writer.stop();

    console.log(`planned promote: ${answer.took_millis} ms, ${writer.acknowledged.size} ids acknowledged, refused ${JSON.stringify(Object.fromEntries(writer.refused))}, documents ${JSON.stringify(answer.documents)}`);
    expect(answer).toMatchObject({ acknowledged: true, promotion: "planned", leader_write_block: true, write_alias: { alias: "promote-planned-app", removed_from: [] } });
    expect(answer.documents!.leader).toBe(answer.documents!.follower);
    for (const s of answer.shards) expect(s.follower_checkpoint).toBeGreaterThanOrEqual(s.leader_checkpoint);
    // Writes after the freeze were refused to the writer, not dropped.
    expect(writer.refused.get("cluster_block_exception") ?? 0).toBeGreaterThan(0);
    expect(writer.unanswered).toBe(0);

    const onFollower = await documents(follower, "promote-planned-f");
    for (const [id, source] of writer.acknowledged) {
      if (source === null) expect(onFollower.has(id), `${id} was deleted`).toBe(false);
      else expect(onFollower.get(id)?.source, id).toEqual(source);
    }
    expect(mismatches(await documents(leader, "promote-planned-l"), onFollower)).toMatchObject({ lost: 0, extra: 0, stale: 0 });

    // The promoted index takes writes, through the alias too; the leader stays frozen.
    expect(await core().replications.status("promote-planned-f", false)).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
    await os(follower, "PUT", "/promote-planned-app/_doc/after?refresh=true", { after: true });
    expect((await os(follower, "GET", "/promote-planned-f/_doc/after"))._source).toEqual({ after: true });
    const block = await os(leader, "GET", "/promote-planned-l/_settings/index.blocks.write?flat_settings=true");
    expect(block["promote-planned-l"].settings["index.blocks.write"]).toBe("true");
  });

  it("a drain that cannot finish in time undoes everything: the leader takes writes, replication goes on", async () => {
    await createLeaderIndex("promote-timeout-l", 2);
    await bulk(leader, "promote-timeout-l", seed(200));
    await core().replications.start("promote-timeout-f", { leader_alias: LEADER_ALIAS, leader_index: "promote-timeout-l" }, { waitForRestore: true });
    // A closed follower cannot be drained into.
    await os(follower, "POST", "/promote-timeout-f/_close");
    await bulk(leader, "promote-timeout-l", [{ op: "index", id: "new", source: { n: -1 } }]);
    const error = await core().replications.promote("promote-timeout-f", { timeout: "3s" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: "promote_timeout_exception", status: 408 });
    expect((error as Error).message).toContain("the leader index takes writes again and replication goes on");

    await os(leader, "PUT", "/promote-timeout-l/_doc/after-timeout", { n: -2 });
    await os(follower, "POST", "/promote-timeout-f/_open");
    await until("replication goes on after the reopen", async () => {
      const status = await core().replications.status("promote-timeout-f", false) as any;
      if (status.status !== "SYNCING") return false;
      return (await os(follower, "GET", "/promote-timeout-f/_doc/after-timeout"))?.found === true;
    });
  });

  it("forced: per-shard figures match what the follower holds, and it takes writes at once", async () => {
    await createLeaderIndex("promote-forced-l", 2);
    await bulk(leader, "promote-forced-l", seed(1_000));
    await core().replications.start("promote-forced-f", { leader_alias: LEADER_ALIAS, leader_index: "promote-forced-l" }, { waitForRestore: true });
    await bulk(leader, "promote-forced-l", seed(1_500).slice(1_000));
    await until("the first writes are copied", async () => (await os(follower, "GET", "/promote-forced-f/_doc/d1499"))?.found === true);
    // Paused, the follower falls behind the writes that follow.
    await core().replications.pause("promote-forced-f");
    await bulk(leader, "promote-forced-l", [...seed(2_000).slice(1_500), { op: "delete", id: "d3" }, { op: "index", id: "d4", source: { n: 4, v: 1 } }]);

    const answer = await core().replications.promote("promote-forced-f", { force: true });
    expect(answer).toMatchObject({ promotion: "unplanned", unplanned_because: "force was requested" });
    await os(follower, "PUT", "/promote-forced-f/_doc/after?refresh=true", { after: true });

    for (const s of answer.shards) {
      const [onLeader, onFollower] = await Promise.all([shardDocs(leader, "promote-forced-l", s.shard), shardDocs(follower, "promote-forced-f", s.shard)]);
      for (const [id, doc] of onLeader) {
        // Everything up to the reported checkpoint is there; what is not there lies above it.
        if (doc.seqNo <= s.follower_checkpoint) expect(onFollower.get(id)?.source, `${id} at ${doc.seqNo}`).toEqual(doc.source);
        else if (!onFollower.has(id)) expect(doc.seqNo).toBeGreaterThan(s.follower_checkpoint);
      }
      expect(s.leader_checkpoint).toBeLessThanOrEqual(Math.max(...[...onLeader.values()].map((d) => d.seqNo)) + 1);
    }
    const missing = answer.shards.reduce((n, s) => n + (s.operations_missing_at_most ?? 0), 0);
    expect(missing).toBeGreaterThanOrEqual(0);
  });
});
