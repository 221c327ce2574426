// GET /metrics: Prometheus's text format (core/metrics.ts), at the path Prometheus scrapes by default.
// It shadows GET of an index named `metrics` through the proxy (README, Metrics).
import type { Context } from "hono";
import type { Ferry } from "../../core/ferry.ts";

export function metricsRoute(ferry: Ferry): (c: Context) => Promise<Response> {
  return async (c) => c.body(await ferry.metrics.text(), 200, { "content-type": ferry.metrics.contentType });
}
