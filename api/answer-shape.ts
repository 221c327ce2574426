// The replication answers the OpenSearch API specification describes, in its shape: clients generated
// from the specification treat those answers as closed objects. The engine builds ferry's full answers;
// this keeps, by the answer's schema in openapi/ferry.yaml, only the properties declared there, less those
// marked `x-ferry-extension` (given with `ferry_extras=true`) and `x-given-with: verbose` (the plugin's
// fields the specification lacks, given with `verbose=true`).
import { resolveRef, type JsonObject } from "./openapi-document.ts";

export interface AnswerAsked {
  /** `ferry_extras=true`: the full answer. */
  extras: boolean;
  verbose: boolean;
}

interface ObjectShape {
  properties: Record<string, JsonObject>;
  additionalProperties: JsonObject | undefined;
}

/** The declared properties of `schema`, with those of its `allOf` members; undefined when it declares none. */
function objectShape(schema: JsonObject): ObjectShape | undefined {
  const members = [schema, ...((schema.allOf as unknown[] | undefined) ?? []).map((m) => resolveRef(m))];
  const properties: Record<string, JsonObject> = {};
  let additionalProperties: JsonObject | undefined;
  for (const member of members) {
    Object.assign(properties, member.properties ?? {});
    if (typeof member.additionalProperties === "object") additionalProperties = member.additionalProperties as JsonObject;
  }
  return Object.keys(properties).length || additionalProperties ? { properties, additionalProperties } : undefined;
}

function shown(property: JsonObject, asked: AnswerAsked): boolean {
  if (property["x-ferry-extension"] === true) return false;
  return property["x-given-with"] !== "verbose" || asked.verbose;
}

function shape(value: unknown, schemaNode: unknown, asked: AnswerAsked): unknown {
  const schema = resolveRef(schemaNode);
  if (Array.isArray(value)) return schema.items ? value.map((item) => shape(item, schema.items, asked)) : value;
  if (value === null || typeof value !== "object") return value;
  const declared = objectShape(schema);
  if (!declared) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const property = declared.properties[key];
    if (property) {
      if (shown(property, asked)) out[key] = shape(field, property, asked);
    } else if (declared.additionalProperties) {
      out[key] = shape(field, declared.additionalProperties, asked);
    }
  }
  return out;
}

/** `answer` as the schema `schemaName` of openapi/ferry.yaml declares it for what the caller asked. */
export function shapeAnswer(answer: unknown, schemaName: string, asked: AnswerAsked): unknown {
  if (asked.extras) return answer;
  return shape(answer, { $ref: `#/components/schemas/${schemaName}` }, asked);
}
