import { describe, expect, it } from "vitest";
import { shapeAnswer } from "./answer-shape.ts";

const plain = { extras: false, verbose: false };

describe("shapeAnswer", () => {
  const status = {
    status: "SYNCING", reason: "User initiated", leader_alias: "l", leader_index: "a", follower_index: "b",
    use_roles: { leader_cluster_role: "all_access", follower_cluster_role: "all_access", leader_credential: "ferry", follower_credential: "ferry" },
    ferry_write_guard: "proxy_only", deletes_replicated: 1, undeclared: true,
    syncing_details: { leader_checkpoint: 1, follower_checkpoint: 1, seq_no: 2 },
    shard_replication_details: [{ shard_id: "[b][0]", syncing_task_details: { leader_checkpoint: 1, follower_checkpoint: 1, seq_no: 2 } }],
  };

  it("keeps the specification's fields and drops ferry's and undeclared ones", () => {
    expect(shapeAnswer(status, "StatusResponse", plain)).toEqual({
      status: "SYNCING", reason: "User initiated", leader_alias: "l", leader_index: "a", follower_index: "b",
      syncing_details: { leader_checkpoint: 1, follower_checkpoint: 1, seq_no: 2 },
    });
  });

  it("adds the plugin's verbose fields with verbose, and everything with ferry_extras", () => {
    expect(shapeAnswer(status, "StatusResponse", { extras: false, verbose: true })).toHaveProperty("shard_replication_details");
    expect(shapeAnswer(status, "StatusResponse", { extras: true, verbose: false })).toBe(status);
  });

  it("shapes array items, allOf members and maps", () => {
    const stats = { num_success_start_replication: 1, num_failed_start_replication: 0, num_failed_leader_calls: 0, failed_indices: [],
      autofollow_stats: [{ name: "r", pattern: "p", leader_alias: "x", blocked_indices: [], num_success_start_replication: 1,
        num_failed_start_replication: 0, num_failed_leader_calls: 0, failed_indices: [], last_execution_time: 5 }] };
    expect((shapeAnswer(stats, "AutoFollowStats", plain) as typeof stats).autofollow_stats[0]).toEqual({
      name: "r", pattern: "p", num_success_start_replication: 1, num_failed_start_replication: 0, num_failed_leader_calls: 0, failed_indices: [], last_execution_time: 5,
    });
    const leader = { num_replicated_indices: 1, operations_read: 3, bytes_read: 9, index_stats: { a: { operations_read: 3, bytes_read: 9, odd: 1 } } };
    expect(shapeAnswer(leader, "LeaderStats", plain)).toEqual({ num_replicated_indices: 1, operations_read: 3, bytes_read: 9, index_stats: { a: { operations_read: 3, bytes_read: 9 } } });
    expect(shapeAnswer({ acknowledged: true, existing_indices: 2 }, "AutoFollowCreated", plain)).toEqual({ acknowledged: true });
  });
});
