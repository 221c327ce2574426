// The plugin's replication routes. Mounted under `/_plugins/_replication` and, unchanged, under
// `/_opendistro/_replication`, whose OpenDistro-era field names are mapped here to the current ones.
import { Hono, type Context } from "hono";
import type { AutoFollowRule } from "../../core/autofollow/autofollow.ts";
import type { BulkOperation } from "../../core/autofollow/bulk-tasks.ts";
import { checkUseRoles } from "../../core/config/cluster-directory.ts";
import { requestErrors } from "../../core/errors.ts";
import type { Ferry } from "../../core/ferry.ts";
import type { StartRequest as EngineStartRequest } from "../../core/replication/replications.ts";
import { pauseIndexOrStream, promoteIndexOrStream, resumeIndexOrStream, stopIndexOrStream } from "../../core/autofollow/stream-actions.ts";
import { isWildcardStart } from "../../core/autofollow/wildcard-start.ts";
import type { components } from "../../openapi/ferry.gen.ts";
import { shapeAnswer } from "../answer-shape.ts";
import { respond } from "../respond.ts";
import type { ValidationEnv } from "../validation.ts";

type Schemas = components["schemas"];

function startRequest(body: Schemas["StartRequest"] | Schemas["OpenDistroStartRequest"]): EngineStartRequest {
  if ("remote_cluster" in body) return { leader_alias: body.remote_cluster, leader_index: body.remote_index };
  return {
    leader_alias: body.leader_alias,
    leader_index: body.leader_index,
    ...(body.settings ? { settings: body.settings } : {}),
    ...(useRoles(body.use_roles) ?? {}),
  };
}

/** `use_roles: {}` counts as absent, as in the plugin; the contract already refused half a pair. */
function useRoles(roles: Schemas["UseRoles"] | undefined): { use_roles: { leader_cluster_role: string; follower_cluster_role: string } } | undefined {
  if (!roles?.leader_cluster_role || !roles.follower_cluster_role) return undefined;
  return { use_roles: { leader_cluster_role: roles.leader_cluster_role, follower_cluster_role: roles.follower_cluster_role } };
}

function autoFollowRule(body: Schemas["AutoFollowRequest"] | Schemas["AutoFollowUpdateRequest"] | Schemas["OpenDistroAutoFollowRequest"]): AutoFollowRule {
  if ("connection" in body) return { leader_alias: body.connection, name: body.name, pattern: body.pattern };
  return {
    leader_alias: body.leader_alias,
    name: body.name,
    pattern: body.pattern,
    ...(body.follower_index_pattern !== undefined ? { follower_index_pattern: body.follower_index_pattern } : {}),
    ...(body.settings ? { settings: body.settings } : {}),
    ...(useRoles(body.use_roles) ?? {}),
  };
}

/** `_update` takes `{"settings":{...}}` or the settings object itself. */
function updateSettings(body: Schemas["UpdateSettingsRequest"]): Record<string, unknown> {
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === "settings" && body.settings ? body.settings : body;
}

/** An answer the OpenSearch API specification describes: its shape unless the caller asked for more. */
function specified(c: Context<ValidationEnv>, answer: unknown, schema: keyof Schemas): unknown {
  const { query } = c.var.input;
  return shapeAnswer(answer, schema, { extras: query.ferry_extras === true, verbose: query.verbose === true });
}

