// The one settings registry: every tunable with its default, bounds and unit. Defaults follow the
// plugin's `plugins.replication.*` settings where the plugin has one (reference §6).

type Unit = "count" | "ms" | "bytes";

export interface SettingSpec {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly unit: Unit;
  readonly doc: string;
  /** Read once when ferry starts: a change through the API takes effect at the next start. */
  readonly restart?: true;
}

export const SETTINGS = {
  "plugins.replication.follower.index.ops_batch_size": {
    default: 50_000, min: 16, max: Number.MAX_SAFE_INTEGER, unit: "count",
    doc: "Operations a shard copies per cycle before its checkpoint is persisted.",
  },
  "plugins.replication.follower.poll_interval": {
    default: 50, min: 1, max: 1_000, unit: "ms",
    doc: "Pause between two polls of a leader whose shards had nothing new.",
  },

  "ferry.leader.idle_poll_max": {
    default: 250, min: 1, max: 60_000, unit: "ms",
    doc: "Longest pause between two polls of a leader that started no copy or sweep (tasks still running do not count: one that " +
      "ends with more to do brings the next poll forward): the pause doubles from poll_interval with each such poll up to this, " +
      "and drops back at the first task started. " +
      "A write after a quiet spell reaches the follower up to this much later.",
  },

  "ferry.leader.refresh_wait": {
    default: 0, min: 0, max: 3_600_000, unit: "ms",
    doc: "The leader read mode: how long new leader operations wait to become searchable through the leader's own refreshes " +
      "(its index.refresh_interval) before ferry refreshes the leader index itself. 0, the low-lag mode: ferry refreshes at once, " +
      "at most twice a second per index. Above 0, the leader-refresh mode: ferry follows what the leader's refreshes made " +
      "searchable and refreshes only an index whose shards did not refresh for this long (a search-idle shard, " +
      "refresh_interval -1), so lag grows by one to two refresh intervals and the leader does less work. See docs/design.md.",
  },

  "plugins.replication.autofollow.fetch_poll_interval": {
    // The plugin's floor is 30 s because each poll is a persistent task on the cluster manager; ferry's
    // poll is one metadata read of the leader, and tests and benchmarks need a rule to act in seconds.
    default: 30_000, min: 100, max: 3_600_000, unit: "ms",
    doc: "How often each auto-follow rule lists the leader's indices.",
  },
  "plugins.replication.autofollow.retry_poll_interval": {
    // Plugin floor 1 min; lowered for the same reason as fetch_poll_interval.
    default: 3_600_000, min: 100, max: 14_400_000, unit: "ms",
    doc: "How often a rule's failed_indices is cleared, so that those indices are tried again.",
  },
  "plugins.replication.autofollow.concurrent_replication_jobs_trigger_size": {
    default: 3, min: 1, max: 100, unit: "count",
    doc: "Starts one auto-follow rule keeps bootstrapping at once.",
  },
  "plugins.replication.follower.bulk_batch_size": {
    default: 10, min: 1, max: 100, unit: "count",
    doc: "Indices a bulk task or a wildcard start works on at once.",
  },
  "ferry.follower.search_page_size": {
    // A search page cannot exceed index.max_result_window (10,000 by default).
    default: 2_000, min: 1, max: 10_000, unit: "count",
    doc: "Documents fetched from a leader shard per search request.",
  },
  "ferry.follower.bulk_max_bytes": {
    default: 8 * 1024 * 1024, min: 64 * 1024, max: 100 * 1024 * 1024, unit: "bytes",
    doc: "Largest `_bulk` body ferry sends to the follower; a page is split beyond it.",
  },
  "ferry.follower.delete_check_interval": {
    default: 1_000, min: 100, max: 3_600_000, unit: "ms",
    doc: "Least time between two delete sweeps of a caught-up shard (a sweep costs two counts when nothing was deleted).",
  },
  "ferry.follower.delete_max_delay": {
    default: 3_000, min: 100, max: 3_600_000, unit: "ms",
    doc: "Longest time an owed delete sweep waits behind follow cycles on a shard whose leader writes on every poll; a leader delete reaches the follower within about this plus two sweeps.",
  },
  "ferry.follower.missing_scan_size": {
    default: 500, min: 1, max: 10_000, unit: "count",
    doc: "Leader documents each sweep checks, by id, for presence on the follower, going on where the last sweep stopped (finds what counts cannot: one missing document beside one missed delete).",
  },
  "ferry.follower.delete_leaf_size": {
    // 2,048 rather than 256: a leader that deletes steadily spreads its deletes over a sweep's regions, and
    // each level of bisection costs a count on each side. Measured with npm run bench (2-node clusters, 10 %
    // deletes, 2,000 and 8,000 docs/s): 4-5 times fewer sweep requests, delete lag p99 at 8,000 docs/s 10.1-10.9 s
    // against 16.8-18.5 s, ferry's and the leader's CPU unchanged (docs/benchmarks.md).
    default: 2_048, min: 1, max: 10_000, unit: "count",
    doc: "Follower documents at which delete detection stops bisecting and compares ids.",
  },
  "ferry.follower.mirror_index_deletes": {
    // Keep by default: a disaster-recovery copy outlives the leader's retention unless asked otherwise,
    // and deleting data is the one step ferry cannot undo.
    default: 0, min: 0, max: 1, unit: "count",
    doc: "What becomes of the follower's copy of a data stream's backing index that the leader's lifecycle deleted " +
      "(its stream lives on, holds newer backing indices and no longer this one): 0 keeps the copy, 1 deletes it; " +
      "either way its replication ends. A plain index deleted on the leader, or a backing index whose stream is gone, " +
      "fails its replication and keeps the copy whatever this says: ferry cannot tell it from a leader cluster rebuilt empty. " +
      "See docs/data-streams.md.",
  },
  "ferry.follower.write_guard": {
    // Off by default: fidelity first. The proxy refusal and the repair of foreign writes from follower
    // sequence numbers guard a follower in both modes and cost no byte of _source.
    default: 0, min: 0, max: 1, unit: "count",
    doc: "1: also install a final ingest pipeline on following indices that fails writes not made by ferry. " +
      "Cost: ingest re-serialises every _source ferry writes, so the follower's bytes differ from the leader's " +
      "(keys in another order, whitespace dropped), and follower writes slow down. " +
      "0: the follower keeps the leader's _source bytes.",
  },
  "ferry.use_roles.strict": {
    // Off by default: the plugin's documentation passes `all_access` in every example, and a plugin
    // without the security plugin accepts and ignores the names.
    default: 0, min: 0, max: 1, unit: "count",
    doc: "1: refuse (400) a start or auto-follow rule whose use_roles names a role without a credential in cluster_roles, " +
      "and fail a stored replication whose role is no longer configured. " +
      "0: such a role runs with ferry's own credential for that cluster; _status?ferry_extras=true and the log (once per replication and rule) say so.",
  },
  "ferry.bootstrap.max_concurrent": {
    default: 4, min: 1, max: 100, unit: "count",
    doc: "Bootstraps (snapshot and restore of a whole index) running at once; more starts wait their turn in BOOTSTRAPPING.",
  },
  "ferry.bootstrap.max_bytes_per_sec": {
    // No cap by default, as the plugin's file-chunk copy has none: the repositories' own defaults (a
    // snapshot's 40 MB/s per node) made a bootstrap 6× slower than the plugin's. A busy leader is still
    // bounded by its snapshot thread pool, and an operator who must protect it sets a cap here.
    default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, unit: "bytes",
    doc: "Bytes per second per node a snapshot bootstrap may read from the leader into the repository and restore from it " +
      "(the repository's max_snapshot_bytes_per_sec and max_restore_bytes_per_sec on both clusters); 0: no cap. " +
      "Applies from the next bootstrap; a throttle given in FERRY_SNAPSHOT_REPOSITORY's settings wins. " +
      "The follower's indices.recovery.max_bytes_per_sec caps every restore as well (_status?ferry_extras=true says when).",
  },
  "ferry.bootstrap.search_copy": {
    default: 0, min: 0, max: 1, unit: "count",
    doc: "1: bootstrap every new follower by copying the leader's documents (core/bootstrap/search-bootstrap.ts). " +
      "0: only where no snapshot can serve (another engine, an older follower, no repository configured); " +
      "elsewhere a snapshot is restored.",
  },
  "ferry.lease.duration": {
    default: 30_000, min: 1_000, max: 600_000, unit: "ms",
    doc: "How long a follower index's lease (core/lease/follower-lease.ts) lasts without renewal, renewed every third of it on its own timer. Clock margin a sixth of it (core/lease/lease-decision.ts): the holder stops writing that long before expiry, another ferry takes over that long after.",
  },
  "ferry.promote.timeout": {
    default: 120_000, min: 1_000, max: 3_600_000, unit: "ms",
    doc: "Longest a planned promote waits for the follower to drain once the leader is write-blocked; then it gives up and undoes the block.",
  },
  "ferry.promote.leader_timeout": {
    default: 5_000, min: 100, max: 600_000, unit: "ms",
    doc: "How long a promote waits for the leader to answer before it promotes unplanned; an unplanned promote answers within about this time.",
  },
  "ferry.pool.max_threads": {
    // piscina sizes its pool once.
    default: 2, min: 1, max: 64, unit: "count", restart: true,
    doc: "Worker threads running shard cycles.",
  },
  "ferry.memory.heap_growing_percent": {
    // V8 lets a heap grow to up to 4× what survived its last full collection on a machine with GBs of
    // memory. ferry keeps little (31 MB at 1,000 followed indices) and discards much (each poll's answers,
    // each status), so the garbage between two collections was most of its RSS: 285 MB at 1,000 indices.
    default: 30, min: 0, max: 300, unit: "count", restart: true,
    doc: "Percent by which ferry's JavaScript heaps (main and worker threads) may grow past what survived the last full " +
      "garbage collection before the next one (V8's --heap-growing-percent); 0: V8's own choice (up to 300).",
  },
  "ferry.retry.initial_backoff": {
    default: 250, min: 1, max: 60_000, unit: "ms",
    doc: "First wait after a recoverable error; doubles up to the maximum, with jitter.",
  },
  "ferry.retry.max_backoff": {
    default: 10_000, min: 1, max: 600_000, unit: "ms",
    doc: "Longest wait between two retries of a recoverable error.",
  },
  "ferry.http.request_timeout": {
    // Part of every cluster connection, which is built at start.
    default: 60_000, min: 1_000, max: 600_000, unit: "ms", restart: true,
    doc: "Timeout of one request to a cluster.",
  },
  "ferry.metrics.max_shard_series": {
    default: 1_000, min: 0, max: 1_000_000, unit: "count",
    doc: "GET /metrics shows per-shard lag gauges only while ferry follows at most this many shards in all (per-index lag gauges always): bounds the series at many indices.",
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
export type Settings = Record<SettingName, number>;

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTINGS, name);
}

