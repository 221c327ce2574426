// What `follower_checkpoint` promises: the follower holds the leader's current state of every document
// whose last leader operation is at or below it, and none the leader deleted at or below it. It must move
// under a leader that updates a few documents without pause (each sweep then meets documents updated since
// its checkpoint, which are above that promise), must not claim what a sweep has not settled, and a
// promote must find a follower document that differs from the leader's even at equal counts.
import { describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

const docs = (prefix: string, count: number, source: Record<string, unknown> = {}): Op[] =>
  Array.from({ length: count }, (_, i) => ({ op: "index", id: `${prefix}${i}`, source: { i, ...source } }));

async function checkpoints(index: string): Promise<{ leader: number; follower: number }> {
  const status = (await core().replications.status(index, false)) as any;
  return { leader: status.syncing_details.leader_checkpoint, follower: status.syncing_details.follower_checkpoint };
}

describe("the reconciled checkpoint", () => {
  it("moves while the leader updates two documents without pause, and then reaches the leader's", async () => {
    await os(leader, "PUT", "/recon-hot-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "recon-hot-l", docs("d", 20_000));
    await core().replications.start("recon-hot-f", { leader_alias: LEADER_ALIAS, leader_index: "recon-hot-l" }, { waitForRestore: true });
    expect(await converge(leader, follower, "recon-hot-l", "recon-hot-f", 60_000)).toEqual([]);

    // Two writers, each updating the same two documents back to back: every sweep meets them updated
    // above the checkpoint it compares at.
    let writing = true;
    let updates = 0;
    const writer = async () => {
      while (writing) {
        await bulk(leader, "recon-hot-l", docs("d", 2, { at: ++updates }));
      }
    };
    const writers = [writer(), writer()];
    let longestStill = 0;
    try {
      await until("a few thousand updates", async () => updates * 2 >= 2_000, 120_000, 100);
      const before = await checkpoints("recon-hot-f");
      let last = before.follower;
      let since = Date.now();
      // Still under load: the reported checkpoint must pass what the leader had when we looked.
      await until("follower_checkpoint past the leader's earlier checkpoint while updates go on", async () => {
        const now = await checkpoints("recon-hot-f");
        if (now.follower !== last) {
          last = now.follower;
          since = Date.now();
        }
        longestStill = Math.max(longestStill, Date.now() - since);
        return now.follower > before.leader;
      }, 60_000, 250);
      expect(writing).toBe(true);
    } finally {
      writing = false;
      await Promise.all(writers);
      process.stdout.write(`hot set: ${updates * 2} updates, follower_checkpoint stood still at most ${longestStill} ms\n`);
    }
    expect(await converge(leader, follower, "recon-hot-l", "recon-hot-f", 60_000)).toEqual([]);
    await until("follower_checkpoint at the leader's", async () => {
      const now = await checkpoints("recon-hot-f");
      return now.follower === now.leader;
    }, 60_000, 250);
    await core().replications.stop("recon-hot-f");
    await os(leader, "DELETE", "/recon-hot-l");
    await os(follower, "DELETE", "/recon-hot-f");
  });

  it("does not move past a sweep that left foreign documents unexamined", async () => {
    await os(leader, "PUT", "/recon-extra-l", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, "recon-extra-l", docs("d", 500));
    await core().replications.start("recon-extra-f", { leader_alias: LEADER_ALIAS, leader_index: "recon-extra-l" }, { waitForRestore: true });
    expect(await converge(leader, follower, "recon-extra-l", "recon-extra-f", 30_000)).toEqual([]);
    await until("follower_checkpoint at the leader's", async () => {
      const now = await checkpoints("recon-extra-f");
      return now.follower === now.leader;
    }, 60_000, 250);
    const caughtUp = await checkpoints("recon-extra-f");

    // While paused: 100 new leader documents, and 15,000 documents someone else writes on the follower,
    // more than one sweep examines outside every region (10,000).
    await core().replications.pause("recon-extra-f");
    await bulk(leader, "recon-extra-l", docs("n", 100), true);
    await bulk(follower, "recon-extra-f", docs("x", 15_000), true);
    const leaderCount = (await os(leader, "GET", "/recon-extra-l/_count")).count as number;
    await core().replications.resume("recon-extra-f");

    let extraWhileCaughtUp = 0;
    await until("the follower back to the leader's documents, reported caught up", async () => {
      const reported = await checkpoints("recon-extra-f");
      await os(follower, "POST", "/recon-extra-f/_refresh");
      const onFollower = (await os(follower, "GET", "/recon-extra-f/_count")).count as number;
      // The count is read after the status: the follower can only have come closer to the leader since.
      const claimsCaughtUp = reported.leader > caughtUp.leader && reported.follower === reported.leader;
      if (claimsCaughtUp && onFollower !== leaderCount) extraWhileCaughtUp = Math.max(extraWhileCaughtUp, onFollower - leaderCount);
      return claimsCaughtUp && onFollower === leaderCount;
    }, 120_000, 100);
    expect(extraWhileCaughtUp, "documents on the follower beyond the leader's while follower_checkpoint said caught up").toBe(0);
    expect(await converge(leader, follower, "recon-extra-l", "recon-extra-f", 30_000)).toEqual([]);
    await core().replications.stop("recon-extra-f");
    await os(leader, "DELETE", "/recon-extra-l");
    await os(follower, "DELETE", "/recon-extra-f");
  });

  it("does not promote a follower whose document someone overwrote at an equal count: the final check compares versions", async () => {
    await os(leader, "PUT", "/recon-promote-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "recon-promote-l", docs("d", 300));
    await core().replications.start("recon-promote-f", { leader_alias: LEADER_ALIAS, leader_index: "recon-promote-l" }, { waitForRestore: true });
    await bulk(leader, "recon-promote-l", docs("n", 100));
    expect(await converge(leader, follower, "recon-promote-l", "recon-promote-f", 30_000)).toEqual([]);
    await until("follower_checkpoint at the leader's", async () => {
      const now = await checkpoints("recon-promote-f");
      return now.follower === now.leader;
    }, 60_000, 250);

    // Written on the follower directly, right before the promote: same ids, so the counts stay equal.
    await bulk(follower, "recon-promote-f", [{ op: "index", id: "d7", source: { foreign: true } }, { op: "index", id: "n3", source: { foreign: true } }], true);
    await core().replications.promote("recon-promote-f", {});
    expect(await converge(leader, follower, "recon-promote-l", "recon-promote-f", 5_000)).toEqual([]);
    await os(leader, "DELETE", "/recon-promote-l");
    await os(follower, "DELETE", "/recon-promote-f");
  });
});
