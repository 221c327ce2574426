// Many-indices benchmark: one wildcard start over N small leader indices through a real ferry process,
// and ferry's resident memory while they start, once every follower is SYNCING, and after a settling
// window (goal, issue 22: under 200 MB with 1,000 indices syncing).
// Usage: npm run bench:many-indices [-- N [SETTLE_SECONDS [source|release]]]   (default 50 indices, 30 s,
// source: `node --import tsx api/main.ts`; release: this tree built as the release, `node dist/api/main.js`).
// Prints one JSON line; FERRY_SETTINGS, when set, is ferry's.
// Set FERRY_TESTBED_HEAP to give each single-node cluster room for N shards (1g holds 1,000).
import { readFileSync } from "node:fs";
import { bulk, os } from "../test/support/documents.ts";
import { ferryEnvFor, spawnFerry, type FerryProcess } from "../test/support/ferry-spawn.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";
import { buildRelease, ferrySource } from "./compare/ferry-runner.ts";
import { runConcurrently } from "./run-concurrently.ts";

const INDICES = Number(process.argv[2] ?? 50);
const SETTLE_SECONDS = Number(process.argv[3] ?? 30);
const BUILD = process.argv[4] ?? "source";
if (BUILD !== "source" && BUILD !== "release") throw new Error(`build must be source or release, got ${BUILD}`);
const DOCS_PER_INDEX = 100;
const CREATE_CONCURRENCY = 8;
const SYNC_TIMEOUT_MS = 30 * 60_000;

/** The process's memory as the kernel counts it, in MB: anonymous pages (heaps, buffers) apart from
 * mapped files (code, SQLite's file pages), and its thread count (each worker thread has its own heap). */
interface ProcMemory { rss: number; anon: number; file: number; threads: number }

function procMemory(pid: number): ProcMemory {
  const fields = new Map(readFileSync(`/proc/${pid}/status`, "utf8").split("\n")
    .map((line) => line.split(":") as [string, string | undefined]).map(([k, v]) => [k, Number(v?.match(/(\d+)/)?.[1] ?? 0)]));
  const mb = (name: string) => Math.round((fields.get(name) ?? 0) / 1024);
  return { rss: mb("VmRSS"), anon: mb("RssAnon"), file: mb("RssFile"), threads: fields.get("Threads") ?? 0 };
}

/** The main thread's V8 and buffer figures (MB), from ferry's own /metrics (worker threads are not in them). */
async function mainThreadMemory(ferry: FerryProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${ferry.url}/metrics`)).text();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)`, "m"))?.[1] ?? NaN);
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  return {
    heap_used: mb(value("nodejs_heap_size_used_bytes")),
    heap_total: mb(value("nodejs_heap_size_total_bytes")),
    external: mb(value("nodejs_external_memory_bytes")),
  };
}

const source = ferrySource("worktree");
if (BUILD === "release") buildRelease(source);
const pair = await startPair({ ownerPid: process.pid });
// ferry runs as its own process, so that its RSS is ferry's alone.
let ferry: FerryProcess | undefined;
try {
  // One shard per index on each single node: the default 1,000 shards per node would refuse the last
  // indices (the clusters' own indices count too).
  for (const url of [pair.leader.url, pair.follower.url]) {
    await os(url, "PUT", "/_cluster/settings", { persistent: { "cluster.max_shards_per_node": Math.max(1_000, INDICES + 1_000) } });
  }
  const names = Array.from({ length: INDICES }, (_, i) => `many-${i + 1}`);
  await runConcurrently(names, CREATE_CONCURRENCY, async (name) => {
    await os(pair.leader.url, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(pair.leader.url, name, Array.from({ length: DOCS_PER_INDEX }, (_, d) => ({ op: "index" as const, id: `d${d}`, source: { d, name } })));
  });
  ferry = await spawnFerry(ferryEnvFor({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }), {
    showLog: true,
    ...(BUILD === "release" ? { command: { file: process.execPath, args: ["dist/api/main.js"], cwd: source.dir } } : {}),
  });
  const idle = procMemory(ferry.pid);

  const t0 = performance.now();
  const res = await fetch(`${ferry.url}/_plugins/_replication/*/_start`, {
    method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ leader_alias: "leader-cluster", leader_index: "many-*" }),
  });
  const answer = (await res.json()) as { indices?: { result: string }[] };
  const started = answer.indices?.filter((o) => o.result === "started").length ?? 0;
  if (started !== INDICES) throw new Error(`wildcard start answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);

  let syncing = 0;
  let peak = idle;
  while (syncing < INDICES) {
    if (performance.now() - t0 > SYNC_TIMEOUT_MS) throw new Error(`only ${syncing}/${INDICES} SYNCING after ${SYNC_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
    const now = procMemory(ferry.pid);
    if (now.rss > peak.rss) peak = now;
    const status = (await (await fetch(`${ferry.url}/_plugins/_replication/_bulk_status?pattern=many-*`)).json()) as { indices: Record<string, { status: string }> };
    syncing = Object.values(status.indices).filter((s) => s.status === "SYNCING").length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const allSyncing = procMemory(ferry.pid);
  // Following goes on with nothing to copy: the memory it settles at.
  let settledPeak = allSyncing;
  for (const end = performance.now() + SETTLE_SECONDS * 1000; performance.now() < end;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = procMemory(ferry.pid);
    if (now.rss > settledPeak.rss) settledPeak = now;
  }
  const settled = procMemory(ferry.pid);
  const mainThread = await mainThreadMemory(ferry);
  console.log(JSON.stringify({
    indices: INDICES, docs_per_index: DOCS_PER_INDEX, opensearch: pair.version, ferry: `${BUILD}: ${source.label}`,
    settings: process.env.FERRY_SETTINGS ?? null, load_average: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    seconds_to_all_syncing: Number(seconds.toFixed(1)),
    ferry_rss_mb_idle: idle.rss, ferry_rss_mb_peak_while_starting: peak.rss, ferry_rss_mb_all_syncing: allSyncing.rss,
    ferry_rss_mb_settled: settled.rss, ferry_rss_mb_settled_peak: settledPeak.rss, settle_seconds: SETTLE_SECONDS,
    memory_mb: { idle, peak, all_syncing: allSyncing, settled, main_thread_after_settling: mainThread },
  }));
} finally {
  await ferry?.stop();
  await stopPair(pair);
}
