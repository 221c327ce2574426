// The results as markdown: a header naming the machine, versions and the ferry commit (built as the
// release), issue 22's goals judged from the figures (bench/compare/goals.ts), then for each cluster shape
// one summary table (medians of the runs; ferry, the plugin, the limit, and ferry's ratios to both) and
// every run's own figures.
import type { BootstrapRun } from "./bootstrap.ts";
import type { CatchUpRun } from "./catch-up.ts";
import { RELEASE_COMMAND } from "./ferry-runner.ts";
import { runGoals, shapeGoals, type Goal } from "./goals.ts";
import type { LeaderCostRun } from "./leader-cost.ts";
import type { Options } from "./options.ts";
import { MACHINE } from "./procfs.ts";
import { describeShape, type Shape } from "./shape.ts";
import { medianOf as med } from "./stats.ts";
import type { SteadyPhase, SteadyRun } from "./steady.ts";

export interface ShapeResults {
  shape: Shape;
  opensearch: string;
  loadBefore: string;
  loadAfter: string;
  minutes: number;
  /** Mean busy cores of the whole machine over the shape's run (/proc/stat), ours and others'. */
  machineBusyCores: number;
  catchUp: CatchUpRun[];
  steady: SteadyRun[];
  leaderCost: LeaderCostRun[];
  bootstrap: BootstrapRun[];
  errors: string[];
}

