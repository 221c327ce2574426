// Across engines and versions, on clusters of their own (not the suite's OpenSearch pair): the matrix
// workload (test/matrix/workload.ts) from Elasticsearch 8.19 to Elasticsearch 8.19 (snapshot bootstrap)
// and from Elasticsearch 7.17 to OpenSearch 2.19 (no snapshot fits: the documents are copied), and the
// live migration of docs/engines.md from Elasticsearch 7.17 to OpenSearch 2.19 with writes in flight, cut over by a
// planned promote that must lose nothing the old cluster acknowledged. `npm run matrix` runs every pair.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promoteIndexOrStream } from "../../core/autofollow/stream-actions.ts";
import type { Ferry } from "../../core/ferry.ts";
import { bulk, documents, os } from "../support/documents.ts";
import { MixedWriter } from "../support/mixed-writer.ts";
import { until } from "../support/until.ts";
import { createLeaderIndex, MATRIX_ALIAS, matrixFerry, runWorkload, seed, type MatrixClusters } from "../matrix/workload.ts";
import { startPair, stopPair, type ClusterPair } from "../testbed/pair.ts";
import { describeSpec } from "../testbed/spec.ts";

const HEAP = "384m";

function clustersOf(pair: ClusterPair): MatrixClusters {
  return { leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath };
}

const nameOf = (pair: ClusterPair) => `${describeSpec(pair.distributions.leader)} → ${describeSpec(pair.distributions.follower)}`;

/** A pair of clusters of its own for the tests of one describe block. */
function usePair(leader: string, follower: string): () => ClusterPair {
  let pair: ClusterPair | undefined;
  beforeAll(async () => {
    pair = await startPair({ leader, follower, heap: HEAP, ownerPid: process.pid });
  });
  afterAll(async () => {
    if (pair) await stopPair(pair);
  });
  return () => pair!;
}

/**
 * A data stream on an Elasticsearch leader, created by its first write as shippers do (the test
 * distributions have no `_data_stream` API: ferry finds the stream in the cluster state), rolled over once
 * while written: a rule naming it follows both backing indices, and the stream's name answers the same
 * count on the follower; then a planned promote by the stream's name (docs/data-streams.md).
 */
async function followsADataStream(clusters: MatrixClusters): Promise<void> {
  const { leader, follower } = clusters;
  const dbDir = await mkdtemp(join(tmpdir(), "ferry-streams-"));
  let ferry: Ferry | undefined;
  try {
    await os(leader, "PUT", "/_index_template/dsx", {
      index_patterns: ["dsx-*"], data_stream: {}, priority: 200,
      template: { settings: { number_of_shards: 2, number_of_replicas: 0 }, mappings: { properties: { "@timestamp": { type: "date" }, n: { type: "long" } } } },
    });
    const write = async (from: number, count: number) => {
      const lines = Array.from({ length: count }, (_, i) =>
        `${JSON.stringify({ create: { _index: "dsx-app", _id: `d${from + i}` } })}\n${JSON.stringify({ "@timestamp": new Date().toISOString(), n: from + i })}\n`);
      const answer = await (await fetch(`${leader}/_bulk?refresh=true`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines.join("") })).json() as { errors: boolean };
      expect(answer.errors).toBe(false);
    };
    await write(0, 300);
    await os(leader, "POST", "/dsx-app/_rollover");
    await write(300, 200);
    ferry = await matrixFerry(clusters, dbDir);
    expect(await ferry.autofollow.create({ leader_alias: MATRIX_ALIAS, name: "dsx", pattern: "dsx-*" })).toEqual({ acknowledged: true, existing_indices: 2 });
    await write(500, 100);
    await until("the stream's count on the follower", async () => {
      const [onLeader, onFollower] = await Promise.all([os(leader, "GET", "/dsx-app/_count"), os(follower, "GET", "/dsx-app/_count")]);
      await os(follower, "POST", "/dsx-app/_refresh");
      return onFollower?.count === 600 && onLeader.count === 600;
    }, 120_000);

    // Promoted by its name, planned: the leader stream is held (ferry's template rolls it over into a
    // blocked write index), the follower stream's name takes the writes, into its newest copy.
    await ferry.autofollow.delete(MATRIX_ALIAS, "dsx");
    const promoted = await promoteIndexOrStream({ replications: ferry.replications, autofollow: ferry.autofollow }, "dsx-app", {});
    expect(promoted).toMatchObject({ promotion: "planned", documents: { leader: 600, follower: 600 } });
    expect(promoted.ferry_backing_indices).toHaveLength(2);
    const refused = await fetch(`${leader}/dsx-app/_doc`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ "@timestamp": new Date().toISOString() }) });
    expect(refused.status).toBe(403);
    const newest = promoted.ferry_backing_indices![0]!.index;
    expect(await os(follower, "POST", "/dsx-app/_doc?op_type=create&refresh=true", { "@timestamp": new Date().toISOString(), n: -1 })).toMatchObject({ _index: newest });
  } finally {
    await ferry?.close();
    await rm(dbDir, { recursive: true, force: true });
  }
}

