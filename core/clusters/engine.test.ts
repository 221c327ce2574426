import { describe, expect, it } from "vitest";
import { chooseBootstrap } from "../bootstrap/search-bootstrap.ts";
import { engineOfRootAnswer, snapshotReadable, type ClusterEngine } from "./engine.ts";

const os = (version: string): ClusterEngine => ({ engine: "opensearch", version });
const es = (version: string): ClusterEngine => ({ engine: "elasticsearch", version });

describe("engine", () => {
  it("tells OpenSearch from Elasticsearch by the root answer", () => {
    expect(engineOfRootAnswer({ version: { number: "2.19.6", distribution: "opensearch" } })).toEqual(os("2.19.6"));
    expect(engineOfRootAnswer({ version: { number: "8.19.21" } })).toEqual(es("8.19.21"));
    // OpenSearch answers 7.10.2 with compatibility mode on: the distribution field still says which.
    expect(engineOfRootAnswer({ version: { number: "7.10.2", distribution: "opensearch" } }).engine).toBe("opensearch");
  });

  it("restores snapshots only into the same engine, same or newer, at most one major up", () => {
    expect(snapshotReadable(os("2.19.6"), os("2.19.6"))).toBe(true);
    expect(snapshotReadable(os("2.19.6"), os("3.3.2"))).toBe(true);
    expect(snapshotReadable(os("3.3.2"), os("2.19.6"))).toBe(false);
    expect(snapshotReadable(os("2.19.6"), os("2.18.0"))).toBe(false);
    expect(snapshotReadable(es("7.17.29"), es("8.19.21"))).toBe(true);
    expect(snapshotReadable(es("8.19.21"), es("7.17.29"))).toBe(false);
    expect(snapshotReadable(es("7.17.29"), os("2.19.6"))).toBe(false);
    expect(snapshotReadable(os("1.3.20"), os("3.3.2"))).toBe(false);
    expect(snapshotReadable(os("2.9.0"), os("2.10.0"))).toBe(true);
  });

  it("bootstraps by copying documents where no snapshot serves, or when asked", () => {
    expect(chooseBootstrap(os("2.19.6"), os("2.19.6"), true, 0)).toBe("snapshot");
    expect(chooseBootstrap(os("2.19.6"), os("2.19.6"), true, 1)).toBe("search");
    expect(chooseBootstrap(os("2.19.6"), os("2.19.6"), false, 0)).toBe("search");
    expect(chooseBootstrap(es("7.17.29"), os("2.19.6"), true, 0)).toBe("search");
    expect(chooseBootstrap(es("8.19.21"), es("8.19.21"), true, 0)).toBe("snapshot");
  });
});
