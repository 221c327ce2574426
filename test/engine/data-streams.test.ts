// Data streams on the leader (docs/data-streams.md): a rule or a start naming a stream follows each of its
// backing indices, those that exist and those its rollovers add, while the leader keeps writing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pauseIndexOrStream, promoteIndexOrStream, resumeIndexOrStream, stopIndexOrStream } from "../../core/autofollow/stream-actions.ts";
import type { Ferry } from "../../core/ferry.ts";
import { converge, os } from "../support/documents.ts";
import { streamShipper } from "../support/stream-shipper.ts";
import { until } from "../support/until.ts";
import { LEADER_ALIAS, startCore, testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
const RULE = "dstreams";
let ferry: Ferry;

beforeAll(async () => {
  await os(leader, "PUT", "/_component_template/dst-logs-fields", { template: { mappings: { properties: { host: { type: "keyword" } } } } });
  await os(leader, "PUT", "/_index_template/dst-logs", {
    index_patterns: ["dst-logs-*"],
    composed_of: ["dst-logs-fields"],
    data_stream: {},
    template: {
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      mappings: { properties: { "@timestamp": { type: "date" }, n: { type: "long" }, writer: { type: "keyword" } } },
    },
  });
  ferry = await startCore({ FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": 500 }) });
});

afterAll(async () => {
  for (const rule of ferry ? ferry.autofollow.list() : []) await ferry.autofollow.delete(rule.leader_alias, rule.name).catch(() => {});
  const followed = ((await os(follower, "GET", "/_cat/indices/.ds-dst-*?format=json&expand_wildcards=all&h=index")) ?? []) as Array<{ index: string }>;
  for (const { index } of followed) await ferry?.replications.stop(index).catch(() => {});
  await ferry?.close();
  await os(leader, "DELETE", "/_data_stream/dst-logs-*");
  await os(leader, "DELETE", "/_index_template/ferry-hold-dst-*");
  for (const side of [leader, follower]) {
    await os(side, "DELETE", "/_index_template/dst-logs");
    await os(side, "DELETE", "/_component_template/dst-logs-fields");
  }
  await os(follower, "DELETE", "/.ds-dst-*?expand_wildcards=all");
});

/** Appends to a stream until stopped, as a log shipper does: `create` with ids of its own. */
function writer(stream: string) {
  let n = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const lines = Array.from({ length: 25 }, () => {
        const id = `${stream}-${n}`;
        return `${JSON.stringify({ create: { _index: stream, _id: id } })}\n${JSON.stringify({ "@timestamp": new Date().toISOString(), n: n++, writer: stream })}\n`;
      });
      const res = await fetch(`${leader}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines.join("") });
      const answer = (await res.json()) as { errors: boolean; items: unknown[] };
      if (answer.errors) throw new Error(`writer: ${JSON.stringify(answer.items.slice(0, 2))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return { stop: async () => { stopped = true; await done; } };
}

const backingIndices = async (stream: string): Promise<string[]> =>
  ((await os(leader, "GET", `/_data_stream/${stream}`)).data_streams[0].indices as Array<{ index_name: string }>).map((i) => i.index_name);

const status = async (index: string) => (await ferry.replications.status(index, false)).status as string;

describe("data streams", () => {
  it("a rule naming streams follows every backing index, also those created by later rollovers and later streams", async () => {
    await os(leader, "PUT", "/_data_stream/dst-logs-app");
    const app = writer("dst-logs-app");
    try {
      await new Promise((r) => setTimeout(r, 500));
      await os(leader, "POST", "/dst-logs-app/_rollover");
      await os(leader, "POST", "/dst-logs-app/_rollover");
      const before = await backingIndices("dst-logs-app");
      expect(before).toHaveLength(3);

      const created = await ferry.autofollow.create({ leader_alias: LEADER_ALIAS, name: RULE, pattern: "dst-logs-*" });
      expect(created).toEqual({ acknowledged: true, existing_indices: 3 });
      for (const index of before) await until(`${index} SYNCING`, async () => (await status(index)) === "SYNCING");

      // A rollover while the writer goes on, and a stream created after the rule.
      await os(leader, "POST", "/dst-logs-app/_rollover");
      await os(leader, "PUT", "/_data_stream/dst-logs-late");
      const late = writer("dst-logs-late");
      try {
        const after = [...await backingIndices("dst-logs-app"), ...await backingIndices("dst-logs-late")];
        expect(after).toHaveLength(5);
        for (const index of after) await until(`${index} SYNCING`, async () => (await status(index)) === "SYNCING");
      } finally {
        await late.stop();
      }
    } finally {
      await app.stop();
    }

    for (const index of [...await backingIndices("dst-logs-app"), ...await backingIndices("dst-logs-late")]) {
      expect(await converge(leader, follower, index, index, 60_000), index).toEqual([]);
      const settings = await os(follower, "GET", `/${index}/_settings/index.hidden?flat_settings=true`);
      expect(settings[index].settings["index.hidden"]).toBe("true");
    }
    const followed = (await ferry.autofollow.stats()).autofollow_stats as Array<{ name: string; num_success_start_replication: number }>;
    expect(followed.find((r) => r.name === RULE)?.num_success_start_replication).toBe(5);
    // The stream's templates are on the follower, for streams created there after a failover.
    expect((await os(follower, "GET", "/_index_template/dst-logs")).index_templates[0].index_template)
      .toMatchObject({ index_patterns: ["dst-logs-*"], composed_of: ["dst-logs-fields"], data_stream: {} });
    expect((await os(follower, "GET", "/_component_template/dst-logs-fields")).component_templates).toHaveLength(1);
    // The follower stream's name answers _status for all its backing indices.
    const streamStatus = await ferry.replications.status("dst-logs-app", false);
    expect(streamStatus).toMatchObject({ status: "SYNCING", leader_alias: LEADER_ALIAS, leader_index: "dst-logs-app", follower_index: "dst-logs-app" });
    expect((streamStatus.ferry_backing_indices as Array<{ status: string }>).map((m) => m.status)).toEqual(["SYNCING", "SYNCING", "SYNCING", "SYNCING"]);
    expect(streamStatus.syncing_details).toMatchObject({ seq_no: expect.any(Number) });
    // The stream's name answers searches on the follower too, and takes no writes there.
    for (const stream of ["dst-logs-app", "dst-logs-late"]) {
      await os(follower, "POST", `/${stream}/_refresh`);
      expect((await os(follower, "GET", `/${stream}/_count`)).count).toBe((await os(leader, "GET", `/${stream}/_count`)).count);
    }
    const write = await fetch(`${follower}/dst-logs-app/_doc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ "@timestamp": new Date().toISOString() }) });
    expect(write.status).toBe(400);
    // The streams of the later cases are theirs alone.
    await ferry.autofollow.delete(LEADER_ALIAS, RULE);
  });

  it("a start naming a stream follows its backing indices under the path's stream name; a dot name that backs no stream is refused", async () => {
    await os(leader, "PUT", "/_data_stream/dst-logs-solo");
    const solo = writer("dst-logs-solo");
    try {
      await new Promise((r) => setTimeout(r, 300));
      await os(leader, "POST", "/dst-logs-solo/_rollover");
      const answer = await ferry.wildcardStart.startIndexOrStream("dst-copy", { leader_alias: LEADER_ALIAS, leader_index: "dst-logs-solo" }, { waitForRestore: true });
      expect(answer).toEqual({
        acknowledged: true,
        indices: [
          { leader_index: ".ds-dst-logs-solo-000001", follower_index: ".ds-dst-copy-000001", result: "started" },
          { leader_index: ".ds-dst-logs-solo-000002", follower_index: ".ds-dst-copy-000002", result: "started" },
        ],
      });
    } finally {
      await solo.stop();
    }
    // The start made a rule of the follower stream's name for the backing indices rollovers add later.
    expect(ferry.autofollow.list().find((r) => r.name === "dst-copy")).toMatchObject({ pattern: "dst-logs-solo", follower_index_pattern: "dst-copy" });
    await os(leader, "POST", "/dst-logs-solo/_rollover");
    await until(".ds-dst-copy-000003 SYNCING", async () => (await status(".ds-dst-copy-000003")) === "SYNCING");
    await ferry.autofollow.delete(LEADER_ALIAS, "dst-copy");
    expect(await converge(leader, follower, ".ds-dst-logs-solo-000001", ".ds-dst-copy-000001", 60_000)).toEqual([]);
    expect(await converge(leader, follower, ".ds-dst-logs-solo-000002", ".ds-dst-copy-000002", 60_000)).toEqual([]);
    await os(follower, "POST", "/dst-copy/_refresh");
    expect((await os(follower, "GET", "/dst-copy/_count")).count).toBe((await os(leader, "GET", "/dst-logs-solo/_count")).count);

    // Promoted one by one in any order (forced, planned), the newest copy takes the writes sent to the
    // follower stream's name.
    expect(await ferry.replications.promote(".ds-dst-copy-000003", { force: true })).toMatchObject({ acknowledged: true, promotion: "unplanned" });
    for (const index of [".ds-dst-copy-000001", ".ds-dst-copy-000002"]) {
      expect(await ferry.replications.promote(index, {})).toMatchObject({ acknowledged: true, promotion: "planned" });
    }
    const written = await os(follower, "POST", "/dst-copy/_doc?op_type=create&refresh=true", { "@timestamp": new Date().toISOString(), n: -1, writer: "after-promote" });
    expect(written).toMatchObject({ result: "created", _index: ".ds-dst-copy-000003" });

    await os(follower, "PUT", "/dst-taken", { settings: { number_of_replicas: 0 } });
    try {
      await expect(ferry.wildcardStart.startIndexOrStream("dst-taken", { leader_alias: LEADER_ALIAS, leader_index: "dst-logs-solo" }, { waitForRestore: false }))
        .rejects.toMatchObject({ status: 400, message: expect.stringContaining("an index or data stream of that name exists on the follower") });
      expect(ferry.autofollow.list().map((r) => r.name)).not.toContain("dst-taken");
    } finally {
      await os(follower, "DELETE", "/dst-taken");
    }

    await expect(ferry.replications.start(".ds-dst-none-000001", { leader_alias: LEADER_ALIAS, leader_index: ".ds-dst-none-000001" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 400, type: "action_request_validation_exception" });
    await expect(ferry.wildcardStart.startIndexOrStream("dst-nothing", { leader_alias: LEADER_ALIAS, leader_index: "dst-nothing" }, { waitForRestore: false }))
      .rejects.toMatchObject({ status: 404, type: "index_not_found_exception" });
  });

  it("a backing index the leader's lifecycle deletes ends its replication; the follower keeps its copy, or deletes it when told to", async () => {
    await os(leader, "PUT", "/_data_stream/dst-logs-ret");
    const ret = writer("dst-logs-ret");
    let members: string[];
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 300));
        await os(leader, "POST", "/dst-logs-ret/_rollover");
      }
      members = await backingIndices("dst-logs-ret");
      await ferry.wildcardStart.startIndexOrStream("dst-logs-ret", { leader_alias: LEADER_ALIAS, leader_index: "dst-logs-ret" }, { waitForRestore: true });
      for (const index of members) await until(`${index} SYNCING`, async () => (await status(index)) === "SYNCING");

      // What ISM's or ILM's delete action does: an old backing index goes, the stream lives on.
      const [oldest, second] = members;
      await os(leader, "DELETE", `/${oldest}`);
      await until(`${oldest} ended`, async () => (await status(oldest!)) === "REPLICATION NOT IN PROGRESS");
      expect((await os(follower, "GET", `/${oldest}/_count`)).count).toBeGreaterThan(0);

      ferry.settings.update({ "ferry.follower.mirror_index_deletes": 1 }, false);
      await os(leader, "DELETE", `/${second}`);
      await until(`${second} ended`, async () => (await status(second!)) === "REPLICATION NOT IN PROGRESS");
      await until(`${second} deleted on the follower`, async () => (await fetch(`${follower}/${second}`, { method: "HEAD" })).status === 404);
      for (const index of members.slice(2)) expect(await status(index)).toBe("SYNCING");
    } finally {
      ferry.settings.update({ "ferry.follower.mirror_index_deletes": null }, false);
      await ret.stop();
    }
    for (const index of members.slice(2)) expect(await converge(leader, follower, index, index, 60_000), index).toEqual([]);

    // _pause and _resume on the stream's name act on every backing index and on the rule its start made.
    const actions = { replications: ferry.replications, autofollow: ferry.autofollow };
    expect(await pauseIndexOrStream(actions, "dst-logs-ret", "maintenance")).toEqual({ acknowledged: true });
    for (const index of members.slice(2)) expect(await status(index)).toBe("PAUSED");
    expect(ferry.autofollow.list().find((r) => r.name === "dst-logs-ret")?.disabled?.reason).toBe("data stream [dst-logs-ret] paused");
    expect((await ferry.replications.status("dst-logs-ret", false)).status).toBe("PAUSED");
    expect(await resumeIndexOrStream(actions, "dst-logs-ret")).toEqual({ acknowledged: true });
    for (const index of members.slice(2)) await until(`${index} SYNCING again`, async () => (await status(index)) === "SYNCING");
    expect(ferry.autofollow.list().find((r) => r.name === "dst-logs-ret")?.disabled).toBeUndefined();

    // _stop on the stream's name stops every backing index and the rule its start made.
    expect(await stopIndexOrStream(actions, "dst-logs-ret")).toEqual({ acknowledged: true });
    for (const index of members) expect(await status(index)).toBe("REPLICATION NOT IN PROGRESS");
    expect(ferry.autofollow.list().map((r) => r.name)).not.toContain("dst-logs-ret");
    expect(await ferry.replications.status("dst-logs-ret", false)).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });

  it("a planned promote of a stream under writes holds the leader stream, drains every backing index and loses no acknowledged write", async () => {
    await os(leader, "PUT", "/_data_stream/dst-logs-live");
    const live = streamShipper(leader, "dst-logs-live", { pauseMs: 30 });
    const actions = { replications: ferry.replications, autofollow: ferry.autofollow };
    try {
      await new Promise((r) => setTimeout(r, 300));
      await os(leader, "POST", "/dst-logs-live/_rollover");
      await ferry.wildcardStart.startIndexOrStream("dst-live", { leader_alias: LEADER_ALIAS, leader_index: "dst-logs-live" }, { waitForRestore: true });
      await os(leader, "POST", "/dst-logs-live/_rollover");
      await until(".ds-dst-live-000003 SYNCING", async () => (await status(".ds-dst-live-000003")) === "SYNCING");

      // A drain that cannot finish rolls the promote back: the leader stream takes writes again, ferry's
      // template is gone, and the rule is enabled again.
      await expect(promoteIndexOrStream(actions, "dst-live", { timeout: "1ms" })).rejects.toMatchObject({ status: 408, type: "promote_timeout_exception" });
      expect(await fetch(`${leader}/_index_template/ferry-hold-dst-logs-live`).then((r) => r.status)).toBe(404);
      expect(ferry.autofollow.list().find((r) => r.name === "dst-live")?.disabled).toBeUndefined();
      const before = live.acknowledged.size;
      await until("the leader stream takes writes again", async () => live.acknowledged.size > before + 100);
      // The rollback's rollover left a newer backing index, which the rule follows.
      const afterRollback = await backingIndices("dst-logs-live");
      expect(afterRollback).toHaveLength(4);
      await until(".ds-dst-live-000004 SYNCING", async () => (await status(".ds-dst-live-000004")) === "SYNCING");

      const answer = await promoteIndexOrStream(actions, "dst-live", {});
      expect(answer).toMatchObject({ acknowledged: true, promotion: "planned", follower_index: "dst-live", leader_index: "dst-logs-live", leader_write_block: true });
      expect(answer.guarantee).toContain("ferry-hold-dst-logs-live");
      expect(answer.ferry_backing_indices!.map((o) => o.index)).toEqual([".ds-dst-live-000004", ".ds-dst-live-000003", ".ds-dst-live-000002", ".ds-dst-live-000001"]);
      expect(answer.documents!.follower).toBe(answer.documents!.leader);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await live.stop();
    }
    // The shipper was refused from the hold on; everything it was told was written is on the follower.
    expect(live.refusals()).toBeGreaterThan(0);
    await os(follower, "POST", "/dst-live/_refresh");
    const held = (await os(follower, "GET", `/dst-live/_count`)).count;
    expect(held).toBe(live.acknowledged.size);
    const ids = [...live.acknowledged];
    for (let i = 0; i < ids.length; i += 1000) {
      const found = await os(follower, "POST", "/dst-live/_search", { size: 0, query: { ids: { values: ids.slice(i, i + 1000) } }, track_total_hits: true });
      expect(found.hits.total.value).toBe(ids.slice(i, i + 1000).length);
    }
    // The leader stream stays held; the follower stream takes the writes, into its newest copy.
    const refused = await fetch(`${leader}/dst-logs-live/_doc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ "@timestamp": new Date().toISOString() }) });
    expect(refused.status).toBe(403);
    const written = await os(follower, "POST", "/dst-live/_doc?op_type=create&refresh=true", { "@timestamp": new Date().toISOString(), n: -1, writer: "after-promote" });
    expect(written).toMatchObject({ result: "created", _index: ".ds-dst-live-000004" });
    expect(ferry.autofollow.list().map((r) => r.name)).not.toContain("dst-live");
    expect(await ferry.replications.status("dst-live", false)).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });

  it("follows a stream with a long name and dozens of backing indices, whose names pass the request-line limit together", async () => {
    const stream = `dst-logs-${"long-stream-name-".repeat(11)}end`;
    expect(stream.length).toBeGreaterThan(180);
    await os(leader, "PUT", `/_data_stream/${stream}`);
    for (let i = 0; i < 24; i++) {
      const lines = Array.from({ length: 10 }, (_, j) =>
        `${JSON.stringify({ create: { _index: stream, _id: `g${i}-${j}` } })}\n${JSON.stringify({ "@timestamp": new Date().toISOString(), n: j })}\n`);
      await fetch(`${leader}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines.join("") });
      await os(leader, "POST", `/${stream}/_rollover`);
    }
    const members = await backingIndices(stream);
    expect(members).toHaveLength(25);
    expect(members.join(",").length).toBeGreaterThan(4096);
    const answer = await ferry.wildcardStart.startIndexOrStream(stream, { leader_alias: LEADER_ALIAS, leader_index: stream }, { waitForRestore: false });
    expect((answer as { indices: Array<{ result: string }> }).indices.filter((o) => o.result === "started")).toHaveLength(25);
    await until("every backing index SYNCING", async () => (await ferry.replications.status(stream, false)).status === "SYNCING"
      && ((await ferry.replications.status(stream, false)).ferry_backing_indices as unknown[]).length === 25, 180_000);
    await until("the stream's count on the follower", async () => {
      await os(follower, "POST", `/${stream}/_refresh`);
      return (await os(follower, "GET", `/${stream}/_count`))?.count === 240;
    }, 60_000);
    expect(await stopIndexOrStream({ replications: ferry.replications, autofollow: ferry.autofollow }, stream)).toEqual({ acknowledged: true });
  });
});
