// Finds documents deleted on the leader but still on the follower, for one shard, by counting instead of
// scanning: per region (see core/store/regions.ts) the follower's live documents are compared with the
// leader's live documents of the matching sequence-number range, and only ranges whose counts differ are
// bisected. At a small leaf the ids are compared; a follower id missing from the leader range is deleted
// only after a real-time GET on the leader confirms it is gone (an update moves a document to a higher
// sequence number, which looks the same to a count).
import { call } from "../core/clusters/client.ts";
import type { ClusterConnection } from "../core/clusters/connection.ts";
import { shardCheckpoints } from "../core/clusters/shard-checkpoints.ts";
import { versionedDeleteLine } from "../core/clusters/bulk-body.ts";
import { engineErrors } from "../core/errors.ts";
import { asOutcome, type TaskOutcome } from "./task-outcome.ts";

export interface SweepRegion {
  followerFrom: number;
  followerTo: number;
  /** Exclusive. */
  leaderFrom: number;
  leaderTo: number;
  /** Restored documents: follower `_seq_no` equals leader `_seq_no`. Else leader `_seq_no` = `_version` - 1. */
  restore: boolean;
}

export interface DeleteSweepInput {
  leader: ClusterConnection;
  follower: ClusterConnection;
  leaderIndex: string;
  followerIndex: string;
  shard: number;
  /** Every leader operation at or below is on the follower and searchable on the leader. */
  checkpoint: number;
  regions: SweepRegion[];
  leafSize: number;
}

export interface DeleteSweepResult {
  deleted: number;
  /** Follower sequence numbers of ferry's own deletes. */
  ownSeqNos: number[];
  /** Follower documents whose leader copy moved past the checkpoint: the next sweep looks again. */
  unresolved: number;
}

interface Candidate {
  id: string;
  routing: string | undefined;
}

type Query = Record<string, unknown>;

class ShardView {
  constructor(private readonly conn: ClusterConnection, private readonly side: string, private readonly index: string, private readonly shard: number) {}

  private get path(): string {
    return `/${encodeURIComponent(this.index)}`;
  }

  private get preference(): string {
    return `_shards:${this.shard}|_primary`;
  }

  async count(query: Query): Promise<number> {
    const res = await call(this.conn, this.side, {
      method: "POST", path: `${this.path}/_count`, querystring: { preference: this.preference }, body: { query },
    });
    return res.count as number;
  }

  /** Live documents matching `query`, newest sequence number first. */
  async search(query: Query, size: number, order: "asc" | "desc" = "desc"): Promise<{ total: number; hits: any[] }> {
    const res = await call(this.conn, this.side, {
      method: "POST", path: `${this.path}/_search`,
      querystring: { preference: this.preference, filter_path: "hits.total.value,hits.hits._id,hits.hits._routing,hits.hits._seq_no,hits.hits._version" },
      body: { query, size, sort: [{ _seq_no: order }], _source: false, version: true, seq_no_primary_term: true, track_total_hits: true },
    });
    return { total: res.hits.total.value as number, hits: (res.hits.hits ?? []) as any[] };
  }
}

const seqRange = (gte: number, lte: number): Query => ({ range: { _seq_no: { gte, lte } } });
const leaderRange = (gtExclusive: number, lte: number): Query => ({ range: { _seq_no: { gt: gtExclusive, lte } } });

export async function sweepShard(input: DeleteSweepInput): Promise<DeleteSweepResult> {
  const follower = new ShardView(input.follower, "follower", input.followerIndex, input.shard);
  const leader = new ShardView(input.leader, "leader", input.leaderIndex, input.shard);
  // ferry's own writes only become countable after a refresh of the follower.
  await call(input.follower, "follower", { method: "POST", path: `/${encodeURIComponent(input.followerIndex)}/_refresh` });
  const [followerTotal, leaderTotal] = await Promise.all([
    follower.count({ match_all: {} }),
    leader.count(seqRange(0, input.checkpoint)),
  ]);
  if (followerTotal <= leaderTotal) return { deleted: 0, ownSeqNos: [], unresolved: 0 };

  const candidates: Candidate[] = [];
  let inRegions = 0;
  for (const region of input.regions) {
    const [fc, lc] = await Promise.all([
      follower.count(seqRange(region.followerFrom, region.followerTo)),
      leader.count(leaderRange(region.leaderFrom, region.leaderTo)),
    ]);
    inRegions += fc;
    if (fc > lc) await bisect(input, follower, leader, region, region.followerFrom, region.followerTo, region.leaderFrom, region.leaderTo, fc, lc, candidates);
  }
  if (followerTotal > inRegions) {
    // Live documents outside every region: left by a batch cut short before it was recorded.
    const outside = await follower.search({
      bool: { must_not: input.regions.map((r) => seqRange(r.followerFrom, r.followerTo)) },
    }, Math.min(followerTotal - inRegions, 10_000));
    candidates.push(...outside.hits.map((h) => ({ id: h._id as string, routing: h._routing as string | undefined })));
  }
  return confirmAndDelete(input, candidates);
}

