// The follower-side `_bulk` body. Every write carries version = leader `_seq_no` + 1 (`external_gte`), so
// replays and retries can never make a document older. A follower that was written before under other
// versions (the old leader after a fail-back, core/failover/promote.ts) gets an offset on top, above every version
// it may hold; the offset is 0 otherwise. The +1 matters: a restored document keeps the
// leader's internal `_version`, which can be `_seq_no` + 1 (a shard whose every operation touched that one
// document), and replaying it with version = `_seq_no` would then be refused as a conflict. The follower
// document's `_version` - 1 is therefore the leader `_seq_no` of its content; delete detection reads it.
import type { ClusterRequest } from "./client.ts";

export interface LeaderHit {
  _id: string;
  _seq_no: number;
  _routing?: string;
  /** `_source` exactly as the leader answered it (core/clusters/raw-source.ts), never re-serialised. */
  source: Buffer;
}

/** One operation of a `_bulk` body: its action as JSON text, and the source bytes of an index. */
export interface BulkLine {
  action: string;
  source?: Buffer;
}

/** The follower version that stands for leader sequence number `seqNo`. */
export function leaderVersion(seqNo: number, offset: number): number {
  return seqNo + 1 + offset;
}

/** The leader sequence number a follower version stands for (the inverse of `leaderVersion`). */
export function leaderSeqNoOf(version: number, offset: number): number {
  return version - 1 - offset;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * `_bulk` is one line per document, and a JSON text holds a line break only as whitespace between
 * tokens (pretty-printed). Such a source cannot travel in `_bulk` unchanged: `versionedIndexRequest`
 * writes it alone, or `bulkBodies` turns its line breaks into spaces.
 */
export function fitsBulkLine(source: Buffer): boolean {
  return !source.includes(NEWLINE);
}

/** What every index action into `followerIndex` begins with. */
function indexActionPrefix(followerIndex: string): string {
  return `{"index":{"_index":${JSON.stringify(followerIndex)},"_id":`;
}

function indexAction(prefix: string, id: string, routing: string | undefined, version: number): string {
  return `${prefix}${JSON.stringify(id)},"version":${version},"version_type":"external_gte"${routing !== undefined ? `,"routing":${JSON.stringify(routing)}` : ""}}}`;
}

/** A versioned index of `source`. */
export function indexLine(followerIndex: string, id: string, routing: string | undefined, version: number, source: Buffer): BulkLine {
  return { action: indexAction(indexActionPrefix(followerIndex), id, routing, version), source };
}

/** `indexLine` of every hit at its leader version, the action's constant part rendered once: this runs
 * for every document copied. */
export function versionedIndexLines(followerIndex: string, hits: LeaderHit[], offset: number): BulkLine[] {
  const prefix = indexActionPrefix(followerIndex);
  return hits.map((hit) => ({ action: indexAction(prefix, hit._id, hit._routing, leaderVersion(hit._seq_no, offset)), source: hit.source }));
}

/** The single-document form of `versionedIndexLines`, which keeps every byte of any source. */
export function versionedIndexRequest(followerIndex: string, hit: LeaderHit, offset: number): ClusterRequest {
  return {
    method: "PUT",
    path: `/${encodeURIComponent(followerIndex)}/_doc/${encodeURIComponent(hit._id)}`,
    querystring: {
      version: leaderVersion(hit._seq_no, offset), version_type: "external_gte", pipeline: "_none",
      ...(hit._routing !== undefined ? { routing: hit._routing } : {}),
    },
    body: hit.source,
  };
}

/**
 * `_bulk` bodies no larger than `maxBytes` (a single larger operation goes alone), each written once into
 * a buffer of its exact size: every length is measured once, and sources are copied, never decoded.
 * Line breaks in a source (between its tokens) become spaces.
 */
export function bulkBodies(lines: BulkLine[], maxBytes: number, alloc: (size: number) => Buffer = Buffer.allocUnsafe): Buffer[] {
  const actionBytes = lines.map((line) => Buffer.byteLength(line.action));
  const bodies: Buffer[] = [];
  let from = 0;
  while (from < lines.length) {
    let size = 0;
    let to = from;
    for (; to < lines.length; to++) {
      const bytes = actionBytes[to]! + 1 + (lines[to]!.source ? lines[to]!.source!.length + 1 : 0);
      if (to > from && size + bytes > maxBytes) break;
      size += bytes;
    }
    const body = alloc(size);
    let at = 0;
    for (let i = from; i < to; i++) {
      const { action, source } = lines[i]!;
      at += body.write(action, at);
      body[at++] = NEWLINE;
      if (!source) continue;
      source.copy(body, at);
      if (!fitsBulkLine(source)) {
        const copy = body.subarray(at, at + source.length);
        for (let nl = copy.indexOf(NEWLINE); nl >= 0; nl = copy.indexOf(NEWLINE, nl + 1)) copy[nl] = SPACE;
      }
      at += source.length;
      body[at++] = NEWLINE;
    }
    bodies.push(body);
    from = to;
  }
  return bodies;
}

/** Splits pre-rendered lines into bodies no larger than `maxBytes` (a single larger item goes alone). */
export function chunkBulk(lines: string[], maxBytes: number): string[] {
  const bodies: string[] = [];
  let current = "";
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) {
      bodies.push(current);
      current = "";
      size = 0;
    }
    current += line;
    size += bytes;
  }
  if (size > 0) bodies.push(current);
  return bodies;
}

/** A delete that wins over every follower copy written for leader operations up to `leaderSeqNo`, and
 * loses to a re-creation on the leader after it (which gets a higher sequence number). */
export function versionedDeleteLine(followerIndex: string, id: string, routing: string | undefined, leaderSeqNo: number, offset: number): BulkLine {
  const action = {
    delete: {
      _index: followerIndex, _id: id, version: leaderVersion(leaderSeqNo, offset), version_type: "external_gte",
      ...(routing !== undefined ? { routing } : {}),
    },
  };
  return { action: JSON.stringify(action) };
}
