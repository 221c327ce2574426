// The cluster-side write guard of a following index, installed only when `ferry.follower.write_guard` is 1:
// a final ingest pipeline that fails every document not written with ferry's `external_gte` versions. It
// catches index, create, upserts, `_update_by_query` and `_reindex` into the index; deletes skip pipelines
// (opensearch-internals §7), so those are found afterwards from the follower's sequence numbers. Its
// price is fidelity: a final pipeline runs on ferry's own writes too, and ingest re-serialises every
// `_source` it sees (keys reordered, whitespace dropped), so it is opt-in.
import { call, callOptional } from "../clusters/client.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { isFerryError } from "../errors.ts";

const GUARD_PIPELINE = "ferry-follower-guard";

const PIPELINE = {
  description: "ferry: a following index is read-only until its replication is stopped",
  processors: [{
    fail: {
      if: "ctx._version_type != 'external_gte'",
      message: "this index follows a leader through ferry and is read-only; stop the replication to write to it",
    },
  }],
};

const settingsPath = (index: string) => `/${encodeURIComponent(index)}/_settings`;

/** Installs the guard; false when the cluster cannot run it (no ingest-common or painless module). */
export async function installGuard(follower: ClusterConnection, followerIndex: string): Promise<boolean> {
  try {
    await call(follower, "follower", { method: "PUT", path: `/_ingest/pipeline/${GUARD_PIPELINE}`, body: PIPELINE });
  } catch (err) {
    if (isFerryError(err) && !err.retryable) return false;
    throw err;
  }
  await call(follower, "follower", { method: "PUT", path: settingsPath(followerIndex), body: { "index.final_pipeline": GUARD_PIPELINE } });
  return true;
}

export async function removeGuard(follower: ClusterConnection, followerIndex: string): Promise<void> {
  const settings = await callOptional(follower, "follower", {
    method: "GET", path: `${settingsPath(followerIndex)}/index.final_pipeline`, querystring: { flat_settings: true },
  });
  if (settings?.[followerIndex]?.settings?.["index.final_pipeline"] !== GUARD_PIPELINE) return;
  await call(follower, "follower", { method: "PUT", path: settingsPath(followerIndex), body: { "index.final_pipeline": null } });
}

export async function guardActive(follower: ClusterConnection, followerIndex: string): Promise<boolean> {
  const settings = await callOptional(follower, "follower", {
    method: "GET", path: `${settingsPath(followerIndex)}/index.final_pipeline`, querystring: { flat_settings: true },
  });
  return settings?.[followerIndex]?.settings?.["index.final_pipeline"] === GUARD_PIPELINE;
}
