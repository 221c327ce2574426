// Validates every request to a ferry route against the contract before any handler runs: the route and
// method, path parameters, query parameters, then the body. Handlers read the result from `c.var.input`.
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Context, MiddlewareHandler } from "hono";
import { FerryError, requestErrors } from "../core/errors.ts";
import { parseJsonBody, type ParsedBody } from "./json-body.ts";
import { openapiDocument, resolveRef, type JsonObject } from "./openapi-document.ts";
import { matchOperation, type Operation, type Parameter } from "./operations.ts";
import { readBoundedBody } from "./request-body.ts";

export interface ValidatedInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** The parsed body, or undefined when the operation takes none or an optional one was absent. */
  body: unknown;
}

export type ValidationEnv = { Variables: { input: ValidatedInput } };

/** Largest request body ferry's own routes accept. */
export const MAX_BODY_BYTES = 1024 * 1024;

const DOCUMENT_ID = "ferry.yaml";
// strict: false because the document carries OpenAPI keywords and ferry's `x-` extensions beside
// JSON Schema; verbose: errors carry the failing schema, where those extensions are read; allErrors:
// the error to report is chosen by the plugin's order (see firstError).
const ajv = new Ajv2020({ strict: false, verbose: true, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: DOCUMENT_ID, components: openapiDocument.components });

const compiled = new WeakMap<object, ValidateFunction>();
let compiledCount = 0;

/** A copy of an inline schema whose local references point into the document. */
function rebased(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebased);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) =>
    [key, key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${DOCUMENT_ID}${value}` : rebased(value)]));
}

function validatorFor(schema: JsonObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // A `$ref` names a schema of the document added above; an inline schema is rebased onto it.
    const ref = typeof schema.$ref === "string" ? `${DOCUMENT_ID}${schema.$ref}` : undefined;
    validate = ref ? ajv.getSchema(ref)! : ajv.compile({ ...(rebased(schema) as JsonObject), $id: `inline-${compiledCount++}` });
    compiled.set(schema, validate);
  }
  return validate;
}

function pointerToField(pointer: string): string {
  return pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")).join(".");
}

/** The plugin's parser name for a body schema, used in `unknown field` messages. */
function parserName(schema: JsonObject | undefined, fallback: string): string {
  const named = schema?.["x-parser"];
  return typeof named === "string" ? named : fallback;
}

function bodyError(err: ErrorObject, parsed: ParsedBody, rootParser: string): FerryError {
  const parent = (err.parentSchema ?? {}) as JsonObject;
  const field = pointerToField(err.instancePath);
  const at = (pointer: string) => {
    const { line, column } = parsed.locate(pointer);
    return `[${line}:${column}]`;
  };
  switch (err.keyword) {
    case "additionalProperties": {
      const key = String(err.params.additionalProperty);
      const pointer = `${err.instancePath}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      return requestErrors.parse(`${at(pointer)} [${parserName(parent, rootParser)}] unknown field [${key}]`);
    }
    case "required": {
      const missing = String(err.params.missingProperty);
      const reasons = parent["x-missing-reason"] as Record<string, string> | undefined;
      const name = field ? `${field}.${missing}` : missing;
      return requestErrors.validation([reasons?.[missing] ?? `[${name}] is missing`]);
    }
    case "type":
      if (!field) return requestErrors.parse(`${at("")} [${rootParser}] request body must be a JSON ${String(err.params.type)}`);
      return requestErrors.parse(`${at(err.instancePath)} [${rootParser}] field [${field}] must be of type ${String(err.params.type)}`);
    default: {
      const reason = parent["x-invalid-reason"];
      if (typeof reason === "string") return requestErrors.validation([reason]);
      return requestErrors.parse(`${at(err.instancePath)} [${rootParser}] field [${field || "body"}] ${err.message ?? "is invalid"}`);
    }
  }
}

// The plugin's parsers fail on unknown fields and wrong types while parsing, before its request
// validation looks for missing fields.
const KEYWORD_ORDER = ["additionalProperties", "type"];
const LAST_KEYWORDS = ["required"];

function firstError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) => {
    const early = KEYWORD_ORDER.indexOf(e.keyword);
    if (early >= 0) return early;
    return LAST_KEYWORDS.includes(e.keyword) ? KEYWORD_ORDER.length + 1 : KEYWORD_ORDER.length;
  };
  return [...errors].sort((a, b) => rank(a) - rank(b))[0]!;
}

