// Reconciles one follower shard with its leader shard without scanning either: finds documents deleted on
// the leader but still on the follower, and repairs writes made on the follower by anyone but ferry.
//
// Per region (see core/store/regions.ts) the follower's live documents are counted against the leader's
// live documents of the matching sequence-number range; only ranges whose counts differ are bisected. At a
// small leaf the ids are compared. A follower id missing from the leader range is deleted only after a
// real-time GET on the leader confirms it is gone (an update moves a document to a higher sequence number,
// which looks the same to a count). Foreign writes show in sequence numbers: ferry knows which follower
// sequence numbers its own writes got, so operations past them are someone else's; those, and documents a
// foreign delete removed, are rewritten from the leader.
import { call, callBytes } from "../core/clusters/client.ts";
import type { ClusterConnection } from "../core/clusters/connection.ts";
import { shardPreference } from "../core/clusters/engine.ts";
import { shardCheckpoints } from "../core/clusters/shard-checkpoints.ts";
import { requireAllShards, requireRefreshed } from "../core/clusters/shard-failures.ts";
import { bulkBodies, indexLine, leaderSeqNoOf, leaderVersion, versionedDeleteLine, type BulkLine } from "../core/clusters/bulk-body.ts";
import { writeBulk, type BulkItem } from "../core/clusters/bulk-write.ts";
import { pickRaw } from "../core/clusters/raw-source.ts";
import { engineErrors } from "../core/errors.ts";
import type { DeleteSweepInput, DeleteSweepResult, SweepRegion, TaskEnvelope, TaskOutcome } from "./protocol.ts";
import { requireLease } from "./lease-window.ts";
import { asOutcome } from "./task-outcome.ts";

interface Candidate {
  id: string;
  routing: string | undefined;
  version: number;
  /** Found in follower sequence numbers no ferry write produced. */
  foreign: boolean;
}

type Query = Record<string, unknown>;

class ShardView {
  constructor(
    private readonly conn: ClusterConnection, private readonly side: string, private readonly index: string, private readonly shard: number,
    private readonly node?: string,
  ) {}

  private get path(): string {
    return `/${encodeURIComponent(this.index)}`;
  }

  private preferred: Promise<string> | undefined;

  /** Looked up once per sweep: on Elasticsearch it costs a request. */
  private get preference(): Promise<string> {
    this.preferred ??= shardPreference(this.conn, this.side, this.index, this.shard, this.node);
    return this.preferred;
  }

  private get what(): string {
    return `${this.side} shard [${this.index}][${this.shard}]`;
  }

  /** The most terms one terms query may name on this index (`index.max_terms_count`), capped at
   * TERMS_PER_QUERY. */
  async termsLimit(): Promise<number> {
    const res = await call(this.conn, this.side, {
      method: "GET", path: `${this.path}/_settings/index.max_terms_count`, querystring: { include_defaults: true, flat_settings: true },
    });
    const index = Object.values<any>(res ?? {})[0];
    const limit = Number(index?.settings?.["index.max_terms_count"] ?? index?.defaults?.["index.max_terms_count"]);
    return Number.isInteger(limit) && limit > 0 ? Math.min(limit, TERMS_PER_QUERY) : TERMS_PER_QUERY;
  }

  async count(query: Query): Promise<number> {
    const res = await call(this.conn, this.side, {
      method: "POST", path: `${this.path}/_count`, querystring: { preference: await this.preference }, body: { query },
    });
    requireAllShards(res._shards, this.what);
    return res.count as number;
  }

  /** Live documents matching `query`, newest sequence number first unless `order` says otherwise. */
  async search(query: Query, size: number, order: "asc" | "desc" = "desc"): Promise<{ total: number; hits: any[] }> {
    const res = await call(this.conn, this.side, {
      method: "POST", path: `${this.path}/_search`,
      querystring: { preference: await this.preference, filter_path: "_shards,hits.total.value,hits.hits._id,hits.hits._routing,hits.hits._seq_no,hits.hits._version" },
      body: { query, size, sort: [{ _seq_no: order }], _source: false, version: true, seq_no_primary_term: true, track_total_hits: true },
    });
    requireAllShards(res._shards, this.what);
    return { total: res.hits.total.value as number, hits: (res.hits.hits ?? []) as any[] };
  }
}

