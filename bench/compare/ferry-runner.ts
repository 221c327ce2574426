// ferry as its own process (so that its CPU is its own), run from a clean export of a commit (others edit
// the working tree while the benchmark runs, and a figure must name the code it measured), compiled as
// the release is (`npm run build`, then `node dist/api/main.js`: no TypeScript loader in the measured process).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ferryEnvFor, spawnFerry, type FerryProcess } from "../../test/support/ferry-spawn.ts";
import { parsePrometheusText, type Sample } from "../../test/support/prometheus-text.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface FerrySource {
  dir: string;
  /** The commit, and whether the working tree's uncommitted changes were in it. */
  label: string;
  remove(): void;
}

/** How the benchmark runs ferry, for the report. */
export const RELEASE_COMMAND = "npm run build, then node dist/api/main.js";

/** Compiles the source into its dist/ as the release does; its output goes to stderr. */
export function buildRelease(source: FerrySource): void {
  execFileSync("npm", ["run", "build"], { cwd: source.dir, stdio: ["ignore", process.stderr, process.stderr] });
}

export function ferrySource(ref: string): FerrySource {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root }).toString().trim();
  if (ref.startsWith("dir:")) {
    // A tree elsewhere, e.g. a patched copy for trying a change to the engine; it needs its node_modules.
    const dir = resolve(ref.slice(4));
    return { dir, label: `the tree in ${dir}`, remove: () => {} };
  }
  if (ref === "worktree") {
    const dirty = git("status", "--porcelain", "--", "api", "core", "workers", "migrations").split("\n").filter(Boolean).length;
    return { dir: root, label: `${git("rev-parse", "--short", "HEAD")} + working tree (${dirty} changed files in api/core/workers/migrations)`, remove: () => {} };
  }
  const commit = git("rev-parse", "--short", `${ref}^{commit}`);
  const dir = mkdtempSync(join(tmpdir(), "ferry-bench-src-"));
  execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C '${dir}'`], { cwd: root });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return { dir, label: `${commit} (${git("log", "-1", "--format=%cs %s", commit).slice(0, 80)})`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BenchFerry {
  process: FerryProcess;
  metrics(): Promise<Sample[]>;
}

/** ferry from `buildRelease`'s dist/, with every leader node as the remote's hosts. */
export async function startFerry(
  source: FerrySource, clusters: { leaderUrls: string[]; follower: string; repoPath: string; remoteAlias: string }, nodeOptions: string[], settings: string | undefined,
): Promise<BenchFerry> {
  const env = {
    ...ferryEnvFor({ leader: clusters.leaderUrls[0]!, follower: clusters.follower, repoPath: clusters.repoPath }),
    FERRY_REMOTES: JSON.stringify({ [clusters.remoteAlias]: { hosts: clusters.leaderUrls } }),
    ...(settings ? { FERRY_SETTINGS: settings } : {}),
  };
  const process_ = await spawnFerry(env, {
    command: { file: process.execPath, args: [...nodeOptions, "dist/api/main.js"], cwd: source.dir },
  });
  return {
    process: process_,
    async metrics() {
      return parsePrometheusText(await (await fetch(`${process_.url}/metrics`)).text());
    },
  };
}

/** Sum of a counter's samples by one label, e.g. leader requests by kind. */
export function byLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === name) out[s.labels[label] ?? ""] = (out[s.labels[label] ?? ""] ?? 0) + s.value;
  return out;
}

/** What each key grew by between two readings. */
export function growth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
}
