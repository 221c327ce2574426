// Issue 22's goals, judged from one shape's figures: each row names the goal, its threshold, the value the
// runs gave (medians; differences and ratios taken run by run where two systems ran side by side) and
// whether it was met. A figure that is missing (a workload not run, a run that failed) is "not measured".
import type { CatchUpRun } from "./catch-up.ts";
import type { LeaderCostRun } from "./leader-cost.ts";
import type { Results, ShapeResults } from "./report.ts";
import { medianOf } from "./stats.ts";
import type { SteadyPhase, SteadyRun } from "./steady.ts";

export type Verdict = "met" | "missed" | "not measured";

export interface Goal {
  /** The item of issue 22's "What must hold". */
  item: number;
  goal: string;
  threshold: string;
  value: string;
  verdict: Verdict;
}

/** Sizes the issue names; a figure taken at a smaller size says so beside its value. */
export const ISSUE_SIZES = { bootstrapDocs: 1_000_000, catchUpOps: 200_000, runs: 3 } as const;

type Op = "<=" | "<" | ">=";

/** Whether `value` stands in relation `op` to `limit`; undefined or NaN is not measured. */
export function judge(value: number | undefined, op: Op, limit: number): Verdict {
  if (value === undefined || !Number.isFinite(value)) return "not measured";
  const ok = op === "<=" ? value <= limit : op === "<" ? value < limit : value >= limit;
  return ok ? "met" : "missed";
}

const num = (n: number | undefined, digits: number) =>
  n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** A difference with its sign: "+0.30", "−0.12". */
const signed = (n: number | undefined, digits: number) => (n === undefined || !Number.isFinite(n) ? "–" : `${n < 0 ? "−" : "+"}${num(Math.abs(n), digits)}`);
const smaller = (measured: number, issue: number) => (measured < issue ? `; at ${num(measured, 0)}, the issue's size is ${num(issue, 0)}` : "");

/** Each run's figure for `a` and `b` side by side (same run number), combined, then the median. */
function paired<T extends { run: number }>(runs: T[], a: (r: T) => boolean, b: (r: T) => boolean, f: (x: T, y: T) => number | undefined): number | undefined {
  return medianOf(runs.filter(a).map((x) => {
    const y = runs.find((r) => r.run === x.run && b(r));
    return y ? f(x, y) : undefined;
  }));
}

function phase(run: SteadyRun, rate: number): SteadyPhase | undefined {
  return run.phases.find((p) => p.rate === rate);
}

/** A steady-state figure per run for one system at one rate. */
const steadyOf = (s: ShapeResults, system: string, rate: number, f: (p: SteadyPhase) => number) =>
  medianOf(s.steady.filter((r) => r.system === system).map((r) => {
    const p = phase(r, rate);
    return p ? f(p) : undefined;
  }));

/** A figure of one system at one rate less the same figure with no replication, run by run. */
const aboveBaseline = (s: ShapeResults, system: string, rate: number, f: (p: SteadyPhase) => number | undefined) =>
  paired(s.steady, (r) => r.system === system, (r) => r.system === "none", (x, y) => {
    const [px, py] = [phase(x, rate), phase(y, rate)];
    const [vx, vy] = [px && f(px), py && f(py)];
    return vx === undefined || vy === undefined ? undefined : vx - vy;
  });

