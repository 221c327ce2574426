import { describe, expect, it } from "vitest";
import { indexListChunks } from "./index-list.ts";

const names = (n: number, length: number) => Array.from({ length: n }, (_, i) => `${i}`.padStart(length, "x"));

describe("index lists in a path", () => {
  it("splits a thousand 60-character names into chunks that each stay under the limit, losing none", () => {
    const all = names(1_000, 60);
    const chunks = indexListChunks(all);
    expect(chunks.every((c) => c.length <= 2_500)).toBe(true);
    expect(chunks.flatMap((c) => c.split(","))).toEqual(all);
    expect(chunks.length).toBe(Math.ceil(1_000 / Math.floor(2_501 / 61)));
  });

  it("counts the encoded length: names with characters that need escaping take more room", () => {
    const chunks = indexListChunks(["a#b", "c"], 6);
    expect(chunks).toEqual(["a%23b", "c"]);
  });

  it("gives a name longer than the limit a chunk of its own rather than dropping it", () => {
    expect(indexListChunks(["x".repeat(20), "y"], 10)).toEqual(["x".repeat(20), "y"]);
  });

  it("makes one list of names that fit, and none of no names", () => {
    expect(indexListChunks(names(3, 10))).toEqual([names(3, 10).join(",")]);
    expect(indexListChunks([])).toEqual([]);
  });
});
