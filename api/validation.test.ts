// Validation against the contract, through the app, before any handler: every refusal is a 4xx in
// OpenSearch's error shape that names what was wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../core/config/config.ts";
import { createFerry, type Ferry } from "../core/ferry.ts";
import { testbedFerryEnv } from "../test/support/ferry-process.ts";
import { buildApp } from "./app.ts";
import { MAX_BODY_BYTES } from "./validation.ts";

let ferry: Ferry;
let app: ReturnType<typeof buildApp>;

beforeAll(async () => {
  ferry = await createFerry(loadConfig(testbedFerryEnv()));
  app = buildApp(ferry);
});
afterAll(async () => {
  await ferry?.close();
});

async function call(method: string, path: string, body?: string) {
  const res = await app.request(path, { method, ...(body !== undefined ? { body, headers: { "content-type": "application/json" } } : {}) });
  return { status: res.status, body: await res.json() as { error: { type: string; reason: string; root_cause: Array<{ type: string; reason: string }> }; status: number } };
}

const START = "/_plugins/_replication/vf/_start";

const cases: Array<[string, string, string, string | undefined, number, string, string]> = [
  ["unknown field", "PUT", START, '{"leader_alias":"a","leader_index":"b","k":1}', 400, "x_content_parse_exception", "[1:40] [FollowIndexRequestParser] unknown field [k]"],
  ["unknown field first", "PUT", START, '{"k":1}', 400, "x_content_parse_exception", "[1:2] [FollowIndexRequestParser] unknown field [k]"],
  ["unknown field on a later line", "PUT", START, '{\n  "leader_alias": "a",\n  "kk": 1\n}', 400, "x_content_parse_exception", "[3:3] [FollowIndexRequestParser] unknown field [kk]"],
  ["missing start fields", "PUT", START, '{"leader_alias":"a"}', 400, "action_request_validation_exception",
    "Validation Failed: 1: Mandatory params [leader_alias, leader_index] are missing for the request;"],
  ["missing body", "PUT", START, undefined, 400, "parse_exception", "request body or source parameter is required"],
  ["empty body", "POST", "/_plugins/_replication/vf/_stop", "", 400, "parse_exception", "request body or source parameter is required"],
  ["broken JSON", "PUT", START, '{"leader_alias":"a",', 400, "x_content_parse_exception", "[1:21] expected a field name"],
  ["wrong type", "PUT", START, '{"leader_alias":1,"leader_index":"b"}', 400, "x_content_parse_exception",
    "[1:2] [FollowIndexRequestParser] field [leader_alias] must be of type string"],
  ["body not an object", "PUT", START, "[1]", 400, "x_content_parse_exception", "[1:1] [FollowIndexRequestParser] request body must be a JSON object"],
  ["duplicate field", "PUT", START, '{"leader_alias":"a","leader_alias":"b"}', 400, "x_content_parse_exception", "[1:21] duplicate field [leader_alias]"],
  ["half use_roles", "PUT", START, '{"leader_alias":"a","leader_index":"b","use_roles":{"leader_cluster_role":"r"}}', 400,
    "action_request_validation_exception", "Validation Failed: 1: Need roles for leader_cluster_role and follower_cluster_role;"],
  ["unknown use_roles field", "PUT", START, '{"leader_alias":"a","leader_index":"b","use_roles":{"x":1}}', 400, "x_content_parse_exception",
    "[1:53] [UseRolesParser] unknown field [x]"],
  ["stop takes exactly {}", "POST", "/_plugins/_replication/vf/_stop", '{"reason":"x"}', 400, "x_content_parse_exception",
    "[1:2] [StopReplicationRequestParser] unknown field [reason]"],
  ["pause reason type", "POST", "/_plugins/_replication/vf/_pause", '{"reason":5}', 400, "x_content_parse_exception",
    "[1:2] [PauseReplicationRequestParser] field [reason] must be of type string"],
  ["resume unknown field", "POST", "/_plugins/_replication/vf/_resume", '{"force":true}', 400, "x_content_parse_exception",
    "[1:2] [ResumeReplicationRequestParser] unknown field [force]"],
  ["resume missing body", "POST", "/_plugins/_replication/vf/_resume", undefined, 400, "parse_exception", "request body or source parameter is required"],
  ["update missing body", "PUT", "/_plugins/_replication/vf/_update", undefined, 400, "parse_exception", "request body is required"],
  ["autofollow missing body", "POST", "/_plugins/_replication/_autofollow", undefined, 400, "parse_exception", "request body is required"],
  ["autofollow missing pattern", "POST", "/_plugins/_replication/_autofollow", '{"leader_alias":"a","name":"n"}', 400,
    "action_request_validation_exception", "Validation Failed: 1: Missing pattern;"],
  ["autofollow missing alias", "POST", "/_plugins/_replication/_autofollow", '{"name":"n","pattern":"p*"}', 400,
    "action_request_validation_exception", "Validation Failed: 1: Missing connection or name in the request;"],
  ["autofollow delete with pattern", "DELETE", "/_plugins/_replication/_autofollow", '{"leader_alias":"a","name":"n","pattern":"p"}', 400,
    "action_request_validation_exception", "Validation Failed: 1: Unexpected pattern;"],
  ["OpenDistro start unknown field", "PUT", "/_opendistro/_replication/vf/_start", '{"remote_cluster":"a","remote_index":"b","x":1}', 400,
    "x_content_parse_exception", "[1:42] [FollowIndexRequestParser] unknown field [x]"],
  ["OpenDistro start missing field", "PUT", "/_opendistro/_replication/vf/_start", '{"remote_cluster":"a"}', 400,
    "action_request_validation_exception", "Validation Failed: 1: Mandatory params [remote_cluster, remote_index] are missing for the request;"],
  ["unrecognized query parameter", "GET", "/_plugins/_replication/vf/_status?verbos=true", undefined, 400, "illegal_argument_exception",
    "request [/_plugins/_replication/vf/_status] contains unrecognized parameter: [verbos]"],
  ["bad boolean", "GET", "/_plugins/_replication/vf/_status?verbose=yes", undefined, 400, "illegal_argument_exception",
    "Failed to parse value [yes] of parameter [verbose]: only [true] or [false] are allowed"],
  ["unknown replication route", "GET", "/_plugins/_replication/vf/_nope", undefined, 404, "no_handler_found_exception",
    "no handler found for uri [/_plugins/_replication/vf/_nope] and method [GET]"],
  ["wrong method", "PATCH", "/_plugins/_replication/_autofollow", undefined, 405, "method_not_allowed_exception",
    "Incorrect HTTP method for uri [/_plugins/_replication/_autofollow] and method [PATCH], allowed: [GET, PUT, POST, DELETE]"],
  ["bad percent-encoding", "GET", "/_plugins/_replication/%E0%A4%A/_status", undefined, 400, "illegal_argument_exception",
    "path parameter [index] is not valid percent-encoding: [%E0%A4%A]"],
  ["remote with a bad host", "PUT", "/_ferry/remotes/r1", '{"hosts":"nope"}', 400, "illegal_argument_exception",
    "remote [r1]: host [nope] must look like http(s)://host:port"],
  ["remote with unknown auth type", "PUT", "/_ferry/remotes/r1", '{"hosts":"http://h:1","auth":{"type":"kerberos"}}', 400, "x_content_parse_exception",
    "[1:31] [RemoteParser] field [auth.type] must be equal to one of the allowed values"],
];

