// One follow cycle of one leader shard, run in the worker pool: copy the live documents whose `_seq_no`
// lies in (checkpoint, target] to the follower, in `_seq_no` order, and report how far it got. It keeps no
// state between calls; the main thread persists the returned checkpoint only after this resolves, i.e.
// after the follower acknowledged every write.
import { cancellationSignal } from "../core/clusters/cancellation.ts";
import { call, callBytes } from "../core/clusters/client.ts";
import { bulkBodies, fitsBulkLine, versionedIndexLines, versionedIndexRequest, type LeaderHit } from "../core/clusters/bulk-body.ts";
import { writeBulk, type BulkItem } from "../core/clusters/bulk-write.ts";
import { parseRaw, pickRaw } from "../core/clusters/raw-source.ts";
import { tallyOf } from "../core/clusters/request-tally.ts";
import { shardPreference } from "../core/clusters/engine.ts";
import { requireAllShards, type ShardsHeader } from "../core/clusters/shard-failures.ts";
import { engineErrors } from "../core/errors.ts";
import type { ShardFollowInput, ShardFollowResult, TaskEnvelope, TaskOutcome } from "./protocol.ts";
import { requireLease } from "./lease-window.ts";
import { largeBuffers } from "../core/clusters/buffer-pool.ts";
import { asOutcome } from "./task-outcome.ts";

const RETRYABLE_ITEM_STATUS = new Set([429, 500, 502, 503, 504]);

interface BatchOutcome {
  written: number;
  conflicts: number;
  minSeqNo: number;
  maxSeqNo: number;
}

