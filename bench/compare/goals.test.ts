import { describe, expect, it } from "vitest";
import type { BootstrapRun } from "./bootstrap.ts";
import type { CatchUpRun } from "./catch-up.ts";
import { judge, runGoals, shapeGoals, type Goal } from "./goals.ts";
import type { LeaderCostRun } from "./leader-cost.ts";
import { parseOptions } from "./options.ts";
import type { Results, ShapeResults } from "./report.ts";
import { SHAPE } from "./shape.ts";
import type { SteadyPhase, SteadyRun, SteadySystem } from "./steady.ts";
import { distribution } from "./stats.ts";

describe("judge", () => {
  it("compares with the goal's relation, the limit itself included or not as the goal says", () => {
    expect(judge(1.5, "<=", 1.5)).toBe("met");
    expect(judge(1.51, "<=", 1.5)).toBe("missed");
    expect(judge(1000, "<", 1000)).toBe("missed");
    expect(judge(999, "<", 1000)).toBe("met");
    expect(judge(0.95, ">=", 0.95)).toBe("met");
    expect(judge(0.94, ">=", 0.95)).toBe("missed");
  });

  it("calls a missing figure not measured, never met", () => {
    expect(judge(undefined, "<=", 1)).toBe("not measured");
    expect(judge(NaN, ">=", 0)).toBe("not measured");
    expect(judge(1, ">=", NaN)).toBe("missed");
  });
});

// Fixtures: only the fields the goals read carry meaning.
function phase(rate: number, f: { leader: number; ferry?: number; refreshes: number; insertP99?: number; deleteP99?: number; ferryCpuPer100k?: number }): SteadyPhase {
  const lag = (p99: number | undefined) => ({ ...distribution(p99 === undefined ? [] : [p99]), unseen: 0 });
  return {
    rate, achievedRate: rate, inserts: lag(f.insertP99), deletes: lag(f.deleteP99),
    cpuCores: { leader: f.leader, follower: 0.1, ferry: f.ferry ?? 0, machine: 2 }, ferryCpuPer100k: f.ferryCpuPer100k ?? 0,
    ferryLeaderRequestsPerS: {}, ferryFollowerRequestsPerS: {}, ferryPollsPerS: 0, ferryPollMeanMs: 0,
    ferryThreadsPerS: 0, ferryEndedThreadsCores: 0, ferryCoresByThread: {},
    leaderRefreshesPerS: f.refreshes * 3, leaderIndexRefreshesPerS: f.refreshes, leaderSegments: 10,
  };
}
const steadyRun = (run: number, system: SteadySystem, phases: SteadyPhase[]): SteadyRun => ({ run, system, phases, pluginRetries: {}, samples: [] });
const cost = (run: number, system: LeaderCostRun["system"], docsPerS: number, cpu: Record<string, number>): LeaderCostRun => ({
  run, system, docs: 150_000, leaderDocsPerS: docsPerS, tailSeconds: 1, cpuPer100k: cpu, ferryLeaderRequestsPerS: {}, ferryFollowerRequestsPerS: {},
});
const catchUp = (run: number, mode: "insert" | "mixed", seconds: { ferry: number; plugin: number; limit: number }, ferryCpu: number): CatchUpRun => ({
  mode, run, ops: 200_000, docs: 200_000, seconds, order: ["plugin", "ferry", "limit"],
  cpu: { ferry: { ferry: ferryCpu }, plugin: { ferry: 0.1 }, limit: { ferry: 0.1 } },
});
const boot = (run: number, ferry: number, plugin: number, docs = 1_000_000): BootstrapRun => ({
  run, docs, seconds: { ferry, plugin, snapshot: 5 }, cpu: {} as BootstrapRun["cpu"], order: ["plugin", "ferry", "snapshot"], followerRestCalls: {} as BootstrapRun["followerRestCalls"],
});

function shape(over: Partial<ShapeResults> = {}): ShapeResults {
  return {
    shape: SHAPE.production, opensearch: "2.19.6", loadBefore: "", loadAfter: "", minutes: 1, machineBusyCores: 1.5,
    catchUp: [], steady: [], leaderCost: [], bootstrap: [], errors: [], ...over,
  };
}

