import { describe, expect, it } from "vitest";
import { forEachLimited } from "./concurrency-limit.ts";

describe("forEachLimited", () => {
  it("never has more than the limit in flight and visits every item once, in order", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      seen.push(i);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 4)));
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("takes no new item once stopped", async () => {
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5], 1, async (i) => {
      seen.push(i);
    }, () => seen.length >= 2);
    expect(seen).toEqual([1, 2]);
  });

  it("does nothing for no items", async () => {
    await forEachLimited([], 4, async () => {
      throw new Error("not called");
    });
  });
});
