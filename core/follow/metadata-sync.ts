// Keeps a follower index's mapping, settings and aliases equal to its leader's. The leader's metadata
// versions are read on every poll (core/clusters/index-states.ts); a changed version triggers a sync before
// any further document of that index is written, so new fields arrive before the documents that use them
// (never inferred by dynamic mapping). The scheduler runs a sync only while no task of the index runs, so
// the close/open of a static-setting change never meets a cycle or a sweep.
import { call } from "../clusters/client.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { streamOfBackingName } from "../clusters/data-streams.ts";
import type { MetadataVersions } from "../clusters/index-states.ts";
import { withoutUnknownSettings } from "../clusters/unknown-settings.ts";
import { engineErrors, isFerryError } from "../errors.ts";

/**
 * Settings that are never copied from the leader: identity and creation facts, shard layout, blocks and
 * allocation controls (the plugin's list), leader-side replication settings, and what ferry itself owns
 * on the follower (its write guard).
 */
const NOT_COPIED = [
  /^index\.(uuid|creation_date|provided_name|number_of_shards|number_of_routing_shards|routing_partition_size)$/,
  /^index\.(version|history|resize|blocks|remote_store|plugins\.replication)\./,
  /^index\.soft_deletes\./,
  /^index\.routing\.(rebalance|allocation)\.enable$/,
  /^index\.write\.wait_for_active_shards$/,
  /^index\.(final_pipeline|replication\.type)$/,
  // Private, managed by OpenSearch: set on the leader while it closes, refused on any PUT.
  /^index\.verified_before_close$/,
  // Elasticsearch's data tiers and lifecycle policies name the leader's nodes and policies; on another
  // cluster (OpenSearch reads `_tier_preference` as a node attribute no node has) they strand the shards.
  /^index\.routing\.allocation\.(include|exclude|require)\._tier/,
  /^index\.lifecycle\./,
];

export function copiedSettings(leaderSettings: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const desired: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(leaderSettings)) if (!NOT_COPIED.some((re) => re.test(key))) desired[key] = value;
  return { ...desired, ...overrides };
}

export interface SyncTarget {
  leader: ClusterConnection;
  follower: ClusterConnection;
  leaderIndex: string;
  followerIndex: string;
  /** Settings given at start or by `_update`: they win over the leader's. */
  overrides: Record<string, unknown>;
  /** ferry closed the follower for a static setting: it owes the open until a sync or `openFollower`
   * succeeds, whatever fails in between. */
  onFollowerClosed(): void;
}

const path = (index: string, suffix: string) => `/${encodeURIComponent(index)}/${suffix}`;

async function syncMapping(t: SyncTarget): Promise<void> {
  const res = await call(t.leader, "leader", { method: "GET", path: path(t.leaderIndex, "_mapping") });
  const mapping = { ...(res[t.leaderIndex]?.mappings ?? {}) } as Record<string, unknown>;
  // Meta-field settings are fixed at creation and came with the restore.
  delete mapping._source;
  delete mapping._routing;
  try {
    await call(t.follower, "follower", { method: "PUT", path: path(t.followerIndex, "_mapping"), body: mapping });
  } catch (err) {
    if (isFerryError(err) && !err.retryable && err.type !== "index_not_found_exception") {
      throw engineErrors.fatal(`the follower cannot take the leader's mapping of [${t.leaderIndex}]: ${err.reason}`);
    }
    throw err;
  }
}