const TIME_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A value for `name`, checked against its bounds: an integer, or for millisecond settings also a time
 * value as OpenSearch writes them (`30s`, `500ms`), since the plugin's users set them that way.
 * Throws an Error whose message says what is allowed.
 */
export function settingValue(name: SettingName, value: unknown): number {
  const spec: SettingSpec = SETTINGS[name];
  let parsed = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  const time = typeof value === "string" && spec.unit === "ms" ? /^(\d+)(ms|s|m|h)$/.exec(value) : null;
  if (time) parsed = Number(time[1]) * TIME_UNITS_MS[time[2]!]!;
  if (typeof parsed !== "number" || !Number.isInteger(parsed) || parsed < spec.min || parsed > spec.max) {
    throw new Error(`setting [${name}] must be an integer in [${spec.min}, ${spec.max}] (${spec.unit}${spec.unit === "ms" ? ", or a time value such as 30s" : ""}), got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** Defaults overridden by `overrides`, each checked against its bounds. */
export function resolveSettings(overrides: Record<string, unknown> = {}): Settings {
  const resolved = {} as Settings;
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, SettingSpec][]) {
    resolved[name] = spec.default;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!isSettingName(name)) throw new Error(`unknown setting [${name}]`);
    resolved[name] = settingValue(name, value);
  }
  return resolved;
}
