// What the test bed needs from the machine besides Node: a Java runtime recent enough for the OpenSearch
// version, disk space for the distribution, and free ports. A missing piece is one line naming it
// (`TestbedPrerequisiteError`, printed without a stack by the demo, the CLI and the test setup).
import { spawnSync } from "node:child_process";
import { mkdir, statfs } from "node:fs/promises";
import { join } from "node:path";

export class TestbedPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TestbedPrerequisiteError";
    // The message is the whole story; a stack would only bury it.
    this.stack = `${this.name}: ${message}`;
  }
}

/** OpenSearch 2.x runs on Java 11 or newer, 3.x on 21 or newer. */
export const minimumJava = (version: string) => (Number(version.split(".")[0]) >= 3 ? 21 : 11);

/** The Java the nodes will run: JAVA_HOME's, else the one on the PATH (as cluster.ts chooses). */
export function checkJava(version: string): void {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const needed = minimumJava(version);
  const where = process.env.JAVA_HOME ? `JAVA_HOME (${process.env.JAVA_HOME})` : "the PATH";
  const result = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new TestbedPrerequisiteError(`no Java runtime found on ${where}: OpenSearch ${version} needs Java ${needed} or newer`);
  }
  // `openjdk version "17.0.15"`, or `java version "1.8.0_412"` before Java 9.
  const [, first, second] = result.stderr.match(/version "(\d+)(?:\.(\d+))?/) ?? [];
  const major = first === "1" ? Number(second) : Number(first);
  if (!Number.isFinite(major)) throw new TestbedPrerequisiteError(`cannot tell the version of the Java on ${where}: ${result.stderr.split("\n")[0]}`);
  if (major < needed) {
    throw new TestbedPrerequisiteError(`Java ${major} on ${where} is too old: OpenSearch ${version} needs Java ${needed} or newer (set JAVA_HOME to one)`);
  }
}

/** Fails unless `dir` (created if missing) has `bytes` free for `what`. */
export async function checkDiskSpace(dir: string, bytes: number, what: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
  if (free < bytes) throw new TestbedPrerequisiteError(`not enough disk space in ${dir} for ${what}: ${mb(free)} free, ${mb(bytes)} needed`);
}
