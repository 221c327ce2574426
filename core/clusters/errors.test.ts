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

  it("keeps a write block (also a 403) recoverable", () => {
    expect(classify(answer(403, "cluster_block_exception", "index [x] blocked by: [FORBIDDEN/8/index write (api)];"), "follower"))
      .toMatchObject({ type: "replication_transient_exception", retryable: true });
  });
});
