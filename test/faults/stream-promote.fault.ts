// A planned promote of a data stream interrupted by SIGKILL while it holds the leader stream
// (docs/data-streams.md): ferry is killed while the leader's answer to the hold's rollover, or to the
// old write index's block, is swallowed, then started again on the same database. The promote must roll
// back by itself: ferry's hold template gone, the leader stream taking writes again, the stream's rule
// enabled again, its backing indices followed; then a promote on the restarted ferry loses no write the
// leader acknowledged.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { os } from "../support/documents.ts";
import { newFerryDir, type FerryProcess } from "../support/ferry-spawn.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { streamShipper } from "../support/stream-shipper.ts";
import { until } from "../support/until.ts";
import { useFaultBed } from "./clusters.ts";
import { report } from "./workload.ts";

const bed = useFaultBed();
const P = "/_plugins/_replication";
const proxies: TcpProxy[] = [];

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await os(bed.leader, "DELETE", "/_data_stream/fsp-logs-*").catch(() => undefined);
  await os(bed.leader, "DELETE", "/_index_template/ferry-hold-fsp-*").catch(() => undefined);
  await os(bed.leader, "DELETE", "/_index_template/fsp-logs").catch(() => undefined);
  await os(bed.follower, "DELETE", "/.ds-fsp-*?expand_wildcards=all").catch(() => undefined);
  await os(bed.follower, "DELETE", "/_index_template/fsp-logs").catch(() => undefined);
});

/** Where the promote is interrupted, and how: ferry killed while it waits for the leader's answer, or every
 * attempt of the request cut off (the promote then rolls back while the request waits). */
const TRIALS = [
  { name: "rollover", fault: "kill", match: (stream: string) => new RegExp(`^POST /${stream}/_rollover`) },
  { name: "block", fault: "kill", match: (stream: string) => new RegExp(`^PUT /\\.ds-${stream}-000002/_block/write`) },
  { name: "block-reset", fault: "reset", match: (stream: string) => new RegExp(`^PUT /\\.ds-${stream}-000002/_block/write`) },
] as const;

describe("a stream promote interrupted by SIGKILL while it holds the leader stream", () => {
  it("rolls back after the restart, releases the leader stream, and a later promote loses nothing", async () => {
    await os(bed.leader, "PUT", "/_index_template/fsp-logs", {
      index_patterns: ["fsp-logs-*"], data_stream: {}, priority: 300,
      template: { settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings: { properties: { "@timestamp": { type: "date" }, n: { type: "long" } } } },
    });
    const leaderProxy = await TcpProxy.start(bed.leader);
    proxies.push(leaderProxy);
    const env = {
      FERRY_DB: join(newFerryDir(), "ferry.db"),
      FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: [leaderProxy.url] } }),
      FERRY_SETTINGS: JSON.stringify({ "plugins.replication.autofollow.fetch_poll_interval": 500 }),
    };
    let ferry: FerryProcess = await bed.ferry(env);

    for (const trial of TRIALS) {
      const stream = `fsp-logs-${trial.name}`;
      const copy = `fsp-copy-${trial.name}`;
      await os(bed.leader, "PUT", `/_data_stream/${stream}`);
      const writes = streamShipper(bed.leader, stream);
      try {
        await until("the shipper wrote", async () => writes.acknowledged.size > 100);
        await os(bed.leader, "POST", `/${stream}/_rollover`);
        expect((await ferry.call("PUT", `${P}/${copy}/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: stream })).status).toBe(200);

        let held = false;
        const pattern = trial.match(stream);
        if (trial.fault === "kill") {
          await leaderProxy.set({ kind: "drop-requests", hold: true, match: (line) => pattern.test(line) && (held = true) });
          const promote = ferry.call("POST", `${P}/${copy}/_promote`, {}).catch((err: Error) => ({ status: 0, body: err.message }));
          await until(`ferry waits for the ${trial.name}`, async () => held, 60_000, 50);
          ferry.kill("SIGKILL");
          await promote;
          await leaderProxy.set({ kind: "none" });
          ferry = await bed.ferry({ ...env, FERRY_DB_CREATE: "false" });
        } else {
          await leaderProxy.set({ kind: "drop-requests", match: (line) => pattern.test(line) });
          const answer = await ferry.call("POST", `${P}/${copy}/_promote`, {});
          await leaderProxy.set({ kind: "none" });
          expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 409, body: { error: { type: "promote_rolled_back_exception" } } });
        }

        // Rolled back: the hold is released and the leader stream takes writes; the rule follows again.
        await until("the hold template is gone", async () => (await fetch(`${bed.leader}/_index_template/ferry-hold-${stream}`)).status === 404, 60_000);
        const before = writes.acknowledged.size;
        await until("the leader stream takes writes again", async () => writes.acknowledged.size > before + 100, 60_000);
        const rules = (await ferry.call("GET", `${P}/_autofollow`)).body.rules as Array<{ name: string; disabled?: unknown }>;
        expect(rules.find((r) => r.name === copy)).toMatchObject({ name: copy });
        expect(rules.find((r) => r.name === copy)?.disabled).toBeUndefined();
        const members = ((await os(bed.leader, "GET", `/_data_stream/${stream}`)).data_streams[0].indices as Array<{ index_name: string }>).map((i) => i.index_name);
        await until("every backing index followed", async () => {
          const status = (await ferry.call("GET", `${P}/${copy}/_status?ferry_extras=true`)).body;
          return status.status === "SYNCING" && status.ferry_backing_indices?.length === members.length;
        }, 120_000);

        const promoted = await ferry.call("POST", `${P}/${copy}/_promote`, {});
        expect(promoted, JSON.stringify(promoted.body)).toMatchObject({ status: 200, body: { promotion: "planned" } });
      } finally {
        await writes.stop();
      }
      await os(bed.follower, "POST", `/${copy}/_refresh`);
      const ids = [...writes.acknowledged];
      let found = 0;
      for (let i = 0; i < ids.length; i += 1000) {
        found += (await os(bed.follower, "POST", `/${copy}/_count`, { query: { ids: { values: ids.slice(i, i + 1000) } } })).count;
      }
      expect(found, trial.name).toBe(ids.length);
      report(`stream-promote ${trial.name}`, { acknowledged: ids.length, on_follower: found });
    }
  });
});
