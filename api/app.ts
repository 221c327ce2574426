// Builds ferry's HTTP app from a Ferry: authentication and authorisation of every request (when
// configured), validation against the contract on ferry's routes, the routes, the pass-through proxy for
// everything else, and the one place where errors become HTTP.
import { Hono } from "hono";
import { except } from "hono/combine";
import { errorBody, FerryError, isFerryError, requestErrors } from "../core/errors.ts";
import type { Ferry } from "../core/ferry.ts";
import { authenticate, challengeFor, type AuthEnv } from "./auth.ts";
import { isFerryPath } from "./operations.ts";
import { clusterSettings } from "./cluster-settings.ts";
import { proxyToFollower } from "./proxy.ts";
import { silentLogger, type Logger } from "./logger.ts";
import { requestLog } from "./request-log.ts";
import { respond } from "./respond.ts";
import { dataStreamRoutes } from "./routes/data-stream.ts";
import { ferryRoutes } from "./routes/ferry.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { replicationRoutes } from "./routes/replication.ts";
import { isDashboardShell } from "./routes/ui.ts";
import { validateRequest, type ValidationEnv } from "./validation.ts";

function asFerryError(err: unknown): FerryError {
  if (isFerryError(err)) return err;
  return requestErrors.generic(err instanceof Error ? err.message : String(err));
}

export function buildApp(ferry: Ferry, logger: Logger = silentLogger): Hono<ValidationEnv & AuthEnv> {
  const app = new Hono<ValidationEnv & AuthEnv>();
  // First: every call gets its id and its log line, also one that authentication refuses.
  app.use("*", requestLog(logger));

  app.onError((err, c) => {
    const error = asFerryError(err);
    const challenge = challengeFor(error);
    if (challenge) c.header("WWW-Authenticate", challenge);
    return respond(c, errorBody(error), error.status);
  });

  // Before validation: a caller who may not call ferry learns nothing from it, and no body is read.
  // The dashboard's page and scripts alone load without credentials (api/routes/ui.ts says why); every
  // call the page makes is checked like any other.
  app.use("*", except((c) => isDashboardShell(c.req.method, new URL(c.req.url).pathname), authenticate(ferry.config.auth)));

  const validate = validateRequest();
  for (const prefix of ["/_plugins/_replication", "/_opendistro/_replication", "/_ferry"]) {
    app.use(prefix, validate);
    app.use(`${prefix}/*`, validate);
  }

  const replication = replicationRoutes(ferry);
  app.route("/_plugins/_replication", replication);
  app.route("/_opendistro/_replication", replication);
  app.route("/_ferry", ferryRoutes(ferry));

  app.route("/", metricsRoutes(ferry));

  const proxy = proxyToFollower(ferry);
  app.put("/_cluster/settings", clusterSettings(ferry, (c) => proxy(c, c.var.caller)));
  app.route("/", dataStreamRoutes(ferry, (c) => proxy(c, c.var.caller)));
  app.all("*", (c) => {
    // A contract route without a handler must not leak to the follower.
    if (isFerryPath(new URL(c.req.url).pathname)) throw requestErrors.noRoute(c.req.method, new URL(c.req.url).pathname);
    return proxy(c, c.var.caller);
  });

  return app;
}
