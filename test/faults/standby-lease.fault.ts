// A standby ferry started from a copy of the first ferry's database lists the same replications and waits
// for their leases (issue 20, item 1). When the first ferry stops one replication and promotes another
// (unplanned, the leader still writing), the application writes into the now ordinary indices. The
// standby must never take them back: no leader write copied after the stop or promote, no application
// document swept, the write alias left where the promote put it, and `_status` on the standby saying why
// it gave up.
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bulk, os, type Op } from "../support/documents.ts";
import { newFerryDir } from "../support/ferry-spawn.ts";
import { until } from "../support/until.ts";
import { useFaultBed } from "./clusters.ts";
import { report, SEED, Workload } from "./workload.ts";

const bed = useFaultBed();
const STOPPED = { leaderIndex: "standby-stop-l", followerIndex: "standby-stop-f" };
const PROMOTED = { leaderIndex: "standby-promote-l", followerIndex: "standby-promote-f", alias: "standby-promote-w" };
// Short, so that the standby would have taken over several times within the test without the fix.
const LEASE = { FERRY_SETTINGS: JSON.stringify({ "ferry.lease.duration": 6_000 }) };
const APP_DOCS = 20;

afterAll(async () => {
  await os(bed.leader, "DELETE", `/${STOPPED.leaderIndex},${PROMOTED.leaderIndex}`).catch(() => undefined);
  await os(bed.follower, "DELETE", `/${STOPPED.followerIndex},${PROMOTED.followerIndex}`).catch(() => undefined);
});

const appDocs = (): Op[] => Array.from({ length: APP_DOCS }, (_, k) => ({ op: "index", id: `app${k}`, source: { app: k } }));

async function counts(index: string): Promise<{ app: number; replicated: number }> {
  await os(bed.follower, "POST", `/${index}/_refresh`);
  const app = (await os(bed.follower, "POST", `/${index}/_count`, { query: { exists: { field: "app" } } })).count as number;
  const all = (await os(bed.follower, "GET", `/${index}/_count`)).count as number;
  return { app, replicated: all - app };
}

const status = async (ferry: { call: (m: string, p: string) => Promise<{ body: any }> }, index: string) =>
  (await ferry.call("GET", `/_plugins/_replication/${index}/_status`)).body as { status: string; reason?: string };

describe("a standby with a copy of the database", () => {
  it("never takes back an index the first ferry stopped or promoted while the leader keeps writing", async () => {
    const workload = new Workload(bed.leader, SEED);
    await workload.add(STOPPED.leaderIndex, 300);
    await workload.add(PROMOTED.leaderIndex, 300);
    const dbPath = join(newFerryDir(), "ferry.db");
    const first = await bed.ferry({ ...LEASE, FERRY_DB: dbPath });
    for (const pair of [STOPPED, PROMOTED]) {
      const started = await first.call("PUT", `/_plugins/_replication/${pair.followerIndex}/_start?wait_for_restore=true`, {
        leader_alias: "leader-cluster", leader_index: pair.leaderIndex,
      });
      expect(started).toEqual({ status: 200, body: { acknowledged: true } });
    }
    workload.start();
    await until("the first ferry to follow the writes", async () => (await counts(STOPPED.followerIndex)).replicated > 300
      && (await counts(PROMOTED.followerIndex)).replicated > 300);

    const copy = join(newFerryDir(), "copy.db");
    const source = new Database(dbPath, { readonly: true });
    await source.backup(copy);
    source.close();
    const standby = await bed.ferry({ ...LEASE, FERRY_DB: copy, FERRY_DB_CREATE: "false" });
    for (const pair of [STOPPED, PROMOTED]) {
      await until("the standby to wait for the lease", async () => (await status(standby, pair.followerIndex)).status === "PAUSED");
    }

    expect((await first.call("POST", `/_plugins/_replication/${STOPPED.followerIndex}/_stop`, {})).status).toBe(200);
    const promoted = await first.call("POST", `/_plugins/_replication/${PROMOTED.followerIndex}/_promote`, { force: true, write_alias: PROMOTED.alias });
    expect(promoted.status).toBe(200);
    await bulk(bed.follower, STOPPED.followerIndex, appDocs(), true);
    await bulk(bed.follower, PROMOTED.alias, appDocs(), true);
    const atRelease = { stopped: await counts(STOPPED.followerIndex), promoted: await counts(PROMOTED.followerIndex) };

    // The leader keeps writing; the standby must give both up rather than take them over.
    const gaveUp: Record<string, string> = {};
    for (const pair of [STOPPED, PROMOTED]) {
      await until("the standby to leave its wait", async () => (await status(standby, pair.followerIndex)).status !== "PAUSED", 60_000);
      const after = await status(standby, pair.followerIndex);
      expect(after.status).toBe("FAILED");
      expect(after.reason).toMatch(new RegExp(`follower index \\[${pair.followerIndex}\\] was stopped or promoted by the ferry at .*remove the record with _stop`));
      gaveUp[pair.followerIndex] = after.status;
    }
    const operations = workload.operations;
    await workload.stop();

    const atEnd = { stopped: await counts(STOPPED.followerIndex), promoted: await counts(PROMOTED.followerIndex) };
    report("standby after stop and promote", {
      seed: SEED, leaderOps: operations,
      appDocsLeftStopped: atEnd.stopped.app, appDocsLeftPromoted: atEnd.promoted.app,
      copiedAfterStop: atEnd.stopped.replicated - atRelease.stopped.replicated,
      copiedAfterPromote: atEnd.promoted.replicated - atRelease.promoted.replicated,
    });
    expect(atEnd).toEqual(atRelease);
    expect(atEnd.stopped.app).toBe(APP_DOCS);
    expect(atEnd.promoted.app).toBe(APP_DOCS);
    expect(Object.keys(await os(bed.follower, "GET", `/_alias/${PROMOTED.alias}`))).toEqual([PROMOTED.followerIndex]);
    for (const pair of [STOPPED, PROMOTED]) {
      expect((await standby.call("POST", `/_plugins/_replication/${pair.followerIndex}/_stop`, {})).status).toBe(200);
    }
  });
});
