// Obtains a real OpenSearch distribution from Maven Central over HTTPS (or with the Maven client, see
// maven-central.ts) and keeps an unpacked, module-complete copy in a cache outside the repository, so a
// second run downloads nothing.
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { cachedArtifact, CentralUnreachableError, mavenAvailable } from "./maven-central.ts";
import { installModules } from "./modules.ts";
import { checkDiskSpace, checkJava, TestbedPrerequisiteError } from "./prerequisites.ts";
import { unzip } from "./zip.ts";

/** The pinned default; `FERRY_TESTBED_VERSION` picks another release of the same line. */
export const DEFAULT_VERSION = "2.19.6";

/**
 * SHA-1 of pinned artifacts as first fetched for this project. Every download is compared with the
 * repository's own published checksums; this table also catches a repository that changed since.
 */
const PINNED_SHA1: Record<string, string> = {
  "2.19.6": "8e071b0fee7911b226f68bdead8946002e6b6e36",
};

export function testbedVersion(): string {
  return process.env.FERRY_TESTBED_VERSION || DEFAULT_VERSION;
}

export function cacheDir(): string {
  if (process.env.FERRY_TESTBED_CACHE) return process.env.FERRY_TESTBED_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "ferry-testbed");
}

const READY_MARKER = ".ferry-testbed-ready";

/** The zip (about 55 MB), its unpacked copy and the modules, with room to spare. */
const DISK_NEEDED = 400 * 2 ** 20;

function download(version: string): Promise<string> {
  return cachedArtifact(
    { groupId: "org.opensearch.distribution.integ-test-zip", artifactId: "opensearch", version, extension: "zip" },
    join(cacheDir(), "downloads"), PINNED_SHA1[version],
  );
}

/** Returns the home directory of an unpacked distribution with the test bed's modules installed. */
export async function ensureDistribution(version = testbedVersion()): Promise<string> {
  checkJava(version);
  const home = join(cacheDir(), `opensearch-${version}`);
  if (existsSync(join(home, READY_MARKER))) return home;

  await checkDiskSpace(cacheDir(), DISK_NEEDED, `OpenSearch ${version}`);
  const staging = join(cacheDir(), `.staging-${version}-${process.pid}`);
  try {
    const zip = await download(version);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await unzip(zip, staging);
    const [top] = await readdir(staging);
    if (!top) throw new Error(`${zip} is empty`);
    const unpacked = join(staging, top);
    for (const script of await readdir(join(unpacked, "bin"))) await chmod(join(unpacked, "bin", script), 0o755);
    await installModules(unpacked, version);
    await writeFile(join(unpacked, READY_MARKER), `${new Date().toISOString()}\n`);
    // Publish atomically so a concurrent or interrupted run never sees a half-built home.
    await rm(home, { recursive: true, force: true });
    await rename(unpacked, home);
  } catch (err) {
    // Central out of reach with no mvn to try: a missing prerequisite, not a bug to show a stack for.
    if (err instanceof CentralUnreachableError && !mavenAvailable()) {
      throw new TestbedPrerequisiteError(`${err.message} (needed once to fetch OpenSearch ${version}; mvn with a configured proxy also works)`);
    }
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return home;
}
