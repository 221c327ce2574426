// Writes JSON answers the way OpenSearch does: compact unless `?pretty` is set (stats always pretty).
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export function respond(c: Context, body: unknown, status = 200, options: { pretty?: boolean } = {}): Response {
  const pretty = options.pretty ?? new URL(c.req.url).searchParams.has("pretty");
  const text = pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  return c.body(text, status as ContentfulStatusCode, { "content-type": "application/json; charset=UTF-8" });
}
