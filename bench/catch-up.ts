// Catch-up benchmark: how fast ferry copies a backlog of documents from a leader shard set to the
// follower, beside the limit — a plain `_bulk` of the same documents straight into the follower.
// Usage: npm run bench:catch-up [-- DOCS RUNS]   (defaults 200000 and 3; prints medians and the ratio)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../core/config.ts";
import { createFerry } from "../core/ferry.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";
import { bulk, os, type Op } from "../test/support/documents.ts";

const DOCS = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.argv[3] ?? 3);
const SHARDS = 3;

function corpus(run: number): Op[] {
  return Array.from({ length: DOCS }, (_, i) => ({
    op: "index",
    id: `b${run}-${i}`,
    source: { n: i, user: `user-${i % 997}`, message: `benchmark document ${i} of run ${run}`, at: 1_700_000_000_000 + i },
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const indexSettings = { settings: { number_of_shards: SHARDS, number_of_replicas: 0 } };

/** Plain `_bulk` into the follower: one stream per shard, as ferry writes one stream per shard. */
async function baseline(follower: string, run: number, docs: Op[]): Promise<number> {
  const index = `bench-plain-${run}`;
  await os(follower, "PUT", `/${index}`, indexSettings);
  const streams = Array.from({ length: SHARDS }, (_, s) => docs.filter((_, i) => i % SHARDS === s));
  const t0 = performance.now();
  await Promise.all(streams.map((part) => bulk(follower, index, part)));
  await os(follower, "POST", `/${index}/_refresh`);
  return docs.length / ((performance.now() - t0) / 1000);
}

async function ferryCatchUp(leader: string, follower: string, repoPath: string, run: number, docs: Op[]): Promise<number> {
  const ferry = await createFerry(loadConfig({
    FERRY_FOLLOWER_URL: follower,
    FERRY_REMOTES: JSON.stringify({ bench: { hosts: [leader] } }),
    FERRY_SNAPSHOT_PATH: repoPath,
    FERRY_DB: join(mkdtempSync(join(tmpdir(), "ferry-bench-")), "ferry.db"),
  }));
  try {
    const [l, f] = [`bench-l-${run}`, `bench-f-${run}`];
    await os(leader, "PUT", `/${l}`, indexSettings);
    await ferry.replications.start(f, { leader_alias: "bench", leader_index: l }, { waitForRestore: true });
    await ferry.replications.pause(f);
    await bulk(leader, l, docs);
    await os(leader, "POST", `/${l}/_refresh`);
    const t0 = performance.now();
    await ferry.replications.resume(f);
    for (;;) {
      const status = (await ferry.replications.status(f, false)) as { syncing_details?: { leader_checkpoint: number; follower_checkpoint: number } };
      const d = status.syncing_details;
      if (d && d.leader_checkpoint >= DOCS - SHARDS && d.follower_checkpoint === d.leader_checkpoint) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    await os(follower, "POST", `/${f}/_refresh`);
    const count = await os(follower, "GET", `/${f}/_count`);
    if (count.count !== DOCS) throw new Error(`follower has ${count.count} documents, expected ${DOCS}`);
    return DOCS / seconds;
  } finally {
    await ferry.close();
  }
}

const pair = await startPair({ ownerPid: process.pid });
try {
  // Warm both JVMs up first, so the first measured run is not the one that pays for JIT compilation.
  await baseline(pair.follower.url, -1, corpus(-1).slice(0, 20_000));
  await bulk(pair.leader.url, "bench-warmup", corpus(-2).slice(0, 20_000));
  const plain: number[] = [];
  const ferry: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const docs = corpus(run);
    plain.push(await baseline(pair.follower.url, run, docs));
    ferry.push(await ferryCatchUp(pair.leader.url, pair.follower.url, pair.repoPath, run, docs));
    console.error(`run ${run + 1}/${RUNS}: plain _bulk ${plain[run]!.toFixed(0)} docs/s, ferry ${ferry[run]!.toFixed(0)} docs/s`);
  }
  const result = {
    docs: DOCS, runs: RUNS, shards: SHARDS, opensearch: pair.version,
    plain_bulk_docs_per_s: Math.round(median(plain)),
    ferry_catch_up_docs_per_s: Math.round(median(ferry)),
    ratio: Number((median(ferry) / median(plain)).toFixed(3)),
  };
  console.log(JSON.stringify(result));
} finally {
  await stopPair(pair);
}
