import { describe, expect, it } from "vitest";
import { filterPath } from "./filter-path.ts";

const body = {
  status: "SYNCING",
  syncing_details: { leader_checkpoint: 5, follower_checkpoint: 4, seq_no: 5 },
  shard_replication_details: [{ shard_id: "[f][0]", syncing_task_details: { seq_no: 2 } }, { shard_id: "[f][1]" }],
};

describe("filterPath", () => {
  it.each([
    ["status", { status: "SYNCING" }],
    ["syncing_details.leader_checkpoint,status", { status: "SYNCING", syncing_details: { leader_checkpoint: 5 } }],
    ["syncing_details.*_checkpoint", { syncing_details: { leader_checkpoint: 5, follower_checkpoint: 4 } }],
    ["shard_replication_details.shard_id", { shard_replication_details: [{ shard_id: "[f][0]" }, { shard_id: "[f][1]" }] }],
    ["**.seq_no", { syncing_details: { seq_no: 5 }, shard_replication_details: [{ syncing_task_details: { seq_no: 2 } }] }],
    ["nothing", {}],
    ["", body],
  ])("%s", (filter, expected) => {
    expect(filterPath(body, filter)).toEqual(expected);
  });
});
