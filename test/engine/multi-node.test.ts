// Replication between multi-node clusters with a replica of every shard, while a writer keeps creating,
// updating and deleting documents on the leader and shards move underneath ferry: a leader primary fails
// over to its replica, leader shards relocate, a follower node restarts. Each case ends with the follower
// holding exactly the leader's documents, and the leader holding exactly what the writer was told it
// acknowledged (so a lost write cannot hide on both sides at once).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config/config.ts";
import { createFerry, type Ferry } from "../../core/ferry.ts";
import { differences, documents, os, type StoredDoc } from "../support/documents.ts";
import { isAlive, startNode, stopNode, type ClusterHandle } from "../testbed/cluster.ts";
import { startPair, stopPair, type ClusterPair } from "../testbed/pair.ts";

const ALIAS = "multi-leader";
let pair: ClusterPair;
let ferry: Ferry;
let dbDir: string;
/** Every shard error ferry reported, for the failure message of a case that does not converge. */
const shardErrors: string[] = [];

beforeAll(async () => {
  // Its own clusters: nodes are stopped here, which the shared pair's must never be. Three leader nodes
  // keep a cluster-manager quorum when any one stops; two follower nodes are enough for a replica of
  // every shard, and the one restarted is chosen outside the voting configuration (see that case).
  pair = await startPair({ ownerPid: process.pid, nodes: { leader: 3, follower: 2 } });
  dbDir = await mkdtemp(join(tmpdir(), "ferry-multi-node-"));
  ferry = await createFerry(loadConfig({
    FERRY_DB: join(dbDir, "ferry.db"),
    FERRY_DB_CREATE: "true",
    FERRY_FOLLOWER_URL: pair.follower.urls.join(","),
    FERRY_REMOTES: JSON.stringify({ [ALIAS]: { hosts: pair.leader.urls } }),
    FERRY_SNAPSHOT_PATH: pair.repoPath,
  }));
  ferry.events.on("shard:error", (e) => shardErrors.push(`${e.followerIndex}[${e.shard}] retryable=${e.retryable}: ${e.reason}`));
});

afterAll(async () => {
  await ferry?.close();
  if (pair) await stopPair(pair);
  if (dbDir) await rm(dbDir, { recursive: true, force: true });
});

