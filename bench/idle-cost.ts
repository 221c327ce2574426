// Idle-cost benchmark: what following N indices costs while nothing is written. For each N, N small
// leader indices with 60-character names are started with one wildcard start through a real ferry
// process; once all are SYNCING, an idle window measures the requests ferry sends to the leader
// (counted by a TCP proxy between them), ferry's RSS and its CPU time. The goal: leader
// requests/s at idle must not grow with N, and RSS stays under 300 MB at 1,000 indices.
// Usage: npm run bench:idle-cost [-- N[,N...] [IDLE_SECONDS [START_GROUP]]]   (default 10,100,1000, 60, 0)
// Prints one JSON line per N, then a table. FERRY_TESTBED_HEAP=1g helps the 1,000-index clusters.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { bulk, os } from "../test/support/documents.ts";
import { ferryEnvFor, spawnFerry, type FerryProcess } from "../test/support/ferry-spawn.ts";
import { runConcurrently } from "./run-concurrently.ts";
import { TcpProxy } from "../test/support/tcp-proxy.ts";
import { startPair, stopPair, type ClusterPair } from "../test/testbed/pair.ts";

const COUNTS = (process.argv[2] ?? "10,100,1000").split(",").map(Number);
// 60 s: long enough for every periodic request ferry makes (lease renewals every 10 s, follower checks every 5 s).
const IDLE_SECONDS = Number(process.argv[3] ?? 60);
// 0: one wildcard start for all indices; else a multiple of 10, see startGroups.
const START_GROUP = Number(process.argv[4] ?? 0);
if (START_GROUP < 0 || START_GROUP % 10 !== 0) throw new Error(`START_GROUP must be 0 or a multiple of 10, got ${START_GROUP}`);
const DOCS_PER_INDEX = 5;
const NAME_LENGTH = 60;
const PREFIX = "idle-cost-";
const CREATE_CONCURRENCY = 8;
const SYNC_TIMEOUT_MS = 40 * 60_000;
const CLOCK_TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** Every name has exactly NAME_LENGTH characters: the length decides whether the poll's lists of names
 * fit in one request line (they do at 10 indices, not at 100 or 1,000). */
const indexName = (i: number) => `${PREFIX}${String(i).padStart(4, "0")}-`.padEnd(NAME_LENGTH, "x");

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Math.round(Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024);
}

/** utime + stime of the process (all its threads, piscina's workers included), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK;
}

/** A request line with the benchmark's index names folded, so that requests of one kind count together
 * (`GET /{idx}/_stats`, `GET /{list}/_stats`) and query values dropped. */
function requestKind(line: string): string {
  const [method, target = ""] = line.split(" ");
  const [path = "", query] = target.split("?");
  const folded = path
    .replace(new RegExp(`${PREFIX}\\d{4}-x*`, "g"), "{idx}")
    .replace(/\{idx\}(%2C\{idx\}|,\{idx\})+/g, "{list}");
  const keys = query ? `?${query.split("&").map((kv) => kv.split("=")[0]).sort().join("&")}` : "";
  return `${method} ${folded}${keys}`;
}

/**
 * The patterns the indices are started with: one wildcard for all of them, or, with START_GROUP set, one
 * comma list of 3-digit-prefix wildcards per START_GROUP indices, each started once the previous group
 * is SYNCING. Groups exist because ferry bootstraps every started index at once (one snapshot each), and
 * a thousand snapshots at once swamp a single-node leader's cluster manager (see docs/benchmarks.md).
 */
function startGroups(names: string[]): Array<{ pattern: string; size: number }> {
  if (START_GROUP <= 0) return [{ pattern: `${PREFIX}*`, size: names.length }];
  const groups: Array<{ pattern: string; size: number }> = [];
  const lastPrefix = Math.floor(names.length / 10);
  for (let first = 0; first <= lastPrefix; first += START_GROUP / 10) {
    const prefixes = Array.from({ length: START_GROUP / 10 }, (_, k) => first + k).filter((p) => p <= lastPrefix)
      .map((p) => `${PREFIX}${String(p).padStart(3, "0")}`);
    const size = names.filter((name) => prefixes.some((p) => name.startsWith(p))).length;
    if (size > 0) groups.push({ pattern: prefixes.map((p) => `${p}*`).join(","), size });
  }
  return groups;
}

