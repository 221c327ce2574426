// The layering the design fixes: api → core → workers → leaves, and no import cycles. Inside core/, each
// domain folder's README.md states on its `May import:` line what the folder may use; this test holds the
// code to those lines, and holds the lines themselves to one direction (no two domains that may use each
// other, directly or round about). The leaves are core/clusters/, core/store/, the three shared root files
// (errors, events, state-machine) and the pool's task protocol (workers/protocol.ts).
import { readdirSync, readFileSync } from "node:fs";
import madge from "madge";
import { describe, expect, it } from "vitest";

const graph = await madge(["api", "core", "workers", "sdk"], {
  fileExtensions: ["ts"],
  excludeRegExp: [/\.test\.ts$/, /\.gen\.ts$/],
  tsConfig: "tsconfig.json",
});
const imports: Record<string, string[]> = graph.obj();

/** core/<folder>/ → the paths (folders ending in `/`, or files) its README lets it import. */
const folderRules = new Map(readdirSync("core", { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => {
  const folder = `core/${e.name}/`;
  const line = readFileSync(`${folder}README.md`, "utf8").split("\n").find((l) => l.startsWith("May import:"));
  if (line === undefined) throw new Error(`${folder}README.md has no "May import:" line`);
  return [folder, [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)] as const;
}));
const folderOf = (file: string): string | undefined => [...folderRules.keys()].find((f) => file.startsWith(f));
const covers = (rule: string, dep: string): boolean => rule.endsWith("/") ? dep.startsWith(rule) : dep === rule;

/** Files at core/'s root that every layer shares, with what each may import. ferry.ts, the composition root, is not one. */
const SHARED_ROOT: Record<string, (dep: string) => boolean> = {
  "core/errors.ts": () => false,
  "core/state-machine.ts": (dep) => dep === "core/errors.ts",
  "core/events.ts": (dep) => dep.startsWith("core/clusters/"),
};

const crossings = (check: (file: string, dep: string) => boolean): string[] =>
  Object.entries(imports).flatMap(([file, deps]) => deps.filter((d) => !check(file, d)).map((d) => `${file} → ${d}`));

describe("architecture", () => {
  it("sees the whole tree and every domain folder (a check of an empty graph could not fail)", () => {
    expect(Object.keys(imports).length).toBeGreaterThan(30);
    expect(imports["core/follow/scheduler.ts"]).toContain("workers/protocol.ts");
    expect([...folderRules.keys()].sort()).toEqual([
      "core/autofollow/", "core/bootstrap/", "core/clusters/", "core/config/", "core/failover/", "core/follow/",
      "core/lease/", "core/observe/", "core/replication/", "core/store/",
    ]);
    for (const folder of folderRules.keys()) expect(Object.keys(imports).some((f) => f.startsWith(folder)), folder).toBe(true);
  });

  it("has no import cycles", () => {
    expect(graph.circular()).toEqual([]);
  });

  it("keeps api out of core and workers, and workers out of api", () => {
    expect(crossings((file, dep) => !(file.startsWith("core/") || file.startsWith("workers/")) || !dep.startsWith("api/"))).toEqual([]);
  });

  it("lets core reach the workers only through the task protocol; the pool runs them by file name", () => {
    expect(crossings((file, dep) => !file.startsWith("core/") || !dep.startsWith("workers/") || dep === "workers/protocol.ts")).toEqual([]);
  });

  it("holds every core folder to its README's May import line", () => {
    expect(crossings((file, dep) => {
      const folder = folderOf(file);
      if (folder === undefined || dep.startsWith(folder)) return true;
      return folderRules.get(folder)!.some((rule) => covers(rule, dep));
    })).toEqual([]);
  });

  it("keeps the shared root files and the workers leaves", () => {
    expect(crossings((file, dep) => {
      if (file in SHARED_ROOT) return SHARED_ROOT[file]!(dep);
      if (file === "workers/protocol.ts") return dep.startsWith("core/clusters/");
      if (file.startsWith("workers/")) return dep.startsWith("workers/") || dep.startsWith("core/clusters/") || dep === "core/errors.ts";
      return true;
    })).toEqual([]);
  });

  it("lets the domains use each other in one direction only, as the READMEs declare it", () => {
    const declared = new Map([...folderRules].map(([folder, rules]) => [folder, rules.filter((r) => folderRules.has(r))]));
    const cycle = (from: string, seen: string[]): string[] | undefined => {
      if (seen.includes(from)) return [...seen, from];
      for (const next of declared.get(from) ?? []) {
        const found = cycle(next, [...seen, from]);
        if (found) return found;
      }
      return undefined;
    };
    expect([...declared.keys()].map((f) => cycle(f, [])).filter(Boolean)).toEqual([]);
  });

  it("keeps the leaves free of domains", () => {
    for (const leaf of ["core/clusters/", "core/store/"]) {
      expect(folderRules.get(leaf)!.filter((r) => folderRules.has(r) && r !== "core/clusters/"), leaf).toEqual([]);
    }
  });
});
