// The matrix workload, the same for every leader/follower pairing (npm run matrix, and the CI subset in
// test/engine/cross-engine.test.ts): an in-process ferry replicates a seeded 3-shard index, timed until the
// follower holds the seed, then follows a leader that creates, updates, deletes (a third with custom
// routing) and changes its mapping meanwhile; at the end both sides are compared document by document.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../core/config/config.ts";
import { createFerry, type Ferry } from "../../core/ferry.ts";
import { bulk, converge, documents, mismatches, os, type Op } from "../support/documents.ts";
import { MixedWriter } from "../support/mixed-writer.ts";
import { until } from "../support/until.ts";

export const MATRIX_ALIAS = "matrix-leader";

export interface MatrixClusters {
  leader: string;
  follower: string;
  /** A folder both clusters list in `path.repo`. */
  repoPath: string;
}

export interface MatrixRow {
  /** "Elasticsearch 7.17.29 → OpenSearch 2.19.6". */
  pair: string;
  /** `ferry_bootstrap` of the replication's status: snapshot or search. */
  bootstrap: string;
  compared: number;
  mismatches: number;
  /** Seeded documents over the time from the start call to a follower holding all of them. */
  catchUpDocsPerSecond: number;
  /** Leader operations acknowledged while following (creates, updates, deletes). */
  liveOperations: number;
  examples: string[];
}

export interface WorkloadOptions {
  docs: number;
  liveSeconds: number;
  /** Names the pair in the row. */
  pair: string;
}

/** A ferry core whose own cluster is `follower`, with `leader` registered as MATRIX_ALIAS. */
export async function matrixFerry(clusters: MatrixClusters, dbDir: string): Promise<Ferry> {
  return createFerry(loadConfig({
    FERRY_FOLLOWER_URL: clusters.follower,
    FERRY_REMOTES: JSON.stringify({ [MATRIX_ALIAS]: { hosts: [clusters.leader] } }),
    FERRY_SNAPSHOT_PATH: clusters.repoPath,
    FERRY_DB: join(dbDir, "ferry.db"),
  }));
}

export async function createLeaderIndex(leader: string, index: string): Promise<void> {
  await os(leader, "PUT", `/${index}`, {
    settings: { number_of_shards: 3, number_of_replicas: 0 },
    mappings: { properties: { n: { type: "long" }, round: { type: "long" }, note: { type: "text" } } },
  });
}

export function seed(docs: number): Op[] {
  return Array.from({ length: docs }, (_, n) => ({
    op: "index", id: `d${n}`, routing: MixedWriter.routingOf(n), source: { n, round: 0, note: `seed ${n}` },
  }));
}

async function count(base: string, index: string): Promise<number> {
  await os(base, "POST", `/${index}/_refresh`);
  return ((await os(base, "GET", `/${index}/_count`)) as { count?: number })?.count ?? 0;
}

export async function runWorkload(clusters: MatrixClusters, options: WorkloadOptions): Promise<MatrixRow> {
  const [l, f] = ["matrix-l", "matrix-f"];
  const dbDir = await mkdtemp(join(tmpdir(), "ferry-matrix-"));
  const ferry = await matrixFerry(clusters, dbDir);
  try {
    await createLeaderIndex(clusters.leader, l);
    await bulk(clusters.leader, l, seed(options.docs));
    await os(clusters.leader, "POST", `/${l}/_refresh`);

    const started = performance.now();
    await ferry.replications.start(f, { leader_alias: MATRIX_ALIAS, leader_index: l }, { waitForRestore: true });
    await until("the follower holds the seed", async () => (await count(clusters.follower, f).catch(() => 0)) >= options.docs, 600_000, 100);
    const catchUpSeconds = (performance.now() - started) / 1000;
    const status = await ferry.replications.status(f, false);

    let tagged = false;
    const writer = new MixedWriter(clusters.leader, { index: l, ids: options.docs + options.docs / 2, pauseMs: 10, extra: () => (tagged ? { tag: "after-mapping-change" } : {}) }).start();
    await new Promise((r) => setTimeout(r, (options.liveSeconds * 1000) / 2));
    await os(clusters.leader, "PUT", `/${l}/_mapping`, { properties: { tag: { type: "keyword" } } });
    tagged = true;
    await new Promise((r) => setTimeout(r, (options.liveSeconds * 1000) / 2));
    await writer.stop();

    await converge(clusters.leader, clusters.follower, l, f, 180_000);
    const found = mismatches(await documents(clusters.leader, l), await documents(clusters.follower, f));
    await ferry.replications.stop(f);
    return {
      pair: options.pair,
      bootstrap: String(status.ferry_bootstrap),
      compared: found.compared,
      mismatches: found.lost + found.extra + found.stale,
      catchUpDocsPerSecond: Math.round(options.docs / catchUpSeconds),
      liveOperations: writer.operations,
      examples: found.examples,
    };
  } finally {
    await ferry.close();
    await os(clusters.leader, "DELETE", `/${l}`).catch(() => undefined);
    await os(clusters.follower, "DELETE", `/${f}`).catch(() => undefined);
    await rm(dbDir, { recursive: true, force: true });
  }
}

export function markdownTable(rows: MatrixRow[]): string {
  const lines = [
    "| pair | bootstrap | documents compared | mismatches | catch-up docs/s | live operations |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.pair} | ${r.bootstrap} | ${r.compared} | ${r.mismatches} | ${r.catchUpDocsPerSecond} | ${r.liveOperations} |`),
  ];
  return lines.join("\n");
}
