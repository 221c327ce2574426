// Adds the OpenSearch modules the test bed needs to an unzipped
// `org.opensearch.distribution.integ-test-zip` distribution, which ships only the
// server and transport-netty4. The module jars are on Maven Central, but without
// their plugin-descriptor.properties / plugin-security.policy (those are produced by
// the Gradle build), so we write them here. The jars and their runtime dependencies
// are fetched over HTTPS (maven-central.ts), or with mvn where that is asked for.

import { execFile } from "node:child_process";
import { access, copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { artifactFile, downloadArtifact, runtimeJars, viaHttpsOrMaven } from "./maven-central.ts";

const execFileP = promisify(execFile);

interface ModuleRecipe {
  /** Folder under modules/ and the plugin name other modules refer to. */
  readonly name: string;
  /** groupId:artifactId; the version is always the distribution's. */
  readonly artifact: string;
  /** The plugin class in 2.x; see `pluginClass` for 3.x. */
  readonly classname: string;
  readonly description: string;
  readonly extendedPlugins: readonly string[];
  /** Contents of plugin-security.policy; empty means no file. */
  readonly policy: readonly string[];
  /** groupId:artifactId exclusions (whole subtrees are dropped). */
  readonly exclude: readonly string[];
}

// Every module jar's POM reaches the server artifact (directly or through the painless
// SPI). The server and its dependencies are already in lib/, and a second copy inside a
// module folder fails the jar-hell check at start-up, so the subtree is cut here.
// (Jars that still duplicate lib/ are filtered by file name after resolution.)
const SERVER = "org.opensearch:opensearch";

// Order matters: a module must come after the modules it extends, because the jars of
// an extended module are also kept out of the extending module's folder.
const RECIPES: readonly ModuleRecipe[] = [
  {
    name: "lang-painless",
    artifact: "org.opensearch.plugin:lang-painless",
    classname: "org.opensearch.painless.PainlessPlugin",
    description: "An easy, safe and fast scripting language for OpenSearch",
    extendedPlugins: [],
    policy: [
      "grant {",
      // Painless compiles each script into a class of its own loader.
      '  permission java.lang.RuntimePermission "createClassLoader";',
      // It resolves allow-listed classes through the extending modules' loaders.
      '  permission java.lang.RuntimePermission "getClassLoader";',
      "};",
    ],
    exclude: [SERVER],
  },
  {
    name: "ingest-common",
    artifact: "org.opensearch.plugin:ingest-common",
    classname: "org.opensearch.ingest.common.IngestCommonPlugin",
    description: "Module for ingest processors that do not require additional security permissions",
    // Its processors' `if` conditions and the script processor are painless scripts, and
    // it contributes a painless allow-list (PainlessExtension SPI).
    extendedPlugins: ["lang-painless"],
    policy: [],
    exclude: [SERVER],
  },
  {
    name: "analysis-common",
    artifact: "org.opensearch.plugin:analysis-common",
    classname: "org.opensearch.analysis.common.CommonAnalysisPlugin",
    description: 'Adds "built in" analyzers to OpenSearch.',
    // Contributes a painless allow-list for the scripted token filters
    // (predicate_token_filter, condition); without lang-painless its SPI class cannot load.
    extendedPlugins: ["lang-painless"],
    policy: [],
    exclude: [SERVER],
  },
  {
    name: "mapper-extras",
    // Central only has the "-client" jar; it is the same module code.
    artifact: "org.opensearch.plugin:mapper-extras-client",
    classname: "org.opensearch.index.mapper.MapperExtrasPlugin",
    description: "Adds advanced field mappers (scaled_float, rank_feature, search_as_you_type, ...)",
    extendedPlugins: [],
    policy: [],
    exclude: [SERVER],
  },
  {
    name: "reindex",
    artifact: "org.opensearch.plugin:reindex-client",
    classname: "org.opensearch.index.reindex.ReindexPlugin",
    description: "The Reindex module adds APIs to reindex from one index to another or update documents in place.",
    extendedPlugins: [],
    policy: [
      "grant {",
      // Reindex-from-remote connects out through the low-level REST client.
      '  permission java.net.SocketPermission "*", "connect";',
      "};",
      // The REST client and async HTTP client look up the default proxy selector even
      // when no remote is used, and both are in the module folder (not lib/).
      'grant codeBase "${codebase.opensearch-rest-client}" {',
      '  permission java.net.NetPermission "getProxySelector";',
      "};",
      'grant codeBase "${codebase.httpasyncclient}" {',
      '  permission java.net.NetPermission "getProxySelector";',
      "};",
    ],
    exclude: [SERVER],
  },
];

export const TESTBED_MODULES: readonly string[] = RECIPES.map((r) => r.name);

const DESCRIPTOR = "plugin-descriptor.properties";

/** "httpcore-nio-4.4.16.jar" -> "httpcore-nio"; same rule OpenSearch uses for codebase aliases. */
function jarBaseName(file: string): string {
  return file.replace(/\.jar$/, "").replace(/-\d.*$/, "");
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function jarBaseNames(dir: string): Promise<Set<string>> {
  const files = await readdir(dir);
  return new Set(files.filter((f) => f.endsWith(".jar")).map(jarBaseName));
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function modulePom(recipe: ModuleRecipe, version: string): string {
  const [groupId, artifactId] = recipe.artifact.split(":");
  const exclusions = recipe.exclude
    .map((coord) => {
      const [g, a] = coord.split(":");
      return `<exclusion><groupId>${g}</groupId><artifactId>${a}</artifactId></exclusion>`;
    })
    .join("");
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>testbed.modules</groupId>
  <artifactId>m-${recipe.name}</artifactId>
  <version>0</version>
  <dependencies>
    <dependency>
      <groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${xmlEscape(version)}</version>
      <exclusions>${exclusions}</exclusions>
    </dependency>
  </dependencies>
</project>
`;
}

function aggregatorPom(recipes: readonly ModuleRecipe[]): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>testbed.modules</groupId>
  <artifactId>aggregator</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <modules>${recipes.map((r) => `<module>${r.name}</module>`).join("")}</modules>
</project>
`;
}

/** OpenSearch 3.0 renamed every module's plugin class, `PainlessPlugin` to `PainlessModulePlugin`. */
export function pluginClass(classname: string, version: string): string {
  return Number(version.split(".")[0]) >= 3 ? classname.replace(/Plugin$/, "ModulePlugin") : classname;
}

function descriptor(recipe: ModuleRecipe, version: string): string {
  const props: Record<string, string> = {
    description: recipe.description,
    version,
    name: recipe.name,
    classname: pluginClass(recipe.classname, version),
    "java.version": "11",
    "opensearch.version": version,
    "extended.plugins": recipe.extendedPlugins.join(","),
    "has.native.controller": "false",
    "custom.foldername": "",
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")
    .concat("\n");
}

/** Where a module's fetched jars land: mvn's `dependency:copy-dependencies` folder, also used over HTTPS. */
const fetchedJars = (work: string, recipe: ModuleRecipe) => join(work, recipe.name, "target", "dependency");

async function fetchOverHttps(todo: readonly ModuleRecipe[], version: string, work: string): Promise<void> {
  for (const recipe of todo) {
    const [groupId, artifactId] = recipe.artifact.split(":") as [string, string];
    for (const jar of await runtimeJars({ groupId, artifactId, version }, new Set(recipe.exclude))) {
      await downloadArtifact(jar, join(fetchedJars(work, recipe), artifactFile(jar)));
    }
  }
}

/** mvn resolves every module's dependencies; returns its error output (empty when it succeeded). */
async function fetchWithMaven(todo: readonly ModuleRecipe[], version: string, work: string): Promise<string> {
  // One Maven reactor for all modules: a single JVM start instead of one per module.
  await writeFile(join(work, "pom.xml"), aggregatorPom(todo));
  for (const recipe of todo) {
    await mkdir(join(work, recipe.name));
    await writeFile(join(work, recipe.name, "pom.xml"), modulePom(recipe, version));
  }
  try {
    await execFileP(
      "mvn",
      ["-q", "-B", "--fail-at-end", "-f", join(work, "pom.xml"), "dependency:copy-dependencies", "-DincludeScope=runtime"],
      { cwd: work, maxBuffer: 16 * 1024 * 1024 },
    );
    return "";
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return `${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`.trim();
  }
}

/**
 * Installs the modules in TESTBED_MODULES into `<opensearchHome>/modules`.
 * `version` must be the distribution's version (module jars must match the server exactly).
 */
export async function installModules(opensearchHome: string, version: string): Promise<void> {
  const modulesDir = join(opensearchHome, "modules");
  const libDir = join(opensearchHome, "lib");
  if (!(await exists(join(libDir, `opensearch-${version}.jar`)))) {
    throw new Error(`installModules: ${libDir} has no opensearch-${version}.jar; wrong home or version`);
  }

  const todo: ModuleRecipe[] = [];
  for (const recipe of RECIPES) {
    if (!(await exists(join(modulesDir, recipe.name, DESCRIPTOR)))) todo.push(recipe);
  }
  if (todo.length === 0) return;

  const work = await mkdtemp(join(tmpdir(), "opensearch-modules-"));
  try {
    const fetchError = await viaHttpsOrMaven(
      () => fetchOverHttps(todo, version, work).then(() => ""),
      () => fetchWithMaven(todo, version, work),
    );

    const libJars = await jarBaseNames(libDir);
    for (const recipe of todo) {
      const fetched = fetchedJars(work, recipe);
      const artifactId = recipe.artifact.split(":")[1];
      const mainJar = `${artifactId}-${version}.jar`;
      if (!(await exists(join(fetched, mainJar)))) {
        throw new Error(`installModules: module ${recipe.name}: could not fetch ${recipe.artifact}:${version} via mvn\n${fetchError}`);
      }
      // Jars already visible to the module (server lib/ or an extended module's folder)
      // must not be duplicated, or start-up fails with jar hell.
      const visible = new Set(libJars);
      for (const parent of recipe.extendedPlugins) {
        if (!(await exists(join(modulesDir, parent, DESCRIPTOR)))) {
          throw new Error(`installModules: module ${recipe.name}: extended module ${parent} is not installed`);
        }
        for (const j of await jarBaseNames(join(modulesDir, parent))) visible.add(j);
      }

      const target = join(modulesDir, recipe.name);
      try {
        // A folder without a descriptor is a leftover of an interrupted run.
        await rm(target, { recursive: true, force: true });
        await mkdir(target, { recursive: true });
        for (const jar of await readdir(fetched)) {
          if (!jar.endsWith(".jar") || visible.has(jarBaseName(jar))) continue;
          await copyFile(join(fetched, jar), join(target, jar));
        }
        if (recipe.policy.length > 0) {
          await writeFile(join(target, "plugin-security.policy"), recipe.policy.join("\n") + "\n");
        }
        // Written last: its presence is what marks the module as installed.
        await writeFile(join(target, DESCRIPTOR), descriptor(recipe, version));
      } catch (e) {
        throw new Error(`installModules: module ${recipe.name}: ${(e as Error).message}`);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
