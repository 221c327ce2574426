import { describe, expect, it } from "vitest";
import { backoffDelay } from "./retry-policy.ts";

const policy = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.2 };

describe("backoffDelay", () => {
  it("doubles from the initial delay and stops at the maximum", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffDelay(policy, a, mid))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("stays within the jitter band", () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(320);
    expect(backoffDelay(policy, 3, () => 1)).toBe(480);
  });
});
