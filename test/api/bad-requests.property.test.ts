// Property test: thousands of malformed requests to a running ferry get only 4xx answers in OpenSearch's
// error shape — never a 5xx, never a dropped connection — and ferry still answers afterwards.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";

let ferry: FerryProcess;

beforeAll(async () => {
  ferry = await startFerry();
});
afterAll(async () => {
  await ferry?.stop();
});

interface BadRequest {
  method: string;
  path: string;
  body?: string;
}

const prefix = fc.constantFrom("/_plugins/_replication", "/_opendistro/_replication");

// Anything but "." and "..", which URL parsers fold away before the request is sent.
const indexName = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
  fc.constantFrom("UPPER", "_under", "-dash", "a#b", "a:b", "a*", "a b", "é", "😀", "a".repeat(300), "%", "?", "a/b"),
).filter((n) => n !== "." && n !== "..").map(encodeURIComponent);

const anyJson = fc.jsonValue({ maxDepth: 3 });
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const notAnObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(anyJson, { maxLength: 3 }));

const brokenJson = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
  fc.json().map((text) => text.slice(0, Math.max(1, text.length - 1)) + (text.endsWith("}") ? "," : "}")),
  fc.json().map((text) => `{${text}`),
).filter((text) => {
  if (text.trim() === "") return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
});

// Bodies for routes whose schema is strict: `{"leader_alias":..,"leader_index":..}` style, but wrong.
const unknownKey = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((k) => !["leader_alias", "leader_index", "use_roles", "settings"].includes(k));

const badStartBody = fc.oneof(
  fc.record({ leader_alias: notAString, leader_index: fc.string() }),
  fc.record({ leader_alias: fc.string(), leader_index: notAString }),
  fc.record({ leader_alias: fc.string() }),
  fc.record({ leader_index: fc.string() }),
  fc.tuple(unknownKey, anyJson).map(([k, v]) => ({ leader_alias: "a", leader_index: "b", [k]: v })),
  fc.record({ leader_alias: fc.string(), leader_index: fc.string(), use_roles: fc.oneof(notAnObject, fc.record({ leader_cluster_role: fc.string() })) }),
  fc.record({ leader_alias: fc.string(), leader_index: fc.string(), settings: notAnObject }),
  notAnObject,
).map((b) => JSON.stringify(b));

// Bad for both POST (which needs a pattern) and DELETE (which refuses one).
const badAutoFollowBody = fc.oneof(
  fc.record({ name: fc.string(), pattern: fc.string() }),
  fc.record({ leader_alias: fc.string(), name: fc.string(), pattern: notAString }),
  fc.record({ leader_alias: notAString, name: fc.string(), pattern: fc.string() }),
  fc.record({ leader_alias: fc.string(), name: fc.string(), pattern: fc.string(), extra: anyJson }),
  notAnObject,
).map((b) => JSON.stringify(b));

const hugeBody = fc.integer({ min: 1024 * 1024 + 1, max: 1024 * 1024 + 300_000 }).map((n) => `{"leader_alias":"${"x".repeat(n)}"}`);

const badQuery = fc.oneof(
  fc.tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 15 }), fc.string({ maxLength: 10 }))
    .filter(([k]) => !["pretty", "human", "error_trace", "filter_path", "verbose"].includes(k))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
  fc.string({ minLength: 1, maxLength: 8 }).filter((v) => v !== "true" && v !== "false").map((v) => `verbose=${encodeURIComponent(v)}`),
);

const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(prefix, indexName, badStartBody).map(([p, i, body]) => ({ method: "PUT", path: `${p}/${i}/_start`, body })) },
  { weight: 2, arbitrary: fc.tuple(prefix, indexName, brokenJson, fc.constantFrom("_start", "_stop", "_pause", "_resume", "_update"))
    .map(([p, i, body, op]) => ({ method: op === "_start" || op === "_update" ? "PUT" : "POST", path: `${p}/${i}/${op}`, body })) },
  { weight: 1, arbitrary: fc.tuple(prefix, indexName, fc.dictionary(unknownKey, anyJson, { minKeys: 1, maxKeys: 3 }))
    .map(([p, i, body]) => ({ method: "POST", path: `${p}/${i}/_stop`, body: JSON.stringify(body) })) },
  { weight: 1, arbitrary: fc.tuple(prefix, indexName, fc.oneof(notAnObject, fc.record({ force_resume: notAString })))
    .map(([p, i, body]) => ({ method: "POST", path: `${p}/${i}/_resume`, body: JSON.stringify(body) })) },
  { weight: 1, arbitrary: fc.tuple(prefix, indexName, notAnObject).map(([p, i, b]) => ({ method: "PUT", path: `${p}/${i}/_update`, body: JSON.stringify(b) })) },
  { weight: 2, arbitrary: fc.tuple(prefix, badAutoFollowBody, fc.constantFrom("POST", "DELETE")).map(([p, body, method]) => ({ method, path: `${p}/_autofollow`, body })) },
  { weight: 2, arbitrary: fc.tuple(prefix, indexName, badQuery).map(([p, i, q]) => ({ method: "GET", path: `${p}/${i}/_status?${q}` })) },
  { weight: 1, arbitrary: fc.tuple(prefix, indexName, fc.constantFrom("_nope", "_start/x", "_status/more", "")).map(([p, i, tail]) => ({ method: "GET", path: `${p}/${i}/${tail}x` })) },
  { weight: 1, arbitrary: fc.tuple(prefix, indexName, fc.constantFrom("PATCH", "DELETE", "GET", "POST")).map(([p, i, method]) => ({ method, path: `${p}/${i}/_start` })) },
  { weight: 1, arbitrary: fc.tuple(indexName, fc.oneof(brokenJson, fc.record({ hosts: notAString }).map((b) => JSON.stringify(b))))
    .map(([alias, body]) => ({ method: "PUT", path: `/_ferry/remotes/${alias}`, body })) },
  { weight: 1, arbitrary: fc.tuple(prefix, indexName, hugeBody).map(([p, i, body]) => ({ method: "PUT", path: `${p}/${i}/_start`, body })) },
);

async function send(req: BadRequest): Promise<{ status: number; body: any }> {
  const res = await fetch(`${ferry.url}${req.path}`, {
    method: req.method,
    ...(req.body !== undefined ? { body: req.body, headers: { "content-type": "application/json" } } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

describe("malformed requests", () => {
  it("get a 4xx in OpenSearch's error shape, 600 of them", async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(badRequest, async (req) => {
        sent++;
        const { status, body } = await send(req);
        expect(status, `${req.method} ${req.path}`).toBeGreaterThanOrEqual(400);
        expect(status, `${req.method} ${req.path}`).toBeLessThan(500);
        expect(body.status).toBe(status);
        expect(typeof body.error.type).toBe("string");
        expect(typeof body.error.reason).toBe("string");
        expect(body.error.root_cause[0]).toMatchObject({ type: body.error.type, reason: body.error.reason });
      }),
      { numRuns: 600 },
    );
    expect(sent).toBeGreaterThanOrEqual(600);
  });

  it("leave ferry answering", async () => {
    const res = await fetch(`${ferry.url}/_plugins/_replication/still-here/_status`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "REPLICATION NOT IN PROGRESS" });
  });
});
