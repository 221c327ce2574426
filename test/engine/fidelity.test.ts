// Fidelity: by default a follower document's `_source` holds the leader's bytes, after bootstrap, after
// following and after a foreign-write repair. The bodies are written raw, in spellings a JSON round trip
// in JavaScript or an ingest pipeline would change.
import { afterAll, describe, expect, it } from "vitest";
import { os } from "../support/documents.ts";
import { LEADER_ALIAS, testbed, useCore } from "./engine-context.ts";

const { leader, follower } = testbed();
const core = useCore();
const [L, F] = ["fidelity-l", "fidelity-f"];

const PRETTY = '{\n  "z" : 1,\n  "a" : [ 1.50, -0.0, 1E2 ]\n}';
const BODIES: Record<string, string> = {
  // Integer-like keys (JavaScript moves them first), big integers, 1.0, a number beyond double, escapes.
  odd: '{ "b":1, "2":0,"1":0 , "big":12345678901234567890, "f":1.0, "e":1e400, "u":"\\u00e9\\"x\\u2028", "n":[[1,[2]],{}] }',
  pretty: PRETTY,
  utf8: '{"s":"ÿ 日本 😀","t":"\\ud83d\\ude00","neg":-123456789012345678901234567890}',
  nested: '{"10":"ten","9":[{"9":9,"10":10},[[[]]]],"x":{"y":{"z":0.10000000000000000555}}}',
};
/** Ids with the routing they are written with. */
const ROUTED: Record<string, string | undefined> = { odd: undefined, pretty: undefined, utf8: "r1", nested: "r2" };

async function putRaw(base: string, index: string, id: string, routing: string | undefined, body: string): Promise<number> {
  const res = await fetch(`${base}/${index}/_doc/${id}${routing ? `?routing=${routing}` : ""}`, {
    method: "PUT", headers: { "content-type": "application/json" }, body,
  });
  await res.text();
  return res.status;
}

/** The document's `_source` exactly as the cluster answers it: the `_source` endpoint sends the stored bytes. */
async function rawSource(base: string, index: string, id: string, routing: string | undefined): Promise<string | undefined> {
  const res = await fetch(`${base}/${index}/_source/${id}${routing ? `?routing=${routing}` : ""}`);
  const text = await res.text();
  return res.status === 404 ? undefined : text;
}

/** Polls until the follower's bytes equal `expected` (id → bytes) or the time is up; answers the differences. */
async function sameBytes(expected: Record<string, string>, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const diff: string[] = [];
    for (const [id, bytes] of Object.entries(expected)) {
      const got = await rawSource(follower, F, id, ROUTED[id.replace(/^f-/, "")]);
      if (got !== bytes) diff.push(`${id}: follower=${JSON.stringify(got)} expected=${JSON.stringify(bytes)}`);
    }
    if (diff.length === 0 || Date.now() > deadline) return diff;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function leaderBytes(ids: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of ids) out[id] = (await rawSource(leader, L, id, ROUTED[id.replace(/^f-/, "")]))!;
  return out;
}

afterAll(async () => {
  await core().replications.stop(F).catch(() => undefined);
  await os(leader, "DELETE", `/${L}`);
  await os(follower, "DELETE", `/${F}`);
});

describe("fidelity", () => {
  it("keeps the leader's _source bytes through bootstrap, following and repair, with no pipeline on the follower", async () => {
    // Unmapped fields are not indexed, so 1e400 and integers beyond long are accepted as written.
    await os(leader, "PUT", `/${L}`, {
      settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings: { dynamic: false, properties: { k: { type: "keyword" } } },
    });
    for (const [id, body] of Object.entries(BODIES)) expect(await putRaw(leader, L, id, ROUTED[id], body)).toBe(201);
    const ids = Object.keys(BODIES);
    const leaderCopy = await leaderBytes(ids);
    // The leader itself stores the bodies as sent: this is what the follower must match.
    expect(leaderCopy).toEqual(BODIES);

    await core().replications.start(F, { leader_alias: LEADER_ALIAS, leader_index: L }, { waitForRestore: true });
    expect(await sameBytes(leaderCopy)).toEqual([]);
    expect((await core().replications.status(F, false) as { ferry_write_guard?: string }).ferry_write_guard).toBe("proxy_only");
    const settings = await os(follower, "GET", `/${F}/_settings/index.final_pipeline?flat_settings=true`);
    // A filtered settings read answers {} when the setting is not set at all.
    expect(settings[F]?.settings?.["index.final_pipeline"]).toBeUndefined();

    // Following: new documents and an overwrite travel through ferry's search and bulk path.
    for (const [id, body] of Object.entries(BODIES)) expect(await putRaw(leader, L, `f-${id}`, ROUTED[id], body)).toBe(201);
    const overwrite = '{"2":"two","1":"one","big":18446744073709551615,"f":2.50}';
    expect(await putRaw(leader, L, "odd", undefined, overwrite)).toBe(200);
    const followed = await leaderBytes([...ids, ...ids.map((id) => `f-${id}`)]);
    expect(followed.odd).toBe(overwrite);
    expect(await sameBytes(followed)).toEqual([]);

    // Foreign writes straight to the follower (no pipeline stops them): the sweep rewrites them from
    // the leader's _mget, bytes included.
    expect(await putRaw(follower, F, "f-odd", undefined, '{"intruder":true}')).toBe(200);
    expect(await putRaw(follower, F, "f-utf8", "r1", '{"intruder":true}')).toBe(200);
    expect((await fetch(`${follower}/${F}/_doc/f-nested?routing=r2`, { method: "DELETE" })).status).toBe(200);
    expect((await fetch(`${follower}/${F}/_doc/f-pretty`, { method: "DELETE" })).status).toBe(200);
    // A repair goes through `_bulk`, one line per document, so a pretty-printed source comes back with
    // its line breaks as spaces: the one place where only the JSON value is kept, not every byte.
    const repaired = { ...followed, "f-pretty": PRETTY.replaceAll("\n", " ") };
    expect(await sameBytes(repaired, 20_000)).toEqual([]);
  });
});
