// What the test bed needs from the machine besides Node: a JDK each distribution runs on, disk space for
// the distribution, and free ports. A missing piece is one line naming it (`TestbedPrerequisiteError`,
// printed without a stack by the demo, the CLI and the test setup).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, statfs } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describeSpec, type DistributionSpec } from "./spec.ts";

export class TestbedPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TestbedPrerequisiteError";
    // The message is the whole story; a stack would only bury it.
    this.stack = `${this.name}: ${message}`;
  }
}

/** Java feature releases a distribution runs on, both ends included; no `max` when no newer one is known to fail. */
export interface JavaRange {
  min: number;
  max?: number;
}

/**
 * OpenSearch 2.x and Elasticsearch 7.x install the Java Security Manager at start, which Java 24 and newer
 * refuse. OpenSearch 3 needs Java 21 and sandboxes without it; Elasticsearch 8.19 needs 17 and uses its
 * own entitlements from Java 24 on.
 */
export function javaRange(spec: DistributionSpec): JavaRange {
  const major = Number(spec.version.split(".")[0]);
  if (spec.engine === "opensearch") return major >= 3 ? { min: 21 } : { min: 11, max: 23 };
  return major >= 8 ? { min: 17 } : { min: 8, max: 23 };
}

const rangeText = (r: JavaRange) => (r.max === undefined ? `${r.min} or newer` : `${r.min} to ${r.max}`);

export interface Jdk {
  home: string;
  /** Feature release: 17 for 17.0.15, 8 for 1.8.0_412. */
  major: number;
}

/** The feature release in a JDK's `release` file (`JAVA_VERSION="17.0.15"`), or undefined. */
export function releaseMajor(releaseFile: string): number | undefined {
  const [, first, second] = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(releaseFile) ?? [];
  if (!first) return undefined;
  return first === "1" && second ? Number(second) : Number(first);
}

/**
 * Picks the JDK for `range`: the first of `preferred` (JAVA_HOME's, then the PATH's) that fits, so a
 * user's choice wins where it can; else the newest that fits.
 */
export function chooseJdk(jdks: readonly Jdk[], range: JavaRange, preferred: readonly string[] = []): Jdk | undefined {
  const fits = (jdk: Jdk) => jdk.major >= range.min && (range.max === undefined || jdk.major <= range.max);
  for (const home of preferred) {
    const jdk = jdks.find((j) => j.home === home);
    if (jdk && fits(jdk)) return jdk;
  }
  return jdks.filter(fits).sort((a, b) => b.major - a.major)[0];
}

const realpathOr = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

/** The home of the `java` on the PATH (through its links: /usr/bin/java is one), if there is one. */
function pathJavaHome(): string | undefined {
  try {
    const java = execFileSync("sh", ["-c", "command -v java"], { encoding: "utf8" }).trim();
    const real = java && realpathOr(java);
    return real ? dirname(dirname(real)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JDKs of this machine: JAVA_HOME's, the PATH's, and every JDK beside them or in /usr/lib/jvm (where
 * Linux packages put them). A JDK is a folder with `bin/java` and a `release` file naming its version.
 */
export function findJdks(env: NodeJS.ProcessEnv = process.env): { jdks: Jdk[]; preferred: string[]; searched: string[] } {
  const preferred = [env.JAVA_HOME, pathJavaHome()].map((home) => (home ? realpathOr(home) : undefined)).filter((h): h is string => !!h);
  const searched = [...new Set([...preferred.map((home) => dirname(home)), "/usr/lib/jvm"])].filter((dir) => existsSync(dir));
  const candidates = new Set(preferred);
  for (const dir of searched) {
    for (const entry of readdirSync(dir)) {
      const home = realpathOr(join(dir, entry));
      if (home) candidates.add(home);
    }
  }
  const jdks: Jdk[] = [];
  for (const home of candidates) {
    const release = join(home, "release");
    if (!existsSync(join(home, "bin", "java")) || !existsSync(release)) continue;
    const major = releaseMajor(readFileSync(release, "utf8"));
    if (major !== undefined) jdks.push({ home, major });
  }
  return { jdks, preferred, searched };
}

/** The JAVA_HOME to run `spec` with, or a prerequisite error saying which Java it needs and what was found. */
export function jdkFor(spec: DistributionSpec, env: NodeJS.ProcessEnv = process.env): string {
  const { jdks, preferred, searched } = findJdks(env);
  const range = javaRange(spec);
  const jdk = chooseJdk(jdks, range, preferred);
  if (jdk) return jdk.home;
  const found = jdks.length ? jdks.map((j) => `Java ${j.major} (${j.home})`).join(", ") : "none";
  throw new TestbedPrerequisiteError(`no JDK for ${describeSpec(spec)}, which needs Java ${rangeText(range)}; ` +
    `found ${found} in JAVA_HOME, the PATH and ${searched.join(", ") || "no JVM folder"}. Install one there or set JAVA_HOME to it`);
}

/** Fails unless `dir` (created if missing) has `bytes` free for `what`. */
export async function checkDiskSpace(dir: string, bytes: number, what: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
  if (free < bytes) throw new TestbedPrerequisiteError(`not enough disk space in ${dir} for ${what}: ${mb(free)} free, ${mb(bytes)} needed`);
}
