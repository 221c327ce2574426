// Fetches the test bed's artifacts from Maven Central over HTTPS, each checked against the checksums
// Central publishes beside it, so that a newcomer needs no Maven. The mvn client stays an option: always
// with FERRY_TESTBED_USE_MAVEN=1, and as the fallback when Central cannot be reached over HTTPS (a proxy
// that only Maven's settings know).
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const CENTRAL = "https://repo1.maven.org/maven2";

export interface Artifact {
  groupId: string;
  artifactId: string;
  version: string;
  /** File extension: `jar`, `zip`, `pom`. */
  extension: string;
}

export const artifactKey = (a: Pick<Artifact, "groupId" | "artifactId">) => `${a.groupId}:${a.artifactId}`;
export const artifactFile = (a: Artifact) => `${a.artifactId}-${a.version}.${a.extension}`;
const artifactUrl = (a: Artifact) => `${CENTRAL}/${a.groupId.replaceAll(".", "/")}/${a.artifactId}/${a.version}/${artifactFile(a)}`;

/** Maven Central did not answer at all (no network, DNS, TLS): the case where mvn may still get through. */
export class CentralUnreachableError extends Error {}

/** `FERRY_TESTBED_USE_MAVEN=1`: fetch with the mvn client as before. */
export const mavenRequested = () => process.env.FERRY_TESTBED_USE_MAVEN === "1";

export function mavenAvailable(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v mvn"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function get(url: string): Promise<Response | undefined> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new CentralUnreachableError(`cannot reach ${new URL(url).host} over HTTPS: ${cause?.message ?? (err as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res;
}

/** A published checksum file holds the hex digest, sometimes followed by the file name. */
async function publishedDigest(url: string): Promise<string | undefined> {
  const res = await get(url);
  return res ? (await res.text()).trim().split(/\s+/)[0]!.toLowerCase() : undefined;
}

/** The digests an artifact must match: SHA-1 always (Central requires it), SHA-512 where published. */
async function publishedDigests(a: Artifact): Promise<Array<[algorithm: string, hex: string]>> {
  const url = artifactUrl(a);
  const [sha1, sha512] = await Promise.all([publishedDigest(`${url}.sha1`), publishedDigest(`${url}.sha512`)]);
  if (!sha1) throw new Error(`${artifactKey(a)}:${a.version} (${a.extension}) is not on Maven Central: no ${url}.sha1`);
  return sha512 ? [["sha1", sha1], ["sha512", sha512]] : [["sha1", sha1]];
}

function mismatch(a: Artifact, digests: Array<[string, string]>, hashes: ReturnType<typeof createHash>[]): string | undefined {
  for (const [i, [algorithm, expected]] of digests.entries()) {
    const actual = hashes[i]!.digest("hex");
    if (actual !== expected) return `${algorithm} mismatch for ${artifactUrl(a)}: got ${actual}, published ${expected}`;
  }
  return undefined;
}

/** Downloads `a` to `destination` (written whole or not at all) after checking it against Central's checksums. */
export async function downloadArtifact(a: Artifact, destination: string): Promise<void> {
  const digests = await publishedDigests(a);
  const res = await get(artifactUrl(a));
  if (!res?.body) throw new Error(`${artifactUrl(a)} is not on Maven Central`);
  const hashes = digests.map(([algorithm]) => createHash(algorithm));
  const partial = `${destination}.${process.pid}.part`;
  await mkdir(dirname(destination), { recursive: true });
  const file = await open(partial, "w");
  try {
    for await (const chunk of res.body) {
      for (const hash of hashes) hash.update(chunk);
      await file.write(chunk);
    }
  } catch (err) {
    await file.close();
    await rm(partial, { force: true });
    throw new CentralUnreachableError(`download of ${artifactUrl(a)} broke off: ${(err as Error).message}`);
  }
  await file.close();
  const wrong = mismatch(a, digests, hashes);
  if (wrong) {
    await rm(partial, { force: true });
    throw new Error(wrong);
  }
  await rename(partial, destination);
}

