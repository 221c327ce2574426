import { describe, expect, it } from "vitest";
import { judgeLeaderHistory } from "./leader-history.ts";

const names = { leaderIndex: "l", followerIndex: "f", shard: 1 };
const shard = (maxSeqNo: number, historyUuid: string | undefined) => ({ globalCheckpoint: maxSeqNo, maxSeqNo, historyUuid, refreshes: undefined, node: undefined });

describe("judgeLeaderHistory", () => {
  it("learns a history UUID first seen, and keeps it while it stays", () => {
    expect(judgeLeaderHistory(names, { recorded: undefined, checkpoint: 10 }, shard(12, "a"))).toEqual({ kind: "learned", historyUuid: "a" });
    expect(judgeLeaderHistory(names, { recorded: "a", checkpoint: 10 }, shard(12, "a"))).toEqual({ kind: "same" });
  });

  it("a changed history UUID went back, even with sequence numbers above the checkpoint", () => {
    const verdict = judgeLeaderHistory(names, { recorded: "a", checkpoint: 10 }, shard(40, "b"));
    expect(verdict).toMatchObject({ kind: "went-back" });
    expect(verdict.kind === "went-back" && verdict.reason).toBe(
      "leader index [l] shard 1 has a new history (history uuid a → b), as after a snapshot restored over it: leader writes since then " +
      "may reuse sequence numbers ferry already copied, so following cannot go on; stop the replication, delete follower index [f] and start it again");
  });

  it("a max sequence number below the checkpoint went back, where no UUID is known or reported", () => {
    expect(judgeLeaderHistory(names, { recorded: undefined, checkpoint: 10 }, shard(9, "b"))).toMatchObject({ kind: "went-back" });
    expect(judgeLeaderHistory(names, { recorded: "a", checkpoint: 10 }, shard(9, undefined))).toMatchObject({ kind: "went-back" });
    expect(judgeLeaderHistory(names, { recorded: "a", checkpoint: 10 }, shard(10, undefined))).toEqual({ kind: "same" });
  });

  it("a shard without an active primary tells nothing", () => {
    expect(judgeLeaderHistory(names, { recorded: "a", checkpoint: 10 }, undefined)).toEqual({ kind: "same" });
  });
});
