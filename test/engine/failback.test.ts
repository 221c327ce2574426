// Fail-back against the real clusters: a planned promote with `reverse` makes the old leader index follow
// the promoted one without a copy; a later promote with `reverse` swaps the roles back. Both sites must end
// with identical documents, including a document updated more often than the other side has operations
// (its versions are what a fail-back's version offset must stay above).
import { describe, expect, it } from "vitest";
import { errorBody, type FerryError } from "../../core/errors.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, startCore, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();

const docs = (from: number, to: number, tag: string): Op[] =>
  Array.from({ length: to - from }, (_, k) => ({ op: "index", id: `d${from + k}`, routing: (from + k) % 5 === 0 ? `r${(from + k) % 3}` : undefined, source: { n: from + k, tag } }));

/** One document written `times` times, one request each: its version climbs past most sequence numbers. */
async function hammer(base: string, index: string, id: string, times: number, tag: string): Promise<void> {
  for (let i = 0; i < times; i++) await os(base, "PUT", `/${index}/_doc/${id}`, { hot: i, tag });
}

async function status(index: string): Promise<any> {
  return core().replications.status(index, false);
}

describe("fail-back", () => {
  it("promote with reverse, write on the new leader, promote back: both sites hold identical data", async () => {
    await os(leader, "PUT", "/failback-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, "failback-l", docs(0, 1_000, "start"));
    await core().replications.start("failback-f", { leader_alias: LEADER_ALIAS, leader_index: "failback-l" }, { waitForRestore: true });
    await hammer(leader, "failback-l", "hot", 150, "site-a");
    await bulk(leader, "failback-l", [...docs(0, 200, "a-update"), ...Array.from({ length: 50 }, (_, i): Op => ({ op: "delete", id: `d${900 + i}` }))]);

    const there = await core().replications.promote("failback-f", { reverse: true });
    expect(there).toMatchObject({ promotion: "planned", leader_write_block: false });
    expect(there.reverse).toEqual({ leader_alias: "_local", leader_index: "failback-f", follower_alias: LEADER_ALIAS, follower_index: "failback-l", bootstrap: "none" });
    expect(await status("failback-l")).toMatchObject({ status: "SYNCING", ferry_bootstrap: "reverse", ferry_follower_alias: LEADER_ALIAS, leader_index: "failback-f" });
    // The promoted index takes writes (the proxy no longer guards it); the old leader follows it.
    expect(core().replications.isFollowerIndex("failback-f")).toBe(false);
    await bulk(follower, "failback-f", [
      ...docs(1_000, 1_300, "b-new"), ...docs(100, 300, "b-update"),
      ...Array.from({ length: 40 }, (_, i): Op => ({ op: "delete", id: `d${i * 7}` })), { op: "delete", id: "d1001" },
    ]);
    await hammer(follower, "failback-f", "hot", 20, "site-b");
    expect(await converge(follower, leader, "failback-f", "failback-l", 120_000)).toEqual([]);

    const back = await core().replications.promote("failback-l", { reverse: true });
    expect(back.reverse).toEqual({ leader_alias: LEADER_ALIAS, leader_index: "failback-l", follower_alias: "_local", follower_index: "failback-f", bootstrap: "none" });
    expect(await status("failback-f")).toMatchObject({ status: "SYNCING", ferry_bootstrap: "reverse", leader_alias: LEADER_ALIAS });
    expect(core().replications.isFollowerIndex("failback-f")).toBe(true);
    await bulk(leader, "failback-l", [...docs(1_300, 1_400, "a-again"), ...docs(250, 350, "a-again"), { op: "delete", id: "d500" }, { op: "delete", id: "d1200" }]);
    await hammer(leader, "failback-l", "hot", 10, "site-a-again");
    expect(await converge(leader, follower, "failback-l", "failback-f", 120_000)).toEqual([]);
    await until("caught up with deletes settled", async () => {
      const s = await status("failback-f");
      return s.syncing_details?.follower_checkpoint === s.syncing_details?.leader_checkpoint;
    });
    await core().replications.stop("failback-f");
  });
});

/** True for the `n`th request line (from 1) that `pattern` matches from the moment it is made, and with
 * `onward` for every later one too. */
function nth(pattern: RegExp, n: number, onward = false): (line: string) => boolean {
  let seen = 0;
  return (line) => pattern.test(line) && (onward ? ++seen >= n : ++seen === n);
}

const metadataRead = (l: string) => new RegExp(`^GET /_cluster/state/metadata/${l}\\?[^ ]*flat_settings`);

// A fail-back that fails half-way: the old leader's cluster drops requests of the fail-back's later steps
// (connection resets, as a restarting proxy or node gives), once or until the promote has answered. The
// answer and the clusters must agree afterwards: either the fail-back completed, or it was rolled back and
// the error says so (and, when the cluster kept failing, ferry finished the rollback once it answered
// again); never both indices writable with nothing replicating.
describe("fail-back that fails half-way", () => {
  const cases = [
    { what: "once at the metadata read", match: (l: string) => nth(metadataRead(l), 2) },
    // The old leader's settings are updated twice, for its unblock and its guard's final pipeline.
    { what: "once at the first settings update of the old leader", match: (l: string) => nth(new RegExp(`^PUT /${l}/_settings`), 1) },
    { what: "once at the second settings update of the old leader", match: (l: string) => nth(new RegExp(`^PUT /${l}/_settings`), 2) },
    { what: "once at the guard install", match: () => nth(/^PUT \/_ingest\/pipeline\/ferry-follower-guard/, 1) },
    { what: "at every metadata read until the answer", match: (l: string) => nth(metadataRead(l), 2, true) },
    { what: "at every settings update until the answer", match: (l: string) => nth(new RegExp(`^PUT /${l}/_settings`), 1, true) },
  ];
  for (const { what, match } of cases) {
    it(`a transient failure ${what} ends in a completed or rolled-back fail-back, as the answer says`, async () => {
      const name = `fb-half-${cases.findIndex((c) => c.what === what)}`;
      const [l, f] = [`${name}-l`, `${name}-f`];
      const proxy = await TcpProxy.start(leader);
      const ferry = await startCore({
        FERRY_REMOTES: JSON.stringify({ [LEADER_ALIAS]: { hosts: [proxy.url] } }),
        FERRY_SETTINGS: JSON.stringify({ "ferry.follower.write_guard": 1 }),
      });
      const state = async () => ({
        forward: (await ferry.replications.status(f, false)).status,
        reverse: (await ferry.replications.status(l, false)).status,
        leaderBlocked: (await os(leader, "GET", `/${l}/_settings/index.blocks.write?flat_settings=true`))[l]?.settings?.["index.blocks.write"] ?? "false",
        leaderGuard: (await os(leader, "GET", `/${l}/_settings/index.final_pipeline?flat_settings=true`))[l]?.settings?.["index.final_pipeline"] ?? null,
      });
      const promoted = { forward: "REPLICATION NOT IN PROGRESS", reverse: "SYNCING", leaderBlocked: "false", leaderGuard: "ferry-follower-guard" };
      const rolledBack = { forward: "SYNCING", reverse: "REPLICATION NOT IN PROGRESS", leaderBlocked: "false", leaderGuard: null };
      try {
        await os(leader, "PUT", `/${l}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
        await bulk(leader, l, docs(0, 50, "start"));
        await ferry.replications.start(f, { leader_alias: LEADER_ALIAS, leader_index: l }, { waitForRestore: true });
        await until("caught up", async () => ((await ferry.replications.status(f, false)) as any).syncing_details?.follower_checkpoint === 49);

        await proxy.set({ kind: "drop-requests", match: match(l) });
        const answer = await ferry.replications.promote(f, { reverse: true }).then(
          (ok) => ({ status: 200, body: ok as unknown }),
          (err: FerryError) => ({ status: err.status, body: errorBody(err) }),
        );
        const right = await state();
        await proxy.set({ kind: "none" });
        console.log(`fail-back, transient failure ${what}:`, JSON.stringify({ answer, right }));

        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        const expected = answer.status === 200 ? promoted : rolledBack;
        if (answer.status !== 200) expect(JSON.stringify(answer.body)).toContain("rolled back");
        // A rollback the cluster kept refusing is finished by ferry once the cluster answers again.
        await until("the promote finished or rolled back", async () => JSON.stringify(await state()) === JSON.stringify(expected), 60_000);
        if (answer.status === 200) {
          await bulk(follower, f, docs(50, 80, "after"));
          expect(await converge(follower, leader, f, l, 60_000)).toEqual([]);
          await ferry.replications.stop(l);
        } else {
          await bulk(leader, l, docs(50, 80, "after"));
          expect(await converge(leader, follower, l, f, 60_000)).toEqual([]);
          await ferry.replications.stop(f);
        }
      } finally {
        await ferry.close();
        await proxy.close();
        await os(leader, "DELETE", `/${l}`).catch(() => undefined);
        await os(follower, "DELETE", `/${f}`).catch(() => undefined);
      }
    });
  }
});
