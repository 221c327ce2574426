import { describe, expect, it } from "vitest";
import { bulkBodies, indexLine, versionedDeleteLine, versionedIndexLines, type BulkLine } from "./bulk-body.ts";

const text = (bodies: Buffer[]) => bodies.map((b) => b.toString("utf8"));

describe("bulkBodies", () => {
  it("writes each action and source byte for byte, one line each", () => {
    const source = Buffer.from('{ "b":1, "1":0, "big":12345678901234567890, "e":1e400, "u":"\\u00e9 é 😀" }');
    const lines = [indexLine("f", "é/1", "r", 7, source), versionedDeleteLine("f", "gone", undefined, 3, 0)];
    const [body, ...rest] = bulkBodies(lines, 1 << 20);
    expect(rest).toEqual([]);
    expect(body!.equals(Buffer.concat([
      Buffer.from('{"index":{"_index":"f","_id":"é/1","version":7,"version_type":"external_gte","routing":"r"}}\n'), source, Buffer.from("\n"),
      Buffer.from('{"delete":{"_index":"f","_id":"gone","version":4,"version_type":"external_gte"}}\n'),
    ]))).toBe(true);
  });

  it("renders the same action for a page of hits as for one document", () => {
    const hits = [{ _id: 'a"b', _seq_no: 4, source: Buffer.from("{}") }, { _id: "c", _seq_no: 9, _routing: "x\\y", source: Buffer.from("[]") }];
    expect(versionedIndexLines("idx", hits, 10)).toEqual(hits.map((h) => indexLine("idx", h._id, h._routing, h._seq_no + 11, h.source)));
    for (const line of versionedIndexLines("idx", hits, 0)) expect(() => JSON.parse(line.action)).not.toThrow();
  });

  it("turns line breaks between a source's tokens into spaces, and leaves the source it was given alone", () => {
    const pretty = Buffer.from('{\n  "a" : [ 1,\r\n 2 ]\n}');
    const [body] = bulkBodies([indexLine("f", "1", undefined, 1, pretty)], 1 << 20);
    expect(body!.toString().split("\n")[1]).toBe('{   "a" : [ 1,\r  2 ] }');
    expect(pretty.toString()).toBe('{\n  "a" : [ 1,\r\n 2 ]\n}');
  });

  it("cuts bodies at maxBytes, counting multi-byte characters as their bytes, a larger line alone", () => {
    const line = (id: string, bytes: number): BulkLine => indexLine("f", id, undefined, 1, Buffer.from(`{"s":"${"é".repeat((bytes - 8) / 2)}"}`));
    const lines = [line("1", 400), line("2", 400), line("3", 2_000), line("4", 100), line("5", 100)];
    const bodies = bulkBodies(lines, 1_000);
    expect(bodies.map((b) => b.toString().split("\n").filter(Boolean).length / 2)).toEqual([2, 1, 2]);
    expect(bodies.every((b, i) => i === 1 || b.length <= 1_000)).toBe(true);
    expect(Buffer.concat(bodies).equals(Buffer.concat(bulkBodies(lines, 1 << 20)))).toBe(true);
    expect(text(bulkBodies([], 1_000))).toEqual([]);
  });
});
