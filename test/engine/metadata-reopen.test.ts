// A static setting reaches the follower through ferry's own close, update, open (core/follow/metadata-sync.ts).
// When the follower cannot be reached right after the close, the update and the open fail and the
// follower stays closed: ferry must open it again on later polls, not take its own close for someone
// else's and wait for a reopen that nobody will do (issue 20, item 9). The fault is injected between
// ferry and the real follower by the test bed's TCP proxy.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, startCore, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await TcpProxy.start(follower);
});
const env = () => ({ FERRY_FOLLOWER_URL: proxy.url, FERRY_SETTINGS: JSON.stringify({ "ferry.retry.max_backoff": 2_000 }) });
const core = useCore(env);
const LEADER = "reopen-l";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FOLLOWER = "reopen-f";

afterAll(async () => {
  await core().replications.stop(FOLLOWER).catch(() => undefined);
  await proxy.close();
  for (const [l, f] of [[LEADER, FOLLOWER], ["reopen2-l", "reopen2-f"]]) {
    await os(leader, "DELETE", `/${l}`);
    await os(follower, "DELETE", `/${f}`);
  }
});

const docs = (from: number, to: number): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `r${from + k}`, source: { n: from + k } }));

const followerMeta = async (index = FOLLOWER) =>
  (await os(follower, "GET", `/_cluster/state/metadata/${index}?filter_path=metadata.indices.*.state,metadata.indices.*.settings.index.codec`))
    ?.metadata?.indices?.[index];

/** Cuts ferry off from the follower at the settings update right after its close of `index`; the cut
 * ends after `ms`, or stays when undefined. Resolves a function that says whether it happened. */
function cutOffAfterClose(index: string, ms: number | undefined): () => boolean {
  let closed = false;
  let cutOff = false;
  proxy.onRequest = (line) => {
    if (line.startsWith(`POST /${index}/_close`)) closed = true;
    else if (closed && !cutOff && line.startsWith(`PUT /${index}/_settings`)) {
      cutOff = true;
      void proxy.set({ kind: "refuse" });
      if (ms !== undefined) setTimeout(() => void proxy.set({ kind: "none" }), ms);
    }
  };
  return () => cutOff;
}

/** A static setting on the leader, as maintenance changes it. */
async function staticSettingChange(index: string): Promise<void> {
  await os(leader, "POST", `/${index}/_close`);
  await os(leader, "PUT", `/${index}/_settings`, { index: { codec: "best_compression" } });
  await os(leader, "POST", `/${index}/_open?wait_for_active_shards=1`);
}

describe("ferry's own close for a static setting", () => {
  it("opens the follower again on a later poll when the open after its close failed", async () => {
    await os(leader, "PUT", `/${LEADER}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, LEADER, docs(0, 200));
    await core().replications.start(FOLLOWER, { leader_alias: LEADER_ALIAS, leader_index: LEADER }, { waitForRestore: true });
    expect(await converge(leader, follower, LEADER, FOLLOWER, 60_000)).toEqual([]);

    // Right after ferry's close, the follower is out of reach for a few seconds: the update and the open
    // that follow the close both fail.
    const cutOff = cutOffAfterClose(FOLLOWER, undefined);
    await staticSettingChange(LEADER);
    await until("ferry closed the follower and lost it", async () => cutOff(), 60_000);
    expect((await followerMeta())?.state).toBe("close");
    // The open follows the failed update at once, in the same sync; it meets the cut too.
    await sleep(2_000);
    await proxy.set({ kind: "none" });

    await until("the follower is open again with the leader's static setting", async () => {
      const meta = await followerMeta();
      return meta?.state === "open" && meta.settings?.index?.codec === "best_compression";
    }, 60_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}: follower ${JSON.stringify(await followerMeta())}, status ${JSON.stringify(await core().replications.status(FOLLOWER, false))}`);
    });
    await bulk(leader, LEADER, docs(200, 300));
    expect(await converge(leader, follower, LEADER, FOLLOWER, 60_000)).toEqual([]);
    expect(await core().replications.status(FOLLOWER, false)).toMatchObject({ status: "SYNCING" });
  });

  it("a ferry restarted between its close and its open still opens the follower", async () => {
    const [l, f] = ["reopen2-l", "reopen2-f"];
    const dir = mkdtempSync(join(tmpdir(), "ferry-reopen-"));
    const dbEnv = { ...env(), FERRY_DB: join(dir, "ferry.db") };
    const first = await startCore(dbEnv);
    let second: Awaited<ReturnType<typeof startCore>> | undefined;
    try {
      await os(leader, "PUT", `/${l}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      await bulk(leader, l, docs(0, 200));
      await first.replications.start(f, { leader_alias: LEADER_ALIAS, leader_index: l }, { waitForRestore: true });
      expect(await converge(leader, follower, l, f, 60_000)).toEqual([]);
      const cutOff = cutOffAfterClose(f, undefined);
      await staticSettingChange(l);
      await until("ferry closed the follower and lost it", async () => cutOff(), 60_000);
      // ferry stops while the follower is closed and out of its reach, and starts again once it is back.
      await first.close();
      await proxy.set({ kind: "none" });
      expect((await followerMeta(f))?.state).toBe("close");
      second = await startCore({ ...dbEnv, FERRY_DB_CREATE: "false" });
      await until("the follower is open again with the leader's static setting", async () => {
        const meta = await followerMeta(f);
        return meta?.state === "open" && meta.settings?.index?.codec === "best_compression";
      }, 60_000).catch(async (err) => {
        throw new Error(`${(err as Error).message}: follower ${JSON.stringify(await followerMeta(f))}, status ${JSON.stringify(await second!.replications.status(f, false))}`);
      });
      await bulk(leader, l, docs(200, 300));
      expect(await converge(leader, follower, l, f, 60_000)).toEqual([]);
      await second.replications.stop(f);
    } finally {
      await proxy.set({ kind: "none" });
      await (second ?? first).close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
