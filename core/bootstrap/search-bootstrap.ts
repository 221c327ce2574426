// Bootstrap without a snapshot, for a follower that cannot restore the leader's snapshots (another engine,
// an older version: core/clusters/engine.ts), for ferry without a snapshot repository, or when
// `ferry.bootstrap.search_copy` asks for it. The follower index is created empty from the leader's
// metadata and every shard follows from -1: the first cycles copy the leader's live documents in
// `_seq_no` order, up to the global checkpoint read before each refresh, with the version each sequence
// number gives. A leader that keeps writing meanwhile is copied consistently by the same argument as any
// cycle (design: replication.md), and deletes during the copy are settled by the sweep, as after a restore.
import { call } from "../clusters/client.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { snapshotReadable, type ClusterEngine } from "../clusters/engine.ts";
import type { IndexMetadata } from "../clusters/index-metadata.ts";
import { withoutUnknownSettings } from "../clusters/unknown-settings.ts";
import { copiedSettings } from "../follow/metadata-sync.ts";

export type BootstrapChoice = "snapshot" | "search";

/** How a new follower gets its first copy. */
export function chooseBootstrap(leader: ClusterEngine, follower: ClusterEngine, repositoryConfigured: boolean, searchCopySetting: number): BootstrapChoice {
  return repositoryConfigured && searchCopySetting === 0 && snapshotReadable(leader, follower) ? "snapshot" : "search";
}

/** Settings fixed when an index is created that decide which shard a document lives on: they must be the
 * leader's, because each follower shard follows the leader shard of the same number. */
function layoutSettings(leader: IndexMetadata): Record<string, unknown> {
  const partition = leader.settings["index.routing_partition_size"];
  return {
    "index.number_of_shards": leader.numberOfShards,
    "index.number_of_routing_shards": leader.routingNumShards,
    ...(partition !== undefined ? { "index.routing_partition_size": partition } : {}),
  };
}

/**
 * Creates the follower index with the leader's shard layout, settings (less those it cannot take, which
 * are returned) and mapping. Aliases follow with the first metadata sync.
 */
export async function createFollowerIndex(
  follower: ClusterConnection, leader: IndexMetadata, followerIndex: string, overrides: Record<string, unknown>,
): Promise<string[]> {
  const path = `/${encodeURIComponent(followerIndex)}`;
  const settings = { ...copiedSettings(leader.settings, overrides), ...layoutSettings(leader) };
  return withoutUnknownSettings(settings, (s) => call(follower, "follower", {
    method: "PUT", path, querystring: { wait_for_active_shards: 1 }, body: { settings: s, mappings: leader.mappings },
  }));
}
