// The dashboard (`/_ferry/ui`): its page and assets, served from ui/ and node_modules (nothing from a
// CDN: ferry often runs where only the clusters are reachable), and the two JSON routes only it reads.
// Its buttons call the replication API itself, so they pass the same authorisation as any client.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { requestErrors } from "../../core/errors.ts";
import type { Ferry } from "../../core/ferry.ts";
import { replicationPage } from "../../core/observe/replication-overview.ts";
import type { components } from "../../openapi/ferry.gen.ts";
import { respond } from "../respond.ts";
import type { ValidationEnv } from "../validation.ts";

type Schemas = components["schemas"];

// ui/ beside api/, from source and in the release build alike (npm run build copies it into dist/).
const uiDir = fileURLToPath(new URL("../../ui/", import.meta.url));
const resolve = createRequire(import.meta.url).resolve;

const JS = "text/javascript; charset=UTF-8";
const CSS = "text/css; charset=UTF-8";

/** The only files the dashboard serves: a name in the URL never becomes a path. */
const ASSETS: Record<string, { file: () => string; type: string }> = {
  "dashboard.js": { file: () => `${uiDir}dashboard.js`, type: JS },
  "dashboard.css": { file: () => `${uiDir}dashboard.css`, type: CSS },
  "uPlot.iife.min.js": { file: () => resolve("uplot/dist/uPlot.iife.min.js"), type: JS },
  "uPlot.min.css": { file: () => resolve("uplot/dist/uPlot.min.css"), type: CSS },
};

// The page runs only its own files: no inline script, nothing from another origin.
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

/** The page and its assets: they hold no data, and api/app.ts lets them load without credentials so that
 * a browser can show the form where an API key is entered (a browser sends no such header on its own). */
export function isDashboardShell(method: string, path: string): boolean {
  return method === "GET" && (path === "/_ferry/ui" || path.startsWith("/_ferry/ui/assets/"));
}

const cache = new Map<string, string>();
function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, "utf8");
    cache.set(file, text);
  }
  return text;
}

export function uiRoutes(ferry: Ferry): Hono<ValidationEnv> {
  const router = new Hono<ValidationEnv>();

  router.get("/", (c) => {
    return c.body(read(`${uiDir}index.html`), 200, { "content-type": "text/html; charset=UTF-8", ...SECURITY_HEADERS });
  });

  router.get("/assets/:asset", (c) => {
    const name = c.var.input.params.asset!;
    const asset = ASSETS[name];
    if (!asset) throw requestErrors.notFound(`no dashboard asset [${name}]`);
    return c.body(read(asset.file()), 200, { "content-type": asset.type, ...SECURITY_HEADERS });
  });

  router.get("/api/replications", async (c) => {
    const { query } = c.var.input;
    const page = await replicationPage({ db: ferry.store, replications: ferry.replications }, {
      filter: typeof query.filter === "string" ? query.filter : "",
      page: typeof query.page === "number" ? query.page : 1,
      size: typeof query.size === "number" ? query.size : 50,
    });
    return respond(c, page satisfies Schemas["UiReplicationPage"]);
  });

  router.get("/api/lag/:index", (c) => {
    const index = c.var.input.params.index!;
    const series = ferry.lagHistory.series(index);
    if (!series) throw requestErrors.notFound(`no lag history for [${index}]: it is not replicated by this ferry`);
    return respond(c, { follower_index: index, interval_ms: ferry.lagHistory.intervalMs, ...series } satisfies Schemas["UiLagSeries"]);
  });

  return router;
}