const find = (goals: Goal[], text: string) => {
  const g = goals.find((x) => x.goal.includes(text));
  if (!g) throw new Error(`no goal ${text} in ${goals.map((x) => x.goal).join(" | ")}`);
  return g;
};

describe("shapeGoals", () => {
  it("takes the leader's extra CPU above the same run's no-replication baseline, against 1.5× the plugin's", () => {
    const steady = [0, 1, 2].flatMap((run) => [
      steadyRun(run, "none", [phase(500, { leader: 0.3, refreshes: 1 })]),
      steadyRun(run, "plugin", [phase(500, { leader: 0.5, refreshes: 1.2, deleteP99: 1000 })]),
      // Run 2's baseline is busier: +0.2 cores that run, +0.3 in the others.
      steadyRun(run, "ferry", [phase(500, { leader: run === 2 ? 0.5 : 0.6, refreshes: run === 1 ? 4 : 2.5, deleteP99: 900, ferryCpuPer100k: 2.5 })]),
    ]);
    const goals = shapeGoals(shape({ steady }), [500]);
    const extra = find(goals, "while followed, steady 500 docs/s");
    // ferry +0.3 (median of 0.3, 0.3, 0.2) against 1.5 × 0.2 = 0.3: met, at the limit.
    expect(extra).toMatchObject({ item: 3, verdict: "met", value: "ferry +0.30, plugin +0.20 cores" });
    // Refreshes above the baseline: 1.5, 3, 1.5 → median 1.5 ≤ 2.
    expect(find(goals, "refreshes ferry adds")).toMatchObject({ verdict: "met", value: "500: +1.50 /s" });
    expect(find(goals, "while followed, steady 500").threshold).toBe("≤ 1.5× the plugin's");
    expect(find(goals, "ferry's CPU per 100k docs, steady 500")).toMatchObject({ item: 2, verdict: "met", value: "2.5 s" });
    expect(find(goals, "delete lag p99")).toMatchObject({ item: 5, verdict: "met", value: "500: 0.90×" });
  });

  it("misses the leader goal when ferry adds more than 1.5× the plugin, and the rate goal below the plugin's rate", () => {
    const leaderCost = [0, 1, 2].flatMap((run) => [
      cost(run, "none", 30_000, { leader: 4.0, follower: 0, ferry: 0.1 }),
      cost(run, "plugin", 26_000, { leader: 6.0, follower: 5.9, ferry: 0.1 }),
      cost(run, "ferry", 14_000, { leader: 7.5, follower: 6.3, ferry: 2.4 }),
    ]);
    const goals = shapeGoals(shape({ leaderCost }), []);
    expect(find(goals, "extra CPU per 100k docs at full speed")).toMatchObject({ verdict: "missed", value: "ferry +3.5 s, plugin +2.0 s" });
    expect(find(goals, "full-speed indexing rate")).toMatchObject({ verdict: "missed", value: "ferry 14,000, plugin 26,000 docs/s" });
    expect(find(goals, "at full speed (leader cost)")).toMatchObject({ item: 2, verdict: "missed", value: "2.40 s" });
  });

  it("judges catch-up by the run-by-run ratios to the plugin and to the plain _bulk, and ferry's CPU per 100k ops", () => {
    const runs = [
      catchUp(0, "insert", { ferry: 20, plugin: 25, limit: 19 }, 1.6),
      catchUp(1, "insert", { ferry: 22, plugin: 20, limit: 21 }, 1.8),
      catchUp(2, "insert", { ferry: 18, plugin: 20, limit: 17 }, 2.0),
    ];
    const goals = shapeGoals(shape({ catchUp: runs }), []);
    // ferry ÷ plugin rates: 25/20, 20/22, 20/18 → median 1.11.
    expect(find(goals, "catch-up rate insert, ferry ÷ plugin")).toMatchObject({ verdict: "met", value: "1.11×" });
    // ferry ÷ limit rates: 19/20, 21/22, 17/18 → median 0.95 (0.9500, 0.9545, 0.9444).
    expect(find(goals, "catch-up rate insert, ferry ÷ plain _bulk")).toMatchObject({ verdict: "met", value: "0.95×" });
    // 1.8 CPU-s over 200,000 ops = 0.9 s per 100k.
    expect(find(goals, "catch-up, insert")).toMatchObject({ verdict: "met", value: "0.90 s" });
    expect(goals.some((g) => g.goal.includes("mixed"))).toBe(false);
  });

  it("says when a figure was taken below the issue's size", () => {
    const goals = shapeGoals(shape({ bootstrap: [boot(0, 3.2, 2, 20_000)] }), []);
    expect(find(goals, "bootstrap")).toMatchObject({ verdict: "missed", value: "1.60× (ferry 3.2 s, plugin 2.0 s; at 20,000, the issue's size is 1,000,000)" });
    const full = shapeGoals(shape({ bootstrap: [boot(0, 3, 2.5)] }), []);
    expect(find(full, "bootstrap")).toMatchObject({ verdict: "met", value: "1.20× (ferry 3.0 s, plugin 2.5 s)" });
  });

  it("holds insert lag to its per-rate limits, below the limit strictly", () => {
    const steady = [steadyRun(0, "ferry", [phase(2000, { leader: 1, refreshes: 1, insertP99: 999 }), phase(8000, { leader: 1, refreshes: 1, insertP99: 2000 })])];
    const goals = shapeGoals(shape({ steady }), [2000, 8000]);
    expect(find(goals, "insert lag p99 at 2,000")).toMatchObject({ verdict: "met", value: "999 ms" });
    expect(find(goals, "insert lag p99 at 8,000")).toMatchObject({ verdict: "missed", value: "2,000 ms" });
  });

  it("marks every goal not measured when no workload ran", () => {
    const goals = shapeGoals(shape(), [500, 2000, 8000]);
    expect(goals.length).toBeGreaterThan(5);
    for (const g of goals) expect(g, g.goal).toMatchObject({ verdict: "not measured", value: "–" });
  });
});

