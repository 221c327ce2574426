import { describe, expect, it } from "vitest";
import { canonical, sameFingerprint, sameSample, type Fingerprint } from "./converge.ts";

const leader: Fingerprint = { count: 1000, sumN: 499500, sumV: 1200 };

describe("sameFingerprint", () => {
  it("holds when count and both sums are equal", () => {
    expect(sameFingerprint(leader, { ...leader })).toBe(true);
  });

  it("fails on a missing follower index or any differing figure", () => {
    expect(sameFingerprint(leader, undefined)).toBe(false);
    expect(sameFingerprint(leader, { ...leader, count: 999 })).toBe(false);
    // Same count, one document missing and another duplicated under a new id: the sum of n tells.
    expect(sameFingerprint(leader, { ...leader, sumN: 499501 })).toBe(false);
    // Same documents, one update not applied yet: the sum of versions tells.
    expect(sameFingerprint(leader, { ...leader, sumV: 1199 })).toBe(false);
  });
});

describe("canonical", () => {
  it("ignores key order at every depth but keeps array order", () => {
    expect(canonical({ b: 1, a: { y: [2, 1], x: null } })).toBe(canonical({ a: { x: null, y: [2, 1] }, b: 1 }));
    expect(canonical({ a: [1, 2] })).not.toBe(canonical({ a: [2, 1] }));
  });

  it("tells values and types apart", () => {
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: "1" }));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: 1, b: 0 }));
  });
});

describe("sameSample", () => {
  const expected = [canonical({ n: 1, v: 1 }), "absent", canonical({ n: 3, v: 2 })];

  it("holds when every sampled document reads the same, absent ones included", () => {
    expect(sameSample(expected, [...expected])).toBe(true);
  });

  it("fails on one differing document, an absent one found, or a short answer", () => {
    expect(sameSample(expected, [expected[0]!, "absent", canonical({ n: 3, v: 1 })])).toBe(false);
    expect(sameSample(expected, [expected[0]!, canonical({ n: 2, v: 1 }), expected[2]!])).toBe(false);
    // An `_mget` that failed answers no documents: that is not "all equal".
    expect(sameSample(expected, [])).toBe(false);
  });
});