const seqRange = (gte: number, lte: number): Query => ({ range: { _seq_no: { gte, lte } } });

/** Sequence numbers a side's counts leave out, sorted, and how many one terms query there may name. */
interface Excluded {
  seqNos: number[];
  termsPerQuery: number;
}

/** Runs of consecutive sequence numbers as ranges, the others as terms queries of a bounded size: a
 * foreign write of many documents, repaired, leaves long runs, and a terms query past the index's
 * `max_terms_count` is refused. */
function exclusionClauses(sorted: number[], termsPerQuery: number): Query[] {
  const clauses: Query[] = [];
  const single: number[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j > i) clauses.push(seqRange(sorted[i]!, sorted[j]!));
    else single.push(sorted[i]!);
    i = j + 1;
  }
  for (let i = 0; i < single.length; i += termsPerQuery) clauses.push({ terms: { _seq_no: single.slice(i, i + termsPerQuery) } });
  return clauses;
}

/** A `_seq_no` range less the sequence numbers that belong to repair regions (counted on their own). */
function rangeLess(range: Query, inRange: (s: number) => boolean, excluded: Excluded): Query {
  const inside = excluded.seqNos.filter(inRange);
  return inside.length ? { bool: { filter: [range], must_not: exclusionClauses(inside, excluded.termsPerQuery) } } : range;
}

/** Leader operations (from, to], less those whose follower copy lives in a repair region. */
const leaderRange = (from: number, to: number, excluded: Excluded): Query =>
  rangeLess({ range: { _seq_no: { gt: from, lte: to } } }, (s) => s > from && s <= to, excluded);

/** Follower operations [from, to], less repaired documents: a merged copy region spans them. */
const followerRange = (from: number, to: number, excluded: Excluded): Query =>
  rangeLess(seqRange(from, to), (s) => s >= from && s <= to, excluded);

const isRepairRegion = (r: SweepRegion) => r.kind === "repair";

/** Sequence numbers per terms query at most: well under the default `index.max_terms_count` (65,536) and
 * the request size; an index that allows fewer gets fewer (ShardView.termsLimit). */
const TERMS_PER_QUERY = 1_000;
/** Ranges per bool query: well under `indices.query.bool.max_clause_count` (1,024 by default). */
const HOLES_PER_QUERY = 500;

/** Follower sequence numbers in [0, max] that no region covers, as inclusive ranges. */
function uncovered(regions: SweepRegion[], max: number): Array<[number, number]> {
  const sorted = [...regions].sort((a, b) => a.followerFrom - b.followerFrom);
  const holes: Array<[number, number]> = [];
  let next = 0;
  for (const r of sorted) {
    if (r.followerFrom > next) holes.push([next, r.followerFrom - 1]);
    next = Math.max(next, r.followerTo + 1);
  }
  if (max >= next) holes.push([next, max]);
  return holes;
}

interface Sweep {
  input: DeleteSweepInput;
  follower: ShardView;
  leader: ShardView;
  excluded: Excluded;
  excludedFollower: Excluded;
  /** Compare in both directions: foreign deletes leave the follower short. */
  bothWays: boolean;
  extra: Candidate[];
  /** Leader documents (id → routing) the follower lacks. */
  missing: Map<string, string | undefined>;
}

