import { describe, expect, it } from "vitest";
import { countPluginRetries } from "./plugin-pair.ts";

// Lines as the plugin's follower logs them (OpenSearch 2.19.6, plugin 2.19.6.0), with a line between that
// is not one.
const LOG = [
  "[2026-12-07T11:48:43,122][WARN ][o.o.r.t.s.ShardReplicationTask] [bench-follower-1] [ss-0-plugin-f][2] Encountered a failure(can be ignored) while getting changes:  OpenSearchTimeoutException. Retrying in 10 seconds.",
  "[2026-12-07T11:48:43,150][INFO ][o.o.c.m.MetadataMappingService] [bench-follower-1] [ss-0-plugin-f/abc] update_mapping [_doc]",
  "[2026-12-07T11:48:56,251][WARN ][o.o.r.t.s.ShardReplicationTask] [bench-follower-1] [ss-0-plugin-f][0] Encountered a failure(can be ignored) while getting changes:  OpenSearchTimeoutException. Retrying in 10 seconds.",
  "[2026-11-26T15:58:01,004][WARN ][o.o.r.t.s.ShardReplicationTask] [follower] [ss-1-plugin-f][1] Encountered a failure(can be ignored) while getting changes: global checkpoint not synced. Retrying in 10 seconds.",
].join("\n");

describe("countPluginRetries", () => {
  it("counts the plugin's fixed waits by the failure logged before each", () => {
    expect(countPluginRetries(LOG)).toEqual({ OpenSearchTimeoutException: 2, "global checkpoint not synced": 1 });
  });

  it("adds to counts from other nodes' logs", () => {
    expect(countPluginRetries(LOG, { OpenSearchTimeoutException: 3 })).toEqual({ OpenSearchTimeoutException: 5, "global checkpoint not synced": 1 });
  });

  it("finds none in a log without them", () => {
    expect(countPluginRetries("[INFO ] started\n")).toEqual({});
  });
});
