// Which indices a cluster has, read from cluster-state metadata trimmed to the few fields needed, so that
// one request answers for any number of indices.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { parseIndexExpression, selectIndices, type IndexExpression } from "../index-patterns.ts";
import { indexListChunks } from "./index-list.ts";

export interface ListedIndex {
  name: string;
  hidden: boolean;
  /** Epoch ms. */
  creationDate: number;
}

interface TrimmedMetadata {
  metadata?: { indices?: Record<string, { state?: string; settings?: { index?: { hidden?: string; creation_date?: string } } }> };
}


/** The open indices `expression` selects on the cluster (hidden and dot indices only when named). */
export async function listOpenIndices(conn: ClusterConnection, side: string, expression: IndexExpression | string): Promise<ListedIndex[]> {
  const expr = typeof expression === "string" ? parseIndexExpression(expression) : expression;
  if (expr.includes.length === 0) return [];
  // Only the include terms go to the cluster: exclusions and the hidden/dot rules are applied here, the
  // same way for every caller.
  const listed = new Map<string, ListedIndex>();
  for (const terms of indexListChunks(expr.includes)) {
    const state = await call<TrimmedMetadata>(conn, side, {
      method: "GET",
      path: `/_cluster/state/metadata/${terms}`,
      querystring: {
        expand_wildcards: "open,closed,hidden",
        ignore_unavailable: true,
        filter_path: "metadata.indices.*.state,metadata.indices.*.settings.index.hidden,metadata.indices.*.settings.index.creation_date",
      },
    });
    for (const [name, meta] of Object.entries(state?.metadata?.indices ?? {})) {
      if (meta.state !== "open") continue;
      listed.set(name, { name, hidden: meta.settings?.index?.hidden === "true", creationDate: Number(meta.settings?.index?.creation_date ?? 0) });
    }
  }
  return selectIndices(expr, [...listed.values()]);
}

/** Those of `names` that exist on the cluster as indices, open or closed. */
export async function existingIndices(conn: ClusterConnection, side: string, names: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const wanted = new Set(names);
  for (const chunk of indexListChunks(names)) {
    const state = await call<TrimmedMetadata>(conn, side, {
      method: "GET",
      path: `/_cluster/state/metadata/${chunk}`,
      querystring: { expand_wildcards: "open,closed,hidden", ignore_unavailable: true, filter_path: "metadata.indices.*.state" },
    });
    for (const name of Object.keys(state?.metadata?.indices ?? {})) if (wanted.has(name)) found.add(name);
  }
  return found;
}