/** For a `oneOf` body (the OpenDistro prefix takes two field sets), the branch whose fields the body uses most. */
function chooseBranch(schema: JsonObject, body: unknown): JsonObject {
  const branches = schema.oneOf as JsonObject[] | undefined;
  if (!branches) return schema;
  const keys = body && typeof body === "object" && !Array.isArray(body) ? Object.keys(body) : [];
  let best = branches[0]!;
  let bestScore = -1;
  for (const branch of branches) {
    const properties = Object.keys((resolveRef(branch).properties as JsonObject | undefined) ?? {});
    const score = keys.filter((k) => properties.includes(k)).length;
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function validateBody(operation: Operation, text: string | undefined): unknown {
  const spec = operation.requestBody;
  if (!spec) {
    // OpenSearch ignores a body on routes that take none; so does ferry, but it must still be small.
    return undefined;
  }
  if (text === undefined || text.trim() === "") {
    if (spec.required) throw requestErrors.bodyRequired(spec.missingReason);
    return undefined;
  }
  const parsed = parseJsonBody(text);
  const schema = chooseBranch(spec.schema, parsed.value);
  const validate = validatorFor(schema);
  if (!validate(parsed.value)) {
    throw bodyError(firstError(validate.errors!), parsed, parserName(resolveRef(schema), "RequestParser"));
  }
  return parsed.value;
}

function parameterValue(param: Parameter, raw: string, where: string): unknown {
  const schema = resolveRef(param.schema);
  let value: unknown = raw;
  if (schema.type === "boolean") {
    // OpenSearch reads a bare `?pretty` as true.
    if (raw === "" || raw === "true") value = true;
    else if (raw === "false") value = false;
    else throw requestErrors.illegalArgument(`Failed to parse value [${raw}] of parameter [${param.name}]: only [true] or [false] are allowed`);
  }
  // Anything else stays a string, which the integer schema then refuses.
  if (schema.type === "integer" && /^-?\d{1,15}$/.test(raw)) value = Number(raw);
  const validate = validatorFor(param.schema);
  if (!validate(value)) {
    const err = firstError(validate.errors!);
    const reason = (err.parentSchema as JsonObject | undefined)?.["x-invalid-reason"];
    throw requestErrors.illegalArgument(`${where} [${param.name}] value [${raw}] is invalid: ${typeof reason === "string" ? reason : err.message}`);
  }
  return value;
}

function validateParams(operation: Operation, rawParams: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const param of operation.parameters.filter((p) => p.in === "path")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawParams[param.name] ?? "");
    } catch {
      throw requestErrors.illegalArgument(`path parameter [${param.name}] is not valid percent-encoding: [${rawParams[param.name]}]`);
    }
    params[param.name] = parameterValue(param, decoded, "path parameter") as string;
  }
  return params;
}

function validateQuery(operation: Operation, path: string, url: URL): Record<string, unknown> {
  const declared = new Map(operation.parameters.filter((p) => p.in === "query").map((p) => [p.name, p]));
  const names = [...new Set(url.searchParams.keys())];
  const unknown = names.filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    const plural = unknown.length > 1 ? "parameters" : "parameter";
    throw requestErrors.illegalArgument(`request [${path}] contains unrecognized ${plural}: ${unknown.map((n) => `[${n}]`).join(", ")}`);
  }
  const query: Record<string, unknown> = {};
  for (const name of names) {
    // A repeated parameter counts once, with its last value, as in OpenSearch.
    query[name] = parameterValue(declared.get(name)!, url.searchParams.getAll(name).at(-1)!, "query parameter");
  }
  return query;
}

export function validateRequest(): MiddlewareHandler<ValidationEnv> {
  return async (c: Context<ValidationEnv>, next) => {
    const url = new URL(c.req.url);
    const path = url.pathname;
    const match = matchOperation(c.req.method, path);
    if (match.kind === "no-route") throw requestErrors.noRoute(c.req.method, path);
    if (match.kind === "wrong-method") throw requestErrors.methodNotAllowed(c.req.method, path, match.allowed);

    const { operation } = match;
    const params = validateParams(operation, match.rawParams);
    const query = validateQuery(operation, path, url);
    let text = await readBoundedBody(c.req.raw, MAX_BODY_BYTES);
    // start, stop, pause and resume take their body from `?source=` when the request has none.
    if ((text === undefined || text === "") && typeof query.source === "string") text = query.source;
    const body = validateBody(operation, text);
    c.set("input", { params, query, body });
    await next();
  };
}
