// Which auto-follow rules a whole-site promote disables, without clusters.
import { describe, expect, it } from "vitest";
import { rulesToDisable } from "./autofollow.ts";
import type { RuleRow } from "../store/autofollow-rules.ts";

function rule(leaderAlias: string, name: string, pattern: string, extra: Partial<RuleRow> = {}): RuleRow {
  return {
    leaderAlias, name, pattern, followerIndexPattern: null, settings: {}, useRoles: null, numSuccess: 0, numFailed: 0,
    numFailedLeaderCalls: 0, failedIndices: [], lastExecutionTime: 0, followFrom: null, disabledAt: null, disabledReason: null,
    createdAt: 0, ...extra,
  };
}

const names = (rows: RuleRow[]) => rows.map((r) => `${r.leaderAlias}:${r.name}`);

const RULES = [
  rule("east", "logs", "logs-*"),
  rule("east", "copies", "metrics-*", { followerIndexPattern: "copy-{{leader_index}}" }),
  rule("east", "gone", "old-*", { disabledAt: 1, disabledReason: "earlier promote" }),
  rule("west", "logs", "logs-*"),
];

describe("rulesToDisable", () => {
  it("takes every enabled rule of the leader alias", () => {
    expect(names(rulesToDisable(RULES, { leaderAlias: "east" }))).toEqual(["east:logs", "east:copies"]);
  });

  it("with a pattern, takes the rules that would follow a promoted index again: same alias, leader selected, same follower name", () => {
    const promoted = [
      { leaderAlias: "east", leaderIndex: "logs-1", followerIndex: "logs-1" },
      { leaderAlias: "east", leaderIndex: "metrics-1", followerIndex: "metrics-1" },
    ];
    // metrics-1 was started by hand under the leader's name; the rule names its followers copy-….
    expect(names(rulesToDisable(RULES, { pattern: "*-1", promoted }))).toEqual(["east:logs"]);
    const copy = [{ leaderAlias: "east", leaderIndex: "metrics-1", followerIndex: "copy-metrics-1" }];
    expect(names(rulesToDisable(RULES, { pattern: "copy-*", promoted: copy }))).toEqual(["east:copies"]);
  });

  it("leaves rules alone whose pattern excludes the promoted leader index", () => {
    const rules = [rule("east", "most", "logs-*,-logs-debug-*")];
    const promoted = [{ leaderAlias: "east", leaderIndex: "logs-debug-1", followerIndex: "logs-debug-1" }];
    expect(rulesToDisable(rules, { pattern: "logs-debug-*", promoted })).toEqual([]);
  });

  it("takes the rule that follows a promoted backing index through its data stream", () => {
    const rules = [rule("east", "streams", "logs-*", { followerIndexPattern: "{{leader_index}}-dr" }), rule("east", "other", "metrics-*")];
    const promoted = [{ leaderAlias: "east", leaderIndex: ".ds-logs-app-000002", followerIndex: ".ds-logs-app-dr-000002" }];
    expect(names(rulesToDisable(rules, { pattern: ".ds-*", promoted }))).toEqual(["east:streams"]);
  });
});
