import { describe, expect, it } from "vitest";
import { clockMargin, decideClaim, takeableFrom, writableUntil, type Claimant, type LeaseDoc } from "./lease-decision.ts";

const DURATION = 30_000;
const doc = (over: Partial<LeaseDoc> = {}): LeaseDoc => ({
  owner: "a", owner_name: "host-a:/data/ferry.db", follower_index: "f", follower_uuid: "u1", replication_id: "r1",
  expires_at: 100_000, duration_ms: DURATION, ...over,
});
const standby: Claimant = { instance: "b", replicationId: "r1", fresh: false };

describe("clock margins", () => {
  it("a holder stops writing a sixth of the lease before it runs out; a taker waits as long after", () => {
    expect(clockMargin(DURATION)).toBe(5_000);
    expect(writableUntil(100_000, DURATION)).toBe(95_000);
    expect(takeableFrom(doc(), DURATION)).toBe(105_000);
  });

  it("two clocks apart by less than twice the margin never both write", () => {
    const holderStops = writableUntil(100_000, DURATION);
    for (const skew of [-9_999, -5_000, 0, 5_000, 9_999]) {
      // The taker's clock reads `skew` more than the holder's: it takes at its own takeableFrom.
      const takerTakesOnHolderClock = takeableFrom(doc(), DURATION) - skew;
      expect(takerTakesOnHolderClock).toBeGreaterThan(holderStops);
    }
  });

  it("the taker's margin follows the longer of the holder's lease and its own", () => {
    expect(takeableFrom(doc({ duration_ms: 60_000 }), DURATION)).toBe(110_000);
    expect(takeableFrom(doc({ duration_ms: 6_000 }), DURATION)).toBe(105_000);
  });
});

describe("who may take a lease", () => {
  it("a free index is taken", () => {
    expect(decideClaim(undefined, standby, 0, DURATION)).toEqual({ do: "take" });
  });

  it("a live lease of another instance is waited for, until the margin after its expiry", () => {
    expect(decideClaim(doc(), standby, 99_000, DURATION)).toEqual({ do: "wait", holder: "host-a:/data/ferry.db", expiresAt: 100_000 });
    expect(decideClaim(doc(), standby, 104_999, DURATION).do).toBe("wait");
    expect(decideClaim(doc(), standby, 105_000, DURATION)).toEqual({ do: "take" });
  });

  it("its own lease is renewed at any time", () => {
    expect(decideClaim(doc({ owner: "b" }), standby, 0, DURATION)).toEqual({ do: "take" });
  });

  it("a released lease of the same replication ends it for good, whoever asks and however late", () => {
    for (const claimant of [standby, { ...standby, instance: "a" }]) {
      const decision = decideClaim(doc({ released_at: 90_000 }), claimant, 10_000_000, DURATION);
      expect(decision.do).toBe("end");
      expect(decision.do === "end" && decision.reason).toMatch(/^follower index \[f\] was stopped or promoted by the ferry at host-a:\/data\/ferry\.db at .*remove the record with _stop/);
    }
  });

  it("a lease made for another replication of the index ends an older record, live, expired or released", () => {
    for (const over of [{}, { expires_at: 0 }, { released_at: 1 }]) {
      const decision = decideClaim(doc({ replication_id: "r0", ...over }), standby, 200_000, DURATION);
      expect(decision.do).toBe("end");
      expect(decision.do === "end" && decision.reason).toMatch(/belongs to another replication of it/);
    }
  });

  it("a replication created here may take what an older one released or left to run out, not a live one", () => {
    const fresh: Claimant = { instance: "b", replicationId: "r2", fresh: true };
    expect(decideClaim(doc({ released_at: 1 }), fresh, 0, DURATION)).toEqual({ do: "take" });
    expect(decideClaim(doc(), fresh, 105_000, DURATION)).toEqual({ do: "take" });
    expect(decideClaim(doc(), fresh, 99_000, DURATION).do).toBe("wait");
  });
});
