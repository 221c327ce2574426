// The layering the design fixes: api → core → workers → leaves, and no import cycles. The leaves are the
// cluster layer (core/clusters/) and the pool's task protocol (workers/protocol.ts): both core and the
// workers use them, and they use nothing of either beyond their own folder — except core/errors.ts, the
// one set of error types, which itself imports nothing.
import madge from "madge";
import { describe, expect, it } from "vitest";

const graph = await madge(["api", "core", "workers", "sdk"], {
  fileExtensions: ["ts"],
  excludeRegExp: [/\.test\.ts$/, /\.gen\.ts$/],
  tsConfig: "tsconfig.json",
});
const imports: Record<string, string[]> = graph.obj();

describe("architecture", () => {
  it("sees the whole tree (a check of an empty graph could not fail)", () => {
    expect(Object.keys(imports).length).toBeGreaterThan(30);
    expect(imports["core/scheduler.ts"]).toContain("workers/protocol.ts");
  });

  it("has no import cycles", () => {
    expect(graph.circular()).toEqual([]);
  });

  it("keeps api out of core and workers, and workers out of api", () => {
    const offending = Object.entries(imports).flatMap(([file, deps]) =>
      (file.startsWith("core/") || file.startsWith("workers/")) ? deps.filter((d) => d.startsWith("api/")).map((d) => `${file} → ${d}`) : []);
    expect(offending).toEqual([]);
  });

  it("lets core reach the workers only through the task protocol; the pool runs them by file name", () => {
    const coreToWorkers = Object.entries(imports).flatMap(([file, deps]) =>
      file.startsWith("core/") ? deps.filter((d) => d.startsWith("workers/") && d !== "workers/protocol.ts").map((d) => `${file} → ${d}`) : []);
    expect(coreToWorkers).toEqual([]);
  });

  it("keeps the leaves leaves", () => {
    const allowed = (file: string, dep: string): boolean => {
      if (file.startsWith("core/clusters/")) return dep.startsWith("core/clusters/") || dep === "core/errors.ts";
      if (file === "workers/protocol.ts") return dep.startsWith("core/clusters/");
      if (file === "core/errors.ts") return false;
      if (file.startsWith("workers/")) return dep.startsWith("workers/") || dep.startsWith("core/clusters/") || dep === "core/errors.ts";
      return true;
    };
    const offending = Object.entries(imports).flatMap(([file, deps]) => deps.filter((d) => !allowed(file, d)).map((d) => `${file} → ${d}`));
    expect(offending).toEqual([]);
  });
});
