// GET /metrics: Prometheus's text format (core/observe/metrics.ts), at the path Prometheus scrapes by default.
// It shadows GET of an index named `metrics` through the proxy (docs/operations.md, "Stats, metrics and logs").
import { Hono } from "hono";
import type { Ferry } from "../../core/ferry.ts";

/** Mounted at the root: the route is the whole path. */
export function metricsRoutes(ferry: Ferry): Hono {
  const router = new Hono();
  router.get("/metrics", async (c) => c.body(await ferry.metrics.text(), 200, { "content-type": ferry.metrics.contentType }));
  return router;
}
