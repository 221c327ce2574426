import { describe, expect, it } from "vitest";
import { LagRing, lagOperations } from "./lag-history.ts";

describe("LagRing", () => {
  it("keeps the newest `capacity` samples of an index, oldest first", () => {
    const ring = new LagRing(3);
    for (let t = 1; t <= 5; t++) ring.record(t * 1000, new Map([["a", t * 10]]));
    expect(ring.series("a")).toEqual({ times: [3000, 4000, 5000], lag: [30, 40, 50] });
  });

  it("starts an index's series at its first syncing sample and shows later gaps as null", () => {
    const ring = new LagRing(10);
    ring.record(1000, new Map([["a", 1]]));
    ring.record(2000, new Map([["a", 2], ["b", NaN]]));
    ring.record(3000, new Map([["a", 3], ["b", 7]]));
    ring.record(4000, new Map([["a", NaN], ["b", 0]]));
    ring.record(5000, new Map([["a", 4], ["b", 0]]));
    expect(ring.series("b")).toEqual({ times: [3000, 4000, 5000], lag: [7, 0, 0] });
    expect(ring.series("a")).toEqual({ times: [1000, 2000, 3000, 4000, 5000], lag: [1, 2, 3, null, 4] });
  });

  it("forgets an index that is no longer replicated, so memory follows the replications", () => {
    const ring = new LagRing(4);
    ring.record(1000, new Map([["a", 1], ["b", 2]]));
    ring.record(2000, new Map([["b", 3]]));
    expect(ring.series("a")).toBeUndefined();
    expect(ring.indices).toBe(1);
    // Started again: a new history, not the old one.
    ring.record(3000, new Map([["a", 5], ["b", 4]]));
    expect(ring.series("a")).toEqual({ times: [3000], lag: [5] });
  });

  it("stays bounded: an hour of 5 s samples per index, however long it runs", () => {
    const ring = new LagRing(720);
    const lags = new Map(Array.from({ length: 1000 }, (_, i) => [`index-${i}`, i]));
    for (let t = 0; t < 800; t++) ring.record(t * 5000, lags);
    expect(ring.series("index-999")!.lag).toHaveLength(720);
    expect(ring.indices).toBe(1000);
  });
});

describe("lagOperations", () => {
  it("counts from the follower checkpoint `_status` reports: copied and reconciled", () => {
    expect(lagOperations([
      { checkpoint: 10, reconciledCheckpoint: 8, leaderCheckpoint: 12 },
      { checkpoint: 5, reconciledCheckpoint: 9, leaderCheckpoint: 5 },
    ])).toBe(4);
    expect(lagOperations([{ checkpoint: -1, reconciledCheckpoint: -1, leaderCheckpoint: -1 }])).toBe(0);
  });
});
