// What every pool task is about: one leader shard and its follower shard, and how to reach both clusters.
import type { ClusterConnection } from "../core/clusters/connection.ts";

export interface ShardTarget {
  leader: ClusterConnection;
  follower: ClusterConnection;
  leaderIndex: string;
  followerIndex: string;
  shard: number;
}
