// Generates openapi/ferry.gen.ts from openapi/ferry.yaml. `--check` fails when the file on disk is stale.
import openapiTS, { astToString } from "openapi-typescript";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const documentPath = fileURLToPath(new URL("./ferry.yaml", import.meta.url));
export const typesPath = fileURLToPath(new URL("./ferry.gen.ts", import.meta.url));

const header = "// Generated from openapi/ferry.yaml by `npm run openapi:types`. Do not edit.\n\n";

export async function generateTypes(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(documentPath));
  return header + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fresh = await generateTypes();
  if (process.argv.includes("--check")) {
    if (readFileSync(typesPath, "utf8") !== fresh) {
      console.error(`${typesPath} is stale: run npm run openapi:types`);
      process.exit(1);
    }
  } else {
    writeFileSync(typesPath, fresh);
  }
}