export interface Results {
  date: string;
  command: string;
  machine: { nproc: number; memoryGiB: number; cpu: string; loadBefore: string; loadAfter: string };
  plugin: string;
  ferry: string;
  options: Options;
  shapes: ShapeResults[];
  errors: string[];
  minutes: number;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
/** a ÷ b as "1.23×"; "–" when either is missing or b is 0. */
export const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? "–" : `${(a / b).toFixed(2)}×`);
const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
const sum = (k: Record<string, number>) => Object.values(k).reduce((a, b) => a + b, 0);
const kinds = (k: Record<string, number>) => Object.entries(k).sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${v}`).join(", ") || "–";

function summary(r: ShapeResults, o: Options): string[] {
  const lines = [
    row(["workload", "measure (better)", "ferry", "plugin", "limit", "ferry/plugin", "ferry/limit"]),
    row(["---", "---", "---:", "---:", "---:", "---:", "---:"]),
  ];
  const add = (workload: string, measure: string, f?: number, p?: number, l?: number, digits = 0) =>
    lines.push(row([workload, measure, fmt(f, digits), fmt(p, digits), fmt(l, digits), ratio(f, p), ratio(f, l)]));

  for (const mode of o.catchUpModes) {
    const runs = r.catchUp.filter((c) => c.mode === mode);
    if (!runs.length) continue;
    const rate = (s: "ferry" | "plugin" | "limit") => med(runs.map((c) => c.ops / c.seconds[s]));
    const where = `catch-up ${mode === "insert" ? "insert-only" : "mixed 60/30/10"}, ${fmt(o.catchUpDocs)} ops`;
    add(where, "ops/s until converged (higher); limit: plain _bulk", rate("ferry"), rate("plugin"), rate("limit"));
    add(where, "CPU s of ferry's process per 100k ops (lower)", med(runs.map((c) => ((c.cpu.ferry?.ferry ?? NaN) * 100_000) / c.ops)), undefined, undefined, 2);
  }
  for (const rate of o.rates) {
    const phases = (system: string) => r.steady.filter((s) => s.system === system).map((s) => s.phases.find((p) => p.rate === rate));
    const pick = (system: string, f: (p: SteadyPhase) => number | undefined) => med(phases(system).map((p) => (p ? f(p) : undefined)));
    if (!phases("ferry").length && !phases("plugin").length) continue;
    const where = `steady ${fmt(rate)} docs/s, ${o.rateSeconds} s`;
    for (const q of ["p50", "p95", "p99", "max"] as const) {
      add(where, `insert lag ${q}, ms (lower)`, pick("ferry", (p) => p.inserts[q]), pick("plugin", (p) => p.inserts[q]));
    }
    for (const q of ["p50", "p99", "max"] as const) {
      add(where, `delete lag ${q}, ms (lower)`, pick("ferry", (p) => p.deletes[q]), pick("plugin", (p) => p.deletes[q]));
    }
    add(where, "CPU cores of the leader's JVMs (lower); limit: no replication", pick("ferry", (p) => p.cpuCores.leader), pick("plugin", (p) => p.cpuCores.leader), pick("none", (p) => p.cpuCores.leader), 2);
    add(where, "leader refreshes/s per index (lower); limit: no replication", pick("ferry", (p) => p.leaderIndexRefreshesPerS), pick("plugin", (p) => p.leaderIndexRefreshesPerS), pick("none", (p) => p.leaderIndexRefreshesPerS), 1);
    add(where, "requests ferry sent to the leader per s", pick("ferry", (p) => sum(p.ferryLeaderRequestsPerS)), undefined, undefined, 1);
    add(where, "CPU s of ferry's process per 100k docs (lower)", pick("ferry", (p) => p.ferryCpuPer100k), undefined, undefined, 1);
  }
  if (r.leaderCost.length) {
    const of = (system: string, f: (c: LeaderCostRun) => number | undefined) => med(r.leaderCost.filter((c) => c.system === system).map(f));
    const where = `leader cost, ${fmt(o.leaderCostDocs)} docs`;
    add(where, "leader docs/s at full speed (higher); limit: no replication", of("ferry", (c) => c.leaderDocsPerS), of("plugin", (c) => c.leaderDocsPerS), of("none", (c) => c.leaderDocsPerS));
    add(where, "converged s after the last leader write (lower)", of("ferry", (c) => c.tailSeconds), of("plugin", (c) => c.tailSeconds), undefined, 1);
    for (const proc of ["leader", "follower", "ferry"]) {
      add(where, `CPU s of ${proc === "ferry" ? "ferry's process" : `the ${proc} JVM`} per 100k docs (lower); limit: no replication`,
        of("ferry", (c) => c.cpuPer100k[proc]), of("plugin", (c) => c.cpuPer100k[proc]), of("none", (c) => c.cpuPer100k[proc]), 1);
    }
    const total = (c: LeaderCostRun) => (c.cpuPer100k.leader ?? 0) + (c.cpuPer100k.follower ?? 0) + (c.cpuPer100k.ferry ?? 0);
    add(where, "CPU s of all three per 100k docs (lower)", of("ferry", total), of("plugin", total), of("none", total), 1);
    add(where, "requests ferry sent to the leader per s", of("ferry", (c) => Object.values(c.ferryLeaderRequestsPerS).reduce((a, b) => a + b, 0)), undefined, undefined, 1);
  }
  if (r.bootstrap.length) {
    const of = (s: "ferry" | "plugin" | "snapshot") => med(r.bootstrap.map((b) => b.seconds[s]));
    add(`bootstrap, ${fmt(o.bootstrapDocs)} docs`, "s until converged (lower); limit: snapshot + restore", of("ferry"), of("plugin"), of("snapshot"), 1);
  }
  return lines;
}

function perRun(r: ShapeResults): string[] {
  const out: string[] = [];
  if (r.catchUp.length) {
    out.push("#### Catch-up, per run", "", row(["backlog", "run", "order", "ferry s (ops/s)", "plugin s (ops/s)", "limit s (ops/s)", "live docs", "ferry process CPU s while ferry caught up"]), row(["---", "---:", "---", "---:", "---:", "---:", "---:", "---:"]));
    for (const c of r.catchUp) {
      const cell = (s: "ferry" | "plugin" | "limit") => `${fmt(c.seconds[s], 1)} (${fmt(c.ops / c.seconds[s])})`;
      out.push(row([c.mode, c.run + 1, c.order.join(" → "), cell("ferry"), cell("plugin"), cell("limit"), fmt(c.docs), fmt(c.cpu.ferry?.ferry, 1)]));
    }
    out.push("");
  }
  if (r.steady.length) {
    out.push("#### Steady state, per run and rate", "",
      row(["system", "run", "rate (achieved)", "insert lag p50 / p95 / p99 / max ms", "unseen", "delete lag p50 / p99 / max ms (n)", "CPU cores leader / follower / ferry (machine)", "ferry CPU s/100k docs", "leader refreshes/s: primaries, per index (segments at end)", "ferry polls/s (mean ms)", "ferry threads started/s (cores in threads that ended)", "ferry → leader req/s by kind", "ferry → follower req/s by kind"]),
      row(["---", "---:", "---:", "---", "---:", "---", "---", "---:", "---:", "---:", "---:", "---", "---"]));
    for (const s of r.steady) {
      for (const p of s.phases) {
        const replicated = s.system !== "none";
        out.push(row([s.system, s.run + 1, `${fmt(p.rate)} (${fmt(p.achievedRate)})`,
          replicated ? `${fmt(p.inserts.p50)} / ${fmt(p.inserts.p95)} / ${fmt(p.inserts.p99)} / ${fmt(p.inserts.max)}` : "–", replicated ? p.inserts.unseen + p.deletes.unseen : "–",
          replicated ? `${fmt(p.deletes.p50)} / ${fmt(p.deletes.p99)} / ${fmt(p.deletes.max)} (${p.deletes.count})` : "–",
          `${fmt(p.cpuCores.leader, 2)} / ${fmt(p.cpuCores.follower, 2)} / ${fmt(p.cpuCores.ferry, 2)} (${fmt(p.cpuCores[MACHINE], 2)})`,
          s.system === "ferry" ? fmt(p.ferryCpuPer100k, 1) : "–",
          `${fmt(p.leaderRefreshesPerS, 1)}, ${fmt(p.leaderIndexRefreshesPerS, 1)} (${fmt(p.leaderSegments)})`,
          s.system === "ferry" ? `${fmt(p.ferryPollsPerS, 1)} (${fmt(p.ferryPollMeanMs)})` : "–",
          s.system === "ferry" ? `${fmt(p.ferryThreadsPerS, 2)} (${fmt(p.ferryEndedThreadsCores, 2)})` : "–",
          s.system === "ferry" ? kinds(p.ferryLeaderRequestsPerS) : "–", s.system === "ferry" ? kinds(p.ferryFollowerRequestsPerS) : "–"]));
      }
    }
    const waits = r.steady.filter((s) => s.system === "plugin").map((s) => `run ${s.run + 1}: ${kinds(s.pluginRetries ?? {})}`);
    if (waits.length) out.push("", `The plugin's fixed 10 s waits while it followed (its follower's log, by the failure before each): ${waits.join("; ")}.`);
    out.push("");
  }
  if (r.leaderCost.length) {
    out.push("#### Leader cost, per run", "",
      row(["system", "run", "leader docs/s", "converged s after", "CPU s/100k leader / follower / ferry / bench (machine)", "ferry → leader req/s by kind", "ferry → follower req/s by kind"]),
      row(["---", "---:", "---:", "---:", "---", "---", "---"]));
    for (const c of r.leaderCost) {
      out.push(row([c.system, c.run + 1, fmt(c.leaderDocsPerS), fmt(c.tailSeconds, 1),
        `${["leader", "follower", "ferry", "bench"].map((k) => fmt(c.cpuPer100k[k], 1)).join(" / ")} (${fmt(c.cpuPer100k[MACHINE], 1)})`,
        c.system === "ferry" ? kinds(c.ferryLeaderRequestsPerS) : "–", c.system === "ferry" ? kinds(c.ferryFollowerRequestsPerS) : "–"]));
    }
    out.push("");
  }
  if (r.bootstrap.length) {
    out.push("#### Bootstrap, per run", "", row(["run", "order", "ferry s", "plugin s", "snapshot + restore s", "CPU s leader / follower / ferry: ferry", "… plugin", "… snapshot + restore", "follower REST calls: ferry", "… plugin", "… snapshot + restore"]), row(["---:", "---", "---:", "---:", "---:", "---", "---", "---", "---", "---", "---"]));
    for (const b of r.bootstrap) {
      const cpu = (s: "ferry" | "plugin" | "snapshot") => ["leader", "follower", "ferry"].map((k) => fmt(b.cpu[s]?.[k], 1)).join(" / ");
      const calls = (s: "ferry" | "plugin" | "snapshot") => Object.entries(b.followerRestCalls?.[s] ?? {}).sort((x, y) => y[1] - x[1]).slice(0, 5).map(([n, v]) => `${n} ${v}`).join(", ") || "–";
      out.push(row([b.run + 1, b.order.join(" → "), fmt(b.seconds.ferry, 1), fmt(b.seconds.plugin, 1), fmt(b.seconds.snapshot, 1), cpu("ferry"), cpu("plugin"), cpu("snapshot"),
        calls("ferry"), calls("plugin"), calls("snapshot")]));
    }
    out.push("");
  }
  return out;
}

function goalRows(r: Results): string[] {
  const perShape = r.shapes.map((s) => ({ name: s.shape.name, goals: shapeGoals(s, r.options.rates) }));
  const lines = [
    row(["item", "goal", "threshold", ...perShape.flatMap((s) => [`${s.name}: value`, `${s.name}: verdict`])]),
    row(["---:", "---", "---", ...perShape.flatMap(() => ["---", "---"])]),
  ];
  const verdict = (g: Goal | undefined) => (g ? (g.verdict === "met" ? "**met**" : g.verdict === "missed" ? "**missed**" : g.verdict) : "–");
  // Every shape judges the same goals in the same order; a shape whose workload failed lacks a row.
  const keys = [...new Map(perShape.flatMap((s) => s.goals).map((g) => [`${g.item} ${g.goal}`, g])).values()];
  for (const g of keys) {
    const of = perShape.map((s) => s.goals.find((x) => x.item === g.item && x.goal === g.goal));
    lines.push(row([g.item, g.goal, g.threshold, ...of.flatMap((x) => [x?.value ?? "–", verdict(x)])]));
  }
  for (const g of runGoals(r)) lines.push(row([g.item, g.goal, g.threshold, g.value, verdict(g), ...perShape.slice(1).flatMap(() => ["", ""])]));
  return lines;
}

function shapeSection(s: ShapeResults, o: Options, chartFile: string | undefined): string[] {
  return [
    `## ${s.shape.name} shape: ${describeShape(s.shape)}`,
    "",
    `OpenSearch ${s.opensearch}, heap ${o.heap} per node, every index ${o.shards} shards and ${s.shape.replicas} replica(s); ${fmt(s.minutes, 1)} min; load average ${s.loadBefore} before, ${s.loadAfter} after; the whole machine's CPUs were busy ${fmt(s.machineBusyCores, 2)} cores on average (/proc/stat; per-run tables give each window's figure).`,
    ...(s.errors.length ? ["", "**Errors** (these workloads or runs are missing from the tables):", ...s.errors.map((e) => `- ${e}`)] : []),
    "",
    "### Summary (medians)",
    "",
    ...summary(s, o),
    "",
    ...(chartFile ? [`![lag over time, ${s.shape.name} shape](${chartFile})`, ""] : []),
    "### Per run",
    "",
    ...perRun(s),
  ];
}

