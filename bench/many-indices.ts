// Many-indices benchmark: one wildcard start over N small leader indices through a real ferry process,
// then ferry's resident memory once every follower is SYNCING (goal: under 300 MB for 50 indices).
// Usage: npm run bench:many-indices [-- N]   (default 50; prints one JSON line)
import { readFileSync } from "node:fs";
import { bulk, os } from "../test/support/documents.ts";
import { ferryEnvFor, spawnFerry, type FerryProcess } from "../test/support/ferry-spawn.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";

const INDICES = Number(process.argv[2] ?? 50);
const DOCS_PER_INDEX = 100;
const SYNC_TIMEOUT_MS = 15 * 60_000;

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Math.round(Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024);
}

const pair = await startPair({ ownerPid: process.pid });
// ferry runs as its own process, so that its RSS is ferry's alone.
let ferry: FerryProcess | undefined;
try {
  const names = Array.from({ length: INDICES }, (_, i) => `many-${i + 1}`);
  for (const name of names) {
    await os(pair.leader.url, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await bulk(pair.leader.url, name, Array.from({ length: DOCS_PER_INDEX }, (_, d) => ({ op: "index" as const, id: `d${d}`, source: { d, name } })));
  }
  ferry = await spawnFerry(ferryEnvFor({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }), { showLog: true });
  const idleRss = rssMegabytes(ferry.pid);

  const t0 = performance.now();
  const res = await fetch(`${ferry.url}/_plugins/_replication/*/_start`, {
    method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ leader_alias: "leader-cluster", leader_index: "many-*" }),
  });
  const answer = (await res.json()) as { indices?: { result: string }[] };
  const started = answer.indices?.filter((o) => o.result === "started").length ?? 0;
  if (started !== INDICES) throw new Error(`wildcard start answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`);

  let syncing = 0;
  let peakRss = idleRss;
  while (syncing < INDICES) {
    if (performance.now() - t0 > SYNC_TIMEOUT_MS) throw new Error(`only ${syncing}/${INDICES} SYNCING after ${SYNC_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
    peakRss = Math.max(peakRss, rssMegabytes(ferry.pid));
    const status = (await (await fetch(`${ferry.url}/_plugins/_replication/_bulk_status?pattern=many-*`)).json()) as { indices: Record<string, { status: string }> };
    syncing = Object.values(status.indices).filter((s) => s.status === "SYNCING").length;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    indices: INDICES, docs_per_index: DOCS_PER_INDEX, opensearch: pair.version,
    seconds_to_all_syncing: Number(seconds.toFixed(1)),
    ferry_rss_mb_idle: idleRss, ferry_rss_mb_peak_while_starting: peakRss, ferry_rss_mb_all_syncing: rssMegabytes(ferry.pid),
  }));
} finally {
  await ferry?.stop();
  await stopPair(pair);
}
