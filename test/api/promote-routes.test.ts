// The promote route through a running ferry: bad input answers in OpenSearch's error shape and changes
// nothing; a promote under the OpenDistro prefix hands the index and its alias over to the application.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";

const { leader, follower } = inject("testbed");
let ferry: FerryProcess;

beforeAll(async () => {
  ferry = await startFerry();
  await os(leader, "PUT", "/promote-route-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } });
  await os(leader, "PUT", "/promote-route-l/_doc/1?refresh=true", { n: 1 });
});
afterAll(async () => {
  await ferry?.stop();
  await os(leader, "DELETE", "/promote-route-l");
  await os(follower, "DELETE", "/promote-route-f");
  await os(leader, "DELETE", "/_data_stream/promote-route-logs");
  await os(leader, "DELETE", "/_index_template/ferry-hold-promote-route-logs");
  await os(follower, "DELETE", "/.ds-promote-route-logs-*?expand_wildcards=all");
  for (const side of [leader, follower]) await os(side, "DELETE", "/_index_template/promote-route-logs");
});

const P = "/_plugins/_replication";

function error(status: number, type: string) {
  return { status, body: { status, error: expect.objectContaining({ type }) } };
}

describe("promote route", () => {
  it("refuses bad input with a 400 and leaves the replication as it was", async () => {
    expect(await ferry.call("POST", `${P}/promote-route-nope/_promote`, {})).toEqual(error(400, "illegal_argument_exception"));
    expect(await ferry.call("PUT", `${P}/promote-route-f/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: "promote-route-l" }))
      .toEqual({ status: 200, body: { acknowledged: true } });
    expect(await ferry.call("POST", `${P}/promote-route-f/_promote`, { timeout: "soon" })).toMatchObject({ status: 400 });
    expect(await ferry.call("POST", `${P}/promote-route-f/_promote`, { promote: true })).toMatchObject({ status: 400 });
    expect(await ferry.call("POST", `${P}/promote-route-f/_promote`, { force: true, reverse: true })).toEqual(error(400, "illegal_argument_exception"));
    expect((await ferry.call("GET", `${P}/promote-route-f/_status`)).body.status).toBe("SYNCING");
  });

  it("promotes under the OpenDistro prefix: the alias takes the application's writes", async () => {
    const answer = await ferry.call("POST", `/_opendistro/_replication/promote-route-f/_promote`, { write_alias: "promote-route-app" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ acknowledged: true, promotion: "planned", follower_index: "promote-route-f", documents: { leader: 1, follower: 1 } });
    expect((await ferry.call("GET", `${P}/promote-route-f/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
    const written = await ferry.call("PUT", "/promote-route-app/_doc/2?refresh=true", { n: 2 });
    expect(written.status).toBe(201);
    expect((await os(follower, "GET", "/promote-route-f/_doc/2"))._source).toEqual({ n: 2 });
  });

  it("promotes a followed data stream by Elasticsearch's route; any other stream's promote goes to the follower", async () => {
    await os(leader, "PUT", "/_index_template/promote-route-logs", {
      index_patterns: ["promote-route-logs*"], data_stream: {}, template: { settings: { number_of_shards: 1, number_of_replicas: 0 } },
    });
    await os(leader, "POST", "/promote-route-logs/_doc?refresh=true", { "@timestamp": "2026-12-08T00:00:00Z", n: 1 });
    expect(await ferry.call("PUT", `${P}/promote-route-logs/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: "promote-route-logs" }))
      .toMatchObject({ status: 200, body: { acknowledged: true } });
    expect(await ferry.call("POST", "/_data_stream/_promote/promote-route-logs", {})).toEqual({ status: 200, body: { acknowledged: true } });
    expect((await ferry.call("GET", `${P}/promote-route-logs/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
    const written = await ferry.call("POST", "/promote-route-logs/_doc?op_type=create&refresh=true", { "@timestamp": "2026-12-08T00:00:01Z", n: 2 });
    expect(written).toMatchObject({ status: 201, body: { _index: ".ds-promote-route-logs-000001" } });
    // Not followed: the follower answers (OpenSearch has no such route).
    expect((await ferry.call("POST", "/_data_stream/_promote/promote-route-none", {})).status).toBeGreaterThanOrEqual(400);
  });
});