async function pom(a: Omit<Artifact, "extension">): Promise<string> {
  const artifact = { ...a, extension: "pom" };
  const digests = await publishedDigests(artifact);
  const res = await get(artifactUrl(artifact));
  if (!res) throw new Error(`${artifactUrl(artifact)} is not on Maven Central`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const wrong = mismatch(artifact, digests, digests.map(([algorithm]) => createHash(algorithm).update(bytes)));
  if (wrong) throw new Error(wrong);
  return bytes.toString("utf8");
}

const tag = (xml: string, name: string) => xml.match(new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`))?.[1];

/**
 * The jars `root` needs at run time: itself and its compile/runtime dependencies, transitively, except the
 * subtrees of `exclude` (groupId:artifactId). OpenSearch publishes its POMs from Gradle: no parent, literal
 * versions, and every third-party dependency closed with a `*:*` exclusion, so only OpenSearch's own
 * artifacts are followed. A POM outside that shape is refused rather than half-understood (mvn handles it).
 */
export async function runtimeJars(root: Omit<Artifact, "extension">, exclude: ReadonlySet<string>): Promise<Artifact[]> {
  const found = new Map<string, Artifact>();
  const queue: Array<{ artifact: Artifact; transitive: boolean }> = [{ artifact: { ...root, extension: "jar" }, transitive: true }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { artifact, transitive } = next;
    const key = artifactKey(artifact);
    const seen = found.get(key);
    if (seen) {
      // Maven would pick one by distance; OpenSearch's own trees never disagree, so a conflict is a surprise.
      if (seen.version !== artifact.version) throw new Error(`${key} is needed in versions ${seen.version} and ${artifact.version}`);
      continue;
    }
    found.set(key, artifact);
    if (!transitive) continue;
    const xml = await pom(artifact);
    const refuse = (why: string) => new Error(`cannot resolve ${key}:${artifact.version} without Maven: its POM ${why}`);
    if (/<(parent|dependencyManagement|build)>/.test(xml)) throw refuse("has a parent, managed versions or a build section");
    for (const dependency of xml.match(/<dependency>[\s\S]*?<\/dependency>/g) ?? []) {
      const exclusions = dependency.match(/<exclusion>[\s\S]*?<\/exclusion>/g) ?? [];
      const body = dependency.replace(/<exclusions>[\s\S]*?<\/exclusions>/, "");
      const [groupId, artifactId, version] = [tag(body, "groupId"), tag(body, "artifactId"), tag(body, "version")];
      const scope = tag(body, "scope") ?? "compile";
      if (!groupId || !artifactId) throw refuse("names a dependency without groupId or artifactId");
      if (!["compile", "runtime"].includes(scope) || tag(body, "optional") === "true") continue;
      if (exclude.has(`${groupId}:${artifactId}`)) continue;
      if (!version || /[${[(]/.test(version)) throw refuse(`gives ${groupId}:${artifactId} the version ${version ?? "(none)"}`);
      if ((tag(body, "type") ?? "jar") !== "jar" || tag(body, "classifier")) throw refuse(`needs a non-jar artifact of ${groupId}:${artifactId}`);
      const closed = exclusions.some((e) => tag(e, "groupId") === "*" && tag(e, "artifactId") === "*");
      if (!closed && exclusions.length > 0) throw refuse(`excludes parts of ${groupId}:${artifactId}`);
      queue.push({ artifact: { groupId, artifactId, version, extension: "jar" }, transitive: !closed });
    }
  }
  return [...found.values()];
}

/** The mvn client could not fetch an artifact (the fallback of `viaHttpsOrMaven`). */
export class MavenFetchError extends Error {}

async function sha1Of(file: string): Promise<string> {
  const hash = createHash("sha1");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * An artifact in `downloads`, fetched the first time (over HTTPS, or with mvn as `viaHttpsOrMaven`
 * decides) and checked against `pinnedSha1` when the project pinned one: the published checksums catch a
 * damaged download, the pin a repository that changed since the project first fetched it.
 */
export async function cachedArtifact(a: Artifact, downloads: string, pinnedSha1: string | undefined): Promise<string> {
  const coordinates = `${a.groupId}:${a.artifactId}:${a.version}:${a.extension}`;
  const file = join(downloads, artifactFile(a));
  if (!existsSync(file)) {
    process.stderr.write(`testbed: fetching ${coordinates} from Maven Central\n`);
    await viaHttpsOrMaven(
      () => downloadArtifact(a, file),
      // -C: Maven fails on a mismatch with the repository's published checksum instead of warning.
      () => promisify(execFile)("mvn", ["-B", "-q", "-C", "dependency:copy", `-Dartifact=${coordinates}`, `-DoutputDirectory=${downloads}`],
        { maxBuffer: 16 * 1024 * 1024 })
        .then(() => undefined, (err: Error & { stdout?: string }) => {
          throw new MavenFetchError(`cannot fetch ${coordinates} with mvn: ${err.message}\n${err.stdout ?? ""}`);
        }),
    );
  }
  const actual = await sha1Of(file);
  if (pinnedSha1 && actual !== pinnedSha1) {
    await rm(file, { force: true });
    throw new Error(`checksum mismatch for ${file}: got ${actual}, pinned ${pinnedSha1}`);
  }
  return file;
}

/** Runs `https`, or `maven` when asked to, or when Central cannot be reached over HTTPS and mvn is installed. */
export async function viaHttpsOrMaven<T>(https: () => Promise<T>, maven: () => Promise<T>): Promise<T> {
  if (mavenRequested()) return maven();
  try {
    return await https();
  } catch (err) {
    if (!(err instanceof CentralUnreachableError) || !mavenAvailable()) throw err;
    process.stderr.write(`testbed: ${err.message}; trying mvn instead\n`);
    return maven();
  }
}
