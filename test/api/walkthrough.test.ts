// The OpenDistro walkthrough at the speed of a new user who pastes it (issue 11, item 5): start without
// waiting for the restore, see the document on the follower, write a second one on the leader, see both,
// stop at once. A stop that came while the status still said BOOTSTRAPPING used to delete the follower
// although the user had already read both documents from it. Several rounds, since the window is a race.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
const ROUNDS = 5;
const EARLY_ROUNDS = 10;
const created: string[] = [];
let ferry: FerryProcess;

beforeAll(async () => {
  ferry = await startFerry();
});
afterAll(async () => {
  await ferry?.stop();
  for (const index of created) {
    await os(leader, "DELETE", `/${index}`);
    await os(follower, "DELETE", `/${index}`);
  }
});

/** Ids the follower returns for a search through ferry's proxy, as the walkthrough's `GET <index>/_search`. */
async function visibleIds(index: string): Promise<string[]> {
  const res = await fetch(`${ferry.url}/${index}/_search?filter_path=hits.hits._id`);
  if (res.status !== 200) return [];
  const body = (await res.json()) as { hits?: { hits?: Array<{ _id: string }> } };
  return (body.hits?.hits ?? []).map((h) => h._id).sort();
}

/** The walkthrough; `early` stops as soon as the first document shows, the narrowest window there is. */
async function walkthrough(prefix: "_opendistro" | "_plugins", index: string, early = false): Promise<void> {
  created.push(index);
  const P = `/${prefix}/_replication/${index}`;
  await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await os(leader, "PUT", `/${index}/_doc/1`, { value: "data1" });

  const body = prefix === "_opendistro"
    ? { remote_cluster: "leader-cluster", remote_index: index }
    : { leader_alias: "leader-cluster", leader_index: index };
  expect(await ferry.call("PUT", `${P}/_start`, body)).toEqual({ status: 200, body: { acknowledged: true } });

  // As fast as a user can look: no pause between polls beyond the request itself.
  await until(`${index} shows document 1`, async () => (await visibleIds(index)).includes("1"), 90_000, 0);
  const seen = early ? ["1"] : ["1", "2"];
  if (!early) {
    await os(leader, "PUT", `/${index}/_doc/2`, { value: "data2" });
    await until(`${index} shows both documents`, async () => (await visibleIds(index)).length === 2, 90_000, 0);
  }

  expect(await ferry.call("POST", `${P}/_stop`, {})).toEqual({ status: 200, body: { acknowledged: true } });

  expect((await ferry.call("GET", `${P}/_status`)).body).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  expect((await fetch(`${follower}/${index}`, { method: "HEAD" })).status, `${index} still exists on the follower`).toBe(200);
  await os(follower, "POST", `/${index}/_refresh`);
  expect(await visibleIds(index)).toEqual(seen);

  // The follower is an ordinary index now: ferry's proxy lets the write through, and so does the cluster.
  const proxied = await fetch(`${ferry.url}/${index}/_doc/3?refresh=true`, {
    method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ value: "data3" }),
  });
  expect(proxied.status, await proxied.clone().text()).toBe(201);
  expect((await os(follower, "PUT", `/${index}/_doc/4?refresh=true`, { value: "data4" })).result).toBe("created");
  expect(await visibleIds(index)).toEqual([...seen, "3", "4"]);
}

describe("the OpenDistro walkthrough at full speed", () => {
  it(`start, both documents seen, stop at once (${ROUNDS} rounds): the follower stays, whole and writable`, async () => {
    for (let round = 0; round < ROUNDS; round++) await walkthrough("_opendistro", `walkthrough-od-${round}`);
  });

  // The narrowest window: a recovered primary answers searches a moment before the cluster state lists it
  // as started, so stop must judge the restore by its recovery stages, not by active primaries.
  it(`stop the moment the first document shows (up to ${EARLY_ROUNDS} rounds): the follower keeps it and takes writes`, async () => {
    for (let round = 0; round < EARLY_ROUNDS; round++) await walkthrough("_opendistro", `walkthrough-early-${round}`, true);
  });

  it("the same with the _plugins prefix and its field names", async () => {
    await walkthrough("_plugins", "walkthrough-plugins");
  });
});
