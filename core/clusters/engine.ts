// The one place that knows which engine and version a cluster runs and what follows from it. ferry reads
// `GET /` the first time it talks to a cluster (per thread, refreshed now and then so a rolling upgrade is
// seen) and every engine- or version-dependent choice of the engine is a function of that answer here:
// how to read one shard's primary, and which snapshots a follower can restore.
import { call, callOptional } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";

export type EngineName = "opensearch" | "elasticsearch";

export interface ClusterEngine {
  engine: EngineName;
  /** As the cluster reports it, e.g. "2.19.6" or "8.19.21". */
  version: string;
}

/** How long a detected engine is trusted: a rolling upgrade changes the version under a live replication. */
const DETECTION_TTL_MS = 60_000;

const detected = new Map<string, { engine: Promise<ClusterEngine>; at: number }>();

/** Engine and version of the cluster behind `conn` (cached per hosts list in this thread). */
export function clusterEngine(conn: ClusterConnection, side: string): Promise<ClusterEngine> {
  const key = conn.hosts.join(",");
  const cached = detected.get(key);
  if (cached && Date.now() - cached.at < DETECTION_TTL_MS) return cached.engine;
  const engine = detect(conn, side);
  // A failed detection is not remembered: the next request tries again.
  engine.catch(() => detected.delete(key));
  detected.set(key, { engine, at: Date.now() });
  return engine;
}

/**
 * `GET /` names engine and version. Elasticsearch 8 serves it from a module (rest-root) a stripped
 * distribution may lack; then the local node's info gives the version, and the engine is Elasticsearch,
 * since OpenSearch serves `GET /` from its server itself.
 */
async function detect(conn: ClusterConnection, side: string): Promise<ClusterEngine> {
  const root = await callOptional(conn, side, { method: "GET", path: "/", ignore: [405] });
  if (root?.version?.number) return engineOfRootAnswer(root);
  const info = await call(conn, side, { method: "GET", path: "/_nodes/_local", querystring: { filter_path: "nodes.*.version" } });
  const [node] = Object.values<{ version?: string }>(info?.nodes ?? {});
  return { engine: "elasticsearch", version: node?.version ?? "0.0.0" };
}

/** OpenSearch says `"distribution": "opensearch"` under `version`; Elasticsearch has no such field. */
export function engineOfRootAnswer(root: { version?: { number?: string; distribution?: string } }): ClusterEngine {
  const version = String(root?.version?.number ?? "0.0.0");
  return { engine: root?.version?.distribution === "opensearch" ? "opensearch" : "elasticsearch", version };
}

function versionParts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  return [major, minor, patch];
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * Whether `follower` can restore a snapshot of an index `leader` wrote: only the same engine, at the same
 * or a newer version, at most one major apart (each engine reads indices of its previous major only).
 * OpenSearch 1.x/2.x read some Elasticsearch 7.x indices, but only up to 7.10, which every supported
 * Elasticsearch leader is past; other pairs bootstrap by copying documents (core/bootstrap/search-bootstrap.ts).
 */
export function snapshotReadable(leader: ClusterEngine, follower: ClusterEngine): boolean {
  if (leader.engine !== follower.engine) return false;
  if (compareVersions(follower.version, leader.version) < 0) return false;
  return versionParts(follower.version)[0] - versionParts(leader.version)[0] <= 1;
}

interface SearchShardsAnswer {
  shards?: Array<Array<{ shard: number; primary: boolean; node: string | null; state: string }>>;
}

/**
 * The search `preference` that reads one shard from its primary copy: replicas may not have refreshed
 * what the primary's global checkpoint covers. OpenSearch still has `_primary`; Elasticsearch removed it
 * in 7.0, so there the primary's node is looked up and preferred (`_prefer_nodes`, not `_only_nodes`: a
 * primary that moved in between is then read from another copy, which holds every operation at or below
 * the global checkpoint once refreshed, rather than failing the read).
 */
export async function primaryPreference(conn: ClusterConnection, side: string, index: string, shard: number): Promise<string> {
  const { engine } = await clusterEngine(conn, side);
  if (engine === "opensearch") return `_shards:${shard}|_primary`;
  const answer = await call(conn, side, {
    method: "GET", path: `/${encodeURIComponent(index)}/_search_shards`, querystring: { preference: `_shards:${shard}` },
  }) as SearchShardsAnswer;
  const primary = (answer.shards ?? []).flat().find((copy) => copy.shard === shard && copy.primary && copy.node);
  return primary ? `_shards:${shard}|_prefer_nodes:${primary.node}` : `_shards:${shard}`;
}

/**
 * The `preference` that reads one shard: from the copy on `node` alone when given (the copy whose refreshes
 * ferry watched, core/follow/leader-visibility.ts: another copy may not show what that one does, and
 * `_only_nodes` fails rather than falling back to it), else from the primary.
 */
export async function shardPreference(conn: ClusterConnection, side: string, index: string, shard: number, node: string | undefined): Promise<string> {
  return node === undefined ? primaryPreference(conn, side, index, shard) : `_shards:${shard}|_only_nodes:${node}`;
}
