// Index metadata read from cluster state: works for closed indices too, and tells an alias from an index.
import type { ClusterConnection } from "./connection.ts";
import { callOptional } from "./client.ts";

export interface IndexMetadata {
  name: string;
  uuid: string;
  open: boolean;
  numberOfShards: number;
  /** The routing hash space; documents land on the same shard only where it is equal. */
  routingNumShards: number;
  /** Flat `index.*` settings. */
  settings: Record<string, string>;
  mappings: Record<string, any>;
  aliases: Record<string, any>;
  mappingVersion: number;
  settingsVersion: number;
  aliasesVersion: number;
}

/** Undefined when no index of that exact name exists (an alias of that name does not count). */
export async function indexMetadata(conn: ClusterConnection, side: string, index: string): Promise<IndexMetadata | undefined> {
  const state = await callOptional(conn, side, {
    method: "GET",
    path: `/_cluster/state/metadata/${encodeURIComponent(index)}`,
    querystring: { flat_settings: true, expand_wildcards: "open,closed,hidden", ignore_unavailable: true },
  });
  const meta = state?.metadata?.indices?.[index];
  if (!meta) return undefined;
  const settings = meta.settings as Record<string, string>;
  const mappings = (meta.mappings?._doc ?? meta.mappings ?? {}) as Record<string, any>;
  return {
    name: index,
    uuid: settings["index.uuid"] ?? "",
    open: meta.state === "open",
    numberOfShards: Number(settings["index.number_of_shards"]),
    routingNumShards: Number(meta.routing_num_shards ?? settings["index.number_of_shards"]),
    settings,
    mappings,
    aliases: meta.aliases ?? {},
    mappingVersion: Number(meta.mapping_version ?? 0),
    settingsVersion: Number(meta.settings_version ?? 0),
    aliasesVersion: Number(meta.aliases_version ?? 0),
  };
}
