// ferry's own CPU per document on the copy path: a backlog written to the leader while replication is
// paused, then resumed ("catch-up"), or written while ferry follows ("full-speed"); ferry's process CPU
// (all threads, /proc) from the resume or the first write until the follower holds every document, per
// 100,000 documents. ferry runs compiled (the release's `tsc` build of a commit or of this tree), as its
// own process, optionally under `--cpu-prof` (one .cpuprofile per thread in PROFILE_DIR).
// Usage: tsx bench/document-path.ts [--ref main|worktree|<commit>] [--docs 100000] [--runs 3]
//        [--mode catch-up|full-speed] [--profile DIR]
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { os } from "../test/support/documents.ts";
import { ferryEnvFor, spawnFerry, type FerryProcess } from "../test/support/ferry-spawn.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";
import { inserts } from "./compare/corpus.ts";
import { createIndex, load, log } from "./compare/context.ts";
import { ferrySource } from "./compare/ferry-runner.ts";
import { cpuSeconds } from "./compare/procfs.ts";

const CLOCK_TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** CPU seconds of each thread of `pid` now (all are named "node": the main thread is the one whose id is the pid). */
function threadSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/** The main thread's CPU and the busiest other threads' (pool workers, V8's GC and compiler helpers) between two readings. */
function threadSplit(pid: number, before: Map<string, number>, after: Map<string, number>): { main: number; others: number[] } {
  const spent = [...after].map(([tid, s]) => [tid, s - (before.get(tid) ?? 0)] as const);
  return {
    main: Number((spent.find(([tid]) => tid === String(pid))?.[1] ?? 0).toFixed(2)),
    others: spent.filter(([tid, s]) => tid !== String(pid) && s > 0).map(([, s]) => Number(s.toFixed(2))).sort((a, b) => b - a),
  };
}

const { values: args } = parseArgs({
  options: {
    ref: { type: "string", default: "worktree" },
    docs: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    mode: { type: "string", default: "catch-up" },
    profile: { type: "string" },
  },
});
const DOCS = Number(args.docs);
const RUNS = Number(args.runs);
const SHARDS = 3;
const mode = args.mode as "catch-up" | "full-speed";