export async function sweepShard(input: DeleteSweepInput): Promise<DeleteSweepResult> {
  const follower = new ShardView(input.follower, "follower", input.followerIndex, input.shard);
  const leader = new ShardView(input.leader, "leader", input.leaderIndex, input.shard, input.leaderNode);
  // ferry's own writes only become countable after a refresh of the follower.
  const followerRefresh = await call(input.follower, "follower", { method: "POST", path: `/${encodeURIComponent(input.followerIndex)}/_refresh` });
  requireRefreshed(followerRefresh._shards, `follower refresh of [${input.followerIndex}]`);
  const [followerTotal, seenOnLeader, followerStats] = await Promise.all([
    follower.count({ match_all: {} }),
    leader.count(seqRange(0, input.checkpoint)),
    shardCheckpoints(input.follower, "follower", [input.followerIndex]),
  ]);
  const followerMax = followerStats.get(input.followerIndex)?.shards[input.shard]?.maxSeqNo ?? -1;
  const ownMax = Math.max(-1, ...input.regions.map((r) => r.followerTo));
  const foreignRange = followerMax > ownMax ? { from: ownMax + 1, to: followerMax } : undefined;
  const bothWays = input.foreignSuspected || foreignRange !== undefined;
  const repairs = input.regions.filter(isRepairRegion);
  // Looked up only where repaired documents must be left out of counts.
  const [leaderTerms, followerTerms] = repairs.length
    ? await Promise.all([leader.termsLimit(), follower.termsLimit()])
    : [TERMS_PER_QUERY, TERMS_PER_QUERY];
  const sorted = (seqNos: number[]) => seqNos.sort((a, b) => a - b);
  const sweep: Sweep = {
    input, follower, leader, bothWays, extra: [], missing: new Map(),
    excluded: { seqNos: sorted(repairs.map((r) => r.leaderTo)), termsPerQuery: leaderTerms },
    excludedFollower: { seqNos: sorted(repairs.map((r) => r.followerFrom)), termsPerQuery: followerTerms },
  };
  const scannedTo = await scanForMissing(sweep);
  const onLeader = bothWays || followerTotal !== seenOnLeader ? await refreshedLeaderCount(sweep, seenOnLeader) : seenOnLeader;
  // Fewer documents than the leader: the follower lacks some, which only a comparison both ways finds.
  if (onLeader > followerTotal) sweep.bothWays = true;
  const compared = sweep.bothWays || onLeader < followerTotal;
  const { dead, outsideSettled } = compared ? await compareRegions(sweep, followerTotal, followerMax, foreignRange) : { dead: [], outsideSettled: false };
  const resolved = await resolve(sweep);
  return {
    ...resolved, foreignRange, deadRepairs: dead, scannedTo,
    // Equal counts, or every region compared and every document outside them examined: all that differed
    // at or below the checkpoint is settled, save documents the leader changed above it since
    // (`unresolved`), which the checkpoint promises nothing about (core/follow/replication-lag.ts).
    complete: !compared || outsideSettled,
    // Only a sweep that compared every region and settled all it found lets the regions merge.
    verified: compared && outsideSettled && resolved.unresolved === 0,
  };
}

/**
 * Counts only mean something once every leader operation up to the checkpoint is searchable; after a
 * restart or a bootstrap no refresh may have happened since, so one is made before looking closer, unless
 * the scheduler knows the copy read to show them (then the first count stands, and a sweep forces no
 * refresh on the leader).
 */
async function refreshedLeaderCount(sweep: Sweep, firstCount: number): Promise<number> {
  const { input, leader } = sweep;
  if (input.checkpointSearchable) return firstCount;
  const leaderRefresh = await call(input.leader, "leader", { method: "POST", path: `/${encodeURIComponent(input.leaderIndex)}/_refresh` });
  requireRefreshed(leaderRefresh._shards, `leader refresh of [${input.leaderIndex}]`);
  return leader.count(seqRange(0, input.checkpoint));
}

/**
 * Counts cannot see a follower that lacks one document and keeps one the leader deleted: both sides count
 * the same. So each sweep also takes the next `scanSize` leader documents at or below the checkpoint and
 * looks their ids up on the follower; a rolling check whose cost per sweep is fixed, and which goes round
 * the whole shard in (documents / scanSize) sweeps.
 */
async function scanForMissing(sweep: Sweep): Promise<number> {
  const { input, leader, follower } = sweep;
  if (input.scanAfter >= input.checkpoint) return -1;
  const page = await leader.search({ range: { _seq_no: { gt: input.scanAfter, lte: input.checkpoint } } }, input.scanSize, "asc");
  if (page.hits.length === 0) return -1;
  const present = await follower.search({ ids: { values: page.hits.map((h) => h._id as string) } }, page.hits.length);
  const onFollower = new Set(present.hits.map((h) => h._id as string));
  for (const h of page.hits) if (!onFollower.has(h._id)) sweep.missing.set(h._id, h._routing);
  return page.hits.length < input.scanSize ? -1 : (page.hits.at(-1)._seq_no as number);
}

/** Counts every region on both sides and bisects where they differ; looks for live documents outside
 * every region. */
