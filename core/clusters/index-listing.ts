// Which indices a cluster has, read from cluster-state metadata trimmed to the few fields needed, so that
// one request answers for any number of indices.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
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

/** The open indices that any of `terms` (names or wildcards) matches on the cluster, hidden ones included:
 * which of them an expression selects is core/autofollow/open-indices.ts's business. */
export async function openIndicesMatching(conn: ClusterConnection, side: string, terms: string[]): Promise<ListedIndex[]> {
  const listed = new Map<string, ListedIndex>();
  for (const list of indexListChunks(terms)) {
    const state = await call<TrimmedMetadata>(conn, side, {
      method: "GET",
      path: `/_cluster/state/metadata/${list}`,
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
  return [...listed.values()];
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

/** Those of `names` that an index or a data stream has on the cluster (an alias does not count). */
export async function indexOrStreamNames(conn: ClusterConnection, side: string, names: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  const wanted = new Set(names);
  for (const chunk of indexListChunks(names)) {
    const answer = await call<{ indices?: Array<{ name?: string }>; data_streams?: Array<{ name?: string }> }>(conn, side, {
      method: "GET", path: `/_resolve/index/${chunk}`, querystring: { expand_wildcards: "all" }, ignore: [404],
    });
    for (const entry of [...(answer?.indices ?? []), ...(answer?.data_streams ?? [])]) {
      if (entry.name && wanted.has(entry.name)) taken.add(entry.name);
    }
  }
  return taken;
}
