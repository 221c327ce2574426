import { describe, expect, it } from "vitest";
import { distribution, median, medianOf, percentile } from "./stats.ts";

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("is NaN for no values and leaves its input unsorted", () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe("medianOf", () => {
  it("skips missing and non-finite values (a failed run) and is undefined when none is left", () => {
    expect(medianOf([5, undefined, NaN, 1, Infinity, 3])).toBe(3);
    expect(medianOf([undefined, NaN])).toBeUndefined();
    expect(medianOf([])).toBeUndefined();
  });
});

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it("gives the value at rank ceil(p/100 · n)", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it("never leaves the sample: p0 is the minimum, small samples give one of their values", () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([10, 20, 30], 99)).toBe(30);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20], 50)).toBe(10);
  });

  it("is NaN for no values", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("distribution", () => {
  it("summarises lags as count, p50, p95, p99 and max", () => {
    const lags = [120, 80, 4000, 95, 100, 110, 90, 105, 130, 85];
    expect(distribution(lags)).toEqual({ count: 10, p50: 100, p95: 4000, p99: 4000, max: 4000 });
  });

  it("has NaN figures and a zero count when nothing was seen", () => {
    const d = distribution([]);
    expect(d.count).toBe(0);
    expect([d.p50, d.p95, d.p99, d.max].every(Number.isNaN)).toBe(true);
  });
});