describe("runGoals", () => {
  const results = (argv: string[], shapes: ShapeResults[]): Results => ({
    date: "2026-12-07", command: "", machine: { nproc: 2, memoryGiB: 24, cpu: "", loadBefore: "", loadAfter: "" },
    plugin: "", ferry: "", options: parseOptions(argv), shapes, errors: [], minutes: 1,
  });

  it("meets the production-shape goal only with both shapes, 3 runs and no errors", () => {
    const both = [shape({ shape: SHAPE.single }), shape()];
    expect(runGoals(results([], both))[0]).toMatchObject({ item: 6, verdict: "met" });
    expect(runGoals(results(["--quick"], both))[0]).toMatchObject({ item: 6, verdict: "missed" });
    expect(runGoals(results([], [shape({ shape: SHAPE.single }), shape({ errors: ["steady run 2: timeout"] })]))[0]).toMatchObject({ verdict: "missed" });
    expect(runGoals(results([], [shape()]))[0]).toMatchObject({ verdict: "not measured" });
  });

  it("leaves the memory goal to its own benchmark", () => {
    expect(runGoals(results([], []))[1]).toMatchObject({ item: 7, verdict: "not measured" });
  });
});

describe("shapeGoals, differences below the baseline", () => {
  it("shows a leader that worked less than with no replication as a negative difference", () => {
    const steady = [
      steadyRun(0, "none", [phase(500, { leader: 0.6, refreshes: 1 })]),
      steadyRun(0, "plugin", [phase(500, { leader: 0.5, refreshes: 0.5 })]),
      steadyRun(0, "ferry", [phase(500, { leader: 0.7, refreshes: 1 })]),
    ];
    const goals = shapeGoals(shape({ steady }), [500]);
    // The plugin's extra is taken as no less than zero, so ferry's +0.10 is above 1.5 × 0.
    expect(find(goals, "while followed, steady 500")).toMatchObject({ verdict: "missed", value: "ferry +0.10, plugin −0.10 cores" });
  });
});
