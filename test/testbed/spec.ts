// Which distribution each side of the test bed runs: an engine and a release, read from strings such as
// `es:8.19` (environment variables, options) and resolved to the pinned release of that line.

export type Engine = "opensearch" | "elasticsearch";

/** One distribution: which server, which release. */
export interface DistributionSpec {
  engine: Engine;
  version: string;
}

/** The pinned OpenSearch default of both sides; `FERRY_TESTBED_VERSION` picks another OpenSearch release. */
export const DEFAULT_VERSION = "2.19.6";

/**
 * The pinned release of each line the test bed runs; a short form (`es:7.17`, `opensearch:3`) means the one
 * here it is a prefix of, an engine alone its first line here.
 */
export const PINNED: readonly DistributionSpec[] = [
  { engine: "opensearch", version: DEFAULT_VERSION },
  { engine: "opensearch", version: "3.3.2" },
  { engine: "elasticsearch", version: "8.19.21" },
  { engine: "elasticsearch", version: "7.17.29" },
];

const ENGINE_NAMES: Record<string, Engine> = { opensearch: "opensearch", os: "opensearch", elasticsearch: "elasticsearch", es: "elasticsearch" };

/** "Elasticsearch 8.19.21", for messages. */
export const describeSpec = (spec: DistributionSpec) =>
  `${spec.engine === "opensearch" ? "OpenSearch" : "Elasticsearch"} ${spec.version}`;

/** The folder name of a distribution in the cache, `elasticsearch-8.19.21`. */
export const specKey = (spec: DistributionSpec) => `${spec.engine}-${spec.version}`;

/**
 * Reads `elasticsearch:8.19.21`, `es:7.17`, `opensearch:3`, `os`, or a bare OpenSearch version (`2.19.6`,
 * as `FERRY_TESTBED_VERSION` always took). A full `x.y.z` is taken as given; a shorter one must name a
 * pinned line.
 */
export function parseSpec(text: string): DistributionSpec {
  const trimmed = text.trim().toLowerCase();
  const [first = "", rest] = trimmed.split(":", 2);
  const bare = rest === undefined && /^\d/.test(first);
  const engine = bare ? "opensearch" : ENGINE_NAMES[first];
  const version = bare ? first : rest ?? "";
  const known = PINNED.map((p) => `${p.engine}:${p.version}`).join(", ");
  if (!engine) throw new Error(`unknown engine in ${JSON.stringify(text)}: use opensearch (os) or elasticsearch (es), e.g. es:8.19 (pinned: ${known})`);
  if (version !== "" && !/^\d+(\.\d+){0,2}(-[\w.]+)?$/.test(version)) throw new Error(`bad version in ${JSON.stringify(text)}`);
  if (/^\d+\.\d+\.\d+/.test(version)) return { engine, version };
  const pinned = PINNED.find((p) => p.engine === engine && (version === "" || `${p.version}.`.startsWith(`${version}.`)));
  if (!pinned) throw new Error(`no pinned ${engine} release matches ${JSON.stringify(text)}: give a full version or one of ${known}`);
  return { ...pinned };
}

/** The OpenSearch release of `FERRY_TESTBED_VERSION`, else the pinned default. */
export function testbedVersion(env: NodeJS.ProcessEnv = process.env): string {
  if (!env.FERRY_TESTBED_VERSION) return DEFAULT_VERSION;
  const spec = parseSpec(env.FERRY_TESTBED_VERSION);
  if (spec.engine !== "opensearch") throw new Error("FERRY_TESTBED_VERSION names an OpenSearch release; use FERRY_TESTBED_LEADER/FERRY_TESTBED_FOLLOWER for Elasticsearch");
  return spec.version;
}

/**
 * Each side's distribution: `FERRY_TESTBED_LEADER` / `FERRY_TESTBED_FOLLOWER` (`es:8.19`, ...), else the
 * OpenSearch release of `FERRY_TESTBED_VERSION`, else OpenSearch 2.19.6.
 */
export function testbedSpecs(env: NodeJS.ProcessEnv = process.env): { leader: DistributionSpec; follower: DistributionSpec } {
  const side = (name: string, value: string | undefined): DistributionSpec => {
    if (!value) return { engine: "opensearch", version: testbedVersion(env) };
    try {
      return parseSpec(value);
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
  };
  return { leader: side("FERRY_TESTBED_LEADER", env.FERRY_TESTBED_LEADER), follower: side("FERRY_TESTBED_FOLLOWER", env.FERRY_TESTBED_FOLLOWER) };
}