/** The release build of `source.dir` in a folder of its own, as `npm run build` lays it out. */
function build(dir: string): string {
  const out = join(dir, ".bench-dist");
  execFileSync(process.execPath, [join(dir, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.build.json"), "--outDir", out], { cwd: dir, stdio: "inherit" });
  cpSync(join(dir, "migrations"), join(out, "migrations"), { recursive: true });
  cpSync(join(dir, "openapi/ferry.yaml"), join(out, "openapi/ferry.yaml"));
  return out;
}

/** The pool starts its threads with an explicit, empty execArgv in the release, so they would not inherit
 * `--cpu-prof`: for a profile, the built scheduler gives it to them. */
function profileWorkers(dist: string, dir: string): void {
  const file = join(dist, "core/follow/scheduler.js");
  const text = readFileSync(file, "utf8");
  const patched = text.replace('execArgv: fromSource ? ["--import", "tsx"] : []', `execArgv: ${JSON.stringify(["--cpu-prof", "--cpu-prof-dir", dir])}`);
  if (patched === text) throw new Error(`no pool execArgv to patch in ${file}`);
  writeFileSync(file, patched);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function followerCount(url: string, index: string): Promise<number> {
  await os(url, "POST", `/${index}/_refresh`);
  return (await os(url, "GET", `/${index}/_count`)).count as number;
}

interface RunResult {
  seconds: number;
  cpu: number;
  threads: { main: number; others: number[] };
}

async function oneRun(ferry: FerryProcess, leader: string, follower: string, run: number): Promise<RunResult> {
  const [l, f] = [`dp-l-${run}`, `dp-f-${run}`];
  const api = async (method: string, action: string, body?: unknown) => {
    // A keep-alive connection ferry's server closed just as the next request went out fails once.
    const send = () => ferry.call(method, `/_plugins/_replication/${f}/${action}`, body);
    const res = await send().catch(() => send());
    if (res.status >= 300) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await createIndex(leader, l, SHARDS, 0);
  await api("PUT", "_start", { leader_alias: "leader-cluster", leader_index: l });
  await until("SYNCING", async () => (await api("GET", "_status")).status === "SYNCING");
  const ops = inserts(`d${run}-`, DOCS);
  let cpu0: number;
  let t0: number;
  let threads0: Map<string, number>;
  if (mode === "catch-up") {
    await api("POST", "_pause", {});
    await load(leader, l, ops, SHARDS);
    await os(leader, "POST", `/${l}/_refresh`);
    threads0 = threadSeconds(ferry.pid);
    cpu0 = cpuSeconds(ferry.pid);
    t0 = performance.now();
    await api("POST", "_resume", {});
  } else {
    threads0 = threadSeconds(ferry.pid);
    cpu0 = cpuSeconds(ferry.pid);
    t0 = performance.now();
    await load(leader, l, ops, SHARDS);
  }
  await until("the follower's count", async () => (await followerCount(follower, f)) === DOCS);
  const result = { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(ferry.pid) - cpu0, threads: threadSplit(ferry.pid, threads0, threadSeconds(ferry.pid)) };
  await api("POST", "_stop", {});
  await os(follower, "DELETE", `/${f}`);
  await os(leader, "DELETE", `/${l}`);
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const source = ferrySource(args.ref!);
const dist = build(source.dir);
if (args.profile) profileWorkers(dist, args.profile);
const pair = await startPair({ ownerPid: process.pid, heap: process.env.FERRY_TESTBED_HEAP ?? "512m" });
let ferry: FerryProcess | undefined;
try {
  if (args.profile) mkdirSync(args.profile, { recursive: true });
  const nodeOptions = args.profile ? ["--cpu-prof", "--cpu-prof-dir", args.profile] : [];
  ferry = await spawnFerry(ferryEnvFor({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }), {
    command: { file: process.execPath, args: [...nodeOptions, join(dist, "api/main.js")], cwd: source.dir },
  });
  const runs: Array<RunResult & { load: number[] }> = [];
  // Run 0 warms both JVMs and ferry's threads up; it is not counted.
  for (let run = 0; run <= RUNS; run++) {
    const load1 = loadavg();
    const r = await oneRun(ferry, pair.leader.url, pair.follower.url, run);
    const load2 = loadavg();
    log(`${mode} run ${run}${run === 0 ? " (warm-up)" : ""}: ${r.seconds.toFixed(1)} s, ferry ${r.cpu.toFixed(2)} CPU-s = ${(r.cpu / DOCS * 100_000).toFixed(2)} per 100k (main thread ${r.threads.main}, others ${r.threads.others.join(" ")}); load ${load1[0]!.toFixed(1)}→${load2[0]!.toFixed(1)}`);
    if (run > 0) runs.push({ ...r, load: [load1[0]!, load2[0]!] });
  }
  const per100k = runs.map((r) => Number((r.cpu / DOCS * 100_000).toFixed(2)));
  console.log(JSON.stringify({
    ferry: source.label, mode, docs: DOCS, shards: SHARDS, opensearch: pair.version,
    cpu_s_per_100k_median: median(per100k), cpu_s_per_100k_per_run: per100k,
    main_thread_cpu_s_per_100k_per_run: runs.map((r) => Number((r.threads.main / DOCS * 100_000).toFixed(2))),
    other_threads_cpu_s_per_run: runs.map((r) => r.threads.others),
    docs_per_s_per_run: runs.map((r) => Math.round(DOCS / r.seconds)), load_average_per_run: runs.map((r) => r.load.map((x) => Number(x.toFixed(1)))),
  }));
} finally {
  await ferry?.stop();
  await stopPair(pair);
  source.remove();
}
