// The app and the contract agree: every operation in the document has a handler, and the status
// strings the core produces are the ones the document declares.
import { describe, expect, it } from "vitest";
import { NOT_IN_PROGRESS, pluginStatus, STATES } from "../core/state-machine.ts";
import { openapiDocument, resolveRef, type JsonObject } from "./openapi-document.ts";
import { replicationRoutes } from "./routes/replication.ts";
import { dataStreamRoutes } from "./routes/data-stream.ts";
import { ferryRoutes } from "./routes/ferry.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { routes } from "./operations.ts";
import type { Ferry } from "../core/ferry.ts";

// Route registration reads nothing from the core, so an empty one is enough to list the handlers.
const nothing = { replications: {}, autofollow: {} } as unknown as Ferry;

function handled(): Set<string> {
  const mounted = new Set<string>();
  for (const [prefix, router] of [
    ["/_plugins/_replication", replicationRoutes(nothing)],
    ["/_opendistro/_replication", replicationRoutes(nothing)],
    ["/_ferry", ferryRoutes(nothing)],
    ["", metricsRoutes(nothing)],
    ["", dataStreamRoutes(nothing, async () => new Response())],
  ] as const) {
    for (const route of router.routes) mounted.add(`${route.method} ${prefix}${route.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return mounted;
}

describe("the app against the contract", () => {
  it("has a handler for every operation of the document, and none beyond it", () => {
    const documented = new Set(routes.flatMap((route) => [...route.methods.keys()].map((method) => `${method} ${route.template}`)));
    expect([...handled()].sort()).toEqual([...documented].sort());
  });

  it("declares every status string the core reports", () => {
    const declared = resolveRef<JsonObject>((openapiDocument.components as JsonObject & { schemas: JsonObject }).schemas.ReplicationStatus).enum;
    expect(declared).toEqual(expect.arrayContaining([...STATES.map(pluginStatus), NOT_IN_PROGRESS]));
  });
});