/** The report; `charts` names each shape's lag chart, relative to the report. */
export function markdown(r: Results, charts: Record<string, string>): string {
  const o = r.options;
  return [
    `# ferry vs the OpenSearch replication plugin vs the limit, ${r.date}`,
    "",
    `- Machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB; load average (1/5/15 min) ${r.machine.loadBefore} before, ${r.machine.loadAfter} after.`,
    "  Shared with other sessions running test clusters: the figures are noisy, compare within one run of the benchmark.",
    `- Shapes: ${r.shapes.map((s) => `${s.shape.name} (${describeShape(s.shape)})`).join("; ") || "none ran"}; the clusters are started by the test bed's cluster starter from an OpenSearch home with the plugin installed.`,
    `- Plugin: opensearch-cross-cluster-replication ${r.plugin}.`,
    `- ferry: ${r.ferry}, **the compiled release** (${RELEASE_COMMAND}); one process, ${o.ferrySettings ? `FERRY_SETTINGS=\`${o.ferrySettings}\`` : "default settings"}, replicating between the same clusters, every leader node in its remote's hosts.`,
    `- ${o.runs} run(s) of each workload${o.quick ? " at --quick sizes (a check that the benchmark works, not a measurement)" : ""}, the systems' order rotated from run to run; the tables give medians, then every run. Command: \`${r.command}\` (${fmt(r.minutes, 1)} min).`,
    "- Converged: after a refresh, the follower's count and sums of two fields equal the leader's, and 200 sampled documents read by id are identical; polled every 150 ms for all systems.",
    `  Steady-state lag: leader acknowledgement → a realtime multi-get on the follower (polled every 50 ms) finds the insert / no longer finds the delete; writes are inserts and ${fmt(o.deleteShare * 100)} % deletes of earlier documents; every 50th insert sampled (every rate/40th above 2,000 docs/s), every 10th delete.`,
    "  Steady-state CPU is taken while the writes go on; each rate also runs with no replication (the limit column), the baseline of the leader's extra CPU and refreshes. CPU of a cluster sums its nodes' JVMs (/proc/<pid>/stat); \"machine\" is every CPU of the machine (/proc/stat), other sessions included.",
    ...(r.errors.length ? ["", "**Errors**:", ...r.errors.map((e) => `- ${e}`)] : []),
    "",
    "## Goals of issue 22",
    "",
    "Judged from the medians below (differences and ratios run by run where two systems ran side by side). Goal 1's settings and `_status` and goal 8 (correctness) are not measured here.",
    "",
    ...goalRows(r),
    "",
    ...r.shapes.flatMap((s) => [...shapeSection(s, o, charts[s.shape.name]), ""]),
  ].join("\n");
}
