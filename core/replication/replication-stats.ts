// The plugin's follower_stats and leader_stats, summed from the counters ferry persists per shard, so that
// both survive a restart and say what the shard tasks did.
import { pluginStatus, type ReplicationState } from "../state-machine.ts";
import type { ReplicationRow, ShardRow } from "../store/replications.ts";
import { reconciled } from "../follow/replication-lag.ts";

/** The plugin's follower_stats from the counters persisted per shard (docs/operations.md, "Stats"). */
export function followerStats(rows: ReplicationRow[], shards: ShardRow[]): Record<string, unknown> {
  const count = (state: ReplicationState) => rows.filter((r) => pluginStatus(r.state as ReplicationState) === state).length;
  const syncing = new Set(rows.filter((r) => r.state === "SYNCING").map((r) => r.followerIndex));
  const indexStats: Record<string, FollowerCounters> = Object.fromEntries(rows.map((r) => [r.followerIndex, followerCounters([])]));
  for (const [index, list] of groupBy(shards, (s) => s.followerIndex)) indexStats[index] = followerCounters(list);
  return {
    num_syncing_indices: count("SYNCING"),
    num_bootstrapping_indices: count("BOOTSTRAPPING"),
    num_paused_indices: count("PAUSED"),
    num_failed_indices: count("FAILED"),
    num_shard_tasks: shards.filter((s) => syncing.has(s.followerIndex)).length,
    num_index_tasks: count("SYNCING") + count("BOOTSTRAPPING"),
    ...followerCounters(shards),
    index_stats: indexStats,
  };
}

/** The plugin answers this on the leader; ferry has no leader-side component, so it reports what its
 * follow cycles read, per leader index of the syncing replications. */
export function leaderStats(all: ReplicationRow[], allShards: ShardRow[]): Record<string, unknown> {
  const rows = all.filter((r) => r.state === "SYNCING");
  const leaderOf = new Map(rows.map((r) => [r.followerIndex, r.leaderIndex]));
  const shards = allShards.filter((s) => leaderOf.has(s.followerIndex));
  const indexStats: Record<string, LeaderCounters> = {};
  // Two replications may follow one leader index: its reads are theirs together.
  for (const [leaderIndex, list] of groupBy(shards, (s) => leaderOf.get(s.followerIndex)!)) indexStats[leaderIndex] = leaderCounters(list);
  for (const row of rows) indexStats[row.leaderIndex] ??= leaderCounters([]);
  return { num_replicated_indices: rows.length, ...leaderCounters(shards), index_stats: indexStats };
}

/** Map.groupBy, which Node 20 lacks. */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const sumOf = (shards: ShardRow[], f: (s: ShardRow) => number) => shards.reduce((acc, s) => acc + f(s), 0);

type FollowerCounters = ReturnType<typeof followerCounters>;
type LeaderCounters = ReturnType<typeof leaderCounters>;

function followerCounters(shards: ShardRow[]) {
  const sum = (f: (s: ShardRow) => number) => sumOf(shards, f);
  return {
    operations_written: sum((s) => s.opsWritten),
    // Every document a cycle read was written or found older than the follower's copy (a conflict).
    operations_read: sum((s) => s.opsWritten + s.conflicts),
    failed_read_requests: sum((s) => s.failedRequests),
    throttled_read_requests: sum((s) => s.throttledReadRequests),
    failed_write_requests: sum((s) => s.failedWriteRequests),
    throttled_write_requests: sum((s) => s.throttledWriteRequests),
    follower_checkpoint: sum(reconciled),
    leader_checkpoint: sum((s) => s.leaderCheckpoint),
    total_write_time_millis: sum((s) => s.writeTimeMs),
  };
}

function leaderCounters(shards: ShardRow[]) {
  const sum = (f: (s: ShardRow) => number) => sumOf(shards, f);
  const read = sum((s) => s.opsWritten + s.conflicts);
  return {
    operations_read: read,
    // ferry reads through search, which Lucene answers; it never reads a translog.
    operations_read_lucene: read,
    operations_read_translog: 0,
    total_read_time_lucene_millis: sum((s) => s.readTimeMs),
    total_read_time_translog_millis: 0,
    bytes_read: sum((s) => s.bytesRead),
  };
}
