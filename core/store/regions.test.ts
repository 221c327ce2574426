import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "./db.ts";
import { compactShardRegions, insertGapRegion, insertRepairRegion, listRegions, recordRegion } from "./regions.ts";
import { completeBootstrap, insertReplication } from "./replications.ts";

const dir = mkdtempSync(join(tmpdir(), "ferry-regions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function followed(name: string) {
  const db = openStore(join(dir, `${name}.db`));
  insertReplication(db, {
    followerIndex: name, leaderAlias: "leader-cluster", leaderIndex: name, state: "BOOTSTRAPPING", reason: null, settings: {},
    useRoles: null, leaderUuid: "u", followerUuid: null, shardCount: 1, bootstrap: null, followerAlias: null,
    bootstrapKind: "snapshot", versionOffset: 0, leaderVersionCeiling: 0,
  });
  // Restored: follower operations 0..9 are leader operations 0..9.
  completeBootstrap(db, name, "f", [9], [9]);
  return db;
}

const shape = (r: { kind: string; followerFrom: number; followerTo: number; leaderFrom: number; leaderTo: number }) =>
  `${r.kind} f[${r.followerFrom},${r.followerTo}] l(${r.leaderFrom},${r.leaderTo}]`;

describe("regions of a shard", () => {
  it("a cycle that wrote nothing right after a foreign gap still lets the copies around it merge", () => {
    const db = followed("after-gap");
    recordRegion(db, "after-gap", 0, 9, 20, { from: 10, to: 20 });
    // A sweep dealt with foreign operations 21..22; then a cycle whose leader range held only deletes.
    insertGapRegion(db, "after-gap", 0, 21, 22);
    recordRegion(db, "after-gap", 0, 20, 25, undefined);
    recordRegion(db, "after-gap", 0, 25, 30, { from: 23, to: 27 });
    compactShardRegions(db, "after-gap", 0);
    expect(listRegions(db, "after-gap", 0).map(shape)).toEqual(["restore f[0,9] l(-1,9]", "copy f[10,27] l(9,30]"]);
  });

  it("a cycle that wrote nothing right after a repair still lets the copies around it merge", () => {
    const db = followed("after-repair");
    recordRegion(db, "after-repair", 0, 9, 20, { from: 10, to: 20 });
    insertRepairRegion(db, "after-repair", 0, 21, 15);
    recordRegion(db, "after-repair", 0, 20, 25, undefined);
    recordRegion(db, "after-repair", 0, 25, 30, { from: 22, to: 26 });
    compactShardRegions(db, "after-repair", 0);
    expect(listRegions(db, "after-repair", 0).map(shape)).toEqual(["restore f[0,9] l(-1,9]", "copy f[10,26] l(9,30]", "repair f[21,21] l(14,15]"]);
  });
});