async function bisect(
  input: DeleteSweepInput, follower: ShardView, leader: ShardView, region: SweepRegion,
  fFrom: number, fTo: number, lFrom: number, lTo: number, fc: number, lc: number, out: Candidate[],
): Promise<void> {
  if (fc <= input.leafSize || fTo - fFrom < 2) {
    const [f, l] = await Promise.all([follower.search(seqRange(fFrom, fTo), fc), leader.search(leaderRange(lFrom, lTo), Math.min(Math.max(lc, 1), 10_000))]);
    const onLeader = new Set(l.hits.map((h) => h._id as string));
    for (const hit of f.hits) if (!onLeader.has(hit._id)) out.push({ id: hit._id, routing: hit._routing });
    return;
  }
  const fMid = Math.floor((fFrom + fTo) / 2);
  // The last live follower document of the left half tells where the left half ends on the leader.
  const left = await follower.search(seqRange(fFrom, fMid), 1);
  const last = left.hits[0];
  const lMid = last ? (region.restore ? (last._seq_no as number) : (last._version as number) - 1) : lFrom;
  const lcLeft = last ? await leader.count(leaderRange(lFrom, lMid)) : 0;
  if (left.total > lcLeft) await bisect(input, follower, leader, region, fFrom, fMid, lFrom, lMid, left.total, lcLeft, out);
  const fcRight = fc - left.total;
  const lcRight = lc - lcLeft;
  if (fcRight > lcRight) await bisect(input, follower, leader, region, fMid + 1, fTo, lMid, lTo, fcRight, lcRight, out);
}

async function confirmAndDelete(input: DeleteSweepInput, candidates: Candidate[]): Promise<DeleteSweepResult> {
  if (candidates.length === 0) return { deleted: 0, ownSeqNos: [], unresolved: 0 };
  // The leader's max sequence number read before the GET: a re-creation after it gets a higher one.
  const stats = (await shardCheckpoints(input.leader, "leader", [input.leaderIndex])).get(input.leaderIndex);
  const maxSeqNo = stats?.shards[input.shard]?.maxSeqNo;
  if (maxSeqNo === undefined) throw engineErrors.transient(`leader shard [${input.leaderIndex}][${input.shard}] has no active primary`);
  const found = await call(input.leader, "leader", {
    method: "POST", path: `/${encodeURIComponent(input.leaderIndex)}/_mget`, querystring: { realtime: true, _source: false },
    body: { docs: candidates.map((c) => ({ _id: c.id, ...(c.routing !== undefined ? { routing: c.routing } : {}) })) },
  });
  const gone = candidates.filter((_, i) => !found.docs[i]?.found);
  const unresolved = candidates.length - gone.length;
  if (gone.length === 0) return { deleted: 0, ownSeqNos: [], unresolved };
  const res = await call(input.follower, "follower", {
    method: "POST", path: "/_bulk",
    bulkBody: gone.map((c) => versionedDeleteLine(input.followerIndex, c.id, c.routing, maxSeqNo)).join(""),
  });
  let deleted = 0;
  const ownSeqNos: number[] = [];
  for (const item of res.items as Array<{ delete: { status: number; result?: string; _seq_no?: number; error?: { type: string; reason: string } } }>) {
    const { status, result, _seq_no: seqNo, error } = item.delete;
    if (seqNo !== undefined && seqNo >= 0) ownSeqNos.push(seqNo);
    if (result === "deleted") deleted++;
    // 404: already gone; 409: a newer leader state (a re-creation) is already on the follower.
    else if (status !== 404 && status !== 409) throw engineErrors.transient(`follower refused a delete with ${status}: ${error?.type}: ${error?.reason}`);
  }
  return { deleted, ownSeqNos, unresolved };
}

export default function deleteSweepTask(input: DeleteSweepInput): Promise<TaskOutcome<DeleteSweepResult>> {
  return asOutcome("delete sweep", () => sweepShard(input));
}
