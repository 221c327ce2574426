import { describe, expect, it } from "vitest";
import { bulk, os } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

async function startFollowing(name: string): Promise<void> {
  await os(leader, "PUT", `/${name}-l`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(leader, `${name}-l`, [{ op: "index", id: "1", source: { a: 1 } }]);
  await core().replications.start(`${name}-f`, { leader_alias: LEADER_ALIAS, leader_index: `${name}-l` }, { waitForRestore: true });
}

async function waitForFailure(index: string): Promise<any> {
  const deadline = Date.now() + 15_000;
  let status: any = await core().replications.status(index, false);
  while (status.status !== "FAILED" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    status = await core().replications.status(index, false);
  }
  return status;
}

describe("a replicated index deleted on either side", () => {
  it("fails the replication with a reason when the leader index is deleted, and stops retrying", async () => {
    await startFollowing("gone-leader");
    await os(leader, "DELETE", "/gone-leader-l");
    const status = await waitForFailure("gone-leader-f");
    expect(status.status).toBe("FAILED");
    expect(status.reason).toBe("leader index [gone-leader-l] no longer exists; the follower keeps its data, stop the replication to write to it");
    // Nothing runs for it any more; the data stays and stop makes it an ordinary index.
    await core().replications.stop("gone-leader-f");
    expect((await os(follower, "GET", "/gone-leader-f/_count")).count).toBe(1);
  });

  it("fails the replication with a reason when the leader index is re-created under the same name", async () => {
    await startFollowing("reborn-leader");
    // Paused, ferry cannot see the moment the index is missing: it only sees another index afterwards.
    await core().replications.pause("reborn-leader-f");
    await os(leader, "DELETE", "/reborn-leader-l");
    await os(leader, "PUT", "/reborn-leader-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await core().replications.resume("reborn-leader-f");
    const status = await waitForFailure("reborn-leader-f");
    expect(status.reason).toMatch(/was deleted and re-created/);
  });

  it("ends the replication with a reason when the follower index is deleted by hand", async () => {
    await startFollowing("gone-follower");
    await os(follower, "DELETE", "/gone-follower-f");
    await bulk(leader, "gone-follower-l", [{ op: "index", id: "2", source: { a: 2 } }]);
    const status = await waitForFailure("gone-follower-f");
    expect(status.reason).toBe("follower index [gone-follower-f] was deleted; replication ended");
    // The write that followed did not bring the index back through auto-creation.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await os(follower, "GET", "/gone-follower-f")).toMatchObject({ status: 404 });
  });
});
