import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bulkTargets, reindexTargets, writeTarget } from "./write-target.ts";

describe("writeTarget", () => {
  it.each([
    ["PUT", "/f1/_doc/1", ["f1"]],
    ["POST", "/f1/_doc", ["f1"]],
    ["DELETE", "/f1/_doc/1", ["f1"]],
    ["PUT", "/f1/_create/1", ["f1"]],
    ["POST", "/f1/_update/1", ["f1"]],
    ["POST", "/f1/_delete_by_query", ["f1"]],
    ["POST", "/f1,f2/_update_by_query", ["f1", "f2"]],
    ["DELETE", "/f1", ["f1"]],
    ["POST", "/f1/_close", ["f1"]],
    ["PUT", "/f1/_settings", ["f1"]],
    ["PUT", "/f1/_mapping", ["f1"]],
    ["POST", "/f1/_mappings", ["f1"]],
    ["DELETE", "/caf%C3%A9", ["café"]],
  ])("%s %s writes to %j", (method, path, indices) => {
    expect(writeTarget(method, path)).toEqual({ kind: "indices", indices });
  });

  it.each([
    ["GET", "/f1/_doc/1"],
    ["GET", "/f1/_search"],
    ["POST", "/f1/_search"],
    ["PUT", "/f1"],
    ["DELETE", "/f1/_doc"],
    ["PUT", "/f1/_update/1"],
    ["POST", "/f1/_create"],
    ["GET", "/f1/_settings"],
    ["GET", "/_cat/indices"],
    ["POST", "/_refresh"],
    ["POST", "/f1/_open"],
    ["GET", "/"],
  ])("%s %s writes nothing", (method, path) => {
    expect(writeTarget(method, path)).toBeUndefined();
  });

  it("recognizes bulk and reindex, whose targets are in the body", () => {
    expect(writeTarget("POST", "/_bulk")).toEqual({ kind: "bulk" });
    expect(writeTarget("PUT", "/f1/_bulk")).toEqual({ kind: "bulk", defaultIndex: ["f1"] });
    expect(writeTarget("POST", "/_reindex")).toEqual({ kind: "reindex" });
  });
});

describe("bulkTargets", () => {
  it("reads every action line and skips document lines", () => {
    const body = [
      '{"index":{"_index":"a","_id":"1"}}',
      '{"delete":{"_index":"trap"}}',
      '{"delete":{"_index":"b","_id":"2"}}',
      '{"create":{"_id":"3"}}',
      '{"x":1}',
      '{"update":{"_index":"c","_id":"4"}}',
      '{"doc":{"x":1}}',
      "",
    ].join("\n");
    // "trap" is the document of the index action, not an action.
    expect(bulkTargets(body, ["dflt"]).sort()).toEqual(["a", "b", "c", "dflt"]);
  });

  it("tolerates blank lines, CRLF and lines that are not JSON", () => {
    expect(bulkTargets('\r\n{"delete":{"_index":"a","_id":"1"}}\r\n\nnot json\n{"delete":{"_id":"2"}}\n', ["d"]).sort()).toEqual(["a", "d"]);
  });
});

describe("reindexTargets", () => {
  it("reads dest.index", () => {
    expect(reindexTargets('{"source":{"index":"x"},"dest":{"index":"f1"}}')).toEqual(["f1"]);
    expect(reindexTargets("{")).toEqual([]);
    expect(reindexTargets('{"dest":{}}')).toEqual([]);
  });
});

describe("bulkTargets on generated bodies", () => {
  const name = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });
  const item = fc.record({
    op: fc.constantFrom("index", "create", "update", "delete"),
    index: fc.option(name, { nil: undefined }),
    // Document lines that look like actions must not be read as actions.
    source: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.record({ delete: fc.record({ _index: name }) })),
  });

  it("finds exactly the indices of the action lines", () => {
    fc.assert(fc.property(fc.array(item, { maxLength: 20 }), fc.option(name, { nil: undefined }), (items, dflt) => {
      const body = items.map((i) => {
        const action = JSON.stringify({ [i.op]: i.index === undefined ? {} : { _index: i.index } });
        return i.op === "delete" ? `${action}\n` : `${action}\n${JSON.stringify(i.source)}\n`;
      }).join("");
      const expected = new Set(items.flatMap((i) => (i.index !== undefined ? [i.index] : dflt !== undefined ? [dflt] : [])));
      expect(new Set(bulkTargets(body, dflt === undefined ? [] : [dflt]))).toEqual(expected);
    }), { numRuns: 300 });
  });

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => {
      expect(Array.isArray(bulkTargets(text))).toBe(true);
    }));
  });
});
