// The results as markdown: a header naming the machine and versions, one summary table (medians of the
// runs; ferry, the plugin, the limit, and ferry's ratios to both), then every run's own figures.
import type { BootstrapRun } from "./bootstrap.ts";
import type { CatchUpRun } from "./catch-up.ts";
import type { LeaderCostRun } from "./leader-cost.ts";
import type { Options } from "./options.ts";
import { median } from "./stats.ts";
import type { SteadyRun } from "./steady.ts";

export interface Results {
  date: string;
  command: string;
  machine: { nproc: number; memoryGiB: number; cpu: string; loadBefore: string; loadAfter: string };
  opensearch: string;
  plugin: string;
  ferry: string;
  options: Options;
  catchUp: CatchUpRun[];
  steady: SteadyRun[];
  leaderCost: LeaderCostRun[];
  bootstrap: BootstrapRun[];
  errors: string[];
  minutes: number;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? "–" : `${(a / b).toFixed(2)}×`);
const med = (xs: Array<number | undefined>) => {
  const finite = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return finite.length ? median(finite) : undefined;
};
const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;

function summary(r: Results): string[] {
  const o = r.options;
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
    add(`catch-up ${mode === "insert" ? "insert-only" : "mixed 60/30/10"}, ${fmt(o.catchUpDocs)} ops`, "ops/s until converged (higher); limit: plain _bulk", rate("ferry"), rate("plugin"), rate("limit"));
  }
  for (const rate of o.rates) {
    const phases = (system: string) => r.steady.filter((s) => s.system === system).map((s) => s.phases.find((p) => p.rate === rate));
    const pick = (system: string, f: (p: NonNullable<ReturnType<typeof phases>[number]>) => number) => med(phases(system).map((p) => (p ? f(p) : undefined)));
    if (!phases("ferry").length && !phases("plugin").length) continue;
    for (const q of ["p50", "p95", "p99", "max"] as const) {
      add(`steady ${fmt(rate)} docs/s, ${o.rateSeconds} s`, `insert lag ${q}, ms (lower)`, pick("ferry", (p) => p.inserts[q]), pick("plugin", (p) => p.inserts[q]));
    }
    for (const q of ["p50", "p99", "max"] as const) {
      add(`steady ${fmt(rate)} docs/s, ${o.rateSeconds} s`, `delete lag ${q}, ms (lower)`, pick("ferry", (p) => p.deletes[q]), pick("plugin", (p) => p.deletes[q]));
    }
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

function perRun(r: Results): string[] {
  const out: string[] = [];
  if (r.catchUp.length) {
    out.push("### Catch-up, per run", "", row(["backlog", "run", "order", "ferry s (ops/s)", "plugin s (ops/s)", "limit s (ops/s)", "live docs", "ferry process CPU s while ferry caught up"]), row(["---", "---:", "---", "---:", "---:", "---:", "---:", "---:"]));
    for (const c of r.catchUp) {
      const cell = (s: "ferry" | "plugin" | "limit") => `${fmt(c.seconds[s], 1)} (${fmt(c.ops / c.seconds[s])})`;
      out.push(row([c.mode, c.run + 1, c.order.join(" → "), cell("ferry"), cell("plugin"), cell("limit"), fmt(c.docs), fmt(c.cpu.ferry?.ferry, 1)]));
    }
    out.push("");
  }
  if (r.steady.length) {
    out.push("### Steady state, per run and rate", "",
      row(["system", "run", "rate (achieved)", "insert lag p50 / p95 / p99 / max ms", "unseen", "delete lag p50 / p99 / max ms (n)", "CPU cores leader / follower / ferry", "leader refreshes/s (segments at end)", "ferry polls/s (mean ms)", "ferry threads started/s (cores in threads that ended)", "ferry → leader req/s by kind", "ferry → follower req/s by kind"]),
      row(["---", "---:", "---:", "---", "---:", "---", "---", "---:", "---:", "---:", "---", "---"]));
    for (const s of r.steady) {
      for (const p of s.phases) {
        const kinds = (k: Record<string, number>) => Object.entries(k).sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${v}`).join(", ") || "–";
        out.push(row([s.system, s.run + 1, `${fmt(p.rate)} (${fmt(p.achievedRate)})`,
          `${fmt(p.inserts.p50)} / ${fmt(p.inserts.p95)} / ${fmt(p.inserts.p99)} / ${fmt(p.inserts.max)}`, p.inserts.unseen + p.deletes.unseen,
          `${fmt(p.deletes.p50)} / ${fmt(p.deletes.p99)} / ${fmt(p.deletes.max)} (${p.deletes.count})`,
          `${fmt(p.cpuCores.leader, 2)} / ${fmt(p.cpuCores.follower, 2)} / ${fmt(p.cpuCores.ferry, 2)}`,
          `${fmt(p.leaderRefreshesPerS, 1)} (${fmt(p.leaderSegments)})`,
          s.system === "ferry" ? `${fmt(p.ferryPollsPerS, 1)} (${fmt(p.ferryPollMeanMs)})` : "–",
          s.system === "ferry" ? `${fmt(p.ferryThreadsPerS, 2)} (${fmt(p.ferryEndedThreadsCores, 2)})` : "–",
          s.system === "ferry" ? kinds(p.ferryLeaderRequestsPerS) : "–", s.system === "ferry" ? kinds(p.ferryFollowerRequestsPerS) : "–"]));
      }
    }
    out.push("");
  }
  if (r.leaderCost.length) {
    out.push("### Leader cost, per run", "",
      row(["system", "run", "leader docs/s", "converged s after", "CPU s/100k leader / follower / ferry / bench", "ferry → leader req/s by kind", "ferry → follower req/s by kind"]),
      row(["---", "---:", "---:", "---:", "---", "---", "---"]));
    for (const c of r.leaderCost) {
      const kinds = (k: Record<string, number>) => Object.entries(k).sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${v}`).join(", ") || "–";
      out.push(row([c.system, c.run + 1, fmt(c.leaderDocsPerS), fmt(c.tailSeconds, 1),
        ["leader", "follower", "ferry", "bench"].map((k) => fmt(c.cpuPer100k[k], 1)).join(" / "),
        c.system === "ferry" ? kinds(c.ferryLeaderRequestsPerS) : "–", c.system === "ferry" ? kinds(c.ferryFollowerRequestsPerS) : "–"]));
    }
    out.push("");
  }
  if (r.bootstrap.length) {
    out.push("### Bootstrap, per run", "", row(["run", "order", "ferry s", "plugin s", "snapshot + restore s", "CPU s leader / follower / ferry: ferry", "… plugin", "… snapshot + restore", "follower REST calls: ferry", "… plugin", "… snapshot + restore"]), row(["---:", "---", "---:", "---:", "---:", "---", "---", "---", "---", "---", "---"]));
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

export function markdown(r: Results, chartFile: string | undefined): string {
  const o = r.options;
  return [
    `# ferry vs the OpenSearch replication plugin vs the limit, ${r.date}`,
    "",
    `- Machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB; load average (1/5/15 min) ${r.machine.loadBefore} before, ${r.machine.loadAfter} after.`,
    "  Shared with other sessions running test clusters: the figures are noisy, compare within one run of the benchmark.",
    `- OpenSearch ${r.opensearch}: two single-node clusters (leader, follower), heap ${o.heap} each, started by the peer recipe's up.sh; every index ${o.shards} shards, 0 replicas.`,
    `- Plugin: opensearch-cross-cluster-replication ${r.plugin}.`,
    `- ferry: ${r.ferry}; one process (\`node --import tsx api/main.ts\`), ${o.ferrySettings ? `FERRY_SETTINGS=\`${o.ferrySettings}\`` : "default settings"}, replicating between the same two clusters.`,
    `- ${o.runs} runs of each workload, the systems' order rotated from run to run; the tables give medians, then every run. Command: \`${r.command}\` (${fmt(r.minutes, 1)} min).`,
    "- Converged: after a refresh, the follower's count and sums of two fields equal the leader's, and 200 sampled documents read by id are identical; polled every 150 ms for all systems.",
    `  Steady-state lag: leader acknowledgement → a realtime multi-get on the follower (polled every 50 ms) finds the insert / no longer finds the delete; writes are inserts and ${fmt(o.deleteShare * 100)} % deletes of earlier documents; every 50th insert sampled (every rate/40th above 2,000 docs/s), every 10th delete.`,
    ...(r.errors.length ? ["", "**Errors** (these workloads or runs are missing from the tables):", ...r.errors.map((e) => `- ${e}`)] : []),
    "",
    "## Summary (medians)",
    "",
    ...summary(r),
    "",
    ...(chartFile ? [`![lag over time](${chartFile})`, ""] : []),
    "## Per run",
    "",
    ...perRun(r),
  ].join("\n");
}
