// Pass-through to the follower cluster for every request that is not a ferry route: method, path, query,
// headers (minus hop-by-hop ones), body and response are streamed unchanged, so clients can use ferry's
// address as the follower's. Writes aimed at a following index are refused here instead. ferry's own
// follower credentials are never lent to an anonymous caller (see followerAuthorization).
import type { Context } from "hono";
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import type { ClusterConnection } from "../core/clusters/connection.ts";
import type { AuthConfig } from "../core/config/config.ts";
import { FerryError } from "../core/errors.ts";
import type { Ferry } from "../core/ferry.ts";
import type { Caller } from "./auth.ts";
import { readBoundedBytes } from "./request-body.ts";
import { bulkTargets, reindexTargets, writeTarget } from "./write-target.ts";

/** Largest `_bulk`/`_reindex` body the proxy holds in memory to read its targets. */
const MAX_INSPECTED_BODY_BYTES = 100 * 1024 * 1024;

// RFC 9110 §7.6.1 connection-specific headers: they describe one hop, not the message.
const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
  "proxy-authorization", "proxy-authenticate",
]);
/** Where a caller puts its own follower credentials when `Authorization` carries ferry's. */
export const FOLLOWER_AUTHORIZATION = "x-follower-authorization";

// Set again for the new hop: the follower's host, the length of the body actually sent, and `expect`,
// since ferry's server already answered the client's 100-continue.
// Credentials are chosen by followerAuthorization, never copied.
const REWRITTEN = new Set(["host", "content-length", "expect", "authorization", FOLLOWER_AUTHORIZATION]);

type Refusal = (index: string) => FerryError | undefined;

function authorization(conn: ClusterConnection): string | undefined {
  if (conn.auth.type === "basic") return `Basic ${Buffer.from(`${conn.auth.username ?? ""}:${conn.auth.password ?? ""}`).toString("base64")}`;
  if (conn.auth.type === "api_key") return `ApiKey ${conn.auth.api_key ?? ""}`;
  return undefined;
}

/**
 * The `Authorization` the follower sees (docs/security.md). A caller's own follower
 * credentials come in `X-Follower-Authorization`, or in `Authorization` while ferry takes no credentials
 * itself; with ferry's auth on, `Authorization` is ferry's and never goes further. ferry's own follower
 * credentials are lent only to an authenticated ferry user, and only when configured: never to anonymous.
 */
function followerAuthorization(headers: Headers, auth: AuthConfig | undefined, caller: Caller | undefined, conn: ClusterConnection): string | undefined {
  const own = headers.get(FOLLOWER_AUTHORIZATION) ?? (auth ? null : headers.get("authorization"));
  if (own) return own;
  return auth?.lendFollowerCredentials && caller ? authorization(conn) : undefined;
}

function forwardedHeaders(headers: Headers, credentials: string | undefined, bodyLength: number | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const listed = new Set((headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase()));
  headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && !REWRITTEN.has(name) && !listed.has(name)) out[name] = value;
  });
  if (bodyLength !== undefined) out["content-length"] = String(bodyLength);
  else if (headers.has("content-length")) out["content-length"] = headers.get("content-length")!;
  if (credentials) out.authorization = credentials;
  return out;
}

/** Refuses the request if it writes to a following index; returns the buffered body when it had to read it. */
async function checkWrite(request: Request, path: string, refusal: Refusal): Promise<Uint8Array | undefined> {
  const target = writeTarget(request.method, path);
  if (!target) return undefined;
  let indices: string[];
  let body: Uint8Array | undefined;
  if (target.kind === "indices") {
    indices = target.indices;
  } else {
    body = (await readBoundedBytes(request, MAX_INSPECTED_BODY_BYTES)) ?? new Uint8Array();
    const text = Buffer.from(body).toString("utf8");
    indices = target.kind === "bulk" ? bulkTargets(text, target.defaultIndex) : reindexTargets(text);
  }
  for (const index of indices) {
    const error = refusal(index);
    if (error) throw error;
  }
  return body;
}

function responseHeaders(upstream: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

function send(conn: ClusterConnection, request: Request, url: URL, body: Uint8Array | undefined, credentials: string | undefined): Promise<IncomingMessage> {
  const target = new URL(url.pathname + url.search, conn.hosts[0]);
  const secure = target.protocol === "https:";
  const options = {
    method: request.method,
    headers: forwardedHeaders(request.headers, credentials, body?.byteLength),
    ...(secure ? { ca: conn.tls.ca, rejectUnauthorized: conn.tls.verify ?? true } : {}),
  };
  return new Promise((resolve, reject) => {
    const outgoing = (secure ? httpsRequest : httpRequest)(target, options, resolve);
    outgoing.on("error", reject);
    if (body) {
      outgoing.end(body);
    } else if (request.body) {
      const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream);
      source.on("error", (err) => outgoing.destroy(err));
      source.pipe(outgoing);
    } else {
      outgoing.end();
    }
  });
}

export function proxyToFollower(ferry: Ferry) {
  const refusal: Refusal | undefined = typeof ferry.replications.writeRefusal === "function"
    ? (index) => ferry.replications.writeRefusal(index)
    : undefined;
  const conn = ferry.config.follower;
  return async (c: Context, caller: Caller | undefined): Promise<Response> => {
    const url = new URL(c.req.url);
    const body = refusal ? await checkWrite(c.req.raw, url.pathname, refusal) : undefined;
    const credentials = followerAuthorization(c.req.raw.headers, ferry.config.auth, caller, conn);
    let upstream: IncomingMessage;
    try {
      upstream = await send(conn, c.req.raw, url, body, credentials);
    } catch (err) {
      throw new FerryError("follower_unreachable_exception", 502, `follower cluster unreachable: ${(err as Error).message}`);
    }
    const status = upstream.statusCode ?? 502;
    const noBody = c.req.method === "HEAD" || status === 204 || status === 304;
    if (noBody) upstream.resume();
    const stream = noBody ? null : (Readable.toWeb(upstream) as ReadableStream<Uint8Array>);
    return new Response(stream, { status, statusText: upstream.statusMessage ?? "", headers: responseHeaders(upstream) });
  };
}