interface Result {
  indices: number;
  start_group: number;
  name_length: number;
  docs_per_index: number;
  opensearch: string;
  idle_seconds: number;
  leader_requests: number;
  leader_requests_per_s: number;
  follower_requests_per_s: number;
  leader_requests_by_kind_per_s: Record<string, number>;
  ferry_rss_mb_before_start: number;
  ferry_rss_mb_peak_while_starting: number;
  ferry_rss_mb_idle: number;
  ferry_rss_mb_idle_max: number;
  ferry_cpu_s_idle_window: number;
  seconds_create_indices: number;
  seconds_to_all_syncing: number;
  still_syncing_after_window: number;
}

async function measure(n: number): Promise<Result> {
  const pair: ClusterPair = await startPair({ ownerPid: process.pid });
  let ferry: FerryProcess | undefined;
  let leaderProxy: TcpProxy | undefined;
  let followerProxy: TcpProxy | undefined;
  const errors: string[] = [];
  try {
    // Each node holds one shard per index: the default limit of 1,000 shards per node would refuse the
    // 1,000th index (the clusters' own indices count too).
    for (const url of [pair.leader.url, pair.follower.url]) {
      await os(url, "PUT", "/_cluster/settings", { persistent: { "cluster.max_shards_per_node": Math.max(1_000, n + 1_000) } });
    }
    const names = Array.from({ length: n }, (_, i) => indexName(i + 1));
    const c0 = performance.now();
    await runConcurrently(names, CREATE_CONCURRENCY, async (name) => {
      await os(pair.leader.url, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      await bulk(pair.leader.url, name, Array.from({ length: DOCS_PER_INDEX }, (_, d) => ({ op: "index" as const, id: `d${d}`, source: { d, name } })));
    });
    const createSeconds = (performance.now() - c0) / 1000;

    // ferry reaches the leader only through this proxy, so it sees every request ferry sends there; the
    // follower gets one too, for comparison.
    leaderProxy = await TcpProxy.start(pair.leader.url);
    followerProxy = await TcpProxy.start(pair.follower.url);
    const kinds = new Map<string, number>();
    let window = false;
    leaderProxy.onRequest = (line) => {
      if (window) kinds.set(requestKind(line), (kinds.get(requestKind(line)) ?? 0) + 1);
    };
    ferry = await spawnFerry(ferryEnvFor({ leader: leaderProxy.url, follower: followerProxy.url, repoPath: pair.repoPath }), {
      // A thousand bootstraps log a lot; only what went wrong is kept, for the error message.
      onLog: (line) => {
        if (/error|fail/i.test(line) && errors.length < 20) errors.push(line.slice(0, 400));
      },
    });
    const rssBefore = rssMegabytes(ferry.pid);

    const t0 = performance.now();
    let peakRss = rssBefore;
    let expected = 0;
    for (const group of startGroups(names)) {
      const res = await fetch(`${ferry.url}/_plugins/_replication/*/_start`, {
        method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ leader_alias: "leader-cluster", leader_index: group.pattern }),
      });
      const answer = (await res.json()) as { indices?: { result: string }[] };
      const started = answer.indices?.filter((o) => o.result === "started").length ?? 0;
      if (started !== group.size) throw new Error(`wildcard start of ${group.pattern} answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);
      expected += started;

      let syncing = 0;
      let lastStatus = 0;
      while (syncing < expected) {
        if (performance.now() - t0 > SYNC_TIMEOUT_MS) throw new Error(`only ${syncing}/${expected} SYNCING after ${SYNC_TIMEOUT_MS} ms; errors: ${errors.join("\n")}`);
        await new Promise((r) => setTimeout(r, 250));
        peakRss = Math.max(peakRss, rssMegabytes(ferry.pid));
        // The status of a thousand indices is itself work for ferry: asked every 2 s, RSS every 250 ms.
        if (performance.now() - lastStatus < 2_000) continue;
        lastStatus = performance.now();
        const status = (await (await fetch(`${ferry.url}/_plugins/_replication/_bulk_status?pattern=${PREFIX}*`)).json()) as { indices: Record<string, { status: string }> };
        syncing = Object.values(status.indices).filter((s) => s.status === "SYNCING").length;
      }
    }
    const syncSeconds = (performance.now() - t0) / 1000;

    // Nothing is written and nothing asks ferry anything during the window: what the proxies count is
    // ferry's own polling. The first seconds after the last bootstrap may still hold its tail (a first
    // metadata comparison, a sweep owed by the first cycle), so the window starts a few seconds later.
    await new Promise((r) => setTimeout(r, 5_000));
    const leader0 = leaderProxy.counts.requests;
    const follower0 = followerProxy.counts.requests;
    const cpu0 = cpuSeconds(ferry.pid);
    let idleMax = 0;
    window = true;
    const w0 = performance.now();
    while (performance.now() - w0 < IDLE_SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 1_000));
      idleMax = Math.max(idleMax, rssMegabytes(ferry.pid));
    }
    window = false;
    const elapsed = (performance.now() - w0) / 1000;
    const leaderRequests = leaderProxy.counts.requests - leader0;
    const followerRequests = followerProxy.counts.requests - follower0;
    const cpu = cpuSeconds(ferry.pid) - cpu0;
    const rssIdle = rssMegabytes(ferry.pid);

    const after = (await (await fetch(`${ferry.url}/_plugins/_replication/_bulk_status?pattern=${PREFIX}*`)).json()) as { indices: Record<string, { status: string }> };
    const rate = (count: number) => Number((count / elapsed).toFixed(2));
    return {
      indices: n, start_group: START_GROUP, name_length: NAME_LENGTH, docs_per_index: DOCS_PER_INDEX, opensearch: pair.version,
      idle_seconds: Number(elapsed.toFixed(1)),
      leader_requests: leaderRequests,
      leader_requests_per_s: rate(leaderRequests),
      follower_requests_per_s: rate(followerRequests),
      leader_requests_by_kind_per_s: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, rate(v)])),
      ferry_rss_mb_before_start: rssBefore,
      ferry_rss_mb_peak_while_starting: peakRss,
      ferry_rss_mb_idle: rssIdle,
      ferry_rss_mb_idle_max: idleMax,
      ferry_cpu_s_idle_window: Number(cpu.toFixed(2)),
      seconds_create_indices: Number(createSeconds.toFixed(1)),
      seconds_to_all_syncing: Number(syncSeconds.toFixed(1)),
      still_syncing_after_window: Object.values(after.indices).filter((s) => s.status === "SYNCING").length,
    };
  } finally {
    await ferry?.stop();
    await leaderProxy?.close();
    await followerProxy?.close();
    await stopPair(pair);
  }
}

const results: Result[] = [];
for (const n of COUNTS) {
  try {
    const result = await measure(n);
    results.push(result);
    console.log(JSON.stringify(result));
  } catch (err) {
    // One N failing (a timeout at 1,000, say) must not hide the figures of the others.
    console.log(JSON.stringify({ indices: n, error: String(err instanceof Error ? err.message : err).slice(0, 4000) }));
    process.exitCode = 1;
  }
}
console.log("");
console.log("| indices | leader req/s idle | follower req/s idle | ferry RSS idle (MB) | ferry RSS peak starting (MB) | ferry CPU s / idle window | s to all SYNCING |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const r of results) {
  console.log(`| ${r.indices} | ${r.leader_requests_per_s} | ${r.follower_requests_per_s} | ${r.ferry_rss_mb_idle} | ${r.ferry_rss_mb_peak_while_starting} | ${r.ferry_cpu_s_idle_window} / ${r.idle_seconds} s | ${r.seconds_to_all_syncing} |`);
}

// Every cluster, proxy and ferry of the run is stopped by now, yet sockets of the proxies' closed
// connections have been seen keeping this process alive after the table; what is left is named on stderr,
// and the process ends rather than waiting for them.
const left = process.getActiveResourcesInfo().reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
console.error(JSON.stringify({ still_active_at_end: left }));
process.exit();
