import { describe, expect, it } from "vitest";
import { ShardLag } from "./replication-lag.ts";

describe("ShardLag", () => {
  it("is 0 while the follower holds everything the leader showed", () => {
    const lag = new ShardLag(10);
    lag.leaderAt(10, 1_000);
    expect(lag.seconds(5_000)).toBe(0);
  });

  it("counts from the poll that first showed the oldest missing operation", () => {
    const lag = new ShardLag(10);
    lag.leaderAt(15, 1_000);
    lag.leaderAt(20, 2_000);
    lag.leaderAt(20, 3_000);
    expect(lag.seconds(4_000)).toBe(3);
    // Operations up to 15 arrived; 16 was first seen at 2 s.
    lag.followerAt(15);
    expect(lag.seconds(4_000)).toBe(2);
    lag.followerAt(20);
    expect(lag.seconds(4_000)).toBe(0);
  });

  it("keeps the first sighting when a partial catch-up leaves part of a poll's range missing", () => {
    const lag = new ShardLag(0);
    lag.leaderAt(100, 1_000);
    lag.followerAt(50);
    lag.leaderAt(120, 2_000);
    expect(lag.seconds(3_000)).toBe(2);
  });

  it("stays bounded under a leader that moves on every poll, and never understates by merging", () => {
    const lag = new ShardLag(0);
    for (let i = 1; i <= 1_000; i++) lag.leaderAt(i * 10, i * 1_000);
    expect(lag.seconds(1_001_000)).toBe(1_000);
    lag.followerAt(9_990);
    expect(lag.seconds(1_001_000)).toBeGreaterThanOrEqual(1);
    lag.followerAt(10_000);
    expect(lag.seconds(1_001_000)).toBe(0);
  });
});
