// Auto-follow rules against the real clusters: existing and new indices, stats, deletion, exclusions,
// follower name patterns, blocked names, updates in place.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ferry } from "../../core/ferry.ts";
import { bulk, converge, os, type Op } from "../support/documents.ts";
import { LEADER_ALIAS, startCore, testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
const POLL_MS = 300;
const SETTINGS = JSON.stringify({
  "plugins.replication.autofollow.fetch_poll_interval": POLL_MS,
  "plugins.replication.autofollow.retry_poll_interval": 1_000,
});
let ferry: Ferry;

beforeAll(async () => {
  ferry = await startCore({ FERRY_SETTINGS: SETTINGS });
});
afterAll(async () => {
  await ferry?.close();
});

function docs(count: number, tag: string): Op[] {
  return Array.from({ length: count }, (_, i) => ({ op: "index", id: `${tag}-${i}`, source: { n: i, tag } }));
}

async function leaderIndex(index: string, count = 50): Promise<void> {
  await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(leader, index, docs(count, index), true);
}

async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

const status = async (index: string) => (await ferry.replications.status(index, false)).status as string;
const syncing = (index: string) => waitFor(`${index} SYNCING`, () => status(index), (s) => s === "SYNCING");
const ruleStats = async (name: string) =>
  ((await ferry.autofollow.stats()).autofollow_stats as Array<Record<string, any>>).find((r) => r.name === name);

/** Long enough for several polls of a rule: used only where the test must show that nothing happens. */
const severalPolls = () => new Promise((r) => setTimeout(r, POLL_MS * 6));

describe("auto-follow rules", () => {
  it("follows existing and new matching indices, counts them, and stops following new ones once deleted", async () => {
    await leaderIndex("app-1");
    await leaderIndex("app-2");
    await leaderIndex("other-1");
    const created = await ferry.autofollow.create({ leader_alias: LEADER_ALIAS, name: "apps", pattern: "app-*" });
    expect(created).toEqual({ acknowledged: true, existing_indices: 2 });
    await leaderIndex("app-3");

    for (const index of ["app-1", "app-2", "app-3"]) {
      await syncing(index);
      expect(await converge(leader, follower, index, index, 30_000)).toEqual([]);
    }
    expect(await status("other-1")).toBe("REPLICATION NOT IN PROGRESS");
    const stats = await ferry.autofollow.stats();
    expect(await ruleStats("apps")).toMatchObject({
      leader_alias: LEADER_ALIAS, pattern: "app-*", num_success_start_replication: 3, num_failed_start_replication: 0,
      num_failed_leader_calls: 0, failed_indices: [], blocked_indices: [],
    });
    expect((await ruleStats("apps"))!.last_execution_time).toBeGreaterThan(Date.now() - 60_000);
    expect(stats.num_success_start_replication).toBe(3);

    await ferry.autofollow.delete(LEADER_ALIAS, "apps");
    expect(await ferry.autofollow.stats()).toEqual({
      num_success_start_replication: 0, num_failed_start_replication: 0, num_failed_leader_calls: 0, failed_indices: [], autofollow_stats: [],
    });
    await leaderIndex("app-4");
    await bulk(leader, "app-1", docs(30, "after-delete"), true);
    expect(await converge(leader, follower, "app-1", "app-1", 30_000)).toEqual([]);
    await severalPolls();
    expect(await status("app-4")).toBe("REPLICATION NOT IN PROGRESS");
    expect(await status("app-2")).toBe("SYNCING");
    // Deleting it again, or a rule that never existed, is acknowledged.
    expect(await ferry.autofollow.delete(LEADER_ALIAS, "apps")).toEqual({ acknowledged: true });
  });

  it("applies exclusions and a follower name pattern, reports a blocking local index, and updates in place", async () => {
    await leaderIndex("afx-1");
    await leaderIndex("afx-2");
    await leaderIndex("afx-debug-1");
    await os(follower, "PUT", "/copy-afx-2", { settings: { number_of_replicas: 0 } });
    const rule = { leader_alias: LEADER_ALIAS, name: "afx", pattern: "afx-*,-afx-debug-*", follower_index_pattern: "copy-{{leader_index}}" };
    expect(await ferry.autofollow.create(rule)).toEqual({ acknowledged: true, existing_indices: 1 });
    await syncing("copy-afx-1");
    expect(await converge(leader, follower, "afx-1", "copy-afx-1", 30_000)).toEqual([]);
    expect(await ruleStats("afx")).toMatchObject({
      num_success_start_replication: 1,
      blocked_indices: [{ leader_index: "afx-2", follower_index: "copy-afx-2", reason: expect.stringContaining("Delete the index:copy-afx-2") }],
    });
    expect(await status("copy-afx-debug-1")).toBe("REPLICATION NOT IN PROGRESS");

    // Same definition again: acknowledged, nothing changes. A different one: the plugin's refusal.
    expect(await ferry.autofollow.create(rule)).toEqual({ acknowledged: true, existing_indices: 0 });
    await expect(ferry.autofollow.create({ ...rule, pattern: "afx-*" })).rejects.toMatchObject({ status: 500, type: "exception" });
    expect(ferry.autofollow.list().find((r) => r.name === "afx")?.pattern).toBe("afx-*,-afx-debug-*");

    await ferry.autofollow.update({ ...rule, pattern: "afx-*" });
    expect(ferry.autofollow.list().find((r) => r.name === "afx")).toMatchObject({ pattern: "afx-*", follower_index_pattern: "copy-{{leader_index}}" });
    await syncing("copy-afx-debug-1");
    expect(await ruleStats("afx")).toMatchObject({ num_success_start_replication: 2 });
    await ferry.autofollow.delete(LEADER_ALIAS, "afx");
    await expect(ferry.autofollow.update(rule)).rejects.toMatchObject({ status: 404 });
  });

  it("with start_existing false follows only indices created after the rule", async () => {
    await leaderIndex("afn-old");
    expect(await ferry.autofollow.create({ leader_alias: LEADER_ALIAS, name: "afn", pattern: "afn-*" }, { startExisting: false }))
      .toEqual({ acknowledged: true, existing_indices: 0 });
    await leaderIndex("afn-new");
    await syncing("afn-new");
    expect(await status("afn-old")).toBe("REPLICATION NOT IN PROGRESS");
    await ferry.autofollow.delete(LEADER_ALIAS, "afn");
  });

  it("puts an index that cannot be started in failed_indices and tries it again after retry_poll_interval", async () => {
    const refusals: Array<{ leaderIndex: string; retryable: boolean; reason: string }> = [];
    ferry.events.on("autofollow:start-refused", (e) => { if (e.rule === "aff") refusals.push(e); });
    await leaderIndex("aff-ok");
    await os(leader, "PUT", "/aff-nosource", { settings: { number_of_replicas: 0 }, mappings: { _source: { enabled: false } } });
    await ferry.autofollow.create({ leader_alias: LEADER_ALIAS, name: "aff", pattern: "aff-*" });
    await syncing("aff-ok");
    const failed = await waitFor("aff-nosource failed", () => ruleStats("aff"), (r) => r?.failed_indices.includes("aff-nosource"));
    expect(failed).toMatchObject({ num_success_start_replication: 1, failed_indices: ["aff-nosource"] });
    expect((await ferry.autofollow.stats()).failed_indices).toContain("aff-nosource");
    expect(refusals[0]).toMatchObject({ leaderIndex: "aff-nosource", retryable: false, reason: expect.stringContaining("_source is disabled") });
    // Cleared after retry_poll_interval, then tried and failed again. The list is empty only for the few
    // milliseconds the new try takes, too short to catch by polling stats: the second refusal shows it.
    const tries = async () => refusals.filter((r) => r.leaderIndex === "aff-nosource");
    await waitFor("aff-nosource tried again", tries, (found) => found.length >= 2, 30_000);
    await waitFor("aff-nosource failed again", () => ruleStats("aff"), (r) => r?.failed_indices.includes("aff-nosource"), 30_000);
    expect(await status("aff-nosource")).toBe("REPLICATION NOT IN PROGRESS");
    await ferry.autofollow.delete(LEADER_ALIAS, "aff");
  });

  it("tries a start refused for a recoverable reason again at the next poll, logs it, and keeps it out of failed_indices", async () => {
    // retry_poll_interval at its default (1 h): a recoverable refusal must not wait for it.
    const core = await startCore({ FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": POLL_MS }) });
    const refusals: Array<{ leaderIndex: string; retryable: boolean; reason: string }> = [];
    core.events.on("autofollow:start-refused", (e) => refusals.push(e));
    // afq-held stands for a just-created index whose primaries are still initialising, held so for as long
    // as the test needs: an allocation filter no node matches keeps them unassigned. The others race the
    // rule's polls, created in a tight loop without waiting for their shards.
    const racing = Array.from({ length: 8 }, (_, i) => `afq-${i}`);
    const indices = ["afq-held", ...racing];
    const ruleStats = async () => ((await core.autofollow.stats()).autofollow_stats as Array<Record<string, any>>).find((x) => x.name === "afq")!;
    try {
      await core.autofollow.create({ leader_alias: LEADER_ALIAS, name: "afq", pattern: "afq-*" });
      await os(leader, "PUT", "/afq-held?wait_for_active_shards=0", {
        settings: { number_of_shards: 2, number_of_replicas: 0, "index.routing.allocation.include._name": "no-such-node" },
      });
      for (const index of racing) {
        await os(leader, "PUT", `/${index}?wait_for_active_shards=0`, { settings: { number_of_shards: 3, number_of_replicas: 0 } });
      }
      // A poll that started after the one that saw afq-held: that one's start attempt is over.
      const created = Date.now();
      const seen = (await waitFor("a poll after afq-held was created", ruleStats, (r) => r.last_execution_time > created)).last_execution_time;
      await waitFor("the poll after it", ruleStats, (r) => r.last_execution_time > seen);
      await os(leader, "PUT", "/afq-held/_settings", { "index.routing.allocation.include._name": null });

      const state = async () => {
        const statuses = await Promise.all(indices.map(async (i) => (await core.replications.status(i, false)).status as string));
        const r = await ruleStats();
        return { failed: r.failed_indices as string[], numFailed: r.num_failed_start_replication as number, syncing: statuses.filter((s) => s === "SYNCING").length };
      };
      const last = await waitFor("every afq index SYNCING", state, (s) => s.syncing === indices.length, 60_000);
      console.info(JSON.stringify({ afq: last, refusals }));
      expect(last).toEqual({ failed: [], numFailed: 0, syncing: indices.length });
      expect(refusals).toContainEqual(expect.objectContaining({ leaderIndex: "afq-held", followerIndex: "afq-held", retryable: true }));
      expect(refusals.filter((r) => !r.retryable)).toEqual([]);
      // Logged once per index and reason, however many polls refused it.
      const logged = refusals.map((r) => `${r.leaderIndex} ${r.reason}`);
      expect(new Set(logged).size).toBe(logged.length);
    } finally {
      await core.autofollow.delete(LEADER_ALIAS, "afq");
      for (const index of indices) await core.replications.stop(index).catch(() => undefined);
      await core.close();
      for (const index of indices) {
        await os(leader, "DELETE", `/${index}`).catch(() => undefined);
        await os(follower, "DELETE", `/${index}`).catch(() => undefined);
      }
    }
  });

  it("keeps its rules across a restart and goes on following new indices", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "ferry-af-restart-")), "ferry.db");
    const first = await startCore({ FERRY_DB: db, FERRY_SETTINGS: SETTINGS });
    await first.autofollow.create({ leader_alias: LEADER_ALIAS, name: "afr", pattern: "afr-*", follower_index_pattern: "{{leader_index}}-copy" });
    await first.close();
    const second = await startCore({ FERRY_DB: db, FERRY_SETTINGS: SETTINGS });
    try {
      expect(second.autofollow.list()).toEqual([{ leader_alias: LEADER_ALIAS, name: "afr", pattern: "afr-*", follower_index_pattern: "{{leader_index}}-copy", settings: {} }]);
      await leaderIndex("afr-1");
      await waitFor("afr-1-copy SYNCING", async () => (await second.replications.status("afr-1-copy", false)).status, (s) => s === "SYNCING");
      expect(await converge(leader, follower, "afr-1", "afr-1-copy", 30_000)).toEqual([]);
    } finally {
      await second.autofollow.delete(LEADER_ALIAS, "afr");
      await second.close();
      rmSync(dirname(db), { recursive: true, force: true });
    }
  });

  it("refuses bad rules with the plugin's validation messages", async () => {
    await expect(ferry.autofollow.create({ leader_alias: LEADER_ALIAS, name: "bad", pattern: "_x*" }))
      .rejects.toMatchObject({ status: 400, message: "Validation Failed: 1: Autofollow pattern: _x* must not start with '_' or '-';" });
    await expect(ferry.autofollow.create({ leader_alias: LEADER_ALIAS, name: "bad", pattern: "x*", follower_index_pattern: "copy" }))
      .rejects.toMatchObject({ status: 400, message: expect.stringContaining("follower_index_pattern must contain the {{leader_index}} placeholder") });
    await expect(ferry.autofollow.create({ leader_alias: "nope", name: "bad", pattern: "x*" }))
      .rejects.toMatchObject({ status: 404, type: "no_such_remote_cluster_exception" });
  });
});
