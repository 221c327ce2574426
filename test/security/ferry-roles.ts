// The roles of ferry's users on a secured leader and follower, as secured-replication.test.ts proves them
// sufficient and docs/security.md lists them. The index patterns name the test's indices; a deployment names its
// own leader and follower indices there. The security plugin checks `_mget` and `_bulk` twice: the request
// as a cluster action, then each shard's part (`[shard]`, `[s]`) against the index it touches.
import type { RoleDefinition } from "../testbed/secured.ts";

/** The test's leader and follower indices. */
const INDICES = ["secured-*"];

export const FERRY_LEADER_ROLE: RoleDefinition = {
  cluster_permissions: [
    // `GET /`: which engine and version the cluster runs (core/clusters/engine.ts).
    "cluster:monitor/main",
    // Index metadata, shard routing and checkpoints come from the cluster state.
    "cluster:monitor/state",
    // Bootstrap: a snapshot of the leader index in ferry's repository, deleted once restored.
    "cluster:admin/repository/get",
    "cluster:admin/repository/put",
    "cluster:admin/snapshot/get",
    "cluster:admin/snapshot/create",
    "cluster:admin/snapshot/delete",
    "indices:data/read/mget",
  ],
  index_permissions: [{
    index_patterns: INDICES,
    allowed_actions: [
      // Changes are read as searches by sequence number; `_mget` fetches a document's exact `_source`.
      "indices:data/read/search",
      "indices:data/read/mget[shard]",
      "indices:admin/refresh*",
      "indices:monitor/stats",
      // Metadata that follows the leader: mappings, settings, aliases.
      "indices:admin/mappings/get",
      "indices:monitor/settings/get",
      "indices:admin/aliases/get",
    ],
  }],
};

export const FERRY_FOLLOWER_ROLE: RoleDefinition = {
  cluster_permissions: [
    "cluster:monitor/main",
    "cluster:monitor/state",
    "cluster:monitor/health",
    // Why a restored shard does not start, while bootstrapping.
    "cluster:monitor/allocation/explain",
    "cluster:admin/repository/get",
    "cluster:admin/repository/put",
    "cluster:admin/snapshot/restore",
    // The write guard's pipeline (`ferry.follower.write_guard: 1`).
    "cluster:admin/ingest/pipeline/put",
    "indices:data/read/mget",
    "indices:data/write/bulk",
  ],
  index_permissions: [
    {
      index_patterns: INDICES,
      allowed_actions: [
        // A restore creates the follower index and writes it.
        "indices:admin/create",
        "indices:data/write/index",
        "indices:data/write/delete",
        "indices:data/write/bulk[s]",
        "indices:data/read/search",
        "indices:admin/refresh*",
        "indices:monitor/stats",
        "indices:monitor/settings/get",
        // Restore progress, while bootstrapping.
        "indices:monitor/recovery",
        // Metadata from the leader, the write block and the guard's `index.final_pipeline`.
        "indices:admin/mapping/put",
        "indices:admin/settings/update",
        "indices:admin/aliases/get",
        "indices:admin/aliases",
      ],
    },
    {
      // Which ferry instance follows which index (core/lease/follower-lease.ts).
      index_patterns: [".ferry-leases"],
      allowed_actions: [
        "indices:admin/create",
        // Its documents are mapped dynamically: the first lease puts the mapping.
        "indices:admin/mapping/put",
        "indices:data/read/mget[shard]",
        "indices:data/write/bulk[s]",
        "indices:data/write/index",
        "indices:data/write/delete",
      ],
    },
  ],
};
