// The table of operations in the contract, and matching a request line against it: which operation,
// which path parameters, or why none (no such route → 404, route without that method → 405).
import { openapiDocument, resolveRef, type JsonObject } from "./openapi-document.ts";

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: JsonObject;
}

export interface Operation {
  method: string;
  template: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; schema: JsonObject; missingReason?: string };
}

interface Route {
  template: string;
  pattern: RegExp;
  names: string[];
  /** Literal routes win over templated ones (`_autofollow` is not an index name). */
  literal: boolean;
  methods: Map<string, Operation>;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

function parametersOf(...lists: unknown[]): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of lists) {
    for (const p of (list as unknown[] | undefined) ?? []) {
      const param = resolveRef<Parameter>(p);
      byKey.set(`${param.in}:${param.name}`, { ...param, schema: param.schema ?? {} });
    }
  }
  return [...byKey.values()];
}

function buildRoutes(): Route[] {
  const routes: Route[] = [];
  for (const [template, rawItem] of Object.entries(openapiDocument.paths as JsonObject)) {
    const item = resolveRef(rawItem);
    const names: string[] = [];
    const source = template.split("/").map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(param[1]!);
      return "([^/]+)";
    }).join("/");
    const methods = new Map<string, Operation>();
    for (const method of HTTP_METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op) continue;
      const body = op.requestBody ? resolveRef(op.requestBody) : undefined;
      const content = (body?.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined;
      methods.set(method.toUpperCase(), {
        method: method.toUpperCase(),
        template,
        parameters: parametersOf(item.parameters, op.parameters),
        ...(body && content ? {
          requestBody: {
            required: body.required === true,
            schema: content.schema as JsonObject,
            ...(typeof body["x-missing-body-reason"] === "string" ? { missingReason: body["x-missing-body-reason"] } : {}),
          },
        } : {}),
      });
    }
    routes.push({ template, pattern: new RegExp(`^${source}$`), names, literal: names.length === 0, methods });
  }
  return routes.sort((a, b) => Number(b.literal) - Number(a.literal));
}

export const routes = buildRoutes();

export type Match =
  | { kind: "operation"; operation: Operation; rawParams: Record<string, string> }
  | { kind: "no-route" }
  | { kind: "wrong-method"; allowed: string[] };

export function matchOperation(method: string, path: string): Match {
  let allowed: string[] | undefined;
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    const operation = route.methods.get(method);
    if (!operation) {
      allowed ??= [...route.methods.keys()];
      continue;
    }
    const rawParams = Object.fromEntries(route.names.map((name, i) => [name, found[i + 1]!]));
    return { kind: "operation", operation, rawParams };
  }
  return allowed ? { kind: "wrong-method", allowed } : { kind: "no-route" };
}

/** Paths ferry answers itself; everything else goes to the follower cluster. */
export function isFerryPath(path: string): boolean {
  return /^\/(?:_plugins\/_replication|_opendistro\/_replication|_ferry)(?:\/|$)/.test(path);
}
