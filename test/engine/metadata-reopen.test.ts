// A static setting reaches the follower through ferry's own close, update, open (core/metadata-sync.ts).
// When the follower cannot be reached right after the close, the update and the open fail and the
// follower stays closed: ferry must open it again on later polls, not take its own close for someone
// else's and wait for a reopen that nobody will do (issue 20, item 9). The fault is injected between
// ferry and the real follower by the test bed's TCP proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await TcpProxy.start(follower);
});
const core = useCore(() => ({ FERRY_FOLLOWER_URL: proxy.url, FERRY_SETTINGS: JSON.stringify({ "ferry.retry.max_backoff": 2_000 }) }));
const LEADER = "reopen-l";
const FOLLOWER = "reopen-f";

afterAll(async () => {
  await core().replications.stop(FOLLOWER).catch(() => undefined);
  await proxy.close();
  await os(leader, "DELETE", `/${LEADER}`);
  await os(follower, "DELETE", `/${FOLLOWER}`);
});

const docs = (from: number, to: number): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `r${from + k}`, source: { n: from + k } }));

const followerMeta = async () =>
  (await os(follower, "GET", `/_cluster/state/metadata/${FOLLOWER}?filter_path=metadata.indices.*.state,metadata.indices.*.settings.index.codec`))
    ?.metadata?.indices?.[FOLLOWER];

describe("ferry's own close for a static setting", () => {
  it("opens the follower again on a later poll when the open after its close failed", async () => {
    await os(leader, "PUT", `/${LEADER}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(leader, LEADER, docs(0, 200));
    await core().replications.start(FOLLOWER, { leader_alias: LEADER_ALIAS, leader_index: LEADER }, { waitForRestore: true });
    expect(await converge(leader, follower, LEADER, FOLLOWER, 60_000)).toEqual([]);

    // Right after ferry's close, the follower is out of reach for a few seconds: the update and the open
    // that follow the close both fail.
    let closed = false;
    let cutOff = false;
    proxy.onRequest = (line) => {
      if (line.startsWith(`POST /${FOLLOWER}/_close`)) closed = true;
      else if (closed && !cutOff && line.startsWith(`PUT /${FOLLOWER}/_settings`)) {
        cutOff = true;
        void proxy.set({ kind: "refuse" });
        setTimeout(() => void proxy.set({ kind: "none" }), 3_000);
      }
    };
    await os(leader, "POST", `/${LEADER}/_close`);
    await os(leader, "PUT", `/${LEADER}/_settings`, { index: { codec: "best_compression" } });
    await os(leader, "POST", `/${LEADER}/_open?wait_for_active_shards=1`);
    await until("ferry closed the follower and lost it", async () => cutOff, 60_000);
    await until("the proxy lets ferry through again", async () => proxy.current.kind === "none", 10_000);
    expect((await followerMeta())?.state).toBe("close");

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
});
