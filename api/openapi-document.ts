// The contract, loaded once from openapi/ferry.yaml: the validator, the routes table and
// `/_ferry/openapi.json` all read this object.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export type JsonObject = Record<string, unknown>;

export const openapiDocument: JsonObject = parse(readFileSync(new URL("../openapi/ferry.yaml", import.meta.url), "utf8"));

/** Follows a local `$ref` (`#/components/...`) until it reaches a plain object. */
export function resolveRef<T = JsonObject>(node: unknown): T {
  let current = node as JsonObject;
  while (typeof current?.$ref === "string") {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) throw new Error(`only local references are supported, got ${ref}`);
    current = ref.slice(2).split("/").reduce<any>((at, part) => at?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], openapiDocument);
    if (current === undefined) throw new Error(`unresolved reference ${ref}`);
  }
  return current as T;
}