async function compareRegions(
  sweep: Sweep, followerTotal: number, followerMax: number, foreignRange: DeleteSweepResult["foreignRange"],
): Promise<{ dead: number[]; outsideSettled: boolean }> {
  const { input, follower, leader, bothWays } = sweep;
  const repairs = input.regions.filter(isRepairRegion);
  let inRegions = 0;
  for (const region of input.regions) {
    if (isRepairRegion(region)) continue;
    const [fc, lc] = await Promise.all([
      follower.count(followerRange(region.followerFrom, region.followerTo, sweep.excludedFollower)),
      leader.count(leaderRange(region.leaderFrom, region.leaderTo, sweep.excluded)),
    ]);
    inRegions += fc;
    if (fc > lc || (bothWays && fc < lc)) {
      if (region.kind === "reverse") await compareUnordered(sweep, region);
      else await bisect(sweep, region, region.followerFrom, region.followerTo, region.leaderFrom, region.leaderTo, fc, lc);
    }
  }
  const { live, dead } = await checkRepairs(sweep, repairs);
  inRegions += live;
  const outsideCount = followerTotal - inRegions;
  let outsideFound = 0;
  // Live documents outside every region: left by a batch cut short before it was recorded, or foreign.
  // Looked for hole by hole, a bounded number of ranges per query (`max_clause_count`).
  const holes = outsideCount > 0 ? uncovered(input.regions, followerMax) : [];
  for (let i = 0; i < holes.length && outsideFound < Math.min(outsideCount, 10_000); i += HOLES_PER_QUERY) {
    const outside = await follower.search({
      bool: { should: holes.slice(i, i + HOLES_PER_QUERY).map(([from, to]) => seqRange(from, to)), minimum_should_match: 1 },
    }, Math.min(outsideCount, 10_000) - outsideFound);
    outsideFound += outside.hits.length;
    for (const h of outside.hits) {
      sweep.extra.push({ id: h._id, routing: h._routing, version: h._version, foreign: foreignRange !== undefined && h._seq_no >= foreignRange.from });
    }
  }
  return { dead, outsideSettled: outsideFound === Math.max(0, outsideCount) };
}

/**
 * Repair regions in batches of terms queries rather than two counts each: which repaired documents are
 * still live on each side. Live on one side only is a difference like any other; dead on both, the
 * region can go.
 */
async function checkRepairs(sweep: Sweep, repairs: SweepRegion[]): Promise<{ live: number; dead: number[] }> {
  const { follower, leader } = sweep;
  let live = 0;
  const dead: number[] = [];
  const perQuery = Math.min(sweep.excluded.termsPerQuery, sweep.excludedFollower.termsPerQuery);
  for (let i = 0; i < repairs.length; i += perQuery) {
    const chunk = repairs.slice(i, i + perQuery);
    const [f, l] = await Promise.all([
      follower.search({ terms: { _seq_no: chunk.map((r) => r.followerFrom) } }, chunk.length),
      leader.search({ terms: { _seq_no: chunk.map((r) => r.leaderTo) } }, chunk.length),
    ]);
    const onFollower = new Map(f.hits.map((h) => [h._seq_no as number, h]));
    const onLeader = new Map(l.hits.map((h) => [h._seq_no as number, h]));
    live += onFollower.size;
    for (const r of chunk) {
      const fh = onFollower.get(r.followerFrom);
      const lh = onLeader.get(r.leaderTo);
      if (!fh && !lh) dead.push(r.followerFrom);
      else if (fh && !lh) sweep.extra.push({ id: fh._id, routing: fh._routing, version: fh._version, foreign: false });
      else if (!fh && lh && sweep.bothWays) sweep.missing.set(lh._id, lh._routing);
    }
  }
  return { live, dead };
}

/** Ids per page of an unordered comparison: one search and one ids query each. */
const UNORDERED_PAGE = 5_000;

/**
 * A reverse region (core/failover/promote.ts) holds the same documents on both sides, but in orders that have
 * nothing to do with each other: no bisection maps one onto the other. Its ids are compared page by page
 * instead, which costs a pass over the region whenever its counts differ.
 */
