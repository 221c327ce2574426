import { describe, expect, it } from "vitest";
import { compactRegions, type RegionRecord } from "./region-compaction.ts";

const copy = (ff: number, ft: number, lf: number, lt: number): RegionRecord => ({ followerFrom: ff, followerTo: ft, leaderFrom: lf, leaderTo: lt, kind: "copy" });
const gap = (ff: number, ft: number): RegionRecord => ({ followerFrom: ff, followerTo: ft, leaderFrom: -2, leaderTo: -2, kind: "gap" });
const repair = (f: number, l: number): RegionRecord => ({ followerFrom: f, followerTo: f, leaderFrom: l - 1, leaderTo: l, kind: "repair" });
const restore = (to: number): RegionRecord => ({ followerFrom: 0, followerTo: to, leaderFrom: -1, leaderTo: to, kind: "restore" });

describe("compactRegions", () => {
  it("merges 10,000 copy regions split by foreign gaps and holes into one", () => {
    const regions: RegionRecord[] = [restore(99), gap(100, 104)];
    let f = 105;
    let l = 99;
    for (let i = 0; i < 10_000; i++) {
      regions.push(copy(f, f + 2, l, l + 3));
      // A foreign write after every batch, every other one recorded as a gap, the others left as holes.
      if (i % 2 === 0) regions.push(gap(f + 3, f + 3));
      f += 4;
      l += 3;
    }
    const out = compactRegions(regions);
    expect(out).toEqual([{ ...restore(99), followerTo: 104 }, copy(105, f - 2, 99, l)]);
  });

  it("keeps repairs apart and merges the copies around them", () => {
    const out = compactRegions([copy(0, 9, 10, 20), repair(10, 15), repair(11, 16), copy(12, 20, 20, 30)]);
    expect(out).toEqual([copy(0, 20, 10, 30), repair(10, 15), repair(11, 16)]);
  });

  it("never merges copies that are not leader-contiguous, nor a copy into the restore region", () => {
    const regions = [restore(9), copy(10, 19, 9, 30), copy(20, 29, 31, 40)];
    expect(compactRegions(regions)).toEqual(regions);
  });

  it("keeps a gap with no region before it", () => {
    expect(compactRegions([gap(0, 3), copy(4, 9, 5, 10)])).toEqual([gap(0, 3), copy(4, 9, 5, 10)]);
  });
});
