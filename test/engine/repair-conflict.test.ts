// A sweep's repair that meets a version conflict (issue 20, item 6): the follower holds a version above
// the repair's. Written again at that version, the repair's content must be the leader's current one,
// never the older content the sweep read before: older content under a newer version would stay for
// good, since every later comparison of versions finds nothing to repair.
import { afterAll, describe, expect, it } from "vitest";
import { indexLine, leaderVersion } from "../../core/clusters/bulk-body.ts";
import { writeRepairs } from "../../workers/delete-sweep.ts";
import { os } from "../support/documents.ts";
import { testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
const LEADER_INDEX = "repair-conflict-l";
const FOLLOWER_INDEX = "repair-conflict-f";
const conn = (url: string) => ({ hosts: [url], auth: { type: "none" as const }, tls: {} });

afterAll(async () => {
  await os(leader, "DELETE", `/${LEADER_INDEX}`);
  await os(follower, "DELETE", `/${FOLLOWER_INDEX}`);
});

describe("a repair that meets a newer version on the follower", () => {
  it("writes the leader's current content, not the older content it read first", async () => {
    const settings = { settings: { number_of_shards: 1, number_of_replicas: 0 } };
    await os(leader, "PUT", `/${LEADER_INDEX}`, settings);
    await os(follower, "PUT", `/${FOLLOWER_INDEX}`, settings);
    // The leader's document at sequence number 0, then updated at 1.
    await os(leader, "PUT", `/${LEADER_INDEX}/_doc/x?refresh=true`, { v: "old" });
    const updated = await os(leader, "PUT", `/${LEADER_INDEX}/_doc/x?refresh=true`, { v: "new" });
    expect(updated._seq_no).toBe(1);
    // The follower already holds the update, as ferry writes it (version = leader _seq_no + 1).
    await os(follower, "PUT", `/${FOLLOWER_INDEX}/_doc/x?version=${leaderVersion(1, 0)}&version_type=external_gte&refresh=true`, { v: "new" });

    // A repair read before the update: the leader's content at sequence number 0.
    const stale = indexLine(FOLLOWER_INDEX, "x", undefined, leaderVersion(0, 0), Buffer.from(JSON.stringify({ v: "old" })));
    await writeRepairs({
      leader: conn(leader), follower: conn(follower), leaderIndex: LEADER_INDEX, followerIndex: FOLLOWER_INDEX, shard: 0, versionOffset: 0,
      writeWindow: BigInt64Array.of(BigInt(Number.MAX_SAFE_INTEGER)),
      checkpoint: 1, regions: [], leafSize: 16, foreignSuspected: false, scanAfter: -1, scanSize: 16, pageSize: 100, bulkMaxBytes: 1 << 20,
    }, [stale]);

    const copy = await os(follower, "GET", `/${FOLLOWER_INDEX}/_doc/x`);
    expect({ source: copy._source, version: copy._version }).toEqual({ source: { v: "new" }, version: leaderVersion(1, 0) });
  });
});