async function compareUnordered(sweep: Sweep, region: SweepRegion): Promise<void> {
  const pass = async (from: ShardView, to: ShardView, fromRange: (after: number) => Query, toRange: Query, found: (hit: any) => void) => {
    for (let after = -Infinity; ;) {
      const page = await from.search(fromRange(after), UNORDERED_PAGE, "asc");
      if (page.hits.length === 0) return;
      const ids = page.hits.map((h) => h._id as string);
      const present = await to.search({ bool: { filter: [toRange, { ids: { values: ids } }] } }, ids.length);
      const there = new Set(present.hits.map((h) => h._id as string));
      for (const hit of page.hits) if (!there.has(hit._id)) found(hit);
      if (page.hits.length < UNORDERED_PAGE) return;
      after = page.hits.at(-1)._seq_no as number;
    }
  };
  const followerFrom = (after: number) => followerRange(Math.max(region.followerFrom, after + 1), region.followerTo, sweep.excludedFollower);
  const leaderFrom = (after: number) => leaderRange(Math.max(region.leaderFrom, after), region.leaderTo, sweep.excluded);
  await pass(sweep.follower, sweep.leader, followerFrom, leaderRange(region.leaderFrom, region.leaderTo, sweep.excluded),
    (hit) => sweep.extra.push({ id: hit._id, routing: hit._routing, version: hit._version, foreign: false }));
  if (sweep.bothWays) {
    await pass(sweep.leader, sweep.follower, leaderFrom, followerRange(region.followerFrom, region.followerTo, sweep.excludedFollower),
      (hit) => sweep.missing.set(hit._id, hit._routing));
  }
}

async function bisect(
  sweep: Sweep, region: SweepRegion, fFrom: number, fTo: number, lFrom: number, lTo: number, fc: number, lc: number,
): Promise<void> {
  const { follower, leader, input, excluded, excludedFollower } = sweep;
  if (Math.max(fc, lc) <= input.leafSize || fTo - fFrom < 2) {
    const [f, l] = await Promise.all([
      follower.search(followerRange(fFrom, fTo, excludedFollower), Math.min(Math.max(fc, 1), 10_000)),
      leader.search(leaderRange(lFrom, lTo, excluded), Math.min(Math.max(lc, 1), 10_000)),
    ]);
    const onLeader = new Set(l.hits.map((h) => h._id as string));
    const onFollower = new Set(f.hits.map((h) => h._id as string));
    for (const hit of f.hits) {
      if (!onLeader.has(hit._id)) sweep.extra.push({ id: hit._id, routing: hit._routing, version: hit._version, foreign: false });
    }
    if (sweep.bothWays) for (const hit of l.hits) if (!onFollower.has(hit._id)) sweep.missing.set(hit._id, hit._routing);
    return;
  }
  const fMid = Math.floor((fFrom + fTo) / 2);
  // The last live follower document of the left half tells where the left half ends on the leader.
  const left = await follower.search(followerRange(fFrom, fMid, excludedFollower), 1);
  const last = left.hits[0];
  const mapped = last ? (region.kind === "restore" ? (last._seq_no as number) : leaderSeqNoOf(last._version as number, sweep.input.versionOffset)) : lFrom;
  // A repaired document may carry a higher version than its leader operation: stay inside the region.
  const lMid = Math.min(lTo, Math.max(lFrom, mapped));
  const lcLeft = lMid > lFrom ? await leader.count(leaderRange(lFrom, lMid, excluded)) : 0;
  const fcRight = fc - left.total;
  const lcRight = lc - lcLeft;
  const differs = (f: number, l: number) => f > l || (sweep.bothWays && f < l);
  if (differs(left.total, lcLeft)) await bisect(sweep, region, fFrom, fMid, lFrom, lMid, left.total, lcLeft);
  if (differs(fcRight, lcRight)) await bisect(sweep, region, fMid + 1, fTo, lMid, lTo, fcRight, lcRight);
}

interface LeaderDoc {
  _id: string;
  found: boolean;
  _seq_no?: number;
  _version?: number;
  _routing?: string;
  /** Raw JSON bytes, as the leader stored them. */
  _source?: Buffer;
}

type Resolved = Omit<DeleteSweepResult, "foreignRange" | "deadRepairs" | "verified" | "complete" | "scannedTo">;

