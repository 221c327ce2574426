// The open indices an index expression selects on a cluster, judged the same way for wildcard start, bulk
// routes and auto-follow rules: only the include terms go to the cluster, and the exclusions and the
// hidden/dot rules are applied here.
import type { ClusterConnection } from "../clusters/connection.ts";
import { openIndicesMatching, type ListedIndex } from "../clusters/index-listing.ts";
import { parseIndexExpression, selectIndices, type IndexExpression } from "./index-patterns.ts";

export async function listOpenIndices(conn: ClusterConnection, side: string, expression: IndexExpression | string): Promise<ListedIndex[]> {
  const expr = typeof expression === "string" ? parseIndexExpression(expression) : expression;
  if (expr.includes.length === 0) return [];
  return selectIndices(expr, await openIndicesMatching(conn, side, expr.includes));
}
