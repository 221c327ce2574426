// What a rule does with a refused start, and when it logs one, without clusters.
import { describe, expect, it } from "vitest";
import { RecoverableRefusals, startRefusal } from "./autofollow-refusals.ts";
import { engineErrors, requestErrors } from "../errors.ts";

describe("startRefusal", () => {
  it("keeps the error's type, reason and retry decision", () => {
    expect(startRefusal(engineErrors.transient("leader answered 503: all shards failed")))
      .toEqual({ type: "replication_transient_exception", reason: "leader answered 503: all shards failed", retryable: true });
    expect(startRefusal(requestErrors.illegalArgument("its _source is disabled")))
      .toEqual({ type: "illegal_argument_exception", reason: "its _source is disabled", retryable: false });
  });

  it("takes anything else as a refusal for good", () => {
    expect(startRefusal(new Error("boom"))).toEqual({ type: "exception", reason: "boom", retryable: false });
    expect(startRefusal("odd")).toEqual({ type: "exception", reason: "odd", retryable: false });
  });
});

describe("RecoverableRefusals", () => {
  it("answers news once per index and reason", () => {
    const refusals = new RecoverableRefusals();
    expect(refusals.note("a", "shards initialising")).toBe(true);
    expect(refusals.note("a", "shards initialising")).toBe(false);
    expect(refusals.note("b", "shards initialising")).toBe(true);
    expect(refusals.note("a", "snapshot running")).toBe(true);
  });

  it("starts over for an index forgotten or no longer selected", () => {
    const refusals = new RecoverableRefusals();
    refusals.note("a", "r");
    refusals.note("b", "r");
    refusals.forget("a");
    expect(refusals.note("a", "r")).toBe(true);
    refusals.keepOnly(["a"]);
    expect(refusals.note("a", "r")).toBe(false);
    expect(refusals.note("b", "r")).toBe(true);
  });
});