/** A document to settle: a follower copy the comparison found extra, or a leader document it found missing. */
interface Wanted {
  id: string;
  routing: string | undefined;
  extra?: Candidate;
}

/** Deletes what the leader no longer has, rewrites what someone changed on the follower: `_mget` by
 * `pageSize` documents and `_bulk` by `bulkMaxBytes`, the copy path's bounds, however large the backlog. */
async function resolve(sweep: Sweep): Promise<Resolved> {
  const { input } = sweep;
  const result: Resolved = { deleted: 0, ownSeqNos: [], repairs: [], foreignRepaired: 0, unresolved: 0 };
  if (sweep.extra.length === 0 && sweep.missing.size === 0) return result;
  // The leader's max sequence number read before the GETs: a re-creation after it gets a higher one.
  const stats = (await shardCheckpoints(input.leader, "leader", [input.leaderIndex])).get(input.leaderIndex);
  const maxSeqNo = stats?.shards[input.shard]?.maxSeqNo;
  if (maxSeqNo === undefined) throw engineErrors.transient(`leader shard [${input.leaderIndex}][${input.shard}] has no active primary`);

  // A foreign overwrite shows twice: as an extra copy outside its region and as a gap inside it.
  for (const c of sweep.extra) sweep.missing.delete(c.id);
  const wanted: Wanted[] = [
    ...sweep.extra.map((c) => ({ id: c.id, routing: c.routing, extra: c })),
    ...[...sweep.missing].map(([id, routing]) => ({ id, routing })),
  ];
  for (let i = 0; i < wanted.length; i += input.pageSize) {
    await resolveBatch(input, wanted.slice(i, i + input.pageSize), maxSeqNo, result);
  }
  return result;
}

async function resolveBatch(input: DeleteSweepInput, wanted: Wanted[], maxSeqNo: number, result: Resolved): Promise<void> {
  const docs = await leaderDocs(input, wanted);
  const lines: BulkLine[] = [];
  const kinds: Array<"delete" | "repair"> = [];
  const repairedFrom: number[] = [];
  const foreign: boolean[] = [];
  wanted.forEach(({ extra: c }, i) => {
    const doc = docs[i]!;
    if (!c) {
      if (!doc.found || doc._seq_no! > input.checkpoint) return;
      lines.push(repairLine(input.followerIndex, doc, leaderVersion(doc._seq_no!, input.versionOffset)));
      kinds.push("repair");
      repairedFrom.push(doc._seq_no!);
      foreign.push(true);
    } else if (!doc.found) {
      // The follower copy may carry a foreign, higher version: the delete must still win.
      lines.push(versionedDeleteLine(input.followerIndex, c.id, c.routing, Math.max(maxSeqNo, leaderSeqNoOf(c.version, input.versionOffset)), input.versionOffset));
      kinds.push("delete");
      repairedFrom.push(-1);
      foreign.push(c.foreign);
    } else if (c.version === leaderVersion(doc._seq_no!, input.versionOffset) || c.version === doc._version) {
      // The follower holds exactly the leader's state (written by ferry, or restored): nothing to repair.
    } else if (doc._seq_no! <= input.checkpoint) {
      // The leader's copy is older than the checkpoint, so the follower should hold it: someone overwrote it.
      lines.push(repairLine(input.followerIndex, doc, Math.max(leaderVersion(doc._seq_no!, input.versionOffset), c.version)));
      kinds.push("repair");
      repairedFrom.push(doc._seq_no!);
      foreign.push(true);
    } else {
      result.unresolved++;
    }
  });
  if (lines.length === 0) return;
  const { items, unresolved } = await writeRepairs(input, lines);
  result.unresolved += unresolved;
  items.forEach((item, i) => {
    const seqNo = item._seq_no;
    if (kinds[i] === "delete") {
      if (seqNo !== undefined && seqNo >= 0) result.ownSeqNos.push(seqNo);
      if (item.result === "deleted") foreign[i] ? result.foreignRepaired++ : result.deleted++;
    } else if (seqNo !== undefined && seqNo >= 0) {
      result.repairs.push({ followerSeqNo: seqNo, leaderSeqNo: repairedFrom[i]! });
      result.foreignRepaired++;
    }
  });
}

