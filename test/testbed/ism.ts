// OpenSearch with Index State Management (ISM), for the tests where a lifecycle policy, not the test,
// rolls data streams over (docs/data-streams.md): the test bed's home plus the job-scheduler plugin, a zip
// Maven Central serves, and the ISM plugin, which Central does not serve and ism/build.sh compiles from
// source (about two minutes, once: the home is kept in the test bed's cache).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cacheDir, ensureDistribution } from "./distribution.ts";
import { cachedArtifact } from "./maven-central.ts";
import { TestbedPrerequisiteError } from "./prerequisites.ts";
import { unzip } from "./zip.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const READY = ".ferry-ism-ready";
/** The plugins' release line: the ISM source in ism/ is 2.19.4.0, and Central has job-scheduler 2.19.4.0. */
const PLUGINS_RELEASE = "2.19.4.0";

/** Lines for opensearch.yml: ISM looks at its managed indices every minute (its least; 5 by default). */
export const ISM_NODE_SETTINGS = ["plugins.index_state_management.job_interval: 1"];

/** The home of OpenSearch `version` (a 2.19 release) with job-scheduler and ISM installed. */
export async function ensureIsmHome(version: string): Promise<string> {
  if (!version.startsWith("2.19.")) {
    throw new TestbedPrerequisiteError(`the test bed builds ISM ${PLUGINS_RELEASE} for OpenSearch 2.19 only, not ${version}`);
  }
  const home = join(cacheDir(), `opensearch-${version}-ism`);
  if (existsSync(join(home, READY))) return home;
  const base = await ensureDistribution(version);
  const staging = join(cacheDir(), `.staging-ism-${version}-${process.pid}`);
  try {
    await rm(staging, { recursive: true, force: true });
    await cp(base, staging, { recursive: true });
    const scheduler = await cachedArtifact(
      { groupId: "org.opensearch.plugin", artifactId: "opensearch-job-scheduler", version: PLUGINS_RELEASE, extension: "zip" },
      join(cacheDir(), "downloads"), undefined);
    const schedulerDir = join(staging, "plugins", "opensearch-job-scheduler");
    await mkdir(schedulerDir, { recursive: true });
    await unzip(scheduler, schedulerDir);
    // A plugin names the node's exact release; job-scheduler 2.19.4.0 runs unchanged on later 2.19 patches.
    const descriptor = join(schedulerDir, "plugin-descriptor.properties");
    await writeFile(descriptor, (await readFile(descriptor, "utf8")).replace(/^opensearch\.version=.*$/m, `opensearch.version=${version}`));
    process.stderr.write(`testbed: building the ISM plugin for OpenSearch ${version} (about two minutes)\n`);
    const build = join(staging, ".ism-build");
    await promisify(execFile)("bash", [join(HERE, "ism", "build.sh"), version, build], { maxBuffer: 16 * 1024 * 1024 });
    await rename(join(build, "opensearch-index-management"), join(staging, "plugins", "opensearch-index-management"));
    await rm(build, { recursive: true, force: true });
    await writeFile(join(staging, READY), `${new Date().toISOString()}\n`);
    await rm(home, { recursive: true, force: true });
    await rename(staging, home);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return home;
}
