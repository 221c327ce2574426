import { describe, expect, it } from "vitest";
import type { ShardTarget } from "./protocol.ts";
import { requireLease } from "./lease-window.ts";

const target = (until: number): ShardTarget => ({
  leader: { hosts: [], auth: { type: "none" }, tls: {} }, follower: { hosts: [], auth: { type: "none" }, tls: {} },
  leaderIndex: "l", followerIndex: "f", shard: 2, versionOffset: 0, writeWindow: BigInt64Array.of(BigInt(until)),
});

describe("the write window", () => {
  it("lets a write through only before the window closes", () => {
    expect(() => requireLease(target(1_000), 999)).not.toThrow();
    expect(() => requireLease(target(1_000), 1_000)).toThrow(/lease on follower index \[f\] is not confirmed.*shard 2 stopped before its next write/);
  });

  it("is retryable: the shard goes on once the lease is confirmed again", () => {
    try {
      requireLease(target(0), 1);
      expect.unreachable();
    } catch (err) {
      expect((err as { retryable: boolean }).retryable).toBe(true);
    }
  });
});