/** The leader's current state of each wanted document, in order, by one real-time `_mget`. */
async function leaderDocs(input: DeleteSweepInput, wanted: Wanted[]): Promise<LeaderDoc[]> {
  // Read as bytes so that a repair writes the leader's _source bytes (core/clusters/raw-source.ts).
  const bytes = await callBytes(input.leader, "leader", {
    method: "POST", path: `/${encodeURIComponent(input.leaderIndex)}/_mget`, querystring: { realtime: true },
    body: { docs: wanted.map((d) => ({ _id: d.id, ...(d.routing !== undefined ? { routing: d.routing } : {}) })) },
  });
  const sources = pickRaw(bytes, { docs: [{ _source: true }] }).docs ?? [];
  return (JSON.parse(bytes.toString("utf8")).docs as Array<LeaderDoc & { error?: { type?: string; reason?: string } }>).map((doc, i) => {
    // A shard that could not answer is no proof that the document is gone.
    if (doc.error) throw engineErrors.transient(`leader could not get [${input.leaderIndex}][${doc._id}]: ${doc.error.type}: ${doc.error.reason}`);
    return { ...doc, _source: sources[i]?._source };
  });
}

function repairLine(followerIndex: string, doc: LeaderDoc, version: number): BulkLine {
  return indexLine(followerIndex, doc._id, doc._routing, version, doc._source!);
}

async function bulkItems(input: DeleteSweepInput, lines: BulkLine[]): Promise<BulkItem[]> {
  const items: BulkItem[] = [];
  // Items come back in the order of their lines, body after body.
  for (const body of bulkBodies(lines, input.bulkMaxBytes)) {
    requireLease(input);
    items.push(...(await writeBulk(input.follower, body, { result: true })));
  }
  return items;
}

/**
 * Writes a sweep's deletes and repairs. A foreign delete leaves a tombstone with a version above ferry's
 * (for `index.gc_deletes`), so a repair can meet a conflict. It is written again at the version the
 * follower reports, but only with the leader's content read again now: that version may stand for
 * content newer than what the sweep read, and older content must never go under it (every later
 * comparison of versions would find nothing to repair). A document the leader changed past the
 * checkpoint, or deleted, meanwhile is left to the next cycle and sweep, and counted unresolved.
 */
export async function writeRepairs(input: DeleteSweepInput, lines: BulkLine[]): Promise<{ items: BulkItem[]; unresolved: number }> {
  const items = await bulkItems(input, lines);
  const conflicts = items.flatMap((item, at) => {
    const current = item.status === 409 ? /current version \[(\d+)\]/.exec(item.error?.reason ?? "")?.[1] : undefined;
    if (current === undefined || !lines[at]!.action.startsWith('{"index"')) return [];
    const { index: action } = JSON.parse(lines[at]!.action) as { index: { _id: string; routing?: string } };
    return [{ at, current: Number(current), id: action._id, routing: action.routing }];
  });
  let unresolved = 0;
  const retried: Array<{ at: number; line: BulkLine }> = [];
  for (let i = 0; i < conflicts.length; i += input.pageSize) {
    const batch = conflicts.slice(i, i + input.pageSize);
    const docs = await leaderDocs(input, batch);
    batch.forEach((c, k) => {
      const doc = docs[k]!;
      if (!doc.found || doc._seq_no! > input.checkpoint) unresolved++;
      else retried.push({ at: c.at, line: repairLine(input.followerIndex, doc, Math.max(c.current, leaderVersion(doc._seq_no!, input.versionOffset))) });
    });
  }
  if (retried.length > 0) {
    const again = await bulkItems(input, retried.map((r) => r.line));
    retried.forEach((r, k) => (items[r.at] = again[k]!));
  }
  for (const item of items) {
    if (item.status >= 300 && item.status !== 404 && item.status !== 409) {
      throw engineErrors.transient(`follower refused a reconciling write with ${item.status}: ${item.error?.type}: ${item.error?.reason}`);
    }
  }
  return { items, unresolved };
}

export default function deleteSweepTask({ input, cancel }: TaskEnvelope<DeleteSweepInput>): Promise<TaskOutcome<DeleteSweepResult>> {
  return asOutcome("delete sweep", cancel, () => sweepShard(input));
}
