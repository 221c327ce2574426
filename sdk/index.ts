// A typed client for ferry's HTTP API, built on the types generated from openapi/ferry.yaml: request
// bodies, query parameters and answers are checked at compile time. It asks for ferry's own fields
// (`ferry_extras=true`) wherever an answer has them, so that its answers hold what their types declare.
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../openapi/ferry.gen.ts";

export type { components, paths };
export type Schemas = components["schemas"];

export interface FerryClientOptions {
  /** Sent with every request, e.g. `{ authorization: "Basic ..." }`. */
  headers?: Record<string, string>;
  /** A fetch implementation; the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** An answer in OpenSearch's error shape; `status` is the HTTP status. */
export class FerryApiError extends Error {
  constructor(readonly status: number, readonly body: Schemas["ErrorResponse"]) {
    super(`${status} ${body.error?.type}: ${body.error?.reason}`);
    this.name = "FerryApiError";
  }
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) throw new FerryApiError(response.status, error as Schemas["ErrorResponse"]);
  return data;
}

export interface FerryClient {
  /** The underlying openapi-fetch client, for any route with full typing. */
  raw: Client<paths>;
  start(index: string, body: Schemas["StartRequest"], query?: { wait_for_restore?: boolean }): Promise<Schemas["StartResponse"]>;
  stop(index: string): Promise<Schemas["Acknowledged"]>;
  pause(index: string, body?: Schemas["PauseRequest"]): Promise<Schemas["Acknowledged"]>;
  resume(index: string, body?: Schemas["ResumeRequest"]): Promise<Schemas["Acknowledged"]>;
  status(index: string, query?: { verbose?: boolean }): Promise<Schemas["StatusResponse"]>;
  updateSettings(index: string, body: Schemas["UpdateSettingsRequest"]): Promise<Schemas["Acknowledged"]>;
  /** ferry extension: fail over to the follower (planned, or unplanned when forced or the leader is gone). */
  promote(index: string, body?: Schemas["PromoteRequest"]): Promise<Schemas["PromoteResponse"]>;
  /** ferry extension: promote every follower of a leader alias or a pattern, as a task. */
  promoteSite(body: Schemas["SitePromoteRequest"]): Promise<Schemas["BulkAccepted"]>;
  /** Elasticsearch's promote of a followed data stream (`_promote` on the stream's name answers in full). */
  promoteDataStream(name: string): Promise<Schemas["Acknowledged"]>;
  createAutoFollow(body: Schemas["AutoFollowRequest"]): Promise<Schemas["AutoFollowCreated"]>;
  deleteAutoFollow(body: Schemas["AutoFollowDeleteRequest"]): Promise<Schemas["Acknowledged"]>;
  leaderStats(): Promise<Schemas["LeaderStats"]>;
  followerStats(): Promise<Schemas["FollowerStats"]>;
  autoFollowStats(): Promise<Schemas["AutoFollowStats"]>;
  /** ferry extension: the stored rules. */
  autoFollowRules(): Promise<Schemas["AutoFollowRuleList"]>;
  /** ferry extension: replace a rule's pattern, follower pattern, settings and roles in place. */
  updateAutoFollow(body: Schemas["AutoFollowUpdateRequest"]): Promise<Schemas["Acknowledged"]>;
  /** The plugin's 3.8 bulk routes (without its one-task lock). */
  bulk(operation: "start" | "stop" | "pause" | "resume", body: Schemas["BulkRequest"]): Promise<Schemas["BulkAccepted"]>;
  bulkStatus(pattern: string): Promise<Schemas["BulkStatus"]>;
  taskStatus(taskId: string): Promise<Schemas["BulkTaskStatus"]>;
  cancelTask(taskId: string): Promise<Schemas["Acknowledged"]>;
  remotes: {
    list(): Promise<Schemas["RemoteList"]>;
    get(alias: string): Promise<Schemas["Remote"]>;
    put(alias: string, body: Schemas["RemoteInput"]): Promise<Schemas["RemotePutResponse"]>;
    delete(alias: string): Promise<Schemas["Acknowledged"]>;
  };
  /** Readiness; answers (rather than throws) when ferry reports the follower unreachable. */
  health(): Promise<Schemas["Health"]>;
}

