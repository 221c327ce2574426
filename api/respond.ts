// Writes JSON answers the way OpenSearch does: compact unless `?pretty` is set (stats always pretty),
// trimmed by `?filter_path`.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { filterPath } from "./filter-path.ts";

export function respond(c: Context, answer: unknown, status = 200, options: { pretty?: boolean } = {}): Response {
  const query = new URL(c.req.url).searchParams;
  const pretty = options.pretty ?? (query.has("pretty") && query.get("pretty") !== "false");
  const filter = query.get("filter_path");
  const body = filter ? filterPath(answer, filter) : answer;
  const text = pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  return c.body(text, status as ContentfulStatusCode, { "content-type": "application/json; charset=UTF-8" });
}