async function writeBatch(input: ShardFollowInput, hits: LeaderHit[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { written: 0, conflicts: 0, minSeqNo: Infinity, maxSeqNo: -Infinity };
  const record = ({ status, error, _seq_no: seqNo }: BulkItem): void => {
    if (status < 300) {
      outcome.written++;
      outcome.minSeqNo = Math.min(outcome.minSeqNo, seqNo!);
      outcome.maxSeqNo = Math.max(outcome.maxSeqNo, seqNo!);
    }
    // The follower already holds this or a newer state of the document.
    else if (status === 409) outcome.conflicts++;
    else if (RETRYABLE_ITEM_STATUS.has(status) || error?.type === "index_closed_exception") {
      // The request itself succeeded; the follower pushed back on its items.
      if (status === 429) tallyOf("follower")!.throttled++;
      throw engineErrors.transient(`follower refused a write with ${status}: ${error?.type}: ${error?.reason}`);
    } else if (error?.type === "index_not_found_exception") {
      throw engineErrors.fatal(`follower index [${input.followerIndex}] no longer exists`);
    } else {
      throw engineErrors.fatal(`follower refused a document of [${input.followerIndex}] shard ${input.shard}: ${error?.type}: ${error?.reason}`);
    }
  };
  let from = 0;
  const flush = async (to: number): Promise<void> => {
    if (to === from) return;
    for (const body of bulkBodies(versionedIndexLines(input.followerIndex, hits.slice(from, to), input.versionOffset), input.bulkMaxBytes, (n) => largeBuffers.take(n))) {
      requireLease(input);
      for (const item of await writeBulk(input.follower, body)) record(item);
      largeBuffers.give(body);
    }
    from = to;
  };
  for (const [at, hit] of hits.entries()) {
    if (fitsBulkLine(hit.source)) continue;
    // A pretty-printed source is written alone, after the documents before it: follower sequence
    // numbers must come in leader order (core/store/regions.ts).
    await flush(at);
    from = at + 1;
    requireLease(input);
    const res = await call(input.follower, "follower", { ...versionedIndexRequest(input.followerIndex, hit, input.versionOffset), ignore: [409], write: true });
    record(res.error ? { status: res.status, error: res.error } : { status: 201, _seq_no: res._seq_no });
  }
  await flush(hits.length);
  return outcome;
}

export default function followShardTask({ input, cancel }: TaskEnvelope<ShardFollowInput>): Promise<TaskOutcome<ShardFollowResult>> {
  return asOutcome("shard cycle", cancel, () => followShard(input));
}

/** What a page is read for: each hit's metadata and source bytes, never the source as an object. */
const PAGE = { _shards: true, hits: { hits: [{ _id: true, _seq_no: true, _routing: true, _source: true }] } } as const;

interface Page {
  hits: LeaderHit[];
  /** The answer's bytes, which the hits' sources are views of (core/clusters/buffer-pool.ts). */
  bytes: Buffer;
}

async function readPage(input: ShardFollowInput, preference: string, after: number, size: number, signal?: AbortSignal): Promise<Page> {
  const bytes = await callBytes(input.leader, "leader", {
    ...(signal ? { signal } : {}),
    answerInto: (n) => largeBuffers.take(n),
    method: "POST",
    path: `/${encodeURIComponent(input.leaderIndex)}/_search`,
    // Only this shard, and its primary: replicas may lag behind the global checkpoint's refresh. No
    // filter_path: a filtered answer re-serialises every _source (whitespace goes, 1e400 becomes "Infinity").
    querystring: { preference },
    body: {
      size,
      query: { range: { _seq_no: { gt: after, lte: input.target } } },
      sort: [{ _seq_no: "asc" }],
      seq_no_primary_term: true,
      track_total_hits: false,
    },
  });
  const page = pickRaw(bytes, PAGE);
  requireAllShards(parseRaw<ShardsHeader>(page._shards), `leader shard [${input.leaderIndex}][${input.shard}]`);
  return { bytes, hits: (page.hits?.hits ?? []).map((hit, i) => {
    const id = parseRaw<string>(hit?._id);
    const seqNo = parseRaw<number>(hit?._seq_no);
    if (typeof id !== "string" || !Number.isSafeInteger(seqNo)) {
      throw engineErrors.fatal(`leader hit ${i} of [${input.leaderIndex}] shard ${input.shard} came without its _id or _seq_no`);
    }
    if (hit!._source === undefined) throw engineErrors.fatal(`leader document [${input.leaderIndex}][${id}] came without its _source`);
    const routing = parseRaw<string>(hit!._routing);
    return { _id: id, _seq_no: seqNo!, ...(routing !== undefined ? { _routing: routing } : {}), source: hit!._source };
  }) };
}

export async function followShard(input: ShardFollowInput): Promise<ShardFollowResult> {
  let checkpoint = input.checkpoint;
  let opsWritten = 0;
  let conflicts = 0;
  let writeTimeMs = 0;
  let copied = 0;
  let minSeqNo = Infinity;
  let maxSeqNo = -Infinity;
  let size = Math.min(input.pageSize, input.maxOps);
  const preference = await shardPreference(input.leader, "leader", input.leaderIndex, input.shard, input.leaderNode);
  let read = await readPage(input, preference, checkpoint, size);
  let page = read.hits;
  for (;;) {
    const full = page.length === size;
    const nextSize = Math.min(input.pageSize, input.maxOps - copied - page.length);
    // The next page is read from the leader while this one is written to the follower. Only the
    // checkpoint decides what counts as done, and it moves after the write.
    // A write that fails ends the cycle: the read ahead is aborted with it, not left running.
    const ahead = new AbortController();
    const signal = cancellationSignal();
    const next = full && nextSize > 0
      ? readPage(input, preference, page[page.length - 1]!._seq_no, nextSize, signal ? AbortSignal.any([signal, ahead.signal]) : ahead.signal)
      : undefined;
    next?.catch(() => undefined);
    if (page.length > 0) {
      const started = Date.now();
      const result = await writeBatch(input, page).catch((err: unknown) => {
        ahead.abort();
        throw err;
      });
      writeTimeMs += Date.now() - started;
      largeBuffers.give(read.bytes);
      opsWritten += result.written;
      conflicts += result.conflicts;
      minSeqNo = Math.min(minSeqNo, result.minSeqNo);
      maxSeqNo = Math.max(maxSeqNo, result.maxSeqNo);
      copied += page.length;
      checkpoint = page[page.length - 1]!._seq_no;
    }
    if (!full) {
      // Range exhausted: every live document at or below target has been copied.
      checkpoint = input.target;
      break;
    }
    if (!next) break;
    read = await next;
    page = read.hits;
    size = nextSize;
  }
  const followerSeqNos = opsWritten > 0 ? { from: minSeqNo, to: maxSeqNo } : undefined;
  return { checkpoint, followerSeqNos, opsWritten, conflicts, writeTimeMs };
}
