// What the poll needs to know about each followed index, for any number of indices in one small
// cluster-state request: does it exist (under the uuid ferry recorded), is it open, and which metadata
// versions does it have.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { indexListIfShort } from "./index-list.ts";

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
  if (names.length === 0) return result;
  const list = indexListIfShort(names);
  const state = await call<TrimmedState>(conn, side, {
    method: "GET",
    path: list === undefined ? "/_cluster/state/metadata" : `/_cluster/state/metadata/${list}`,
    querystring: {
      ignore_unavailable: true, expand_wildcards: "open,closed,hidden",
      filter_path: [
        "metadata.indices.*.state", "metadata.indices.*.settings.index.uuid",
        "metadata.indices.*.mapping_version", "metadata.indices.*.settings_version", "metadata.indices.*.aliases_version",
      ].join(","),
    },
  });
  const wanted = new Set(names);
  for (const [name, meta] of Object.entries(state?.metadata?.indices ?? {})) {
    if (!wanted.has(name)) continue;
    result.set(name, {
      uuid: meta.settings?.index?.uuid ?? "",
      open: meta.state === "open",
      versions: { mapping: Number(meta.mapping_version), settings: Number(meta.settings_version), aliases: Number(meta.aliases_version) },
    });
  }
  return result;
}
