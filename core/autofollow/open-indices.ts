// The open indices an index expression selects on a cluster, judged the same way for wildcard start, bulk
// routes and auto-follow rules: only the include terms go to the cluster, and the exclusions and the
// hidden/dot rules are applied here. A term that selects a data stream's name selects its backing indices
// (hidden, named with a dot), each tagged with the stream.
import type { ClusterConnection } from "../clusters/connection.ts";
import { dataStreamsMatching } from "../clusters/data-streams.ts";
import { openIndicesMatching, type ListedIndex } from "../clusters/index-listing.ts";
import { parseIndexExpression, selectIndices, selects, type IndexExpression } from "./index-patterns.ts";

export type ListedMember = ListedIndex & { dataStream?: string };

export async function listOpenIndices(conn: ClusterConnection, side: string, expression: IndexExpression | string): Promise<ListedMember[]> {
  const expr = typeof expression === "string" ? parseIndexExpression(expression) : expression;
  if (expr.includes.length === 0) return [];
  const members = new Map<string, string>();
  for (const stream of await dataStreamsMatching(conn, side, expr.includes)) {
    // A stream some term selects (its name standing in for an index name) brings all its backing indices.
    if (!selects(expr, { name: stream.name, hidden: false })) continue;
    for (const index of stream.indices) members.set(index, stream.name);
  }
  const listed = await openIndicesMatching(conn, side, [...expr.includes, ...members.keys()]);
  return selectIndices(expr, listed.map((index) => {
    const dataStream = members.get(index.name);
    return dataStream === undefined ? index : { ...index, dataStream };
  }));
}
