import { describe, expect, it } from "vitest";
import {
  afterError, afterFollow, afterSweep, begin, decideShard, foreignNoticed, loadedShard, type ShardState,
} from "./shard-decision.ts";

const policy = { interval: 1_000, maxDelay: 3_000, smallLag: 100 };
const backoff = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0 };
const idle = (over: Partial<ShardState> = {}): ShardState => ({
  activity: { kind: "idle" }, checkpoint: 10, sweepOwedSince: undefined, followerMayBeShort: false, lastSweepEndedAt: 0, failures: 0, scanAfter: -1, ...over,
});

describe("decideShard", () => {
  it.each([
    ["leader ahead, nothing owed", idle(), "following", 20, 5_000, { do: "follow", target: 20 }],
    ["caught up, nothing owed", idle(), "following", 10, 5_000, { do: "wait", why: "caught-up" }],
    ["no active primary", idle(), "following", undefined, 5_000, { do: "wait", why: "no-primary" }],
    ["a cycle runs", idle({ activity: { kind: "following" } }), "following", 20, 5_000, { do: "wait", why: "busy" }],
    ["a sweep runs", idle({ activity: { kind: "sweeping" } }), "following", 20, 5_000, { do: "wait", why: "busy" }],
    ["leader index closed", idle(), "waiting", 20, 5_000, { do: "wait", why: "index-paused" }],
    ["follower metadata being changed", idle(), "syncing-metadata", 20, 5_000, { do: "wait", why: "index-paused" }],
    ["backing off", idle({ activity: { kind: "backing-off", until: 6_000 } }), "following", 20, 5_000, { do: "wait", why: "backing-off" }],
    ["backoff over", idle({ activity: { kind: "backing-off", until: 4_000 } }), "following", 20, 5_000, { do: "follow", target: 20 }],
    ["caught up, sweep owed and interval passed", idle({ sweepOwedSince: 4_000, lastSweepEndedAt: 3_000 }), "following", 10, 5_000, { do: "sweep" }],
    ["caught up, sweep owed, interval not passed", idle({ sweepOwedSince: 4_800, lastSweepEndedAt: 4_500 }), "following", 10, 5_000, { do: "wait", why: "sweep-not-due" }],
    ["writes pending, sweep owed briefly: follow first", idle({ sweepOwedSince: 4_000 }), "following", 20, 5_000, { do: "follow", target: 20 }],
    ["writes pending, sweep owed past maxDelay: sweep first", idle({ sweepOwedSince: 2_000 }), "following", 20, 5_000, { do: "sweep" }],
    ["a backlog, sweep owed past maxDelay: copy first", idle({ sweepOwedSince: 2_000 }), "following", 5_000, 5_000, { do: "follow", target: 5_000 }],
    ["a backlog, sweep owed past ten maxDelays: sweep first", idle({ sweepOwedSince: 2_000 }), "following", 5_000, 32_000, { do: "sweep" }],
    ["closed index never sweeps", idle({ sweepOwedSince: 0 }), "waiting", 10, 5_000, { do: "wait", why: "index-paused" }],
  ] as const)("%s", (_name, shard, phase, leader, now, expected) => {
    expect(decideShard(shard, phase, leader, now, policy)).toEqual(expected);
  });
});

