// `npm run bench`: ferry, the OpenSearch replication plugin and the limit, side by side on the same
// clusters (bench/compare/plugin-pair.ts), workload by workload, in each cluster shape (bench/compare/
// shape.ts); ferry is the compiled release. Writes bench/results/<date>-compare.md, .json and one lag
// chart per shape. Flags: bench/compare/options.ts (`npm run bench -- --help`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { bootstrap, finishBootstrap, prepareBootstrap } from "./bootstrap.ts";
import { catchUp } from "./catch-up.ts";
import { lagChart } from "./chart.ts";
import { createIndex, deleteIndex, load, log, type Context } from "./context.ts";
import { inserts } from "./corpus.ts";
import { buildRelease, ferrySource, startFerry, type BenchFerry } from "./ferry-runner.ts";
import { leaderCost } from "./leader-cost.ts";
import { parseOptions } from "./options.ts";
import { startPluginPair, type PluginPair } from "./plugin-pair.ts";
import { machineBusySeconds } from "./procfs.ts";
import { replicator } from "./replicators.ts";
import { markdown, type Results, type ShapeResults } from "./report.ts";
import { SHAPE, type Shape } from "./shape.ts";
import { steady as steadyRuns } from "./steady.ts";

const options = parseOptions(process.argv.slice(2));
const began = performance.now();
const load3 = () => loadavg().map((l) => l.toFixed(2)).join(" / ");
const source = ferrySource(options.ferryRef);
const outDir = resolve(options.outDir);
mkdirSync(outDir, { recursive: true });

let pair: PluginPair | undefined;
let ferry: BenchFerry | undefined;
async function stopShape(shape: string): Promise<void> {
  await ferry?.process.stop().catch(() => undefined);
  ferry = undefined;
  await pair?.stop();
  pair = undefined;
  if (options.prof) keepTickLogs(shape);
}

/** `node --prof` writes one isolate-*.log per thread into ferry's working folder, which goes away. */
function keepTickLogs(shape: string): void {
  const logs = readdirSync(source.dir).filter((f) => /^isolate-.*\.log$/.test(f));
  if (!logs.length) return;
  const dir = join(outDir, `ferry-prof-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "")}-${shape}`);
  mkdirSync(dir, { recursive: true });
  for (const f of logs) renameSync(join(source.dir, f), join(dir, f));
  log(`ferry's tick logs: ${dir} (node --prof-process ${dir}/<file>)`);
}
// Ctrl-C or a kill must still stop the clusters and ferry.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the clusters`);
    void stopShape("stopped").finally(() => {
      source.remove();
      process.exit(130);
    });
  });
}

const results: Results = {
  date: new Date().toISOString().slice(0, 10),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  machine: {
    nproc: Number(execFileSync("nproc").toString().trim()), memoryGiB: Math.round(totalmem() / 2 ** 30),
    cpu: cpus()[0]?.model.trim() ?? "?", loadBefore: load3(), loadAfter: "",
  },
  plugin: "", ferry: source.label, options, shapes: [], errors: [], minutes: 0,
};

