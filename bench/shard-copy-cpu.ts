// The CPU of the copy path alone: `followShard` (workers/shard-follow.ts), run in this process on every
// shard of a leader index at once, copies its documents to an empty follower index; the CPU this process
// spends meanwhile (all its threads, /proc) per 100,000 documents. No scheduler, no polling, no pool:
// what the per-document code costs, whatever the machine's load does to wall time. Each ferry source
// (a commit, or this tree) is imported from its own copy, and the sources take turns run by run.
// Usage: tsx bench/shard-copy-cpu.ts [--docs 100000] [--runs 3] [--profile DIR] REF...   (e.g. main worktree)
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { resolveSettings } from "../core/config/settings.ts";
import type { ClusterConnection } from "../core/clusters/connection.ts";
import type { ShardFollowInput, ShardFollowResult } from "../workers/protocol.ts";
import { os } from "../test/support/documents.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";
import { inserts } from "./compare/corpus.ts";
import { createIndex, load, log } from "./compare/context.ts";
import { ferrySource, type FerrySource } from "./compare/ferry-runner.ts";
import { cpuSeconds } from "./compare/procfs.ts";

const { values: args, positionals: refs } = parseArgs({
  allowPositionals: true,
  options: { docs: { type: "string", default: "100000" }, runs: { type: "string", default: "3" }, profile: { type: "string" } },
});
const DOCS = Number(args.docs);
const RUNS = Number(args.runs);
const SHARDS = 3;
const LEADER_INDEX = "copy-cpu-leader";
const settings = resolveSettings();

type FollowShard = (input: ShardFollowInput) => Promise<ShardFollowResult>;

const conn = (url: string): ClusterConnection => ({ hosts: [url], auth: { type: "none" }, tls: {} });

async function copyAll(followShard: FollowShard, leader: string, follower: string, followerIndex: string, target: number[]): Promise<void> {
  await createIndex(follower, followerIndex, SHARDS, 0);
  const results = await Promise.all(target.map((t, shard) => followShard({
    leader: conn(leader), follower: conn(follower), leaderIndex: LEADER_INDEX, followerIndex, shard, versionOffset: 0,
    writeWindow: BigInt64Array.of(BigInt(Number.MAX_SAFE_INTEGER)),
    checkpoint: -1, target: t,
    pageSize: settings["ferry.follower.search_page_size"],
    maxOps: Number.MAX_SAFE_INTEGER,
    bulkMaxBytes: settings["ferry.follower.bulk_max_bytes"],
  })));
  const written = results.reduce((n, r) => n + r.opsWritten, 0);
  if (written !== DOCS) throw new Error(`${followerIndex}: ${written} documents written, expected ${DOCS}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sources: FerrySource[] = (refs.length ? refs : ["worktree"]).map(ferrySource);
const pair = await startPair({ ownerPid: process.pid, heap: process.env.FERRY_TESTBED_HEAP ?? "512m" });
try {
  const variants = await Promise.all(sources.map(async (s) => ({
    label: s.label, followShard: (await import(join(s.dir, "workers/shard-follow.ts"))).followShard as FollowShard,
  })));
  await createIndex(pair.leader.url, LEADER_INDEX, SHARDS, 0);
  await load(pair.leader.url, LEADER_INDEX, inserts("c-", DOCS), SHARDS);
  await os(pair.leader.url, "POST", `/${LEADER_INDEX}/_refresh`);
  const stats = await os(pair.leader.url, "GET", `/${LEADER_INDEX}/_stats/docs?level=shards`);
  const target = Array.from({ length: SHARDS }, (_, shard) =>
    Math.max(...(stats.indices[LEADER_INDEX].shards[shard] as Array<{ seq_no: { max_seq_no: number } }>).map((c) => c.seq_no.max_seq_no)));
  const cpu: number[][] = variants.map(() => []);
  const loads: number[][] = [];
  const profiler = args.profile ? new Session() : undefined;
  profiler?.connect();
  // Run 0 warms up the JIT and both JVMs; it is not counted, nor is the profiled one after the others.
  for (let run = 0; run <= RUNS + (profiler ? 1 : 0); run++) {
    loads.push([Number(loadavg()[0]!.toFixed(1))]);
    for (let k = 0; k < variants.length; k++) {
      const v = (k + run) % variants.length;
      const index = `copy-cpu-${run}-${v}`;
      const profiled = profiler && run > RUNS;
      if (profiled) {
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
      }
      const cpu0 = cpuSeconds(process.pid);
      const t0 = performance.now();
      await copyAll(variants[v]!.followShard, pair.leader.url, pair.follower.url, index, target);
      const spent = cpuSeconds(process.pid) - cpu0;
      if (profiled) {
        const { profile } = await profiler.post("Profiler.stop");
        mkdirSync(args.profile!, { recursive: true });
        writeFileSync(join(args.profile!, `variant-${v}.cpuprofile`), JSON.stringify(profile));
      }
      log(`run ${run}${run === 0 ? " (warm-up)" : profiled ? " (profiled)" : ""}: ${variants[v]!.label.slice(0, 40)}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${spent.toFixed(2)} CPU-s = ${(spent / DOCS * 100_000).toFixed(2)} per 100k`);
      if (run > 0 && !profiled) cpu[v]!.push(Number((spent / DOCS * 100_000).toFixed(2)));
      await os(pair.follower.url, "DELETE", `/${index}`);
    }
    loads.at(-1)!.push(Number(loadavg()[0]!.toFixed(1)));
  }
  loads.splice(RUNS + 1);
  for (const [v, variant] of variants.entries()) {
    console.log(JSON.stringify({ ferry: variant.label, docs: DOCS, shards: SHARDS, cpu_s_per_100k_median: median(cpu[v]!), cpu_s_per_100k_per_run: cpu[v], load_average_per_run: loads.slice(1) }));
  }
} finally {
  await stopPair(pair);
  for (const s of sources) s.remove();
}
