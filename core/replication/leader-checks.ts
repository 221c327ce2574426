// What a start checks on the leader before anything is recorded: the index exists and is open, and ferry
// can copy it faithfully (soft deletes, a whole `_source`, internal versions).
import type { components } from "../../openapi/ferry.gen.ts";
import { call } from "../clusters/client.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { indexMetadata, type IndexMetadata } from "../clusters/index-metadata.ts";
import { requestErrors } from "../errors.ts";

type StartRequest = components["schemas"]["StartRequest"];

/** The leader index as a start may replicate it, or the plugin's refusal (reference §4.1). */
export async function validateLeader(leader: ClusterConnection, request: StartRequest): Promise<IndexMetadata> {
  const meta = await indexMetadata(leader, "leader", request.leader_index);
  if (!meta) throw requestErrors.indexNotFound(`${request.leader_alias}:${request.leader_index}`);
  if (!meta.open) throw requestErrors.illegalArgument(`Cannot replicate the closed index [${request.leader_alias}:${request.leader_index}]; open it first`);
  if (meta.settings["index.soft_deletes.enabled"] === "false") {
    throw requestErrors.illegalArgument("Cannot Replicate an index where the setting index.soft_deletes.enabled is disabled");
  }
  const source = meta.mappings._source as { enabled?: boolean; includes?: string[]; excludes?: string[] } | undefined;
  if (source?.enabled === false) {
    throw requestErrors.illegalArgument(
      `Cannot replicate [${request.leader_index}]: its _source is disabled, and ferry copies documents from _source. Enable _source on the leader index (it needs a reindex) to replicate it`);
  }
  if (source?.includes?.length || source?.excludes?.length) {
    throw requestErrors.illegalArgument(
      `Cannot replicate [${request.leader_index}]: its _source keeps only part of each document (includes ${JSON.stringify(source.includes ?? [])}, excludes ${JSON.stringify(source.excludes ?? [])}); those fields would be lost on the follower`);
  }
  await refuseExternalVersions(leader, request.leader_index);
  return meta;
}

/** Restored documents keep their versions; versions above `_seq_no` + 1 mean external versioning,
 * which would make the follower refuse later updates (opensearch-internals §5). Checked on a sample. */
async function refuseExternalVersions(leader: ClusterConnection, leaderIndex: string): Promise<void> {
  const sample = await call(leader, "leader", {
    method: "POST", path: `/${encodeURIComponent(leaderIndex)}/_search`,
    querystring: { filter_path: "hits.hits._version,hits.hits._seq_no,hits.hits._id" },
    body: { size: 200, version: true, seq_no_primary_term: true, _source: false, query: { match_all: {} } },
  });
  const external = ((sample?.hits?.hits ?? []) as Array<{ _id: string; _version: number; _seq_no: number }>)
    .find((h) => h._version > h._seq_no + 1);
  if (external) {
    throw requestErrors.illegalArgument(
      `Cannot replicate [${leaderIndex}]: it is written with external versions (document [${external._id}] has _version ${external._version} above its _seq_no ${external._seq_no}); ferry's versioned writes need internal versioning`);
  }
}
