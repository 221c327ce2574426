// One log line per API call, and a request id that ties it to the caller: the client's own X-Request-Id
// when it sent a sane one, else a new UUID, answered in the X-Request-Id header either way. X-Opaque-Id
// (OpenSearch's client-chosen id) is left to pass through to the follower, and logged beside it.
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { isFerryError } from "../core/errors.ts";
import type { Logger } from "./logger.ts";

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    const started = performance.now();
    await next();
    // A proxied answer may carry the follower's immutable headers: copy it before adding ours.
    try {
      c.res.headers.set("X-Request-Id", id);
    } catch {
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set("X-Request-Id", id);
    }
    const opaqueId = c.req.header("x-opaque-id");
    const error = c.error;
    const status = c.res.status;
    logger[status >= 500 ? "error" : "info"]({
      request_id: id, method: c.req.method, path: new URL(c.req.url).pathname, status,
      ms: Math.round(performance.now() - started),
      ...(opaqueId !== undefined ? { opaque_id: opaqueId } : {}),
      ...(error ? { error_type: isFerryError(error) ? error.type : "exception", reason: isFerryError(error) ? error.reason : String(error) } : {}),
    }, "request");
  };
}
