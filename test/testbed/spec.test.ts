// The test bed's pure choices: which distribution a string or the environment names, and which JDK runs it.
import { describe, expect, it } from "vitest";
import { pluginClass } from "./modules.ts";
import { chooseJdk, javaRange, releaseMajor } from "./prerequisites.ts";
import { parseSpec, testbedSpecs, testbedVersion } from "./spec.ts";

describe("distribution specs", () => {
  it("reads full and short forms, mapping a short one to the pinned release of its line", () => {
    expect(parseSpec("elasticsearch:8.19.21")).toEqual({ engine: "elasticsearch", version: "8.19.21" });
    expect(parseSpec("es:7.17")).toEqual({ engine: "elasticsearch", version: "7.17.29" });
    expect(parseSpec("ES:8")).toEqual({ engine: "elasticsearch", version: "8.19.21" });
    expect(parseSpec("opensearch:3")).toEqual({ engine: "opensearch", version: "3.3.2" });
    expect(parseSpec("os:2.19")).toEqual({ engine: "opensearch", version: "2.19.6" });
    expect(parseSpec("opensearch")).toEqual({ engine: "opensearch", version: "2.19.6" });
    expect(parseSpec("es")).toEqual({ engine: "elasticsearch", version: "8.19.21" });
    // A full version is taken as given, pinned or not; a bare one is OpenSearch, as FERRY_TESTBED_VERSION was.
    expect(parseSpec("es:8.19.20")).toEqual({ engine: "elasticsearch", version: "8.19.20" });
    expect(parseSpec("2.18.0")).toEqual({ engine: "opensearch", version: "2.18.0" });
    expect(parseSpec(" os:3.6.0 ")).toEqual({ engine: "opensearch", version: "3.6.0" });
  });

  it("refuses unknown engines, malformed versions and short forms no pinned line matches", () => {
    expect(() => parseSpec("solr:9")).toThrow(/unknown engine/);
    expect(() => parseSpec("es:8.x")).toThrow(/bad version/);
    expect(() => parseSpec("es:6")).toThrow(/no pinned elasticsearch release/);
    expect(() => parseSpec("os:2.1")).toThrow(/no pinned opensearch release/);
  });

  it("takes each side from FERRY_TESTBED_LEADER/FOLLOWER, else FERRY_TESTBED_VERSION, else OpenSearch 2.19.6", () => {
    const os2 = { engine: "opensearch", version: "2.19.6" };
    expect(testbedSpecs({})).toEqual({ leader: os2, follower: os2 });
    expect(testbedSpecs({ FERRY_TESTBED_LEADER: "es:7.17" })).toEqual({ leader: { engine: "elasticsearch", version: "7.17.29" }, follower: os2 });
    const os3 = { engine: "opensearch", version: "3.3.2" };
    expect(testbedSpecs({ FERRY_TESTBED_VERSION: "3", FERRY_TESTBED_FOLLOWER: "es:8.19" }))
      .toEqual({ leader: os3, follower: { engine: "elasticsearch", version: "8.19.21" } });
    expect(testbedVersion({ FERRY_TESTBED_VERSION: "2.17.1" })).toBe("2.17.1");
    expect(() => testbedVersion({ FERRY_TESTBED_VERSION: "es:8" })).toThrow(/FERRY_TESTBED_LEADER/);
    expect(() => testbedSpecs({ FERRY_TESTBED_FOLLOWER: "solr" })).toThrow(/^FERRY_TESTBED_FOLLOWER: unknown engine/);
  });
});

describe("JDK choice", () => {
  const jdk17 = { home: "/jvm/17", major: 17 };
  const jdk21 = { home: "/jvm/21", major: 21 };
  const jdk25 = { home: "/jvm/25", major: 25 };

  it("reads the feature release of a JDK's release file, old and new numbering", () => {
    expect(releaseMajor('IMPLEMENTOR="Debian"\nJAVA_VERSION="17.0.15"\n')).toBe(17);
    expect(releaseMajor('JAVA_VERSION="1.8.0_412"')).toBe(8);
    expect(releaseMajor('JAVA_VERSION="25"')).toBe(25);
    expect(releaseMajor("OS_NAME=Linux")).toBeUndefined();
  });

  it("knows which Java each line runs on", () => {
    expect(javaRange({ engine: "opensearch", version: "2.19.6" })).toEqual({ min: 11, max: 23 });
    expect(javaRange({ engine: "opensearch", version: "3.3.2" })).toEqual({ min: 21 });
    expect(javaRange({ engine: "elasticsearch", version: "7.17.29" })).toEqual({ min: 8, max: 23 });
    expect(javaRange({ engine: "elasticsearch", version: "8.19.21" })).toEqual({ min: 17 });
  });

  it("prefers JAVA_HOME's or the PATH's JDK when it fits, else the newest that fits, else none", () => {
    const all = [jdk17, jdk21, jdk25];
    expect(chooseJdk(all, { min: 11, max: 23 }, ["/jvm/17"])).toEqual(jdk17);
    expect(chooseJdk(all, { min: 11, max: 23 }, ["/jvm/25"])).toEqual(jdk21);
    expect(chooseJdk(all, { min: 21 }, ["/jvm/17"])).toEqual(jdk25);
    expect(chooseJdk(all, { min: 21 }, ["/jvm/25", "/jvm/21"])).toEqual(jdk25);
    expect(chooseJdk([jdk25], { min: 11, max: 23 }, [])).toBeUndefined();
    expect(chooseJdk([], { min: 17 })).toBeUndefined();
  });
});

describe("OpenSearch module descriptors", () => {
  it("name the plugin class each release line has", () => {
    expect(pluginClass("org.opensearch.painless.PainlessPlugin", "2.19.6")).toBe("org.opensearch.painless.PainlessPlugin");
    expect(pluginClass("org.opensearch.painless.PainlessPlugin", "3.3.2")).toBe("org.opensearch.painless.PainlessModulePlugin");
  });
});
