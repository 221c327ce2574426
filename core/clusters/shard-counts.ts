// Live documents per shard of one index, after a refresh: a promote compares them shard by shard (a
// restored follower has the leader's shard count and routing, so shard n holds the same ids on both).
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { requireAllShards, requireRefreshed } from "./shard-failures.ts";

export async function shardDocCounts(conn: ClusterConnection, side: string, index: string, shardCount: number): Promise<number[]> {
  const path = `/${encodeURIComponent(index)}`;
  requireRefreshed((await call(conn, side, { method: "POST", path: `${path}/_refresh` }))?._shards, `${side} refresh of [${index}]`);
  return Promise.all(Array.from({ length: shardCount }, async (_, shard) => {
    const res = await call(conn, side, { method: "GET", path: `${path}/_count`, querystring: { preference: `_shards:${shard}` } });
    requireAllShards(res?._shards, `${side} count of [${index}] shard ${shard}`);
    return res.count as number;
  }));
}
