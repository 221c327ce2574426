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
  source: string;
}

/** The follower version that stands for leader sequence number `seqNo`. */
export function leaderVersion(seqNo: number, offset: number): number {
  return seqNo + 1 + offset;
}

/** The leader sequence number a follower version stands for (the inverse of `leaderVersion`). */
export function leaderSeqNoOf(version: number, offset: number): number {
  return version - 1 - offset;
}

/**
 * `_bulk` is one line per document, and a JSON text holds a line break only as whitespace between
 * tokens (pretty-printed). Such a source cannot travel in `_bulk` unchanged: `versionedIndexRequest`
 * writes it alone, or `indexLines` turns its line breaks into spaces.
 */
export function fitsBulkLine(source: string): boolean {
  return !source.includes("\n");
}

/** A versioned index of `source` as `_bulk` lines; line breaks between tokens become spaces. */
export function indexLines(followerIndex: string, id: string, routing: string | undefined, version: number, source: string): string {
  const action = {
    index: { _index: followerIndex, _id: id, version, version_type: "external_gte", ...(routing !== undefined ? { routing } : {}) },
  };
  return `${JSON.stringify(action)}\n${fitsBulkLine(source) ? source : source.replaceAll("\n", " ")}\n`;
}

export function versionedIndexLines(followerIndex: string, hit: LeaderHit, offset: number): string {
  return indexLines(followerIndex, hit._id, hit._routing, leaderVersion(hit._seq_no, offset), hit.source);
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
export function versionedDeleteLine(followerIndex: string, id: string, routing: string | undefined, leaderSeqNo: number, offset: number): string {
  const action = {
    delete: {
      _index: followerIndex, _id: id, version: leaderVersion(leaderSeqNo, offset), version_type: "external_gte",
      ...(routing !== undefined ? { routing } : {}),
    },
  };
  return `${JSON.stringify(action)}\n`;
}