export function replicationRoutes(ferry: Ferry): Hono<ValidationEnv> {
  const router = new Hono<ValidationEnv>();
  const { replications, autofollow, wildcardStart, bulk } = ferry;
  // With strict roles, a role without a configured credential is refused before anything starts (a rule
  // or a bulk task would otherwise fail index by index, later).
  const checkRoles = (body: object) => checkUseRoles(ferry.config.clusterRoles, (body as { use_roles?: Schemas["UseRoles"] }).use_roles,
    ferry.config.settings["ferry.use_roles.strict"] === 1);

  router.put("/:index/_start", async (c) => {
    const { params, query, body } = c.var.input;
    checkRoles(body as object);
    const request = startRequest(body as Schemas["StartRequest"] | Schemas["OpenDistroStartRequest"]);
    const options = { waitForRestore: query.wait_for_restore === true };
    if (isWildcardStart(params.index!, request.leader_index)) {
      // A wildcard start is ferry's own request: its answer lists the outcome per index, as asked.
      return respond(c, await wildcardStart.start(params.index!, request, options) satisfies Schemas["StartResponse"]);
    }
    return respond(c, specified(c, await wildcardStart.startIndexOrStream(params.index!, request, options) satisfies Schemas["StartResponse"], "StartResponse"));
  });

  router.post("/:index/_stop", async (c) => respond(c, await stopIndexOrStream({ replications, autofollow }, c.var.input.params.index!)));

  router.post("/:index/_pause", async (c) => {
    const body = c.var.input.body as Schemas["PauseRequest"] | undefined;
    return respond(c, await pauseIndexOrStream({ replications, autofollow }, c.var.input.params.index!, body?.reason));
  });

  router.post("/:index/_resume", async (c) => respond(c, await resumeIndexOrStream({ replications, autofollow }, c.var.input.params.index!)));

  router.post("/:index/_promote", async (c) => {
    const body = (c.var.input.body ?? {}) as Schemas["PromoteRequest"];
    return respond(c, await promoteIndexOrStream({ replications, autofollow }, c.var.input.params.index!, body) satisfies Schemas["PromoteResponse"]);
  });

  router.get("/:index/_status", async (c) => {
    const { params, query } = c.var.input;
    return respond(c, specified(c, await replications.status(params.index!, query.verbose === true), "StatusResponse"));
  });

  router.put("/:index/_update", async (c) => {
    const body = c.var.input.body as Schemas["UpdateSettingsRequest"];
    return respond(c, await replications.update(c.var.input.params.index!, updateSettings(body)));
  });

  router.post("/_autofollow", async (c) => {
    const body = c.var.input.body as Schemas["AutoFollowRequest"] | Schemas["OpenDistroAutoFollowRequest"];
    checkRoles(body);
    const startExisting = "start_existing" in body ? body.start_existing : undefined;
    const created = await autofollow.create(autoFollowRule(body), startExisting === undefined ? {} : { startExisting });
    return respond(c, specified(c, created satisfies Schemas["AutoFollowCreated"], "AutoFollowCreated"));
  });

  router.get("/_autofollow", (c) => respond(c, { rules: autofollow.list() } satisfies Schemas["AutoFollowRuleList"]));

  router.put("/_autofollow", async (c) => {
    const body = c.var.input.body as Schemas["AutoFollowUpdateRequest"];
    checkRoles(body);
    return respond(c, await autofollow.update(autoFollowRule(body)));
  });

  router.delete("/_autofollow", async (c) => {
    const body = c.var.input.body as Schemas["AutoFollowDeleteRequest"] | Schemas["OpenDistroAutoFollowDeleteRequest"];
    const alias = "connection" in body ? body.connection : body.leader_alias;
    return respond(c, await autofollow.delete(alias, body.name));
  });

  // The plugin always pretty-prints its stats.
  router.get("/leader_stats", async (c) => respond(c, specified(c, await replications.leaderStats(), "LeaderStats"), 200, { pretty: true }));
  router.get("/follower_stats", async (c) => respond(c, specified(c, await replications.followerStats(), "FollowerStats"), 200, { pretty: true }));
  router.get("/autofollow_stats", async (c) => respond(c, specified(c, await autofollow.stats(), "AutoFollowStats"), 200, { pretty: true }));

  for (const operation of ["start", "stop", "pause", "resume"] as const satisfies readonly BulkOperation[]) {
    router.post(`/_bulk_${operation}`, async (c) => {
      const body = c.var.input.body as Schemas["BulkRequest"];
      checkRoles(body);
      return respond(c, await bulk.submit(operation, {
        pattern: body.pattern,
        ...(body.leader_alias !== undefined ? { leader_alias: body.leader_alias } : {}),
        ...(useRoles(body.use_roles) ?? {}),
        ...(body.filters?.exclude_index ? { filters: { exclude_index: body.filters.exclude_index } } : {}),
      }) satisfies Schemas["BulkAccepted"]);
    });
  }

  // Whole-site promote (ferry extension): a task like the bulk routes.
  router.post("/_promote", async (c) => {
    const body = c.var.input.body as Schemas["SitePromoteRequest"];
    return respond(c, await bulk.submitPromote(body) satisfies Schemas["BulkAccepted"]);
  });

  router.get("/_bulk_status", async (c) => {
    const pattern = c.var.input.query.pattern;
    if (typeof pattern !== "string" || pattern === "") throw requestErrors.illegalArgument("pattern parameter is required");
    return respond(c, await bulk.bulkStatus(pattern));
  });

  router.get("/_task_status/:task_id", (c) => respond(c, bulk.taskStatus(c.var.input.params.task_id!) satisfies Schemas["BulkTaskStatus"]));
  router.post("/_task_cancel/:task_id", (c) => respond(c, bulk.cancel(c.var.input.params.task_id!)));

  return router;
}
