import { errors } from "@opensearch-project/opensearch";
import { describe, expect, it } from "vitest";
import { classify } from "./errors.ts";

function answer(statusCode: number, type: string, reason: string): errors.ResponseError {
  return new errors.ResponseError({ body: { error: { type, reason }, status: statusCode }, statusCode, headers: {}, warnings: null, meta: {} as never });
}

describe("classify", () => {
  it("answers a cluster's refusal of ferry's user as a security_exception 403, not a 500, and does not retry it", () => {
    const err = classify(answer(403, "security_exception", "no permissions for [cluster:monitor/main] and User [name=ferry_leader]"), "leader");
    expect(err).toMatchObject({ type: "security_exception", status: 403, retryable: false });
    expect(err.reason).toBe("leader answered 403: security_exception: no permissions for [cluster:monitor/main] and User [name=ferry_leader]");
    expect(classify(answer(401, "security_exception", "missing authentication credentials"), "follower")).toMatchObject({ status: 403, retryable: false });
  });

  it("retries a read pinned to a shard copy that has moved (the copy's node left, or holds no copy any more)", () => {
    expect(classify(answer(400, "illegal_argument_exception", "no data nodes with criteria [s7_xjYs2QRm-Cw2FPtjAFA] found for shard: [i][0]"), "leader"))
      .toMatchObject({ retryable: true });
    expect(classify(answer(400, "illegal_argument_exception", "unknown setting [x]"), "leader")).toMatchObject({ retryable: false });
  });

  it("keeps a write block (also a 403) recoverable", () => {
    expect(classify(answer(403, "cluster_block_exception", "index [x] blocked by: [FORBIDDEN/8/index write (api)];"), "follower"))
      .toMatchObject({ type: "replication_transient_exception", retryable: true });
  });

  it("retries a request the cluster found too large: a 413, a terms query past max_terms_count, too many clauses", () => {
    const tooLong = new errors.ResponseError({ body: "", statusCode: 413, headers: {}, warnings: null, meta: {} as never });
    expect(classify(tooLong, "follower")).toMatchObject({ retryable: true });
    expect(classify(tooLong, "follower").reason).toMatch(/ferry\.follower\.bulk_max_bytes/);
    const terms = new errors.ResponseError({
      body: {
        error: {
          type: "search_phase_execution_exception", reason: "all shards failed",
          root_cause: [{ type: "illegal_argument_exception", reason: "The number of terms [60] used in the Terms Query request has exceeded the allowed maximum of [50]. This maximum can be set by changing the [index.max_terms_count] index level setting." }],
        },
        status: 400,
      },
      statusCode: 400, headers: {}, warnings: null, meta: {} as never,
    });
    expect(classify(terms, "leader")).toMatchObject({ retryable: true });
    expect(classify(answer(400, "too_many_clauses", "maxClauseCount is set to 1024"), "leader")).toMatchObject({ retryable: true });
    expect(classify(answer(400, "mapper_parsing_exception", "failed to parse"), "follower")).toMatchObject({ retryable: false });
  });

  it("makes the shard limit a limit to wait for, not a fatal error", () => {
    const err = classify(answer(400, "validation_exception",
      "Validation Failed: 1: this action would add [2] total shards, but this cluster currently has [1000]/[1000] maximum shards open;"), "follower");
    expect(err).toMatchObject({ type: "replication_cluster_limit_exception", retryable: true });
    expect(err.reason).toMatch(/maximum shards open; ferry tries again until there is room: raise cluster\.max_shards_per_node/);
    expect(classify(answer(400, "validation_exception",
      "Validation Failed: 1: this action would add [1] shards, but this cluster currently has [10]/[10] maximum normal shards open;"), "follower"))
      .toMatchObject({ retryable: true });
    expect(classify(answer(400, "validation_exception", "Validation Failed: 1: index name is invalid;"), "follower")).toMatchObject({ retryable: false });
  });
});
