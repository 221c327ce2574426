// Obtains a real OpenSearch or Elasticsearch distribution (the `integ-test-zip` both publish on Maven
// Central) over HTTPS (or with the Maven client, see maven-central.ts) and keeps an unpacked copy, with the
// modules the test bed adds, in a cache outside the repository, so a second run downloads nothing.
import { existsSync, readdirSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { cachedArtifact, CentralUnreachableError, mavenAvailable } from "./maven-central.ts";
import { installModules } from "./modules.ts";
import { checkDiskSpace, jdkFor, TestbedPrerequisiteError } from "./prerequisites.ts";
import { describeSpec, specKey, testbedVersion, type DistributionSpec, type Engine } from "./spec.ts";
import { unzip } from "./zip.ts";

export { DEFAULT_VERSION, describeSpec, parseSpec, testbedSpecs, testbedVersion, type DistributionSpec, type Engine } from "./spec.ts";

/**
 * SHA-1 of pinned artifacts as first fetched for this project. Every download is compared with the
 * repository's own published checksums; this table also catches a repository that changed since.
 */
const PINNED_SHA1: Record<string, string> = {
  "opensearch-2.19.6": "8e071b0fee7911b226f68bdead8946002e6b6e36",
  "opensearch-3.3.2": "1c44206c9fcd56235b84e5c05d15b3ebd4442225",
  "elasticsearch-7.17.29": "cc70096055282bf9e56da8ee6861ac47da26ce71",
  "elasticsearch-8.19.21": "8861771bbfe2fab12ccc386bc8b4c5c6f9619865",
};

/** What an unpacked home holds, told by its server jar (`lib/elasticsearch-8.19.21.jar`). */
export function distributionAt(home: string): DistributionSpec {
  for (const file of readdirSync(join(home, "lib"))) {
    const match = /^(opensearch|elasticsearch)-(\d+\.\d+\.\d+(?:-[\w.]+)?)\.jar$/.exec(file);
    if (match) return { engine: match[1] as Engine, version: match[2]! };
  }
  throw new Error(`${home} holds no OpenSearch or Elasticsearch server jar in lib/`);
}

export function cacheDir(): string {
  if (process.env.FERRY_TESTBED_CACHE) return process.env.FERRY_TESTBED_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "ferry-testbed");
}

const READY_MARKER = ".ferry-testbed-ready";

/** The largest zip (Elasticsearch 8, about 110 MB), its unpacked copy and the modules, with room to spare. */
const DISK_NEEDED = 500 * 2 ** 20;

function download(spec: DistributionSpec): Promise<string> {
  return cachedArtifact(
    { groupId: `org.${spec.engine}.distribution.integ-test-zip`, artifactId: spec.engine, version: spec.version, extension: "zip" },
    join(cacheDir(), "downloads"), PINNED_SHA1[specKey(spec)],
  );
}

/**
 * Returns the home directory of an unpacked distribution with the test bed's modules installed; a string
 * is an OpenSearch version, as before Elasticsearch was supported.
 */
export async function ensureDistribution(which: DistributionSpec | string = testbedVersion()): Promise<string> {
  const spec: DistributionSpec = typeof which === "string" ? { engine: "opensearch", version: which } : which;
  // Fails early, before any download, when the machine has no JDK this release runs on.
  jdkFor(spec);
  const home = join(cacheDir(), specKey(spec));
  if (existsSync(join(home, READY_MARKER))) return home;

  await checkDiskSpace(cacheDir(), DISK_NEEDED, describeSpec(spec));
  const staging = join(cacheDir(), `.staging-${specKey(spec)}-${process.pid}`);
  try {
    const zip = await download(spec);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await unzip(zip, staging);
    const [top] = await readdir(staging);
    if (!top) throw new Error(`${zip} is empty`);
    const unpacked = join(staging, top);
    for (const script of await readdir(join(unpacked, "bin"))) await chmod(join(unpacked, "bin", script), 0o755);
    // Elasticsearch publishes no module jars for 7.17 or 8.19 that ferry could use (see modules.ts).
    if (spec.engine === "opensearch") await installModules(unpacked, spec.version);
    await writeFile(join(unpacked, READY_MARKER), `${new Date().toISOString()}\n`);
    // Publish atomically so a concurrent or interrupted run never sees a half-built home.
    await rm(home, { recursive: true, force: true });
    await rename(unpacked, home);
  } catch (err) {
    // Central out of reach with no mvn to try: a missing prerequisite, not a bug to show a stack for.
    if (err instanceof CentralUnreachableError && !mavenAvailable()) {
      throw new TestbedPrerequisiteError(`${err.message} (needed once to fetch ${describeSpec(spec)}; mvn with a configured proxy also works)`);
    }
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return home;
}