describe("transitions", () => {
  it("a cycle that moved the checkpoint owes a sweep from then on, and a later one keeps the first time", () => {
    const a = afterFollow(begin(idle(), "follow"), { checkpoint: 20, foreignSeen: false }, 1_000);
    expect(a).toMatchObject({ activity: { kind: "idle" }, checkpoint: 20, sweepOwedSince: 1_000 });
    expect(afterFollow(a, { checkpoint: 30, foreignSeen: false }, 2_000).sweepOwedSince).toBe(1_000);
  });

  it("a cycle that moved nothing owes nothing; a foreign write owes a both-ways sweep", () => {
    expect(afterFollow(idle(), { checkpoint: 10, foreignSeen: false }, 1_000).sweepOwedSince).toBeUndefined();
    expect(afterFollow(idle(), { checkpoint: 10, foreignSeen: true }, 1_000)).toMatchObject({ sweepOwedSince: 1_000, followerMayBeShort: true });
    expect(foreignNoticed(idle(), 7)).toMatchObject({ sweepOwedSince: 7, followerMayBeShort: true });
  });

  it("a sweep takes what is owed; something noticed during it stays owed; unresolved documents owe another", () => {
    const started = begin(idle({ sweepOwedSince: 5, followerMayBeShort: true }), "sweep");
    expect(started).toMatchObject({ activity: { kind: "sweeping" }, sweepOwedSince: undefined, followerMayBeShort: false });
    expect(afterSweep(started, { unresolved: 0, complete: true, scannedTo: -1 }, 100)).toMatchObject({ sweepOwedSince: undefined, lastSweepEndedAt: 100 });
    expect(afterSweep(foreignNoticed(started, 50), { unresolved: 0, complete: true, scannedTo: -1 }, 100)).toMatchObject({ sweepOwedSince: 50, followerMayBeShort: true });
    expect(afterSweep(started, { unresolved: 3, complete: true, scannedTo: -1 }, 100).sweepOwedSince).toBe(100);
    // A sweep that could not examine everything (documents outside every region beyond one sweep's share).
    expect(afterSweep(started, { unresolved: 0, complete: false, scannedTo: -1 }, 100).sweepOwedSince).toBe(100);
    // A rolling check that stopped short of the checkpoint goes on at the next sweep.
    expect(afterSweep(started, { unresolved: 0, complete: true, scannedTo: 40 }, 100)).toMatchObject({ sweepOwedSince: 100, scanAfter: 40 });
  });

  it("errors back off exponentially; a failed sweep is owed again both ways; success resets", () => {
    const once = afterError(begin(idle(), "sweep"), "sweep", 1_000, backoff);
    expect(once).toMatchObject({ activity: { kind: "backing-off", until: 1_250 }, failures: 1, sweepOwedSince: 1_000, followerMayBeShort: true });
    const twice = afterError(begin(once, "follow"), "follow", 2_000, backoff);
    expect(twice.activity).toEqual({ kind: "backing-off", until: 2_500 });
    expect(afterFollow(twice, { checkpoint: 10, foreignSeen: false }, 3_000).failures).toBe(0);
  });

  it("a reloaded shard sweeps both ways first", () => {
    expect(loadedShard(7, 42)).toMatchObject({ checkpoint: 7, sweepOwedSince: 42, followerMayBeShort: true });
  });
});

/** Drives one shard through a simulated clock the way the scheduler does. */
function simulate(opts: { writesEveryPoll: boolean; deleteAt: number; until: number }) {
  const pollMs = 50;
  const cycleMs = 120;
  const sweepMs = 400;
  let leader = 100;
  let shard = loadedShard(100, 0);
  let busyUntil = 0;
  let running: "follow" | "sweep" | undefined;
  let pendingTarget = 0;
  let sweepStartedAt = -1;
  let deleteSeenAt: number | undefined;
  for (let now = 0; now <= opts.until; now += pollMs) {
    if (opts.writesEveryPoll) leader += 25;
    if (running && now >= busyUntil) {
      shard = running === "follow"
        ? afterFollow(shard, { checkpoint: pendingTarget, foreignSeen: false }, now)
        : afterSweep(shard, { unresolved: 0, complete: true, scannedTo: -1 }, now);
      // A sweep that started after the delete was followed finds it.
      if (running === "sweep" && deleteSeenAt === undefined && sweepStartedAt >= opts.deleteAt + cycleMs + pollMs) deleteSeenAt = now;
      running = undefined;
    }
    const d = decideShard(shard, "following", leader, now, policy);
    if (d.do === "follow") {
      running = "follow";
      pendingTarget = d.target;
      busyUntil = now + cycleMs;
      shard = begin(shard, "follow");
    } else if (d.do === "sweep") {
      running = "sweep";
      sweepStartedAt = now;
      busyUntil = now + sweepMs;
      shard = begin(shard, "sweep");
    }
  }
  return { deleteSeenAt, checkpoint: shard.checkpoint, leader };
}

describe("no starvation", () => {
  it("a leader that writes on every poll still gets its delete swept within maxDelay plus two sweeps", () => {
    const { deleteSeenAt } = simulate({ writesEveryPoll: true, deleteAt: 5_000, until: 30_000 });
    expect(deleteSeenAt).toBeDefined();
    expect(deleteSeenAt! - 5_000).toBeLessThanOrEqual(policy.maxDelay + 2 * 400 + 2 * 120 + 100);
  });

  it("following keeps up between sweeps: the follower stays within a few polls of the leader", () => {
    const { checkpoint, leader } = simulate({ writesEveryPoll: true, deleteAt: 1_000, until: 30_000 });
    expect(leader - checkpoint).toBeLessThan(25 * 20);
  });

  it("a quiet leader sweeps once, shortly after the last cycle", () => {
    const { deleteSeenAt } = simulate({ writesEveryPoll: false, deleteAt: 0, until: 5_000 });
    expect(deleteSeenAt).toBeLessThanOrEqual(policy.interval + 500);
  });
});
