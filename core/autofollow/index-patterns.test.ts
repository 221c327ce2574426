import { describe, expect, it } from "vitest";
import {
  compareIndexNames, followerName, isFollowerTemplate, isMultiIndexExpression, memberFollowerName, parseIndexExpression, patternProblems,
  selectIndices, selects,
} from "./index-patterns.ts";

const visible = (name: string) => ({ name, hidden: false });
const names = (expression: string, indices: string[]) =>
  selectIndices(parseIndexExpression(expression), indices.map(visible)).map((i) => i.name);

describe("index expressions", () => {
  it("selects by wildcard, comma list and exclusion", () => {
    const all = ["logs-1", "logs-2", "logs-debug-1", "metrics-1", "other"];
    expect(names("logs-*", all)).toEqual(["logs-1", "logs-2", "logs-debug-1"]);
    expect(names("logs-*,-logs-debug-*", all)).toEqual(["logs-1", "logs-2"]);
    expect(names("-logs-debug-*,logs-*", all)).toEqual(["logs-1", "logs-2"]);
    expect(names("logs-1,metrics-*", all)).toEqual(["logs-1", "metrics-1"]);
    expect(names("*", all)).toEqual(all);
    expect(names("nope-*", all)).toEqual([]);
  });

  it("takes regular-expression characters in names literally", () => {
    expect(names("a.b*", ["a.bc", "axbc"])).toEqual(["a.bc"]);
    expect(names("a+*", ["a+1", "aa1"])).toEqual(["a+1"]);
  });

  it("leaves hidden and dot indices out of wildcards unless named", () => {
    const expr = parseIndexExpression("*");
    expect(selects(expr, { name: "logs", hidden: true })).toBe(false);
    expect(selects(expr, visible(".kibana"))).toBe(false);
    expect(selects(parseIndexExpression(".kib*"), visible(".kibana"))).toBe(true);
    expect(selects(parseIndexExpression("logs,x-*"), { name: "logs", hidden: true })).toBe(true);
    expect(selects(parseIndexExpression(".kibana"), visible(".kibana"))).toBe(true);
  });

  it("tells single names from expressions", () => {
    expect(isMultiIndexExpression("logs-1")).toBe(false);
    expect(isMultiIndexExpression("logs-*")).toBe(true);
    expect(isMultiIndexExpression("a,b")).toBe(true);
  });
});

describe("follower names", () => {
  it("fills the placeholder, and keeps the leader's name for * or no template", () => {
    expect(followerName("copy-{{leader_index}}", "logs-1")).toBe("copy-logs-1");
    expect(followerName("{{leader_index}}-{{leader_index}}", "a")).toBe("a-a");
    expect(followerName("*", "logs-1")).toBe("logs-1");
    expect(followerName(undefined, "logs-1")).toBe("logs-1");
    expect(isFollowerTemplate("*")).toBe(true);
    expect(isFollowerTemplate("copy-{{leader_index}}")).toBe(true);
    expect(isFollowerTemplate("copy")).toBe(false);
  });
});

describe("pattern validation", () => {
  it("accepts lists with exclusions and refuses the plugin's bad patterns", () => {
    expect(patternProblems("logs-*,-logs-debug-*")).toEqual([]);
    expect(patternProblems("Logs-*")).toEqual([]);
    expect(patternProblems("")).toEqual(["Autofollow pattern:  must not be empty"]);
    expect(patternProblems("_x*")).toEqual(["Autofollow pattern: _x* must not start with '_' or '-'"]);
    expect(patternProblems("a#b")).toEqual(["Autofollow pattern: a#b must not contain '#' or ':'"]);
    expect(patternProblems("a b")[0]).toMatch(/must not contain the following characters/);
    expect(patternProblems("-only-exclusions-*")[0]).toMatch(/must name at least one index to include/);
  });
});

describe("natural order", () => {
  it("sorts numeric suffixes by value", () => {
    expect(["app-10", "app-2", "app-1"].sort(compareIndexNames)).toEqual(["app-1", "app-2", "app-10"]);
  });
});

describe("data streams' backing indices", () => {
  const member = (name: string, dataStream: string) => ({ name, hidden: true, dataStream });

  it("are selected by a term that selects their stream's name, and excluded with it", () => {
    const indices = [member(".ds-logs-app-000001", "logs-app"), member(".ds-logs-app-000002", "logs-app"), member(".ds-logs-db-000001", "logs-db")];
    const pick = (expression: string) => selectIndices(parseIndexExpression(expression), indices).map((i) => i.name);
    expect(pick("logs-*")).toEqual([".ds-logs-app-000001", ".ds-logs-app-000002", ".ds-logs-db-000001"]);
    expect(pick("logs-app")).toEqual([".ds-logs-app-000001", ".ds-logs-app-000002"]);
    expect(pick("logs-*,-logs-db")).toEqual([".ds-logs-app-000001", ".ds-logs-app-000002"]);
    expect(pick("logs-*,-.ds-logs-app-000001")).toEqual([".ds-logs-app-000002", ".ds-logs-db-000001"]);
    expect(pick("metrics-*")).toEqual([]);
  });

  it("are named after the follower stream, keeping their generation", () => {
    expect(memberFollowerName(undefined, "logs-app", ".ds-logs-app-000003")).toBe(".ds-logs-app-000003");
    expect(memberFollowerName("*", "logs-app", ".ds-logs-app-2026.12.07-000003")).toBe(".ds-logs-app-2026.12.07-000003");
    expect(memberFollowerName("{{leader_index}}-dr", "logs-app", ".ds-logs-app-000003")).toBe(".ds-logs-app-dr-000003");
    expect(memberFollowerName("copy", "logs-app", ".ds-logs-app-000003")).toBe(".ds-copy-000003");
    expect(memberFollowerName("copy", "logs-app", "shrink-logs-app")).toBeUndefined();
    expect(memberFollowerName(undefined, "logs-app", "shrink-logs-app")).toBe("shrink-logs-app");
  });
});
