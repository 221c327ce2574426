// Which indices a cluster has, read from cluster-state metadata trimmed to the few fields needed, so that
// one request answers for any number of indices.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { parseIndexExpression, selectIndices, type IndexExpression } from "../index-patterns.ts";

export interface ListedIndex {
  name: string;
  hidden: boolean;
  /** Epoch ms. */
  creationDate: number;
}

interface TrimmedMetadata {
  metadata?: { indices?: Record<string, { state?: string; settings?: { index?: { hidden?: string; creation_date?: string } } }> };
}

// Many names in one path make a long URL; OpenSearch's default limit is 4 KB for the request line.
const NAMES_PER_REQUEST = 100;

function metadataPath(terms: string[]): string {
  return `/_cluster/state/metadata/${terms.map(encodeURIComponent).join(",")}`;
}

/** The open indices `expression` selects on the cluster (hidden and dot indices only when named). */
export async function listOpenIndices(conn: ClusterConnection, side: string, expression: IndexExpression | string): Promise<ListedIndex[]> {
  const expr = typeof expression === "string" ? parseIndexExpression(expression) : expression;
  if (expr.includes.length === 0) return [];
  // Only the include terms go to the cluster: exclusions and the hidden/dot rules are applied here, the
  // same way for every caller.
  const state = await call<TrimmedMetadata>(conn, side, {
    method: "GET",
    path: metadataPath(expr.includes),
    querystring: {
      expand_wildcards: "open,closed,hidden",
      ignore_unavailable: true,
      filter_path: "metadata.indices.*.state,metadata.indices.*.settings.index.hidden,metadata.indices.*.settings.index.creation_date",
    },
  });
  const listed: ListedIndex[] = [];
  for (const [name, meta] of Object.entries(state?.metadata?.indices ?? {})) {
    if (meta.state !== "open") continue;
    listed.push({ name, hidden: meta.settings?.index?.hidden === "true", creationDate: Number(meta.settings?.index?.creation_date ?? 0) });
  }
  return selectIndices(expr, listed);
}

/** Those of `names` that exist on the cluster as indices, open or closed. */
export async function existingIndices(conn: ClusterConnection, side: string, names: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < names.length; i += NAMES_PER_REQUEST) {
    const chunk = names.slice(i, i + NAMES_PER_REQUEST);
    const state = await call<TrimmedMetadata>(conn, side, {
      method: "GET",
      path: metadataPath(chunk),
      querystring: { expand_wildcards: "open,closed,hidden", ignore_unavailable: true, filter_path: "metadata.indices.*.state" },
    });
    for (const name of Object.keys(state?.metadata?.indices ?? {})) if (chunk.includes(name)) found.add(name);
  }
  return found;
}
