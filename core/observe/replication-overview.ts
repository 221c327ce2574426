// One page of the dashboard's replication list: the followers whose names contain a filter, in natural
// name order, each with its status, lag, bootstrap progress and the errors being retried. Only the page's
// rows cost more than a row of SQLite, so a page answers as fast at 1,000 replications as at 10.
import { forEachLimited } from "../clusters/concurrency-limit.ts";
import { compareIndexNames } from "../autofollow/index-patterns.ts";
import { lagOperations } from "./lag-history.ts";
import type { ReplicationApi } from "../replication/replications.ts";
import { pluginStatus, type PluginStatus, type ReplicationState } from "../state-machine.ts";
import type { Store } from "../store/db.ts";
import { listReplications, listShards } from "../store/replications.ts";

export interface OverviewQuery {
  /** Case-insensitive part of the follower or leader index name. */
  filter: string;
  /** 1-based. */
  page: number;
  size: number;
}

export interface ReplicationSummary {
  follower_index: string;
  leader_alias: string;
  leader_index: string;
  status: PluginStatus;
  reason: string | null;
  /** Operations behind; null while the stored figures say nothing current (not syncing). */
  lag_operations: number | null;
  /** While bootstrapping: the step, and the restore's progress once the follower reports one. */
  bootstrap?: { step: "snapshot" | "restore"; progress?: Record<string, number> };
  /** Recoverable errors being retried now, as `ferry_retrying` in `_status`. */
  retrying: Array<{ shard: number; retries: number; last_error: string }>;
}

export interface OverviewPage {
  total: number;
  page: number;
  size: number;
  /** Every replication ferry has, by status, whatever the filter. */
  counts: Record<PluginStatus, number>;
  replications: ReplicationSummary[];
}

/** Bootstrap progress asks the follower; a page asks for at most this many at once. */
const PROGRESS_CONCURRENCY = 4;

export async function replicationPage(deps: { db: Store; replications: ReplicationApi }, query: OverviewQuery): Promise<OverviewPage> {
  const rows = listReplications(deps.db);
  const counts: Record<PluginStatus, number> = { BOOTSTRAPPING: 0, SYNCING: 0, PAUSED: 0, FAILED: 0 };
  for (const row of rows) counts[pluginStatus(row.state as ReplicationState)]++;
  const needle = query.filter.toLowerCase();
  const matching = rows
    .filter((r) => !needle || r.followerIndex.toLowerCase().includes(needle) || r.leaderIndex.toLowerCase().includes(needle))
    .sort((a, b) => compareIndexNames(a.followerIndex, b.followerIndex));
  const pageRows = matching.slice((query.page - 1) * query.size, query.page * query.size);

  const summaries = pageRows.map((row): ReplicationSummary => {
    const shards = listShards(deps.db, row.followerIndex);
    const state = row.state as ReplicationState;
    return {
      follower_index: row.followerIndex,
      leader_alias: row.leaderAlias,
      leader_index: row.leaderIndex,
      status: pluginStatus(state),
      reason: row.reason,
      lag_operations: state === "SYNCING" && shards.length ? lagOperations(shards) : null,
      ...(state === "BOOTSTRAPPING" ? { bootstrap: { step: row.bootstrap?.restoreStarted ? "restore" as const : "snapshot" as const } } : {}),
      retrying: shards.filter((s) => s.lastError).map((s) => ({ shard: s.shard, retries: s.retries, last_error: s.lastError! })),
    };
  });
  await forEachLimited(summaries.filter((s) => s.bootstrap?.step === "restore"), PROGRESS_CONCURRENCY, async (summary) => {
    // `_status` reads the restore's progress from the follower's recovery API.
    const status = await deps.replications.status(summary.follower_index, false).catch(() => undefined);
    const progress = status?.bootstrap_details as Record<string, number> | undefined;
    if (progress) summary.bootstrap = { step: "restore", progress };
  });
  return { total: matching.length, page: query.page, size: query.size, counts, replications: summaries };
}
