// ferry's own routes: the remote-cluster registry, health/readiness, the contract itself and the dashboard.
import { Hono } from "hono";
import { clusterClient } from "../../core/clusters/client.ts";
import { ConfigError, connectionFrom } from "../../core/config/config.ts";
import { requestErrors } from "../../core/errors.ts";
import type { Ferry } from "../../core/ferry.ts";
import type { RemoteView } from "../../core/config/remotes.ts";
import type { components } from "../../openapi/ferry.gen.ts";
import { openapiDocument } from "../openapi-document.ts";
import { respond } from "../respond.ts";
import type { ValidationEnv } from "../validation.ts";
import { uiRoutes } from "./ui.ts";

type Schemas = components["schemas"];

const HEALTH_TIMEOUT_MS = 5_000;

/** The public view of a remote: RemoteRegistry already dropped passwords, API keys and CA text. */
function remoteBody(view: RemoteView): Schemas["Remote"] {
  const { auth, tls, hosts } = view.connection;
  return {
    alias: view.alias,
    hosts,
    auth: { type: auth.type, ...(auth.username ? { username: auth.username } : {}) },
    tls: { verify: tls.verify ?? true, ...(tls.ca ? { ca: "<set>" as const } : {}) },
    source: view.source === "config" ? "config" : "api",
  };
}

async function followerHealth(ferry: Ferry): Promise<Schemas["Health"]> {
  // Connections that accept any certificate are named here, so that a monitor sees the explicit flag.
  const tlsVerify = ferry.config.follower.tls.verify !== false;
  const remotesTlsUnverified = ferry.remotes.list().filter((r) => r.connection.tls.verify === false).map((r) => r.alias);
  try {
    const res = await clusterClient(ferry.config.follower, HEALTH_TIMEOUT_MS).transport.request({ method: "GET", path: "/_cluster/health" });
    const body = res.body as { status?: string };
    return { status: "ready", follower: { reachable: true, tls_verify: tlsVerify, ...(body.status ? { cluster_status: body.status } : {}) }, remotes_tls_unverified: remotesTlsUnverified };
  } catch (err) {
    return { status: "unavailable", follower: { reachable: false, tls_verify: tlsVerify, reason: err instanceof Error ? err.message : String(err) }, remotes_tls_unverified: remotesTlsUnverified };
  }
}

export function ferryRoutes(ferry: Ferry): Hono<ValidationEnv> {
  const router = new Hono<ValidationEnv>();

  router.get("/settings", (c) => respond(c, ferry.settings.view() satisfies Schemas["SettingsView"]));

  router.put("/settings", (c) => {
    const body = c.var.input.body as Schemas["SettingsUpdateRequest"];
    return respond(c, ferry.settings.update(body) satisfies Schemas["SettingsUpdateResponse"]);
  });

  router.get("/remotes", (c) => respond(c, { remotes: ferry.remotes.list().map(remoteBody) } satisfies Schemas["RemoteList"]));

  router.get("/remotes/:alias", (c) => respond(c, remoteBody(ferry.remotes.get(c.var.input.params.alias!))));

  router.put("/remotes/:alias", (c) => {
    const alias = c.var.input.params.alias!;
    const input = c.var.input.body as Schemas["RemoteInput"];
    let connection;
    try {
      connection = connectionFrom({ hosts: input.hosts, auth: input.auth ?? { type: "none" }, tls: input.tls ?? {} }, `remote [${alias}]`);
    } catch (err) {
      if (err instanceof ConfigError) throw requestErrors.illegalArgument(err.message);
      throw err;
    }
    const { created } = ferry.remotes.put(alias, connection);
    return respond(c, { acknowledged: true, created } satisfies Schemas["RemotePutResponse"]);
  });

  router.delete("/remotes/:alias", (c) => {
    ferry.remotes.delete(c.var.input.params.alias!);
    return respond(c, { acknowledged: true } satisfies Schemas["Acknowledged"]);
  });

  router.get("/health", async (c) => {
    const health = await followerHealth(ferry);
    return respond(c, health, health.status === "ready" ? 200 : 503);
  });

  router.get("/openapi.json", (c) => respond(c, openapiDocument));

  router.route("/ui", uiRoutes(ferry));

  return router;
}
