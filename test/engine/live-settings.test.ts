// A live setting changes what the running engine does, without a restart: the leader poll interval,
// raised twentyfold, cuts the requests an idle followed index costs the leader.
import { describe, expect, it } from "vitest";
import { requestCounts } from "../../core/clusters/client.ts";
import { os } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader } = testbed();
const core = useCore();

async function leaderRequestsIn(ms: number): Promise<number> {
  const before = requestCounts.get("leader") ?? 0;
  await new Promise((r) => setTimeout(r, ms));
  return (requestCounts.get("leader") ?? 0) - before;
}

describe("live settings in the engine", () => {
  it("a new poll interval applies to the running poller", async () => {
    await os(leader, "PUT", "/live-settings-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await core().replications.start("live-settings-f", { leader_alias: LEADER_ALIAS, leader_index: "live-settings-l" }, { waitForRestore: true });
    await until("syncing", async () => (await core().replications.status("live-settings-f", false)).status === "SYNCING");
    const atDefault = await leaderRequestsIn(6_000);
    core().settings.update({ "plugins.replication.follower.poll_interval": 1_000 });
    await new Promise((r) => setTimeout(r, 1_100));
    const slowed = await leaderRequestsIn(6_000);
    console.log(`leader requests in 6 s: ${atDefault} at 50 ms, ${slowed} at 1,000 ms`);
    // Each tick also waits for its own requests, so under load the default rate falls: half is a safe bound.
    expect(slowed).toBeLessThan(atDefault / 2);
    core().settings.update({ "plugins.replication.follower.poll_interval": null });
    await core().replications.stop("live-settings-f");
  });
});
