// Catch-up benchmark: how fast ferry copies a backlog of documents from a leader shard set to the
// follower, beside the limit — a plain `_bulk` of the same documents straight into the follower.
// Usage: npm run bench:catch-up [-- DOCS RUNS [DOC_BYTES]]   (defaults 200000, 3 and about 150; prints
// medians and the ratio). FERRY_BENCH_VARIANTS='[{}, {"ferry.follower.search_page_size": 1000}]' runs ferry
// once per settings object in every run, on the same clusters, and reports each.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../core/config/config.ts";
import { createFerry } from "../core/ferry.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";
import { bulk, os, type Op } from "../test/support/documents.ts";

const DOCS = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.argv[3] ?? 3);
const DOC_BYTES = Number(process.argv[4] ?? 0);
const VARIANTS = JSON.parse(process.env.FERRY_BENCH_VARIANTS ?? "[{}]") as Array<Record<string, number>>;
const SHARDS = 3;

function corpus(run: number): Op[] {
  return Array.from({ length: DOCS }, (_, i) => ({
    op: "index",
    id: `b${run}-${i}`,
    source: { n: i, user: `user-${i % 997}`, message: `benchmark document ${i} of run ${run}`, at: 1_700_000_000_000 + i, ...(DOC_BYTES > 150 ? { pad: "x".repeat(DOC_BYTES - 150) } : {}) },
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

async function ferryCatchUp(leader: string, follower: string, repoPath: string, run: string, docs: Op[], settings: Record<string, number>): Promise<number> {
  const ferry = await createFerry(loadConfig({
    FERRY_FOLLOWER_URL: follower,
    FERRY_REMOTES: JSON.stringify({ bench: { hosts: [leader] } }),
    FERRY_SNAPSHOT_PATH: repoPath,
    FERRY_DB: join(mkdtempSync(join(tmpdir(), "ferry-bench-")), "ferry.db"),
    FERRY_SETTINGS: JSON.stringify(settings),
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
  const ferry: number[][] = VARIANTS.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    const docs = corpus(run);
    plain.push(await baseline(pair.follower.url, run, docs));
    // The variants take turns going first, so that none always meets the freshest merges.
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = (k + run) % VARIANTS.length;
      ferry[v]!.push(await ferryCatchUp(pair.leader.url, pair.follower.url, pair.repoPath, `${run}-${v}`, docs, VARIANTS[v]!));
    }
    console.error(`run ${run + 1}/${RUNS}: plain _bulk ${plain[run]!.toFixed(0)} docs/s, ferry ${ferry.map((f) => f[run]!.toFixed(0)).join(" / ")} docs/s`);
  }
  for (const [v, settings] of VARIANTS.entries()) {
    console.log(JSON.stringify({
      docs: DOCS, doc_bytes: DOC_BYTES || 150, runs: RUNS, shards: SHARDS, opensearch: pair.version, settings,
      plain_bulk_docs_per_s: Math.round(median(plain)),
      ferry_catch_up_docs_per_s: Math.round(median(ferry[v]!)),
      ferry_per_run: ferry[v]!.map(Math.round), plain_per_run: plain.map(Math.round),
      ratio: Number((median(ferry[v]!) / median(plain)).toFixed(3)),
    }));
  }
} finally {
  await stopPair(pair);
}
