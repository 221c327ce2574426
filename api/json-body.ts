// Strict JSON parsing of request bodies that remembers where each key sits, so errors can name a
// [line:column] as OpenSearch's parsers do, and that refuses duplicate keys as OpenSearch does.
import { requestErrors } from "../core/errors.ts";

export interface Location {
  line: number;
  column: number;
}

export interface ParsedBody {
  value: unknown;
  /** Where the key (or, for the root, the value) at a JSON pointer starts; 1-based. */
  locate(pointer: string): Location;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const MAX_DEPTH = 200;

export function parseJsonBody(text: string): ParsedBody {
  const keyOffsets = new Map<string, number>();
  let pos = 0;

  const location = (offset: number): Location => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
      if (text[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };
  const fail = (what: string, offset = pos): never => {
    const { line, column } = location(offset);
    throw requestErrors.parse(`[${line}:${column}] ${what}`);
  };
  const skipSpace = () => {
    while (pos < text.length && " \t\n\r".includes(text[pos]!)) pos++;
  };
  const readString = (): string => {
    STRING.lastIndex = pos;
    const match = STRING.exec(text);
    if (!match) fail("invalid string");
    pos = STRING.lastIndex;
    return JSON.parse(match![0]) as string;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[pos] !== char) fail(pos >= text.length ? `unexpected end of input, expected '${char}'` : `unexpected character '${text[pos]}', expected '${char}'`);
    pos++;
  };

  const readValue = (pointer: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) fail("request body is nested too deeply");
    skipSpace();
    const char = text[pos];
    if (char === "{") {
      pos++;
      const object: Record<string, unknown> = {};
      skipSpace();
      if (text[pos] === "}") {
        pos++;
        return object;
      }
      for (;;) {
        skipSpace();
        const keyOffset = pos;
        if (text[pos] !== '"') fail("expected a field name");
        const key = readString();
        const keyPointer = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (Object.hasOwn(object, key)) fail(`duplicate field [${key}]`, keyOffset);
        keyOffsets.set(keyPointer, keyOffset);
        expect(":");
        // defineProperty: a "__proto__" key must become a plain field, not the prototype.
        Object.defineProperty(object, key, { value: readValue(keyPointer, depth + 1), enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        expect("}");
        return object;
      }
    }
    if (char === "[") {
      pos++;
      const array: unknown[] = [];
      skipSpace();
      if (text[pos] === "]") {
        pos++;
        return array;
      }
      for (;;) {
        array.push(readValue(`${pointer}/${array.length}`, depth + 1));
        skipSpace();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        expect("]");
        return array;
      }
    }
    if (char === '"') return readString();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (number) {
      pos = NUMBER.lastIndex;
      return Number(number[0]);
    }
    return fail(pos >= text.length ? "unexpected end of input" : `unexpected character '${char}'`);
  };

  skipSpace();
  const rootOffset = pos;
  const value = readValue("", 0);
  skipSpace();
  if (pos < text.length) fail(`unexpected character '${text[pos]}' after the end of the body`);
  return {
    value,
    locate: (pointer) => location(keyOffsets.get(pointer) ?? rootOffset),
  };
}
