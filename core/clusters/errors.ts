// The edge where errors from the OpenSearch client become FerryErrors, classified once as recoverable
// (retry with backoff) or fatal.
import { errors } from "@opensearch-project/opensearch";
import { engineErrors, FerryError, isFerryError } from "../errors.ts";

/** The `type` of an OpenSearch error body, if the response carried one. */
function remoteErrorType(err: unknown): string | undefined {
  if (err instanceof errors.ResponseError) {
    const body = err.body as { error?: { type?: string } | string } | undefined;
    return typeof body?.error === "object" ? body.error.type : undefined;
  }
  return undefined;
}

export function statusOf(err: unknown): number | undefined {
  return err instanceof errors.ResponseError ? err.statusCode : undefined;
}

function remoteReason(err: errors.ResponseError): string {
  const body = err.body as { error?: { type?: string; reason?: string } | string } | undefined;
  if (typeof body?.error === "object") return `${body.error.type}: ${body.error.reason}`;
  if (typeof body?.error === "string") return body.error;
  return err.message;
}

const RECOVERABLE_TYPES = new Set([
  "concurrent_snapshot_execution_exception",
  "snapshot_in_progress_exception",
  "no_shard_available_action_exception",
  "unavailable_shards_exception",
  "shard_not_found_exception",
  "cluster_block_exception", // e.g. no cluster-manager elected yet
  "process_cluster_event_timeout_exception",
  "es_rejected_execution_exception",
  "open_search_rejected_execution_exception",
  "circuit_breaking_exception",
  // Closed for maintenance (a static-setting change): the poll sees it and waits for the reopen.
  "index_closed_exception",
]);

/**
 * A request larger than the cluster takes: a body past `http.max_content_length` (413), or a query past
 * `index.max_terms_count` or `indices.query.bool.max_clause_count` (a 400 whose root cause says so).
 * Never fatal: ferry bounds what it sends, so one of these means a limit set below ferry's own bounds,
 * which a person lowers (`ferry.follower.bulk_max_bytes`, `ferry.follower.search_page_size`) or raises.
 */
function tooLarge(err: errors.ResponseError): boolean {
  if (err.statusCode === 413) return true;
  if (err.statusCode !== 400) return false;
  const body = err.body as { error?: { type?: string; reason?: string; root_cause?: Array<{ type?: string; reason?: string }> } } | undefined;
  const causes = [body?.error, ...(body?.error?.root_cause ?? [])];
  return causes.some((c) => c?.type === "too_many_clauses" || /max_terms_count|maxClauseCount|max_clause_count/.test(c?.reason ?? ""));
}
/** The shard limit refusing a new or reopened index (`... currently has [1000]/[1000] maximum shards open`;
 * Elasticsearch 8 says `maximum normal shards open`): a 400, but one the operator lifts. */
const SHARD_LIMIT = /maximum (?:\w+ )?shards open/;

/** A read pinned to one node's copy of a shard (`_only_nodes`, core/clusters/engine.ts) after that copy
 * moved or its node left: a 400, but the next poll reads where the shard is now. */
const COPY_MOVED = /no data nodes with criteria \[[^\]]*\] found for shard/;

/** Socket errors Node raises itself, outside the client's own error classes: an answer cut off while its
 * body is read as a stream (`aborted`, ECONNRESET) is one. */
const NETWORK_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** Turns anything thrown while talking to `cluster` into a FerryError with `retryable` decided. */
export function classify(err: unknown, cluster: string): FerryError {
  if (isFerryError(err)) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode;
    const text = `${cluster} answered ${status}: ${remoteReason(err)}`;
    const type = remoteErrorType(err);
    const missing = type === "index_not_found_exception" ? (err.body as { error?: { index?: string } }).error?.index : undefined;
    if (missing && (cluster === "leader" || cluster === "follower")) return engineErrors.indexGone(cluster, missing);
    if (status === 429 || status >= 500 || (type && RECOVERABLE_TYPES.has(type)) || COPY_MOVED.test(text)) return engineErrors.transient(text);
    if (tooLarge(err)) return engineErrors.requestTooLarge(text);
    if (SHARD_LIMIT.test(text)) {
      return engineErrors.clusterLimit(`${text} ferry tries again until there is room: raise cluster.max_shards_per_node, or close or delete indices on the ${cluster}`);
    }
    if (status === 401 || status === 403) return engineErrors.refusedByCluster(text);
    return engineErrors.fatal(text);
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError ||
      err instanceof errors.NoLivingConnectionsError || err instanceof errors.RequestAbortedError) {
    return engineErrors.transient(`${cluster} unreachable: ${err.message}`);
  }
  if (NETWORK_CODES.has((err as NodeJS.ErrnoException | undefined)?.code ?? "")) {
    return engineErrors.transient(`${cluster} unreachable: ${(err as Error).message}`);
  }
  return engineErrors.fatal(`${cluster}: ${err instanceof Error ? err.message : String(err)}`);
}