export function createFerryClient(baseUrl: string, options: FerryClientOptions = {}): FerryClient {
  const raw = createClient<paths>({
    baseUrl: baseUrl.replace(/\/$/, ""),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const index = (name: string) => ({ path: { index: name } });
  const extras = { ferry_extras: true } as const;
  return {
    raw,
    start: (name, body, query = {}) =>
      unwrap(raw.PUT("/_plugins/_replication/{index}/_start", { params: { ...index(name), query: { ...query, ...extras } }, body })),
    stop: (name) => unwrap(raw.POST("/_plugins/_replication/{index}/_stop", { params: index(name), body: {} })),
    pause: (name, body = {}) => unwrap(raw.POST("/_plugins/_replication/{index}/_pause", { params: index(name), body })),
    resume: (name, body = {}) => unwrap(raw.POST("/_plugins/_replication/{index}/_resume", { params: index(name), body })),
    status: (name, query = {}) => unwrap(raw.GET("/_plugins/_replication/{index}/_status", { params: { ...index(name), query: { ...query, ...extras } } })),
    updateSettings: (name, body) => unwrap(raw.PUT("/_plugins/_replication/{index}/_update", { params: index(name), body })),
    promote: (name, body = {}) => unwrap(raw.POST("/_plugins/_replication/{index}/_promote", { params: index(name), body })),
    promoteSite: (body) => unwrap(raw.POST("/_plugins/_replication/_promote", { body })),
    promoteDataStream: (name) => unwrap(raw.POST("/_data_stream/_promote/{name}", { params: { path: { name } } })),
    createAutoFollow: (body) => unwrap(raw.POST("/_plugins/_replication/_autofollow", { params: { query: extras }, body })),
    deleteAutoFollow: (body) => unwrap(raw.DELETE("/_plugins/_replication/_autofollow", { body })),
    leaderStats: () => unwrap(raw.GET("/_plugins/_replication/leader_stats")),
    followerStats: () => unwrap(raw.GET("/_plugins/_replication/follower_stats")),
    autoFollowStats: () => unwrap(raw.GET("/_plugins/_replication/autofollow_stats", { params: { query: extras } })),
    autoFollowRules: () => unwrap(raw.GET("/_plugins/_replication/_autofollow")),
    updateAutoFollow: (body) => unwrap(raw.PUT("/_plugins/_replication/_autofollow", { body })),
    bulk: (operation, body) => unwrap(raw.POST(`/_plugins/_replication/_bulk_${operation}`, { body })),
    bulkStatus: (pattern) => unwrap(raw.GET("/_plugins/_replication/_bulk_status", { params: { query: { pattern } } })),
    taskStatus: (taskId) => unwrap(raw.GET("/_plugins/_replication/_task_status/{task_id}", { params: { path: { task_id: taskId } } })),
    cancelTask: (taskId) => unwrap(raw.POST("/_plugins/_replication/_task_cancel/{task_id}", { params: { path: { task_id: taskId } } })),
    remotes: {
      list: () => unwrap(raw.GET("/_ferry/remotes")),
      get: (alias) => unwrap(raw.GET("/_ferry/remotes/{alias}", { params: { path: { alias } } })),
      put: (alias, body) => unwrap(raw.PUT("/_ferry/remotes/{alias}", { params: { path: { alias } }, body })),
      delete: (alias) => unwrap(raw.DELETE("/_ferry/remotes/{alias}", { params: { path: { alias } } })),
    },
    async health() {
      const { data, error } = await raw.GET("/_ferry/health");
      return (data ?? error) as Schemas["Health"];
    },
  };
}
