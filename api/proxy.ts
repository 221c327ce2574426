// Pass-through to the follower cluster for every request that is not a ferry route: method, path, query,
// headers (minus hop-by-hop ones), body and response are streamed unchanged, so clients can use ferry's
// address as the follower's. Writes aimed at a following index are refused here instead.
import type { Context } from "hono";
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import type { ClusterConnection } from "../core/clusters/connection.ts";
import { FerryError } from "../core/errors.ts";
import type { Ferry } from "../core/ferry.ts";
import { readBoundedBytes } from "./request-body.ts";
import { bulkTargets, reindexTargets, writeTarget } from "./write-target.ts";

/** Largest `_bulk`/`_reindex` body the proxy holds in memory to read its targets. */
const MAX_INSPECTED_BODY_BYTES = 100 * 1024 * 1024;

// RFC 9110 §7.6.1 connection-specific headers: they describe one hop, not the message.
const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
  "proxy-authorization", "proxy-authenticate",
]);
// Set again for the new hop: the follower's host, the length of the body actually sent, and `expect`,
// since ferry's server already answered the client's 100-continue.
const REWRITTEN = new Set(["host", "content-length", "expect"]);

type Refusal = (index: string) => FerryError | undefined;

function authorization(conn: ClusterConnection): string | undefined {
  if (conn.auth.type === "basic") return `Basic ${Buffer.from(`${conn.auth.username ?? ""}:${conn.auth.password ?? ""}`).toString("base64")}`;
  if (conn.auth.type === "api_key") return `ApiKey ${conn.auth.api_key ?? ""}`;
  return undefined;
}

function forwardedHeaders(headers: Headers, conn: ClusterConnection, bodyLength: number | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const listed = new Set((headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase()));
  headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && !REWRITTEN.has(name) && !listed.has(name)) out[name] = value;
  });
  if (bodyLength !== undefined) out["content-length"] = String(bodyLength);
  else if (headers.has("content-length")) out["content-length"] = headers.get("content-length")!;
  // The client's own credentials go through untouched; ferry's are used only when it sent none.
  const auth = authorization(conn);
  if (auth && !headers.has("authorization")) out.authorization = auth;
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

function send(conn: ClusterConnection, request: Request, url: URL, body: Uint8Array | undefined): Promise<IncomingMessage> {
  const target = new URL(url.pathname + url.search, conn.hosts[0]);
  const secure = target.protocol === "https:";
  const options = {
    method: request.method,
    headers: forwardedHeaders(request.headers, conn, body?.byteLength),
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
  return async (c: Context): Promise<Response> => {
    const url = new URL(c.req.url);
    const body = refusal ? await checkWrite(c.req.raw, url.pathname, refusal) : undefined;
    let upstream: IncomingMessage;
    try {
      upstream = await send(ferry.config.follower, c.req.raw, url, body);
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