/** When the current case began; the progress lines count from it. */
let caseStart = Date.now();
/** One line per step: where a case that runs for minutes on a busy machine spends its time. */
const progress = (what: string) => console.log(`[multi-node +${((Date.now() - caseStart) / 1000).toFixed(1)}s] ${what}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A node of `cluster` that runs, the `turn`-th of them: requests must not go to a node the case has
 * stopped, and a node that is shutting down or still starting is alive without answering, so a caller
 * that failed turns to the next.
 */
function running(cluster: ClusterHandle, turn: number): string {
  const nodes = cluster.nodes.filter((n) => isAlive(n.pid));
  if (nodes.length === 0) throw new Error(`no node of ${cluster.name} runs`);
  return nodes[turn % nodes.length]!.url;
}

/** Deterministic pseudo-random numbers, so a failing run can be replayed with the same operations. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type WriteOp =
  | { op: "index"; id: string; routing?: string; source: Record<string, unknown> }
  | { op: "update"; id: string; routing?: string; doc: Record<string, unknown> }
  | { op: "delete"; id: string; routing?: string };

/**
 * Writes batches of creates, partial updates and deletes to the leader, one batch at a time, through
 * whichever leader node runs. A batch that fails in any way (a node going down under it, a primary being
 * promoted) is sent again until every item succeeds: each operation sets an absolute state, so a resend
 * is harmless. Only a fully acknowledged batch enters `model`, the content the leader must end with.
 */
class Writer {
  readonly model = new Map<string, StoredDoc>();
  /** Failed attempts and why; a failover is expected to cause a few. */
  readonly retries: string[] = [];
  batches = 0;
  private next = 0;
  /** Which running node gets the batches: kept while it answers, so a node still starting is not tried each time. */
  private turn = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private failure: unknown;
  private readonly rand: () => number;

  constructor(private readonly cluster: ClusterHandle, private readonly index: string, seed: number) {
    this.rand = random(seed);
  }

  private routing(n: number): string | undefined {
    return n % 4 === 0 ? `r${n % 3}` : undefined;
  }

  private batch(creates: number, updates: number, deletes: number): WriteOp[] {
    const ops: WriteOp[] = [];
    const batch = this.batches;
    for (let k = 0; k < creates; k++) {
      const n = this.next++;
      ops.push({ op: "index", id: `m${n}`, routing: this.routing(n), source: { n, batch, text: `document ${n} from batch ${batch}` } });
    }
    // Updates and deletes pick existing documents, each at most once per batch so the batch's outcome
    // does not depend on the order of its items on different shards.
    const ids = [...this.model.keys()];
    const touched = new Set<string>();
    const pick = () => {
      for (let tries = 0; tries < 10 && ids.length; tries++) {
        const id = ids[Math.floor(this.rand() * ids.length)]!;
        if (!touched.has(id)) {
          touched.add(id);
          return id;
        }
      }
      return undefined;
    };
    for (let k = 0; k < updates; k++) {
      const id = pick();
      if (id) ops.push({ op: "update", id, routing: this.routing(Number(id.slice(1))), doc: { batch, updated: true } });
    }
    for (let k = 0; k < deletes; k++) {
      const id = pick();
      if (id) ops.push({ op: "delete", id, routing: this.routing(Number(id.slice(1))) });
    }
    return ops;
  }

  private async send(ops: WriteOp[]): Promise<void> {
    const body = ops.map((o) => {
      const action = JSON.stringify({ [o.op]: { _index: this.index, _id: o.id, ...(o.routing ? { routing: o.routing } : {}) } });
      if (o.op === "index") return `${action}\n${JSON.stringify(o.source)}\n`;
      if (o.op === "update") return `${action}\n${JSON.stringify({ doc: o.doc })}\n`;
      return `${action}\n`;
    }).join("");
    for (let attempt = 0; ; attempt++) {
      if (attempt >= 60) throw new Error(`writer gave up on a batch after 60 attempts: ${this.retries.slice(-3).join(" | ")}`);
      try {
        const res = await fetch(`${running(this.cluster, this.turn)}/_bulk`, {
          method: "POST", headers: { "content-type": "application/x-ndjson" }, body, signal: AbortSignal.timeout(90_000),
        });
        const json = (await res.json()) as { items?: Array<Record<string, { status: number; error?: unknown }>> };
        // A delete that finds nothing (404) was sent again after an attempt that had deleted it.
        const failed = (json.items ?? []).map((item) => Object.values(item)[0]!).filter((r) => r.status >= 300 && r.status !== 404);
        if (res.ok && json.items && failed.length === 0) break;
        this.retries.push(`HTTP ${res.status}: ${JSON.stringify(failed[0] ?? json).slice(0, 300)}`);
      } catch (err) {
        this.retries.push(String(err));
      }
      this.turn++;
      await sleep(500);
    }
    for (const o of ops) {
      if (o.op === "index") this.model.set(o.id, { routing: o.routing, source: o.source });
      else if (o.op === "update") {
        const doc = this.model.get(o.id)!;
        this.model.set(o.id, { routing: doc.routing, source: { ...(doc.source as object), ...o.doc } });
      } else this.model.delete(o.id);
    }
    this.batches++;
  }

  /** Documents written before following starts (bootstrapped through the snapshot). */
  async seed(count: number): Promise<void> {
    for (let done = 0; done < count; done += 1_000) await this.send(this.batch(1_000, 0, 0));
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopping) {
        await this.send(this.batch(50, 20, 10));
        await sleep(200);
      }
    })().catch((err: unknown) => {
      // Kept for `stop`, which the case reaches after its cluster operations.
      this.failure = err;
    });
  }

  /** Stops after the batch in flight; a batch the writer gave up on fails the case here. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    if (this.failure) throw this.failure;
  }
}

async function createLeaderIndex(index: string): Promise<void> {
  await os(pair.leader.url, "PUT", `/${index}`, { settings: { number_of_shards: 3, number_of_replicas: 1 } });
  await os(pair.leader.url, "GET", `/_cluster/health/${index}?wait_for_status=green&timeout=60s`);
}

async function follow(leaderIndex: string, followerIndex: string): Promise<void> {
  await ferry.replications.start(followerIndex, { leader_alias: ALIAS, leader_index: leaderIndex }, { waitForRestore: true });
  const deadline = Date.now() + 60_000;
  let status: any;
  while (Date.now() < deadline) {
    status = await ferry.replications.status(followerIndex, false);
    if (status.status === "SYNCING") return;
    await sleep(250);
  }
  throw new Error(`${followerIndex} is not syncing: ${JSON.stringify(status)}`);
}

interface ShardCopy {
  shard: string;
  prirep: "p" | "r";
  state: string;
  node: string | null;
}

async function copies(cluster: ClusterHandle, index: string): Promise<ShardCopy[]> {
  return os(running(cluster, 0), "GET", `/_cat/shards/${index}?format=json&h=shard,prirep,state,node`);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The end of every case: the writer has stopped; the leader holds exactly what the writer had
 * acknowledged, the follower converges to it id by id and _source by _source, and ferry still syncs with
 * both checkpoints equal.
 */
async function expectConverged(writer: Writer, leaderIndex: string, followerIndex: string): Promise<void> {
  const leaderDocs = await documents(pair.leader.url, leaderIndex);
  expect(differences(writer.model, leaderDocs)).toEqual([]);
  const deadline = Date.now() + 120_000;
  let diff: string[] = [];
  let status: any;
  do {
    diff = differences(leaderDocs, await documents(pair.follower.url, followerIndex));
    status = await ferry.replications.status(followerIndex, false);
    if (diff.length === 0 && status.syncing_details?.follower_checkpoint === status.syncing_details?.leader_checkpoint) break;
    await sleep(500);
  } while (Date.now() < deadline);
  const context = { status, shardErrors: shardErrors.filter((e) => e.startsWith(followerIndex)).slice(-5) };
  progress(`${followerIndex}: ${writer.batches} batches acknowledged (${writer.retries.length} sent again), ${leaderDocs.size} documents; ` +
    `ferry reported ${shardErrors.filter((e) => e.startsWith(followerIndex)).length} retryable shard errors; converged: ${diff.length === 0}`);
  expect(diff, JSON.stringify(context)).toEqual([]);
  expect(status.status).toBe("SYNCING");
  expect(status.syncing_details.follower_checkpoint).toBe(status.syncing_details.leader_checkpoint);
}

describe("multi-node clusters", () => {
  it("crashes the leader node of a primary, promoting its replica, and restarts it while writing: nothing lost", async () => {
    const writer = new Writer(pair.leader, "mn-fail-l", 1);
    await createLeaderIndex("mn-fail-l");
    caseStart = Date.now();
    await writer.seed(3_000);
    await follow("mn-fail-l", "mn-fail-f");
    writer.start();
    await sleep(3_000);

    const before = await copies(pair.leader, "mn-fail-l");
    const victim = before.find((c) => c.shard === "0" && c.prirep === "p")!.node!;
    progress(`crashing ${victim}, which holds shard 0's primary`);
    // SIGKILL: a crash cuts off the writes in flight on that primary, which a clean stop would finish.
    await stopNode(pair.leader, victim, { crash: true });
    // The replica on another node is promoted: shard 0's primary is active again, elsewhere.
    await waitFor("a promoted primary of shard 0", async () =>
      (await copies(pair.leader, "mn-fail-l")).some((c) => c.shard === "0" && c.prirep === "p" && c.state === "STARTED" && c.node !== victim));
    progress("shard 0's replica promoted");
    const batchesBefore = writer.batches;
    await sleep(8_000);
    expect(writer.batches).toBeGreaterThan(batchesBefore);

    await startNode(pair.leader, victim);
    progress(`${victim} back, cluster green`);
    await sleep(3_000);
    await writer.stop();
    expect(writer.batches).toBeGreaterThan(10);
    await expectConverged(writer, "mn-fail-l", "mn-fail-f");
  }, 300_000);

  it("relocates leader shards, primaries included, while writing: converges", async () => {
    const writer = new Writer(pair.leader, "mn-move-l", 2);
    await createLeaderIndex("mn-move-l");
    caseStart = Date.now();
    await writer.seed(3_000);
    await follow("mn-move-l", "mn-move-f");
    writer.start();
    await sleep(2_000);

    // Drain the node holding most of the index's primaries: its copies (primaries by a relocation
    // hand-off) move to the two other nodes, then come back when the exclusion is lifted.
    const before = await copies(pair.leader, "mn-move-l");
    const primaries = new Map<string, number>();
    for (const c of before) if (c.prirep === "p") primaries.set(c.node!, (primaries.get(c.node!) ?? 0) + 1);
    const [drained] = [...primaries.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const movedPrimaries = before.filter((c) => c.prirep === "p" && c.node === drained).map((c) => c.shard);
    try {
      await os(pair.leader.url, "PUT", "/_cluster/settings", { transient: { "cluster.routing.allocation.exclude._name": drained } });
      progress(`draining ${drained}, which holds primaries of shards ${movedPrimaries.join(", ")}`);
      await waitFor(`no copy of mn-move-l left on ${drained}`, async () => {
        const now = await copies(pair.leader, "mn-move-l");
        return now.every((c) => c.node !== drained && c.state === "STARTED");
      });
      const after = await copies(pair.leader, "mn-move-l");
      for (const shard of movedPrimaries) {
        expect(after.find((c) => c.shard === shard && c.prirep === "p")?.node).not.toBe(drained);
      }
    } finally {
      await os(pair.leader.url, "PUT", "/_cluster/settings", { transient: { "cluster.routing.allocation.exclude._name": null } });
    }
    progress(`${drained} drained, exclusion lifted`);
    await os(pair.leader.url, "GET", "/_cluster/health?wait_for_status=green&wait_for_no_relocating_shards=true&timeout=120s");
    progress("rebalanced, cluster green");
    await sleep(2_000);
    await writer.stop();
    await expectConverged(writer, "mn-move-l", "mn-move-f");
  }, 300_000);

  it("restarts a follower node while following: converges", async () => {
    const writer = new Writer(pair.leader, "mn-frestart-l", 3);
    await createLeaderIndex("mn-frestart-l");
    caseStart = Date.now();
    await writer.seed(3_000);
    await follow("mn-frestart-l", "mn-frestart-f");
    await os(pair.follower.url, "GET", "/_cluster/health/mn-frestart-f?wait_for_status=green&timeout=60s");
    writer.start();
    await sleep(2_000);

    // A 2-node cluster votes with one node only (voting configurations have an odd size): restarting
    // the other one keeps an elected cluster manager, so the follower stays writable while every shard
    // copy on that node fails over to the one on the voting node.
    const voting = await os(pair.follower.url, "GET", "/_cluster/state/metadata?filter_path=metadata.cluster_coordination.last_committed_config");
    const votingIds: string[] = voting.metadata.cluster_coordination.last_committed_config;
    const nodes: Array<{ id: string; name: string }> = await os(pair.follower.url, "GET", "/_cat/nodes?format=json&full_id=true&h=id,name");
    const restarted = nodes.find((n) => !votingIds.includes(n.id))?.name;
    expect(restarted, `voting configuration ${JSON.stringify(votingIds)} of ${JSON.stringify(nodes)}`).toBeDefined();
    const held = (await copies(pair.follower, "mn-frestart-f")).filter((c) => c.node === restarted).map((c) => `${c.shard}${c.prirep}`);
    expect(held).toHaveLength(3);

    progress(`restarting ${restarted}, which holds ${held.join(" ")}`);
    await stopNode(pair.follower, restarted!);
    await sleep(5_000);
    await startNode(pair.follower, restarted!);
    progress(`${restarted} back, cluster green`);
    await sleep(3_000);
    await writer.stop();
    await expectConverged(writer, "mn-frestart-l", "mn-frestart-f");
  }, 300_000);
});
