// The follower-side `_bulk` body: every write is versioned with the leader's `_seq_no`
// (`external_gte`), so replays and out-of-order retries can never make a document older.

export interface LeaderHit {
  _id: string;
  _seq_no: number;
  _routing?: string;
  _source: unknown;
}

export function versionedIndexLines(followerIndex: string, hit: LeaderHit): string {
  const action = {
    index: {
      _index: followerIndex,
      _id: hit._id,
      version: hit._seq_no,
      version_type: "external_gte",
      ...(hit._routing !== undefined ? { routing: hit._routing } : {}),
    },
  };
  return `${JSON.stringify(action)}\n${JSON.stringify(hit._source)}\n`;
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
