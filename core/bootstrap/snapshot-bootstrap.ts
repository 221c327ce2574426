// Bootstrap of a follower index through a snapshot repository both clusters can read: record each leader
// shard's global checkpoint, snapshot the leader index, restore it under the follower's name, then follow
// from those checkpoints (operations above them may be in the snapshot too; versioned writes make their
// replay harmless).
import { call, callOptional } from "../clusters/client.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { shardCheckpoints } from "../clusters/shard-checkpoints.ts";
import { engineErrors, isFerryError } from "../errors.ts";
import { repositoryThrottles, staleThrottles } from "./bandwidth.ts";

export interface RepositoryDefinition {
  type: string;
  settings: Record<string, unknown>;
}

/** Leader settings never carried to a follower (the plugin drops the same ones, and the metadata sync
 * does not copy them either). Elasticsearch's lifecycle policy stays behind so that the follower's ILM,
 * if it has a policy of that name, never rolls over, shrinks or deletes a copy ferry still writes. */
const LEADER_ONLY_SETTINGS = [
  "index.plugins.replication.translog.retention_lease.pruning.enabled",
  "index.remote_store.enabled",
  "index.remote_store.segment.repository",
  "index.remote_store.translog.repository",
  "index.lifecycle.name",
  "index.lifecycle.rollover_alias",
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pause between two looks at a running restore. */
const RESTORE_CHECK_MS = 250;

function repositoryName(leaderAlias: string): string {
  return `ferry-${leaderAlias}`;
}

/**
 * Registers the repository on both clusters when absent (the follower's copy read-only), and brings the
 * throttles ferry owns (core/bootstrap/bandwidth.ts) in step with `maxBytesPerSec` where they differ.
 * A cluster may refuse that change while a snapshot, restore or delete uses the repository (OpenSearch 2.x
 * refuses any change then; 3.x reloads throttles in place): the repository then keeps its throttles until a
 * later bootstrap, and `onKept` hears why.
 */
export async function ensureRepositories(
  leader: ClusterConnection, follower: ClusterConnection, leaderAlias: string, def: RepositoryDefinition,
  maxBytesPerSec: number, onKept: (cluster: "leader" | "follower", reason: string) => void,
): Promise<string> {
  const name = repositoryName(leaderAlias);
  // Each leader cluster gets its own folder: two clusters writing one fs repository would corrupt it.
  const settings = def.type === "fs" ? { ...def.settings, location: `${String(def.settings.location)}/${leaderAlias}` } : def.settings;
  const throttles = repositoryThrottles(def.settings, maxBytesPerSec);
  await ensureRepository(leader, "leader", name, def.type, settings, throttles, onKept);
  await ensureRepository(follower, "follower", name, def.type, { ...settings, readonly: true }, throttles, onKept);
  return name;
}

async function ensureRepository(
  conn: ClusterConnection, side: "leader" | "follower", name: string, type: string, settings: Record<string, unknown>,
  throttles: Record<string, string>, onKept: (cluster: "leader" | "follower", reason: string) => void,
): Promise<void> {
  const path = `/_snapshot/${name}`;
  const existing = (await callOptional(conn, side, { method: "GET", path }))?.[name] as { type: string; settings?: Record<string, unknown> } | undefined;
  // The leader verifies a new repository; the follower's read-only copy cannot write the verification file.
  if (!existing) {
    await call(conn, side, { method: "PUT", path, querystring: { verify: side === "leader" }, body: { type, settings: { ...settings, ...throttles } } });
    return;
  }
  const current = existing.settings ?? {};
  if (staleThrottles(current, throttles).length === 0) return;
  try {
    // Only the throttles change: whatever else the repository holds stays as it is.
    await call(conn, side, { method: "PUT", path, querystring: { verify: false }, body: { type: existing.type, settings: { ...current, ...throttles } } });
  } catch (err) {
    onKept(side, isFerryError(err) ? err.reason : String(err));
  }
}

/** Each leader shard's global checkpoint, and the history UUID it belongs to (null where not reported). */
export async function startCheckpoints(
  leader: ClusterConnection, leaderIndex: string, shardCount: number,
): Promise<{ checkpoints: number[]; histories: Array<string | null> }> {
  const stats = (await shardCheckpoints(leader, "leader", [leaderIndex])).get(leaderIndex);
  const shards = Array.from({ length: shardCount }, (_, i) => stats?.shards[i]);
  if (shards.some((s) => s === undefined)) {
    throw engineErrors.transient(`leader index [${leaderIndex}] has primaries that are not active yet`);
  }
  return { checkpoints: shards.map((s) => s!.globalCheckpoint), histories: shards.map((s) => s!.historyUuid ?? null) };
}

export async function createSnapshot(leader: ClusterConnection, repository: string, snapshot: string, leaderIndex: string): Promise<void> {
  const existing = await callOptional(leader, "leader", { method: "GET", path: `/_snapshot/${repository}/${snapshot}` });
  if (!existing) {
    await call(leader, "leader", {
      method: "PUT", path: `/_snapshot/${repository}/${snapshot}`,
      body: { indices: leaderIndex, include_global_state: false, ignore_unavailable: false },
    });
  }
  for (;;) {
    const res = await call(leader, "leader", { method: "GET", path: `/_snapshot/${repository}/${snapshot}` });
    const state = res?.snapshots?.[0]?.state as string | undefined;
    if (state === "SUCCESS") return;
    if (state === "FAILED" || state === "PARTIAL" || state === "INCOMPATIBLE") {
      throw engineErrors.transient(`snapshot ${snapshot} of [${leaderIndex}] ended ${state}: ${JSON.stringify(res.snapshots[0].failures ?? [])}`);
    }
    await sleep(250);
  }
}

/** True when the snapshot exists and completed. */
export async function snapshotComplete(leader: ClusterConnection, repository: string, snapshot: string): Promise<boolean> {
  const res = await callOptional(leader, "leader", { method: "GET", path: `/_snapshot/${repository}/${snapshot}` });
  return res?.snapshots?.[0]?.state === "SUCCESS";
}

export async function restoreSnapshot(
  follower: ClusterConnection, repository: string, snapshot: string, leaderIndex: string, followerIndex: string,
  leaderSettings: Record<string, string>, overrides: Record<string, unknown>,
): Promise<void> {
  const ignore = LEADER_ONLY_SETTINGS.filter((s) => s in leaderSettings);
  await call(follower, "follower", {
    method: "POST", path: `/_snapshot/${repository}/${snapshot}/_restore`,
    body: {
      indices: leaderIndex,
      // Java regex on the follower side: quote the name so dots and the like match literally.
      rename_pattern: `^\\Q${leaderIndex}\\E$`,
      rename_replacement: followerIndex,
      include_global_state: false,
      include_aliases: true,
      index_settings: overrides,
      ...(ignore.length ? { ignore_index_settings: ignore } : {}),
    },
  });
}

/** Resolves once every primary of the restored index is active; `onProgress` hears the restored bytes
 * between the checks. */
export async function waitForRestore(
  follower: ClusterConnection, followerIndex: string, cancelled: () => boolean,
  onProgress: (bytesRecovered: number, bytesTotal: number) => void = () => {},
): Promise<void> {
  while (!cancelled()) {
    const health = await callOptional(follower, "follower", {
      method: "GET", path: `/_cluster/health/${encodeURIComponent(followerIndex)}`,
      querystring: { wait_for_status: "yellow", timeout: "5s", level: "indices" },
    });
    const index = health?.indices?.[followerIndex];
    if (!health) throw engineErrors.fatal(`follower index [${followerIndex}] disappeared during restore`);
    if (index && index.active_primary_shards === index.number_of_shards && !health.timed_out) return;
    const restoreFailed = await restoreFailure(follower, followerIndex);
    if (restoreFailed) throw engineErrors.fatal(restoreFailed);
    const progress = await restoreProgress(follower, followerIndex);
    if (progress) onProgress(progress.bytes_recovered!, progress.bytes_total!);
    // A primary being restored already counts as yellow, so the health call above answers at once:
    // without a pause this loop sent the follower 17,000-26,000 requests per 1M-document restore.
    await sleep(RESTORE_CHECK_MS);
  }
}

/**
 * True when every primary of the follower index has finished recovering from the snapshot. Recovery
 * stages are read rather than active primaries: a recovered primary answers searches a moment before the
 * cluster state lists it as started, and a user may already have read from it.
 */
export async function restoreComplete(follower: ClusterConnection, followerIndex: string, shardCount: number): Promise<boolean> {
  const res = await callOptional(follower, "follower", { method: "GET", path: `/${encodeURIComponent(followerIndex)}/_recovery` });
  const primaries = ((res?.[followerIndex]?.shards ?? []) as Array<{ id: number; primary: boolean; stage: string }>).filter((s) => s.primary);
  const done = new Set(primaries.filter((s) => s.stage === "DONE").map((s) => s.id));
  return shardCount > 0 && done.size === shardCount;
}

/** The reason a restored primary could not be allocated, if that is why the restore is not done. */
async function restoreFailure(follower: ClusterConnection, followerIndex: string): Promise<string | undefined> {
  const explain = await callOptional(follower, "follower", {
    method: "GET", path: "/_cluster/allocation/explain",
    body: { index: followerIndex, shard: 0, primary: true },
  });
  const info = explain?.unassigned_info;
  if (info?.reason !== "ALLOCATION_FAILED") return undefined;
  return `restore of [${followerIndex}] failed: ${info.details ?? info.last_allocation_status}`;
}

export async function deleteSnapshot(leader: ClusterConnection, repository: string, snapshot: string): Promise<void> {
  await callOptional(leader, "leader", { method: "DELETE", path: `/_snapshot/${repository}/${snapshot}` });
}

/** The plugin's `bootstrap_details`, summed over the follower's primaries (reference §4.5). */
export async function restoreProgress(follower: ClusterConnection, followerIndex: string): Promise<Record<string, number> | undefined> {
  const res = await callOptional(follower, "follower", { method: "GET", path: `/${encodeURIComponent(followerIndex)}/_recovery` });
  const primaries = ((res?.[followerIndex]?.shards ?? []) as any[]).filter((s) => s.primary && s.type === "SNAPSHOT");
  if (primaries.length === 0) return undefined;
  const sum = (f: (s: any) => number) => primaries.reduce((acc, s) => acc + (f(s) ?? 0), 0);
  const avgPercent = (f: (s: any) => string) => primaries.reduce((acc, s) => acc + parseFloat(f(s) ?? "0"), 0) / primaries.length;
  return {
    bytes_total: sum((s) => s.index.size.total_in_bytes),
    bytes_recovered: sum((s) => s.index.size.recovered_in_bytes),
    bytes_percent: avgPercent((s) => s.index.size.percent),
    files_total: sum((s) => s.index.files.total),
    files_recovered: sum((s) => s.index.files.recovered),
    files_percent: avgPercent((s) => s.index.files.percent),
    start_time: Math.min(...primaries.map((s) => s.start_time_in_millis)),
    running_time: Math.max(...primaries.map((s) => s.total_time_in_millis)),
  };
}
