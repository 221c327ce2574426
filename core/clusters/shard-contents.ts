// Whether a follower shard holds exactly its leader shard's documents: every leader document, by id, in
// the state of its last leader operation. A promote's final check: equal counts cannot see a document that
// someone overwrote on the follower, nor one the follower lacks beside one it should not have.
//
// Versions tell most documents apart without their content: ferry writes leader `_seq_no` + 1 (+ offset)
// as the follower version (bulk-body.ts), and a restored document keeps the leader's `_seq_no` and
// `_version`. A document where neither holds (a repair that had to beat a foreign version, a fail-back's
// starting point) is compared by `_source` and routing.
import { leaderVersion } from "./bulk-body.ts";
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { requireAllShards } from "./shard-failures.ts";

export interface ShardSide {
  conn: ClusterConnection;
  side: string;
  index: string;
}

interface Hit {
  _id: string;
  _routing?: string;
  _seq_no: number;
  _version: number;
}

async function search(s: ShardSide, shard: number, body: Record<string, unknown>): Promise<Hit[]> {
  const res = await call(s.conn, s.side, {
    method: "POST", path: `/${encodeURIComponent(s.index)}/_search`,
    querystring: { preference: `_shards:${shard}`, filter_path: "_shards,hits.hits._id,hits.hits._routing,hits.hits._seq_no,hits.hits._version" },
    body: { ...body, _source: false, version: true, seq_no_primary_term: true, track_total_hits: false },
  });
  requireAllShards(res?._shards, `${s.side} search of [${s.index}] shard ${shard}`);
  return (res?.hits?.hits ?? []) as Hit[];
}

/** JSON with object keys sorted: the write guard's ingest pipeline re-serialises `_source` (bulk-body.ts),
 * and the order of keys carries no meaning. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v);
}

/** Routing and `_source` of each id, as stored, in a form two clusters' answers compare by. */
async function stored(s: ShardSide, docs: Array<{ id: string; routing: string | undefined }>): Promise<Array<string | undefined>> {
  const res = await call(s.conn, s.side, {
    method: "POST", path: `/${encodeURIComponent(s.index)}/_mget`, querystring: { realtime: true },
    body: { docs: docs.map((d) => ({ _id: d.id, ...(d.routing !== undefined ? { routing: d.routing } : {}) })) },
  });
  return (res.docs as Array<{ found?: boolean; _routing?: string; _source?: unknown }>).map((d) => (d.found ? canonical([d._routing ?? null, d._source]) : undefined));
}

/**
 * Up to `limit` documents of `shard` whose follower state is not the leader's, each as a short
 * description; empty when the shards hold the same documents. Assumes equal live counts (checked before):
 * then every leader document found on the follower also means no follower document is extra.
 */
export async function shardContentDifferences(
  leader: ShardSide, follower: ShardSide, shard: number, versionOffset: number, pageSize: number, limit = 5,
): Promise<string[]> {
  const found: string[] = [];
  for (let after: number | undefined; found.length < limit;) {
    const page = await search(leader, shard, { query: { match_all: {} }, size: pageSize, sort: [{ _seq_no: "asc" }], ...(after !== undefined ? { search_after: [after] } : {}) });
    if (page.length === 0) break;
    const copies = new Map((await search(follower, shard, { query: { ids: { values: page.map((h) => h._id) } }, size: page.length })).map((h) => [h._id, h]));
    const unsure: Hit[] = [];
    for (const l of page) {
      const f = copies.get(l._id);
      if (!f) found.push(`shard ${shard}: [${l._id}] missing on the follower`);
      else if (f._version !== leaderVersion(l._seq_no, versionOffset) && !(f._seq_no === l._seq_no && f._version === l._version)) unsure.push(l);
    }
    if (unsure.length) {
      const wanted = unsure.map((h) => ({ id: h._id, routing: h._routing }));
      const [onLeader, onFollower] = await Promise.all([stored(leader, wanted), stored(follower, wanted)]);
      unsure.forEach((h, i) => {
        if (onLeader[i] !== onFollower[i]) found.push(`shard ${shard}: [${h._id}] differs from the leader's (leader _seq_no ${h._seq_no})`);
      });
    }
    if (page.length < pageSize) break;
    after = page.at(-1)!._seq_no;
  }
  return found.slice(0, limit);
}
