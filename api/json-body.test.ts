import { describe, expect, it } from "vitest";
import { isFerryError } from "../core/errors.ts";
import { parseJsonBody } from "./json-body.ts";

function parseError(text: string): string {
  try {
    parseJsonBody(text);
  } catch (err) {
    if (isFerryError(err)) return err.reason;
    throw err;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseJsonBody", () => {
  it("parses what JSON.parse parses", () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"],"b":{"c":{}}, "d":[]}';
    expect(parseJsonBody(text).value).toEqual(JSON.parse(text));
  });

  it("locates keys as 1-based line and column", () => {
    const body = parseJsonBody('{\n  "a": {\n    "b/c": 1\n  }\n}');
    expect(body.locate("/a")).toEqual({ line: 2, column: 3 });
    expect(body.locate("/a/b~1c")).toEqual({ line: 3, column: 5 });
    expect(body.locate("")).toEqual({ line: 1, column: 1 });
  });

  it("keeps __proto__ as a plain field", () => {
    const value = parseJsonBody('{"__proto__":{"polluted":true}}').value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a":1,"a":2}', "[1:8] duplicate field [a]"],
    ['{"a":}', "[1:6] unexpected character '}'"],
    ['{"a":1', "[1:7] unexpected end of input, expected '}'"],
    ["{'a':1}", "[1:2] expected a field name"],
    ['{"a":1}}', "[1:8] unexpected character '}' after the end of the body"],
    ['{"a":"\u0001"}', "[1:6] invalid string"],
    ["[01]", "[1:3] unexpected character '1', expected ']'"],
    ["[".repeat(300), "[1:202] request body is nested too deeply"],
  ])("refuses %s", (text, reason) => {
    expect(parseError(text)).toBe(reason);
  });
});
