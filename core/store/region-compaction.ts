// Keeps the records of where ferry's writes landed (core/store/regions.ts) bounded. Every foreign write,
// crash-cut batch and own delete leaves follower sequence numbers outside the copy regions, and each
// starts a new region; a shard with 10,000 of them would cost a sweep 20,000 counts. Once a sweep has
// compared every region and settled what it found ("verified"), no live document sits in those gaps
// any more, so leader-contiguous copy regions merge across them. Repair regions stay apart (their
// document is out of leader order); the store drops them once their documents are dead on both sides.
import type { RegionKind } from "../../workers/protocol.ts";

export interface RegionRecord {
  followerFrom: number;
  followerTo: number;
  leaderFrom: number;
  leaderTo: number;
  kind: RegionKind;
}

/** `regions` in follower order. Only after a verified sweep: merging spans follower sequence numbers that
 * no region accounted for. */
export function compactRegions(regions: RegionRecord[]): RegionRecord[] {
  const out: RegionRecord[] = [];
  let chain: RegionRecord | undefined;
  const flush = () => {
    if (chain) out.push(chain);
    chain = undefined;
  };
  for (const r of regions) {
    if (r.kind === "repair") out.push(pick(r));
    else if (r.kind === "gap") {
      // Dealt with: the region before it may span it. With nothing before it, it stays on record.
      if (chain) chain.followerTo = Math.max(chain.followerTo, r.followerTo);
      else out.push(pick(r));
    } else if (r.kind === "copy" && chain?.kind === "copy" && chain.leaderTo === r.leaderFrom) {
      chain.followerTo = r.followerTo;
      chain.leaderTo = r.leaderTo;
    } else {
      flush();
      chain = pick(r);
    }
  }
  flush();
  return out.sort((a, b) => a.followerFrom - b.followerFrom);
}

function pick(r: RegionRecord): RegionRecord {
  return { followerFrom: r.followerFrom, followerTo: r.followerTo, leaderFrom: r.leaderFrom, leaderTo: r.leaderTo, kind: r.kind };
}
