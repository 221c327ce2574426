// Per-shard sequence-number state of several indices (`_stats` at shard level), one request per list of
// names that fits a request path.
import type { ClusterConnection } from "./connection.ts";
import { call } from "./client.ts";
import { indexListChunks } from "./index-list.ts";

export interface ShardCheckpoint {
  globalCheckpoint: number;
  maxSeqNo: number;
  /** The shard's history UUID (from its last Lucene commit): a snapshot restore or a forced stale primary
   * starts a new one, whose sequence numbers may go back. Undefined where the cluster does not report it. */
  historyUuid: string | undefined;
  /** External refreshes (those that make documents searchable) of this copy so far; undefined where the
   * cluster does not report them (core/follow/leader-visibility.ts). */
  refreshes: number | undefined;
  /** The id of the node the copy is on. */
  node: string | undefined;
}

export interface IndexCheckpoints {
  uuid: string;
  /** Indexed by shard number; taken from the primary copy. A shard without an active primary is absent. */
  shards: ShardCheckpoint[];
}

/** Open indices only: closed and missing ones are absent from the result (`indexStates` tells which). */
export async function shardCheckpoints(conn: ClusterConnection, side: string, indices: string[]): Promise<Map<string, IndexCheckpoints>> {
  const result = new Map<string, IndexCheckpoints>();
  // Never the stats of every index: a user allowed only the followed indices may not read those (403).
  const answers = await Promise.all(indexListChunks(indices).map((list) => call(conn, side, {
    method: "GET",
    // The refresh metric only: seq_no and commit come with every shard-level answer, and docs would make
    // the leader add up every segment's counts on each poll.
    path: `/${list}/_stats/refresh`,
    querystring: {
      level: "shards",
      ignore_unavailable: true,
      expand_wildcards: "open,hidden",
      filter_path: [
        "indices.*.uuid", "indices.*.shards.*.routing.primary", "indices.*.shards.*.routing.state", "indices.*.shards.*.seq_no",
        "indices.*.shards.*.commit.user_data.history_uuid", "indices.*.shards.*.routing.node", "indices.*.shards.*.refresh.external_total",
      ].join(","),
    },
  })));
  const wanted = new Set(indices);
  for (const [name, stats] of answers.flatMap((body) => Object.entries<any>(body?.indices ?? {}))) {
    if (!wanted.has(name)) continue;
    const shards: ShardCheckpoint[] = [];
    for (const [shard, copies] of Object.entries<any[]>(stats.shards ?? {})) {
      // A relocating primary is still the one that answers searches with `_primary`.
      const primary = copies.find((c) => c.routing?.primary && (c.routing.state === "STARTED" || c.routing.state === "RELOCATING"));
      if (primary?.seq_no) {
        shards[Number(shard)] = {
          globalCheckpoint: primary.seq_no.global_checkpoint, maxSeqNo: primary.seq_no.max_seq_no,
          historyUuid: primary.commit?.user_data?.history_uuid,
          refreshes: primary.refresh?.external_total, node: primary.routing?.node,
        };
      }
    }
    result.set(name, { uuid: stats.uuid, shards });
  }
  return result;
}