describe("Elasticsearch 8.19 → Elasticsearch 8.19", () => {
  const pair = usePair("es:8.19", "es:8.19");

  it("follows a data stream's backing indices, the stream found in the cluster state", async () => {
    await followsADataStream(clustersOf(pair()));
  });

  it("replicates a mixed workload under writes through a snapshot bootstrap", async () => {
    const row = await runWorkload(clustersOf(pair()), { docs: 5_000, liveSeconds: 6, pair: nameOf(pair()) });
    expect(row.examples).toEqual([]);
    expect(row).toMatchObject({ bootstrap: "snapshot", mismatches: 0 });
    expect(row.liveOperations).toBeGreaterThan(500);
  });
});

describe("Elasticsearch 7.17 → OpenSearch 2.19", () => {
  const pair = usePair("es:7.17", "os:2.19");

  it("replicates a mixed workload under writes, bootstrapped by copying documents", async () => {
    const row = await runWorkload(clustersOf(pair()), { docs: 5_000, liveSeconds: 6, pair: nameOf(pair()) });
    expect(row.examples).toEqual([]);
    expect(row).toMatchObject({ bootstrap: "search", mismatches: 0 });
    expect(row.liveOperations).toBeGreaterThan(500);
  });

  it("live migration: a planned promote cuts over with nothing the old cluster acknowledged lost", async () => {
    const { leader, follower } = clustersOf(pair());
    const dbDir = await mkdtemp(join(tmpdir(), "ferry-migration-"));
    let ferry: Ferry | undefined;
    let writer: MixedWriter | undefined;
    try {
      ferry = await matrixFerry(clustersOf(pair()), dbDir);
      await createLeaderIndex(leader, "orders");
      await bulk(leader, "orders", seed(3_000));
      // The application keeps writing to Elasticsearch through all of it.
      writer = new MixedWriter(leader, { index: "orders", ids: 4_000, pauseMs: 20 }).start();
      await ferry.replications.start("orders", { leader_alias: MATRIX_ALIAS, leader_index: "orders" }, { waitForRestore: true });
      // Copied, not reconciled: with every document updated every few seconds, some follower copy is
      // always newer on the leader already, and the promote's drain settles that after the write block.
      await until("the seed is copied", async () => {
        const status = await ferry!.replications.status("orders", false) as { syncing_details?: { seq_no: number } };
        return (status.syncing_details?.seq_no ?? 0) >= 3_000;
      }, 120_000);
      const promoteStarted = performance.now();
      const promoted = await ferry.replications.promote("orders", { write_alias: "orders-write" });
      const promoteSeconds = (performance.now() - promoteStarted) / 1000;
      await writer.stop();
      expect(promoted.promotion).toBe("planned");
      // Writes after the leader's block were refused to the application, never silently dropped.
      expect(writer.refused.get("cluster_block_exception") ?? 0).toBeGreaterThan(0);
      expect([...writer.refused.keys()].filter((t) => t !== "cluster_block_exception")).toEqual([]);
      expect(writer.unanswered).toBe(0);

      const onOpenSearch = await documents(follower, "orders");
      const lost = [...writer.acknowledged].filter(([id, ack]) => {
        const doc = onOpenSearch.get(id);
        return ack === null ? doc !== undefined : JSON.stringify(doc?.source) !== JSON.stringify(ack.source) || doc?.routing !== ack.routing;
      });
      expect(lost.slice(0, 5)).toEqual([]);
      const onElasticsearch = await documents(leader, "orders");
      expect(onOpenSearch.size).toBe(onElasticsearch.size);
      console.info(`migration: promote ${promoteSeconds.toFixed(1)} s, ${writer.operations} operations acknowledged by Elasticsearch, ` +
        `${writer.refused.get("cluster_block_exception") ?? 0} refused after the block, ${onOpenSearch.size} documents on both sides`);

      // The application now writes to OpenSearch through the alias the promote made its write index.
      const after = await os(follower, "POST", "/orders-write/_doc/after-cutover?refresh=true", { n: -1, note: "on OpenSearch" });
      expect(after.result).toBe("created");
      expect((await ferry.replications.status("orders", false)).status).toBe("REPLICATION NOT IN PROGRESS");
    } finally {
      await writer?.stop();
      await ferry?.close();
      await os(leader, "DELETE", "/orders").catch(() => undefined);
      await os(follower, "DELETE", "/orders").catch(() => undefined);
      await rm(dbDir, { recursive: true, force: true });
    }
  });
});
