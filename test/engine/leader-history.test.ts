// A snapshot restored over the closed leader index keeps the index's UUID but gives each shard a new
// history (a new history UUID) whose sequence numbers go back to where the snapshot was taken. Leader
// writes after that take sequence numbers ferry's checkpoints already passed: following would never copy
// them while `_status` said SYNCING. ferry must notice the new history and stop with a reason instead.
import { afterAll, describe, expect, it } from "vitest";
import { bulk, documents, mismatches, os, type Op } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower, repoPath } = testbed();
const core = useCore();
const LEADER = "history-l";
const FOLLOWER = "history-f";
const REPO = "history-test-repo";

const docs = (from: number, to: number, tag: string): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `h${from + k}`, source: { n: from + k, tag } }));

afterAll(async () => {
  await core().replications.stop(FOLLOWER).catch(() => undefined);
  await os(leader, "DELETE", `/_snapshot/${REPO}/before`).catch(() => undefined);
  await os(leader, "DELETE", `/_snapshot/${REPO}`).catch(() => undefined);
  await os(leader, "DELETE", `/${LEADER}`);
  await os(follower, "DELETE", `/${FOLLOWER}`);
});

describe("leader history", () => {
  it("a snapshot restored over the leader index fails the replication with a reason instead of skipping writes", async () => {
    await os(leader, "PUT", `/${LEADER}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, LEADER, docs(0, 300, "first"));
    await core().replications.start(FOLLOWER, { leader_alias: LEADER_ALIAS, leader_index: LEADER }, { waitForRestore: true });

    await os(leader, "PUT", `/_snapshot/${REPO}`, { type: "fs", settings: { location: `${repoPath}/${REPO}` } });
    await os(leader, "PUT", `/_snapshot/${REPO}/before?wait_for_completion=true`, { indices: LEADER, include_global_state: false });
    // Writes after the snapshot move ferry's checkpoints past where the restore will take the leader back.
    await bulk(leader, LEADER, docs(0, 300, "second"));
    await until("the second writes followed", async () =>
      mismatches(await documents(leader, LEADER), await documents(follower, FOLLOWER)).stale === 0);

    await os(leader, "POST", `/${LEADER}/_close`);
    await os(leader, "POST", `/_snapshot/${REPO}/before/_restore?wait_for_completion=true`, { indices: LEADER });
    await bulk(leader, LEADER, docs(0, 100, "after-restore"));

    // Without the check, the follower kept 300 documents of "second" while the leader has 100 of
    // "after-restore" and 200 of "first", and the status stayed SYNCING.
    await until("the replication fails", async () => (await core().replications.status(FOLLOWER, false) as any).status === "FAILED", 60_000)
      .catch(async (err) => {
        const diff = mismatches(await documents(leader, LEADER), await documents(follower, FOLLOWER));
        throw new Error(`${(err as Error).message}; status ${JSON.stringify(await core().replications.status(FOLLOWER, false))}; ${diff.stale} of ${diff.compared} follower documents differ`);
      });
    const status = await core().replications.status(FOLLOWER, false) as any;
    // Both signs, on OpenSearch and Elasticsearch alike: the shard's history UUID changed (shard stats'
    // commit.user_data.history_uuid), and its max sequence number went below ferry's checkpoint.
    expect(status.reason).toMatch(/leader index \[history-l\] shard \d has a new history \(history uuid \S+ → \S+, max sequence number \d+ below ferry's checkpoint \d+\)/);
    expect(status.reason).toMatch(/stop the replication, delete follower index \[history-f\] and start it again/);
  });
});