export function shapeGoals(s: ShapeResults, rates: number[]): Goal[] {
  const goals: Goal[] = [];
  const add = (item: number, goal: string, threshold: string, value: number | undefined, op: Op, limit: number, shown: string) =>
    goals.push({ item, goal, threshold, value: value === undefined || !Number.isFinite(value) ? "–" : shown, verdict: judge(value, op, limit) });

  // 1. Bootstrap.
  const bootSeconds = (system: "ferry" | "plugin" | "snapshot") => medianOf(s.bootstrap.map((b) => b.seconds[system]));
  const bootRatio = medianOf(s.bootstrap.map((b) => b.seconds.ferry / b.seconds.plugin));
  const bootDocs = s.bootstrap[0]?.docs ?? 0;
  add(1, "bootstrap time, ferry ÷ plugin", "≤ 1.5×", bootRatio, "<=", 1.5,
    `${num(bootRatio, 2)}× (ferry ${num(bootSeconds("ferry"), 1)} s, plugin ${num(bootSeconds("plugin"), 1)} s${smaller(bootDocs, ISSUE_SIZES.bootstrapDocs)})`);

  // 2. ferry's own CPU.
  const fullSpeed = medianOf(s.leaderCost.filter((c) => c.system === "ferry").map((c) => c.cpuPer100k.ferry));
  add(2, "ferry's CPU per 100k docs at full speed (leader cost)", "≤ 1.0 s", fullSpeed, "<=", 1.0, `${num(fullSpeed, 2)} s`);
  for (const mode of ["insert", "mixed"] as const) {
    const runs = s.catchUp.filter((c) => c.mode === mode);
    if (!runs.length) continue;
    const cpu = medianOf(runs.map((c) => ((c.cpu.ferry?.ferry ?? NaN) * 100_000) / c.ops));
    add(2, `ferry's CPU per 100k ops in catch-up, ${mode}`, "≤ 1.0 s", cpu, "<=", 1.0, `${num(cpu, 2)} s${smaller(runs[0]!.ops, ISSUE_SIZES.catchUpOps)}`);
  }
  const idle = steadyOf(s, "ferry", 500, (p) => p.ferryCpuPer100k);
  add(2, "ferry's CPU per 100k docs, steady 500 docs/s", "≤ 3 s", idle, "<=", 3, `${num(idle, 1)} s`);

  // 3. The leader's cost.
  for (const rate of rates) {
    const ferry = aboveBaseline(s, "ferry", rate, (p) => p.cpuCores.leader);
    const plugin = aboveBaseline(s, "plugin", rate, (p) => p.cpuCores.leader);
    const limit = 1.5 * Math.max(plugin ?? NaN, 0);
    add(3, `leader's extra CPU while followed, steady ${num(rate, 0)} docs/s (cores above no replication)`, "≤ 1.5× the plugin's",
      plugin === undefined ? undefined : ferry, "<=", limit, `ferry ${signed(ferry, 2)}, plugin ${signed(plugin, 2)} cores`);
  }
  const extra = (system: string) => paired(s.leaderCost, (c: LeaderCostRun) => c.system === system, (c) => c.system === "none",
    (x, y) => (x.cpuPer100k.leader ?? NaN) - (y.cpuPer100k.leader ?? NaN));
  const [ferryExtra, pluginExtra] = [extra("ferry"), extra("plugin")];
  add(3, "leader's extra CPU per 100k docs at full speed", "≤ 1.5× the plugin's", pluginExtra === undefined ? undefined : ferryExtra, "<=",
    1.5 * Math.max(pluginExtra ?? NaN, 0), `ferry ${signed(ferryExtra, 1)} s, plugin ${signed(pluginExtra, 1)} s`);
  const docsPerS = (system: string) => medianOf(s.leaderCost.filter((c) => c.system === system).map((c) => c.leaderDocsPerS));
  const [ferryRate, pluginRate] = [docsPerS("ferry"), docsPerS("plugin")];
  add(3, "leader's full-speed indexing rate while followed", "≥ the plugin's", pluginRate === undefined ? undefined : ferryRate, ">=", pluginRate ?? NaN,
    `ferry ${num(ferryRate, 0)}, plugin ${num(pluginRate, 0)} docs/s`);
  const forced = rates.map((rate) => aboveBaseline(s, "ferry", rate, (p) => p.leaderIndexRefreshesPerS));
  const worst = forced.some((f) => f !== undefined) ? Math.max(...forced.filter((f): f is number => f !== undefined)) : undefined;
  add(3, "refreshes ferry adds on the leader, per index, worst rate", "≤ 2 /s", worst, "<=", 2,
    `${rates.map((r, i) => `${num(r, 0)}: ${signed(forced[i], 2)}`).join(", ")} /s`);

  // 4. Catch-up.
  for (const mode of ["insert", "mixed"] as const) {
    const runs = s.catchUp.filter((c) => c.mode === mode);
    if (!runs.length) continue;
    const rate = (c: CatchUpRun, system: "ferry" | "plugin" | "limit") => c.ops / c.seconds[system];
    const vsPlugin = medianOf(runs.map((c) => rate(c, "ferry") / rate(c, "plugin")));
    const vsLimit = medianOf(runs.map((c) => rate(c, "ferry") / rate(c, "limit")));
    const size = smaller(runs[0]!.ops, ISSUE_SIZES.catchUpOps);
    add(4, `catch-up rate ${mode}, ferry ÷ plugin`, "≥ 1.0×", vsPlugin, ">=", 1, `${num(vsPlugin, 2)}×${size}`);
    add(4, `catch-up rate ${mode}, ferry ÷ plain _bulk`, "≥ 0.95×", vsLimit, ">=", 0.95, `${num(vsLimit, 2)}×${size}`);
  }

  // 5. Lag.
  for (const [rate, limit] of [[2000, 1000], [8000, 2000]] as const) {
    const p99 = steadyOf(s, "ferry", rate, (p) => p.inserts.p99);
    add(5, `insert lag p99 at ${num(rate, 0)} docs/s`, `< ${num(limit, 0)} ms`, p99, "<", limit, `${num(p99, 0)} ms`);
  }
  const deleteRatios = rates.map((rate) => paired(s.steady, (r) => r.system === "ferry", (r) => r.system === "plugin", (x, y) => {
    const [px, py] = [phase(x, rate), phase(y, rate)];
    return px && py ? px.deletes.p99 / py.deletes.p99 : undefined;
  }));
  const worstDelete = deleteRatios.some((d) => d !== undefined) ? Math.max(...deleteRatios.filter((d): d is number => d !== undefined)) : undefined;
  add(5, "delete lag p99, ferry ÷ plugin, worst rate", "≤ 1.0×", worstDelete, "<=", 1,
    `${rates.map((r, i) => `${num(r, 0)}: ${num(deleteRatios[i], 2)}×`).join(", ")}`);
  return goals;
}

/** Goals 6 and 7, which no single shape's figures decide. */
export function runGoals(r: Results): Goal[] {
  const complete = (s: ShapeResults) => s.errors.length === 0 && r.options.runs >= ISSUE_SIZES.runs;
  const shown = r.shapes.map((s) => `${s.shape.name}: ${r.options.runs} run(s), ${s.errors.length} error(s)`).join("; ") || "no shape ran";
  const production = r.shapes.find((s) => s.shape.name === "production");
  const single = r.shapes.find((s) => s.shape.name === "single");
  return [
    {
      item: 6, goal: "both shapes' tables, 3 runs each, every run's values", threshold: "single and production, ≥ 3 runs, no errors", value: shown,
      verdict: production && single ? (complete(production) && complete(single) ? "met" : "missed") : "not measured",
    },
    {
      item: 7, goal: "ferry's RSS with 1,000 followed indices syncing", threshold: "< 200 MB",
      value: "not part of npm run bench: npm run bench:many-indices -- 1000", verdict: "not measured",
    },
  ];
}
