// Per-shard sequence-number state of several indices in one request (`_stats` at shard level).
import type { ClusterConnection } from "./connection.ts";
import { call } from "./client.ts";

export interface ShardCheckpoint {
  globalCheckpoint: number;
  maxSeqNo: number;
}

export interface IndexCheckpoints {
  uuid: string;
  /** Indexed by shard number; taken from the primary copy. */
  shards: ShardCheckpoint[];
}

/** Indices that do not exist are absent from the result. */
export async function shardCheckpoints(conn: ClusterConnection, side: string, indices: string[]): Promise<Map<string, IndexCheckpoints>> {
  const result = new Map<string, IndexCheckpoints>();
  if (indices.length === 0) return result;
  const body = await call(conn, side, {
    method: "GET",
    path: `/${indices.map(encodeURIComponent).join(",")}/_stats/docs`,
    querystring: {
      level: "shards",
      ignore_unavailable: true,
      expand_wildcards: "open,hidden",
      filter_path: "indices.*.uuid,indices.*.shards.*.routing.primary,indices.*.shards.*.seq_no",
    },
  });
  for (const [name, stats] of Object.entries<any>(body?.indices ?? {})) {
    const shards: ShardCheckpoint[] = [];
    for (const [shard, copies] of Object.entries<any[]>(stats.shards ?? {})) {
      const primary = copies.find((c) => c.routing?.primary);
      if (primary) shards[Number(shard)] = { globalCheckpoint: primary.seq_no.global_checkpoint, maxSeqNo: primary.seq_no.max_seq_no };
    }
    result.set(name, { uuid: stats.uuid, shards });
  }
  return result;
}
