// A leader with nothing new is polled less and less often (ferry.leader.idle_poll_max), and the first
// write after the quiet spell still arrives and brings the short interval back.
import { describe, expect, it } from "vitest";
import { bulk, os } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore({ FERRY_SETTINGS: JSON.stringify({ "plugins.replication.follower.poll_interval": 50, "ferry.leader.idle_poll_max": 400 }) });

describe("idle polling", () => {
  it("asks a quiet leader at most every idle_poll_max, and follows the next write", async () => {
    await os(leader, "PUT", "/idle-poll-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "idle-poll-l", [{ op: "index", id: "a", source: { n: 1 } }], true);
    await core().replications.start("idle-poll-f", { leader_alias: LEADER_ALIAS, leader_index: "idle-poll-l" }, { waitForRestore: true });
    await until("the first document", async () => ((await os(follower, "GET", "/idle-poll-f/_doc/a")) as { found?: boolean })?.found === true);
    // Let the follow cycles and the sweeps after them settle.
    await new Promise((r) => setTimeout(r, 3_000));

    let counting = true;
    let polls = 0;
    core().events.on("leader:polled", () => {
      if (counting) polls++;
    });
    await new Promise((r) => setTimeout(r, 4_000));
    counting = false;
    // 80 polls at the fixed 50 ms; quiet, at most one per 400 ms plus the few on the way up.
    expect(polls).toBeLessThanOrEqual(4_000 / 400 + 6);

    await bulk(leader, "idle-poll-l", [{ op: "index", id: "b", source: { n: 2 } }]);
    await until("the write after the quiet spell", async () => ((await os(follower, "GET", "/idle-poll-f/_doc/b")) as { found?: boolean })?.found === true);
    await core().replications.stop("idle-poll-f");
    await os(leader, "DELETE", "/idle-poll-l");
    await os(follower, "DELETE", "/idle-poll-f");
  });
});
