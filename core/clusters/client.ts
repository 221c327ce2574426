// The one client factory. Clients are cached per connection so each thread keeps its keep-alive sockets.
import { Client } from "@opensearch-project/opensearch";
import type { ClusterConnection } from "./connection.ts";
import { classify, statusOf } from "./errors.ts";

const clients = new Map<string, Client>();

export function clusterClient(conn: ClusterConnection, requestTimeoutMs = 60_000): Client {
  const key = JSON.stringify([conn, requestTimeoutMs]);
  let client = clients.get(key);
  if (!client) {
    client = new Client({
      nodes: conn.hosts,
      ...(conn.auth.type === "basic" ? { auth: { username: conn.auth.username ?? "", password: conn.auth.password ?? "" } } : {}),
      ...(conn.auth.type === "api_key" ? { headers: { authorization: `ApiKey ${conn.auth.api_key ?? ""}` } } : {}),
      ssl: { ...(conn.tls.ca ? { ca: conn.tls.ca } : {}), rejectUnauthorized: conn.tls.verify ?? true },
      requestTimeout: requestTimeoutMs,
      // Retries are the engine's business (backoff, visible counts), not the client's.
      maxRetries: 0,
    });
    clients.set(key, client);
  }
  return client;
}

export interface ClusterRequest {
  method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD";
  path: string;
  body?: unknown;
  /** ndjson body for `_bulk`. */
  bulkBody?: string;
  querystring?: Record<string, string | number | boolean>;
}

/** Requests this thread has sent, per side: benchmarks and cost tests read it. */
export const requestCounts = new Map<string, number>();

async function send(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<unknown> {
  requestCounts.set(cluster, (requestCounts.get(cluster) ?? 0) + 1);
  const res = await clusterClient(conn).transport.request({
    method: req.method,
    path: req.path,
    ...(req.bulkBody !== undefined ? { bulkBody: req.bulkBody } : req.body !== undefined ? { body: req.body as Record<string, unknown> } : {}),
    querystring: req.querystring ?? {},
  });
  return res.body;
}

/** A cluster call whose failures are already classified; `cluster` names the side in error reasons. */
export async function call<T = any>(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<T> {
  try {
    return (await send(conn, cluster, req)) as T;
  } catch (err) {
    throw classify(err, cluster);
  }
}

/** Like `call`, but a 404 answers `undefined` instead of throwing. */
export async function callOptional<T = any>(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<T | undefined> {
  try {
    return (await send(conn, cluster, req)) as T;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw classify(err, cluster);
  }
}