async function syncSettings(t: SyncTarget): Promise<void> {
  const [leaderRes, followerRes] = await Promise.all([
    call(t.leader, "leader", { method: "GET", path: path(t.leaderIndex, "_settings"), querystring: { flat_settings: true } }),
    call(t.follower, "follower", { method: "GET", path: path(t.followerIndex, "_settings"), querystring: { flat_settings: true } }),
  ]);
  const desired = copiedSettings(leaderRes[t.leaderIndex]?.settings ?? {}, t.overrides);
  const current = (followerRes[t.followerIndex]?.settings ?? {}) as Record<string, unknown>;
  const changes = Object.fromEntries(Object.entries(desired).filter(([k, v]) => String(current[k]) !== String(v)));
  if (Object.keys(changes).length === 0) return;
  // A follower of another engine or version may not know some of the leader's settings: those stay behind.
  const put = (body: Record<string, unknown>) => call(t.follower, "follower", { method: "PUT", path: path(t.followerIndex, "_settings"), body });
  try {
    await withoutUnknownSettings(changes, put);
  } catch (err) {
    if (!isFerryError(err) || !/non dynamic settings/.test(err.reason)) throw err;
    // Static settings change on a closed index only, as the plugin does it: close, update, open.
    await call(t.follower, "follower", { method: "POST", path: path(t.followerIndex, "_close") });
    t.onFollowerClosed();
    try {
      await withoutUnknownSettings(changes, put);
    } finally {
      await openFollower(t.follower, t.followerIndex);
    }
  }
}

/** Opens the follower index ferry closed for a static setting. */
export async function openFollower(follower: ClusterConnection, followerIndex: string): Promise<void> {
  await call(follower, "follower", { method: "POST", path: path(followerIndex, "_open"), querystring: { wait_for_active_shards: 1 } });
}

interface AliasDefinition {
  filter?: unknown;
  index_routing?: string;
  search_routing?: string;
  is_hidden?: boolean;
  is_write_index?: boolean;
}

function aliasAction(def: AliasDefinition): Record<string, unknown> {
  return {
    ...(def.filter ? { filter: def.filter } : {}),
    ...(def.index_routing ? { index_routing: def.index_routing } : {}),
    ...(def.search_routing ? { search_routing: def.search_routing } : {}),
    ...(def.is_hidden !== undefined ? { is_hidden: def.is_hidden } : {}),
    // A follower never takes writes, so it is never a write index.
    is_write_index: false,
  };
}

/** A data stream's backing index is followed by a hidden standalone index (docs/data-streams.md); the
 * follower stream's name is an alias over those, so that the follower answers searches by that name. */
function streamAlias(t: SyncTarget): Record<string, AliasDefinition> {
  const followerStream = streamOfBackingName(t.leaderIndex) === undefined ? undefined : streamOfBackingName(t.followerIndex);
  return followerStream === undefined ? {} : { [followerStream]: {} };
}

async function syncAliases(t: SyncTarget): Promise<void> {
  const [leaderRes, followerRes] = await Promise.all([
    call(t.leader, "leader", { method: "GET", path: path(t.leaderIndex, "_alias") }),
    call(t.follower, "follower", { method: "GET", path: path(t.followerIndex, "_alias") }),
  ]);
  const wanted = { ...(leaderRes[t.leaderIndex]?.aliases ?? {}), ...streamAlias(t) } as Record<string, AliasDefinition>;
  const present = (followerRes[t.followerIndex]?.aliases ?? {}) as Record<string, AliasDefinition>;
  const actions: unknown[] = [];
  for (const [alias, def] of Object.entries(wanted)) {
    const current = present[alias];
    // The follower's own write flag counts: a restore brings the leader's `is_write_index: true` along.
    if (!current || current.is_write_index !== false || JSON.stringify(aliasAction(def)) !== JSON.stringify(aliasAction(current))) {
      actions.push({ add: { index: t.followerIndex, alias, ...aliasAction(def) } });
    }
  }
  for (const alias of Object.keys(present)) if (!(alias in wanted)) actions.push({ remove: { index: t.followerIndex, alias } });
  if (actions.length) await call(t.follower, "follower", { method: "POST", path: "/_aliases", body: { actions } });
}

/** Brings over whatever moved since `synced`; returns the versions now matched. */
export async function syncMetadata(t: SyncTarget, leaderVersions: MetadataVersions, synced: MetadataVersions | undefined): Promise<MetadataVersions> {
  if (!synced || leaderVersions.mapping !== synced.mapping) await syncMapping(t);
  if (!synced || leaderVersions.settings !== synced.settings) await syncSettings(t);
  if (!synced || leaderVersions.aliases !== synced.aliases) await syncAliases(t);
  return leaderVersions;
}