describe("request validation", () => {
  it.each(cases)("%s", async (_name, method, path, body, status, type, reason) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { root_cause: [{ type, reason }], type, reason }, status });
  });

  it("refuses a body over 1 MiB with 413 in the error shape", async () => {
    const body = JSON.stringify({ leader_alias: "a", leader_index: "b", settings: { pad: "x".repeat(MAX_BODY_BYTES) } });
    const res = await call("PUT", START, body);
    expect(res.status).toBe(413);
    expect(res.body.error.type).toBe("content_too_long_exception");
  });

  it("takes the body from ?source= as the plugin does", async () => {
    const source = encodeURIComponent('{"leader_alias":"a"}');
    const res = await call("PUT", `${START}?source=${source}&source_content_type=application/json`);
    expect(res.body.error.reason).toContain("Mandatory params [leader_alias, leader_index]");
  });

  it("lets valid requests through to the handler", async () => {
    const res = await call("GET", "/_plugins/_replication/never-replicated/_status?pretty&verbose=true");
    expect(res).toEqual({ status: 200, body: { status: "REPLICATION NOT IN PROGRESS" } });
  });

  it("applies filter_path to answers and errors", async () => {
    expect((await call("GET", "/_plugins/_replication/never-replicated/_status?filter_path=nothing")).body).toEqual({});
    expect((await call("GET", "/_plugins/_replication/x/_status?bogus&filter_path=error.type,status")).body)
      .toEqual({ error: { type: "illegal_argument_exception" }, status: 400 });
  });
});

describe("routing edge cases", () => {
  it.each([
    "/_plugins/_replication/vf/_status/",
    "/_plugins/_replication//_status",
    "/_plugins/_replication",
    "/_ferry",
  ])("GET %s has no handler", async (path) => {
    const res = await call("GET", path);
    expect(res.status).toBe(404);
    expect(res.body.error.type).toBe("no_handler_found_exception");
  });
});
