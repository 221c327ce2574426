// `npm run bench`: ferry, the OpenSearch replication plugin and the limit, side by side on the same two
// clusters (bench/compare/plugin-pair.ts), workload by workload; writes bench/results/<date>-compare.md,
// .json and -lag.svg. Flags: bench/compare/options.ts (`npm run bench -- --help`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { bootstrap, finishBootstrap, prepareBootstrap } from "./bootstrap.ts";
import { catchUp } from "./catch-up.ts";
import { lagChart } from "./chart.ts";
import { createIndex, deleteIndex, load, log, type Context } from "./context.ts";
import { inserts } from "./corpus.ts";
import { ferrySource, startFerry, type BenchFerry } from "./ferry-runner.ts";
import { leaderCost } from "./leader-cost.ts";
import { parseOptions } from "./options.ts";
import { startPluginPair, type PluginPair } from "./plugin-pair.ts";
import { replicator } from "./replicators.ts";
import { steady as steadyRuns } from "./steady.ts";
import { markdown, type Results } from "./report.ts";

const options = parseOptions(process.argv.slice(2));
const began = performance.now();
const load3 = () => loadavg().map((l) => l.toFixed(2)).join(" / ");
const loadBefore = load3();
const source = ferrySource(options.ferryRef);
const outDir = resolve(options.outDir);
mkdirSync(outDir, { recursive: true });

let pair: PluginPair | undefined;
let ferry: BenchFerry | undefined;
async function cleanUp(): Promise<void> {
  await ferry?.process.stop().catch(() => undefined);
  await pair?.stop();
  if (options.prof) keepTickLogs();
  source.remove();
}

/** `node --prof` writes one isolate-*.log per thread into ferry's working folder, which goes away. */
function keepTickLogs(): void {
  const logs = readdirSync(source.dir).filter((f) => /^isolate-.*\.log$/.test(f));
  if (!logs.length) return;
  const dir = join(outDir, `ferry-prof-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "")}`);
  mkdirSync(dir, { recursive: true });
  for (const f of logs) renameSync(join(source.dir, f), join(dir, f));
  log(`ferry's tick logs: ${dir} (node --prof-process ${dir}/<file>)`);
}
// Ctrl-C or a kill must still stop both clusters (down.sh) and ferry.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the clusters`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const results: Results = {
  date: new Date().toISOString().slice(0, 10),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  machine: {
    nproc: Number(execFileSync("nproc").toString().trim()), memoryGiB: Math.round(totalmem() / 2 ** 30),
    cpu: cpus()[0]?.model.trim() ?? "?", loadBefore, loadAfter: "",
  },
  opensearch: "", plugin: "", ferry: source.label, options,
  catchUp: [], steady: [], leaderCost: [], bootstrap: [], errors: [], minutes: 0,
};

/** One run of a workload; a failure is recorded and the benchmark goes on with the next. */
async function attempt<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    const message = `${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 1000);
    log(`FAILED ${message}`);
    results.errors.push(message);
    return undefined;
  }
}

try {
  log(`ferry ${source.label}; starting the plugin's leader/follower pair`);
  pair = await startPluginPair(options.heap);
  results.opensearch = pair.version;
  results.plugin = pair.pluginBuild;
  ferry = await startFerry(source, { leader: pair.leader, follower: pair.follower, repoPath: pair.repoPath },
    options.prof ? ["--prof"] : [], options.ferrySettings);
  log(`leader ${pair.leader}, follower ${pair.follower}, ferry ${ferry.process.url} (pid ${ferry.process.pid})`);
  const ctx: Context = {
    pair, ferry, options,
    replicators: {
      plugin: replicator("plugin", pair.follower, pair.follower, pair.remoteAlias),
      ferry: replicator("ferry", ferry.process.url, pair.follower, pair.remoteAlias),
    },
  };

  // Both JVMs index first, so that the first measured run does not pay for JIT compilation.
  for (const url of [pair.leader, pair.follower]) {
    await createIndex(url, "warm-up", options.shards);
    await load(url, "warm-up", inserts("w-", 20_000), options.shards);
    await deleteIndex(url, "warm-up");
  }

  const has = (w: string) => options.workloads.includes(w as never);
  if (has("catch-up")) {
    for (let run = 0; run < options.runs; run++) {
      for (const mode of options.catchUpModes) {
        const r = await attempt(`catch-up ${mode} run ${run + 1}`, () => catchUp(ctx, mode, run));
        if (r) results.catchUp.push(r);
      }
    }
  }
  if (has("steady")) {
    for (let run = 0; run < options.runs; run++) {
      const r = await attempt(`steady run ${run + 1}`, () => steadyRuns(ctx, run));
      if (r) results.steady.push(...r);
    }
  }
  if (has("leader-cost")) {
    for (let run = 0; run < options.runs; run++) {
      const r = await attempt(`leader cost run ${run + 1}`, () => leaderCost(ctx, run));
      if (r) results.leaderCost.push(...r);
    }
  }
  if (has("bootstrap")) {
    const expected = await attempt("bootstrap: loading the leader", () => prepareBootstrap(ctx));
    if (expected) {
      for (let run = 0; run < options.runs; run++) {
        const r = await attempt(`bootstrap run ${run + 1}`, () => bootstrap(ctx, expected, run));
        if (r) results.bootstrap.push(r);
      }
      await attempt("bootstrap: clean-up", () => finishBootstrap(ctx));
    }
  }
} catch (err) {
  results.errors.push(`benchmark stopped: ${err instanceof Error ? err.message : String(err)}`);
  log(`FAILED ${String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

results.machine.loadAfter = load3();
results.minutes = (performance.now() - began) / 60_000;
let base = join(outDir, `${results.date}-compare`);
if (existsSync(`${base}.md`)) base += `-${new Date().toISOString().slice(11, 16).replace(":", "")}`;
const chart = results.steady.length ? `${base}-lag.svg` : undefined;
if (chart) {
  writeFileSync(chart, lagChart(results.steady, options.rates, options.rateSeconds,
    `Steady-state lag on the follower, typical run of ${options.runs} per system (ferry ${source.label.split(" ")[0]}, plugin ${results.opensearch})`));
}
writeFileSync(`${base}.json`, `${JSON.stringify(results)}\n`);
writeFileSync(`${base}.md`, `${markdown(results, chart?.slice(outDir.length + 1))}\n`);
log(`wrote ${base}.md${chart ? `, ${chart}` : ""} and .json (${results.minutes.toFixed(1)} min)`);
console.log(markdown(results, undefined).split("## Per run")[0]);
