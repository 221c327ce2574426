// The OpenSearch API specification's answers of the `replication` namespace, as a validator. The schemas
// come from the specification's repository (test/api/fixtures/opensearch-api-specification: no registry
// publishes them). Objects are closed the way the specification's own test runner closes them
// (tools/src/tester/MergedOpenApiSpec.ts there): every object schema at a point of use, with more than a
// type and a description, rejects properties it does not declare. Component definitions themselves and
// members of an `allOf` stay open; they are closed where they are used.
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";

const FIXTURES = new URL("../api/fixtures/opensearch-api-specification/", import.meta.url);
const BASE = "https://specification.invalid/spec/";
const FILES = ["namespaces/replication.yaml", "schemas/replication._common.yaml", "schemas/_common.yaml"];

type Schema = Record<string, unknown>;

function load(file: string): Schema {
  return parse(readFileSync(new URL(file, FIXTURES), "utf8")) as Schema;
}

const documents = new Map(FILES.map((file) => [BASE + file, load(file)]));

/** The schema a `$ref` names, from the document `base` it appears in. */
function target(ref: string, base: string): { schema: Schema; base: string } {
  const [file, pointer = ""] = ref.split("#");
  const url = file ? new URL(file, base).href : base;
  const doc = documents.get(url);
  if (!doc) throw new Error(`the fixture lacks ${url} (from ${ref})`);
  const schema = pointer.split("/").filter(Boolean).reduce<any>((at, part) => at?.[part], doc) as Schema | undefined;
  if (!schema) throw new Error(`unresolved ${ref} in ${base}`);
  return { schema, base: url };
}

/** The types a schema's values can have, following `$ref`, `oneOf`, `anyOf` and `allOf`. */
function types(schema: Schema, base: string, seen = new Set<Schema>()): Set<string> {
  if (seen.has(schema)) return new Set();
  seen.add(schema);
  if (typeof schema.$ref === "string") {
    const next = target(schema.$ref, base);
    return types(next.schema, next.base, seen);
  }
  const out = new Set<string>();
  if (typeof schema.type === "string") out.add(schema.type);
  if (schema.properties || schema.additionalProperties) out.add("object");
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    for (const member of (schema[key] as Schema[] | undefined) ?? []) for (const t of types(member, base, seen)) out.add(t);
  }
  return out;
}

/** Closes every object schema under `schema` that the specification's runner closes (see the header). */
function close(schema: Schema, base: string, path: string[]): void {
  const inAllOf = path.at(-2) === "allOf";
  const definition = path.length === 3 && path[0] === "components" && path[1] === "schemas";
  const kinds = types(schema, base);
  const bare = Object.keys(schema).every((k) => k === "type" || k === "description");
  if (!inAllOf && !definition && kinds.size === 1 && kinds.has("object") && !bare && schema.unevaluatedProperties === undefined) {
    schema.unevaluatedProperties = false;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (value && typeof value === "object") close(value as Schema, base, [...path, key]);
  }
}

for (const [url, doc] of documents) close(doc, url, []);

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
for (const [url, doc] of documents) ajv.addSchema(doc, url);

/** The specification's operation groups of the replication namespace, each with its 200 answer. */
export const REPLICATION_OPERATIONS = [
  "start", "stop", "pause", "resume", "status", "update_settings", "create_replication_rule", "delete_replication_rule",
  "leader_stats", "follower_stats", "autofollow_stats",
] as const;
export type ReplicationOperation = (typeof REPLICATION_OPERATIONS)[number];

const validators = new Map<ReplicationOperation, ValidateFunction>();

/** What is wrong with `body` as the specification's 200 answer of `replication.<operation>` (empty: nothing). */
export function specificationProblems(operation: ReplicationOperation, body: unknown): string[] {
  let validate = validators.get(operation);
  if (!validate) {
    const pointer = `#/components/responses/${operation.replace(/^/, "replication.")}@200/content/application~1json/schema`;
    validate = ajv.getSchema(`${BASE}namespaces/replication.yaml${pointer}`);
    if (!validate) throw new Error(`the specification has no 200 answer for replication.${operation}`);
    validators.set(operation, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.keyword === "unevaluatedProperties" ? ` [${String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty)}]` : ""}`);
}
