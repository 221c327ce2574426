// The layering the design fixes: api → core → workers → clusters, and no import cycles.
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
    expect(imports["core/scheduler.ts"]).toContain("workers/shard-follow.ts");
  });

  it("has no import cycles", () => {
    expect(graph.circular()).toEqual([]);
  });

  it("keeps api out of core and workers, and workers out of api", () => {
    const offending = Object.entries(imports).flatMap(([file, deps]) =>
      (file.startsWith("core/") || file.startsWith("workers/")) ? deps.filter((d) => d.startsWith("api/")).map((d) => `${file} → ${d}`) : []);
    expect(offending).toEqual([]);
  });

  it("lets core reach the workers only from the scheduler, which runs them in the pool by file name", () => {
    const coreToWorkers = Object.entries(imports).flatMap(([file, deps]) =>
      file.startsWith("core/") ? deps.filter((d) => d.startsWith("workers/")).map((d) => `${file} → ${d}`) : []);
    // Type-only imports of task inputs and results; the code runs in the pool by file name.
    expect(coreToWorkers.every((edge) => edge.startsWith("core/scheduler.ts"))).toBe(true);
  });
});