/** One run of a workload; a failure is recorded and the benchmark goes on with the next. */
async function attempt<T>(into: ShapeResults, what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    const message = `${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 1000);
    log(`FAILED ${into.shape.name} ${message}`);
    into.errors.push(message);
    return undefined;
  }
}

async function runShape(shape: Shape): Promise<ShapeResults> {
  const r: ShapeResults = {
    shape, opensearch: "", loadBefore: load3(), loadAfter: "", minutes: 0, machineBusyCores: 0,
    catchUp: [], steady: [], leaderCost: [], bootstrap: [], errors: [],
  };
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  try {
    log(`${shape.name} shape: starting the plugin's leader (${shape.leaderNodes} node(s)) and follower (${shape.followerNodes})`);
    pair = await startPluginPair(shape, options.heap);
    r.opensearch = pair.version;
    results.plugin = pair.pluginBuild;
    ferry = await startFerry(source, pair, options.prof ? ["--prof"] : [], options.ferrySettings);
    log(`leader ${pair.leaderUrls.join(" ")}, follower ${pair.follower}, ferry ${ferry.process.url} (pid ${ferry.process.pid})`);
    const ctx: Context = {
      pair, ferry, options,
      replicators: {
        plugin: replicator("plugin", pair.follower, pair.follower, pair.remoteAlias),
        ferry: replicator("ferry", ferry.process.url, pair.follower, pair.remoteAlias),
      },
    };

    // Both clusters index first, so that the first measured run does not pay for JIT compilation.
    for (const url of [pair.leader, pair.follower]) {
      await createIndex(url, "warm-up", options.shards, shape.replicas);
      await load(url, "warm-up", inserts("w-", 20_000), options.shards);
      await deleteIndex(url, "warm-up");
    }

    const has = (w: string) => options.workloads.includes(w as never);
    if (has("catch-up")) {
      for (let run = 0; run < options.runs; run++) {
        for (const mode of options.catchUpModes) {
          const c = await attempt(r, `catch-up ${mode} run ${run + 1}`, () => catchUp(ctx, mode, run));
          if (c) r.catchUp.push(c);
        }
      }
    }
    if (has("steady")) {
      for (let run = 0; run < options.runs; run++) {
        const s = await attempt(r, `steady run ${run + 1}`, () => steadyRuns(ctx, run));
        if (s) r.steady.push(...s);
      }
    }
    if (has("leader-cost")) {
      for (let run = 0; run < options.runs; run++) {
        const c = await attempt(r, `leader cost run ${run + 1}`, () => leaderCost(ctx, run));
        if (c) r.leaderCost.push(...c);
      }
    }
    if (has("bootstrap")) {
      const expected = await attempt(r, "bootstrap: loading the leader", () => prepareBootstrap(ctx));
      if (expected) {
        for (let run = 0; run < options.runs; run++) {
          const b = await attempt(r, `bootstrap run ${run + 1}`, () => bootstrap(ctx, expected, run));
          if (b) r.bootstrap.push(b);
        }
        await attempt(r, "bootstrap: clean-up", () => finishBootstrap(ctx));
      }
    }
  } catch (err) {
    r.errors.push(`${shape.name} shape stopped: ${err instanceof Error ? err.message : String(err)}`);
    log(`FAILED ${String(err)}`);
    process.exitCode = 1;
  } finally {
    r.machineBusyCores = (machineBusySeconds() - busy0) / ((performance.now() - t0) / 1000);
    await stopShape(shape.name);
  }
  r.loadAfter = load3();
  r.minutes = (performance.now() - t0) / 60_000;
  return r;
}

try {
  log(`ferry ${source.label}: building the release`);
  buildRelease(source);
  for (const name of options.shapes) results.shapes.push(await runShape(SHAPE[name]));
} catch (err) {
  results.errors.push(`benchmark stopped: ${err instanceof Error ? err.message : String(err)}`);
  log(`FAILED ${String(err)}`);
  process.exitCode = 1;
} finally {
  source.remove();
}

results.machine.loadAfter = load3();
results.minutes = (performance.now() - began) / 60_000;
let base = join(outDir, `${results.date}-compare`);
if (existsSync(`${base}.md`)) base += `-${new Date().toISOString().slice(11, 16).replace(":", "")}`;
const charts: Record<string, string> = {};
for (const s of results.shapes) {
  if (!s.steady.length) continue;
  const file = `${base}-lag-${s.shape.name}.svg`;
  writeFileSync(file, lagChart(s.steady, options.rates, options.rateSeconds,
    `Steady-state lag on the follower, ${s.shape.name} shape, typical run of ${options.runs} per system (ferry ${source.label.split(" ")[0]}, plugin ${s.opensearch})`));
  charts[s.shape.name] = file.slice(outDir.length + 1);
}
writeFileSync(`${base}.json`, `${JSON.stringify(results)}\n`);
writeFileSync(`${base}.md`, `${markdown(results, charts)}\n`);
log(`wrote ${base}.md, .json${Object.keys(charts).length ? ` and ${Object.values(charts).join(", ")}` : ""} (${results.minutes.toFixed(1)} min)`);
console.log(markdown(results, {}).split("## Per run")[0]);
