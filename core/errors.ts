// The one set of error types ferry raises. Each carries the OpenSearch-style `type` users see, the HTTP
// status it maps to, and whether the engine may retry it. Foreign errors are classified once, at the
// edge (core/clusters/errors.ts), into these.

export interface ErrorDetails {
  /** Extra fields OpenSearch puts beside type/reason, e.g. `index` for index_not_found_exception, or
   * the `caused_by` of a wrapped exception. */
  [field: string]: string | number | boolean | { type: string; reason: string };
}

export class FerryError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    reason: string,
    readonly retryable = false,
    readonly details: ErrorDetails = {},
  ) {
    super(reason);
    this.name = "FerryError";
  }

  get reason(): string {
    return this.message;
  }
}

// Request and state errors, with the plugin's exception types (reference §5).
export const requestErrors = {
  validation: (reasons: string[]) =>
    new FerryError("action_request_validation_exception", 400,
      `Validation Failed: ${reasons.map((r, i) => `${i + 1}: ${r};`).join(" ")}`),
  parse: (reason: string) => new FerryError("x_content_parse_exception", 400, reason),
  bodyRequired: (reason = "request body or source parameter is required") => new FerryError("parse_exception", 400, reason),
  illegalArgument: (reason: string) => new FerryError("illegal_argument_exception", 400, reason),
  alreadyExists: (reason: string) => new FerryError("resource_already_exists_exception", 400, reason),
  illegalState: (reason: string, status = 500) => new FerryError("illegal_state_exception", status, reason),
  generic: (reason: string, status = 500) => new FerryError("exception", status, reason),
  notFound: (reason: string) => new FerryError("resource_not_found_exception", 404, reason),
  noSuchRemote: (alias: string) => new FerryError("no_such_remote_cluster_exception", 404, `no such remote cluster: [${alias}]`),
  indexNotFound: (index: string) =>
    new FerryError("index_not_found_exception", 404, `no such index [${index}]`, false, {
      "resource.type": "index_or_alias", "resource.id": index, index_uuid: "_na_", index,
    }),
  noRoute: (method: string, path: string) =>
    new FerryError("no_handler_found_exception", 404, `no handler found for uri [${path}] and method [${method}]`),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new FerryError("method_not_allowed_exception", 405,
      `Incorrect HTTP method for uri [${path}] and method [${method}], allowed: [${allowed.join(", ")}]`),
  bodyTooLarge: (limit: number) => new FerryError("content_too_long_exception", 413, `request body is larger than ${limit} bytes`),
  /** The plugin's answer to re-creating a rule (its typo included: clients match on the text). */
  autofollowRuleExists: () => {
    const reason = "Exisiting autofollow replication rule cannot be recreated/updated";
    return new FerryError("exception", 500, reason, false, { caused_by: { type: "resource_already_exists_exception", reason } });
  },
  /** A planned promote that did not drain in time (and undid what it had done). */
  promoteTimeout: (reason: string) => new FerryError("promote_timeout_exception", 408, reason),
  /** A promote that failed at one of its steps and was rolled back (core/failover/promote-steps.ts). */
  promoteRolledBack: (reason: string) => new FerryError("promote_rolled_back_exception", 409, reason),
  /** A promote the request stopped waiting for: ferry finishes it, or its rollback, by itself. */
  promoteUnfinished: (reason: string) => new FerryError("promote_unfinished_exception", 409, reason),
  /** A stored remote whose host the allow-list no longer admits; retryable: replications through it wait
   * until the list or the remote is changed. */
  remoteHostRefused: (reason: string) => new FerryError("illegal_argument_exception", 400, reason, true),
  followerWrite: (index: string) =>
    new FerryError("cluster_block_exception", 403,
      `index [${index}] blocked by: [FORBIDDEN/1000/index read-only(cross-cluster-replication)];`),
} as const;

// Refusals of ferry's own authentication and authorisation (api/auth.ts), with the security plugin's
// exception type. Reasons name the request and the user, never a credential.
export const securityErrors = {
  unauthenticated: (request: string) => new FerryError("security_exception", 401, `authentication required for [${request}]`),
  wrongCredentials: (request: string) => new FerryError("security_exception", 401, `authentication failed for [${request}]`),
  forbidden: (request: string, user: string, role: string, needed: string) =>
    new FerryError("security_exception", 403, `no permissions for [${request}] and User [name=${user}, role=${role}]; it needs role [${needed}]`),
  unknownClusterRole: (field: string, role: string) =>
    new FerryError("illegal_argument_exception", 400, `use_roles.${field} [${role}] is not a configured cluster role (cluster_roles)`),
} as const;

// Engine errors. `retryable` is the whole retry contract: the scheduler looks at nothing else.
export const engineErrors = {
  /** Connection refused/reset, timeouts, 429, 5xx, shard not ready, snapshot already running. */
  transient: (reason: string) => new FerryError("replication_transient_exception", 503, reason, true),
  /** A request past a size limit of the cluster (core/clusters/errors.ts): retried, since ferry bounds what
   * it sends and a person can lower its bounds or raise the cluster's. */
  requestTooLarge: (reason: string) =>
    new FerryError("replication_transient_exception", 503,
      `${reason} (request larger than the cluster takes: lower ferry.follower.bulk_max_bytes or ferry.follower.search_page_size, or raise the cluster's limit)`, true),
  /** A limit of the cluster the operator can lift (the shard limit, `cluster.max_shards_per_node`): the
   * replication waits, with the reason saying what to change, and goes on by itself once it is lifted. */
  clusterLimit: (reason: string) => new FerryError("replication_cluster_limit_exception", 503, reason, true),
  /** Leader or follower index gone or replaced, `_source` disabled, shard mismatch, mapping refused. */
  fatal: (reason: string) => new FerryError("replication_exception", 500, reason, false),
  /** A cluster refused ferry's credentials or their privileges: fixed by a person, in the cluster's
   * security configuration or ferry's remote; answered as the security plugin answers a refusal. */
  refusedByCluster: (reason: string) => new FerryError("security_exception", 403, reason, false),
  /** A replicated index disappeared: nothing to retry, and a person must decide what comes next. */
  indexGone: (side: "leader" | "follower", index: string) =>
    new FerryError("index_not_found_exception", 404, side === "leader"
      ? `leader index [${index}] no longer exists; the follower keeps its data, stop the replication to write to it`
      : `follower index [${index}] was deleted; replication ended`, false),
} as const;

export function isFerryError(err: unknown): err is FerryError {
  return err instanceof FerryError;
}

/** OpenSearch's error body. */
export function errorBody(err: FerryError): { error: Record<string, unknown>; status: number } {
  const cause = { type: err.type, reason: err.reason, ...err.details };
  return { error: { root_cause: [cause], ...cause }, status: err.status };
}
