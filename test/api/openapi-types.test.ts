// The generated types must match the document: a stale openapi/ferry.gen.ts fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateTypes, typesPath } from "../../openapi/generate-types.ts";

describe("openapi/ferry.gen.ts", () => {
  it("is what openapi-typescript makes of openapi/ferry.yaml (run `npm run openapi:types` if not)", async () => {
    expect(readFileSync(typesPath, "utf8")).toBe(await generateTypes());
  });
});
