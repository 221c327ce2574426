// What the poll needs to know about each followed index, for any number of indices in small cluster-state
// requests (one per list of names that fits a request path): does it exist (under the uuid ferry
// recorded), is it open, and which metadata versions does it have.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { indexListChunks } from "./index-list.ts";

export interface MetadataVersions {
  mapping: number;
  settings: number;
  aliases: number;
}

export interface IndexState {
  uuid: string;
  open: boolean;
  versions: MetadataVersions;
}

interface TrimmedState {
  metadata?: {
    indices?: Record<string, {
      state?: string; mapping_version?: string; settings_version?: string; aliases_version?: string;
      settings?: { index?: { uuid?: string } };
    }>;
  };
}

/** Indices that do not exist are absent from the result; closed ones are present with `open: false`. */
export async function indexStates(conn: ClusterConnection, side: string, names: string[]): Promise<Map<string, IndexState>> {
  const result = new Map<string, IndexState>();
  // Never the metadata of every index: a user allowed only the followed indices may not read those.
  const states = await Promise.all(indexListChunks(names).map((list) => call<TrimmedState>(conn, side, {
    method: "GET",
    path: `/_cluster/state/metadata/${list}`,
    querystring: {
      ignore_unavailable: true, expand_wildcards: "open,closed,hidden",
      filter_path: [
        "metadata.indices.*.state", "metadata.indices.*.settings.index.uuid",
        "metadata.indices.*.mapping_version", "metadata.indices.*.settings_version", "metadata.indices.*.aliases_version",
      ].join(","),
    },
  })));
  const wanted = new Set(names);
  for (const [name, meta] of states.flatMap((state) => Object.entries(state?.metadata?.indices ?? {}))) {
    if (!wanted.has(name)) continue;
    result.set(name, {
      uuid: meta.settings?.index?.uuid ?? "",
      open: meta.state === "open",
      versions: { mapping: Number(meta.mapping_version), settings: Number(meta.settings_version), aliases: Number(meta.aliases_version) },
    });
  }
  return result;
}
