// The one client factory. Clients are cached per connection so each thread keeps its keep-alive sockets.
import { Client, errors } from "@opensearch-project/opensearch";
import type { TransportRequestOptions } from "@opensearch-project/opensearch/lib/Transport.js";
import { cancellationSignal } from "./cancellation.ts";
import type { ClusterConnection } from "./connection.ts";
import { classify, statusOf } from "./errors.ts";
import { requestKind, tallyOf } from "./request-tally.ts";

const clients = new Map<string, Client>();

export function clusterClient(conn: ClusterConnection, requestTimeoutMs = conn.timeoutMs ?? 60_000): Client {
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
  /** JSON body: an object is serialised, a string or Buffer is sent as these exact bytes. */
  body?: unknown;
  /** ndjson body for `_bulk`. */
  bulkBody?: string | Buffer;
  querystring?: Record<string, string | number | boolean>;
  /** Error statuses answered as a body (OpenSearch's error object) instead of thrown. */
  ignore?: number[];
  /** Aborts the request when it fires; by default the signal of the running unit (cancellation.ts). */
  signal?: AbortSignal;
  /**
   * A write: once sent, a cancellation does not abort it. Only its answer tells whether it landed, and
   * one abandoned on the wire can still be applied after the canceller moved on (a promote that answered,
   * say). It ends with its answer or the request timeout; a cancelled unit sends no new one.
   */
  write?: boolean;
  /** Where an answer read as bytes goes when its length is known (core/clusters/buffer-pool.ts). */
  answerInto?: (size: number) => Buffer;
}

/** Requests this thread has sent, per side: benchmarks and cost tests read it. */
export const requestCounts = new Map<string, number>();

function transportParams(req: ClusterRequest) {
  return {
    method: req.method,
    path: req.path,
    ...(req.bulkBody !== undefined ? { bulkBody: req.bulkBody } : req.body !== undefined ? { body: req.body as Record<string, unknown> } : {}),
    querystring: req.querystring ?? {},
  };
}

function bodyBytes(req: ClusterRequest): number {
  const body = req.bulkBody ?? req.body;
  if (body === undefined) return 0;
  return Buffer.isBuffer(body) ? body.length : Buffer.byteLength(typeof body === "string" ? body : JSON.stringify(body));
}

/** Counts a request for this thread and in the running unit's tally; the returned function ends its timing. */
function count(cluster: string, req: ClusterRequest): (answerBytes?: number) => void {
  requestCounts.set(cluster, (requestCounts.get(cluster) ?? 0) + 1);
  const side = tallyOf(cluster);
  if (!side) return () => {};
  const kind = requestKind(req.path);
  side.requests++;
  side.kinds[kind] = (side.kinds[kind] ?? 0) + 1;
  side.bytesSent += bodyBytes(req);
  const started = Date.now();
  return (answerBytes = 0) => {
    side.timeMs += Date.now() - started;
    side.bytesReceived += answerBytes;
  };
}

/** A request that failed: counted in the running unit's tally, a 429 also as throttled. */
function countFailure(cluster: string, err: unknown): void {
  const side = tallyOf(cluster);
  if (!side) return;
  side.failed++;
  if (statusOf(err) === 429) side.throttled++;
}

/** Sends through the client's transport, aborting the request when its signal fires (a write only
 * before it is sent). */
async function transportRequest(conn: ClusterConnection, req: ClusterRequest, options: TransportRequestOptions) {
  const signal = req.signal ?? cancellationSignal();
  if (signal?.aborted) throw new errors.RequestAbortedError("cancelled before it was sent");
  const pending = clusterClient(conn).transport.request(transportParams(req), options);
  if (!signal || req.write) return pending;
  // Returns nothing on purpose: the transport's abort() returns the request itself, a thenable, and an
  // EventTarget listener's returned thenable that rejects (as an aborted request does) is rethrown as an
  // uncaught exception, which ends the worker thread with every task on it, writes on their way included.
  const abort = (): void => {
    pending.abort();
  };
  signal.addEventListener("abort", abort, { once: true });
  try {
    return await pending;
  } finally {
    signal.removeEventListener("abort", abort);
  }
}

async function send(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<unknown> {
  const done = count(cluster, req);
  try {
    return (await transportRequest(conn, req, req.ignore ? { ignore: req.ignore } : {})).body;
  } finally {
    done();
  }
}

/** The answer's bytes as the cluster sent them; an error status throws as `send` would. */
async function sendBytes(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<Buffer> {
  const done = count(cluster, req);
  let bytes: Buffer | undefined;
  try {
    bytes = await readAnswer(conn, req);
    return bytes;
  } finally {
    done(bytes?.length);
  }
}

async function readAnswer(conn: ClusterConnection, req: ClusterRequest): Promise<Buffer> {
  // asStream hands over the body unread, so nothing parses it.
  let res;
  try {
    res = await transportRequest(conn, req, { asStream: true });
  } catch (err) {
    // Some error statuses are thrown with the body still an unread stream: read it, so that the error's
    // type (index_closed_exception, say) is there to classify.
    const meta = err instanceof errors.ResponseError ? err.meta : undefined;
    if (meta && isStream(meta.body)) throw errorWithBody(meta, await readBytes(meta.body));
    throw err;
  }
  const length = Number(res.headers?.["content-length"]);
  const bytes = req.answerInto && Number.isSafeInteger(length) && length > 0 ? await readInto(res.body, req.answerInto(length)) : await readBytes(res.body);
  if (res.statusCode !== null && res.statusCode >= 400) throw errorWithBody(res, bytes);
  return bytes;
}

function isStream(body: unknown): body is NodeJS.ReadableStream {
  return typeof (body as NodeJS.ReadableStream | undefined)?.on === "function";
}

async function readBytes(body: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

async function readInto(body: unknown, target: Buffer): Promise<Buffer> {
  let at = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) at += chunk.copy(target, at);
  if (at !== target.length) throw new Error(`answer was ${at} bytes, content-length said ${target.length}`);
  return target;
}

function errorWithBody(meta: object, bytes: Buffer): errors.ResponseError {
  const text = bytes.toString("utf8");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the text itself is the reason.
  }
  return new errors.ResponseError({ ...meta, body } as ConstructorParameters<typeof errors.ResponseError>[0]);
}

/** A cluster call whose failures are already classified; `cluster` names the side in error reasons. */
export async function call<T = any>(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<T> {
  try {
    return (await send(conn, cluster, req)) as T;
  } catch (err) {
    countFailure(cluster, err);
    throw classify(err, cluster);
  }
}

/** Like `call`, but a 404 answers `undefined` instead of throwing. */
export async function callOptional<T = any>(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<T | undefined> {
  try {
    return (await send(conn, cluster, req)) as T;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    countFailure(cluster, err);
    throw classify(err, cluster);
  }
}

/**
 * Like `call`, but answers the body's bytes unparsed: for `_source` bytes (core/clusters/raw-source.ts),
 * and for answers ferry parses itself (core/clusters/bulk-write.ts).
 */
export async function callBytes(conn: ClusterConnection, cluster: string, req: ClusterRequest): Promise<Buffer> {
  try {
    return await sendBytes(conn, cluster, req);
  } catch (err) {
    countFailure(cluster, err);
    throw classify(err, cluster);
  }
}
