import { describe, expect, it } from "vitest";
import { parseRaw, pickRaw } from "./raw-source.ts";

const PAGE = { _shards: true, hits: { hits: [{ _id: true, _seq_no: true, _source: true }] } } as const;
const MGET = { docs: [{ _source: true }] } as const;

/** Each hit's `_source` as text, from an answer given as text. */
const sources = (text: string) => (pickRaw(Buffer.from(text), PAGE).hits?.hits ?? []).map((hit) => hit?._source?.toString());

const answer = (...sourceTexts: string[]) =>
  `{"took":1,"_shards":{"total":1,"successful":1,"failed":0},"hits":{"hits":[` +
  sourceTexts.map((s, i) => `{"_index":"i","_id":"d${i}","_score":null,"_seq_no":${i},"_source":${s},"sort":[${i}]}`).join(",") + "]}}";

/** Documents of every kind of JSON value, with what makes a scanner slip: escapes, quotes and brackets
 * in strings, keys named like the ones the scanner looks for, multi-byte characters. */
function randomSource(rnd: () => number, depth = 0): string {
  const strings = ['"plain"', '"\\"quoted\\""', '"}]{[,:"', '"\\\\"', '"\\\\\\""', '"_source"', '"\\u005fsource"', '"é ü 中文 😀"',
    '"\\u00e9\\ud83d\\ude00"', `"${"x".repeat(31)}\\""`, `"${"y".repeat(30)}\\\\"`, `"${"z".repeat(200)}\\"${"w".repeat(40)}"`, '""'];
  const numbers = ["0", "-0.5e-3", "12345678901234567890", "1.0", "1e400", "-7", "3.25E+2"];
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const roll = rnd();
  if (depth > 3 || roll < 0.4) return pick([...strings, ...numbers, "true", "false", "null"]);
  const ws = () => pick(["", "", " ", "\n  ", "\t"]);
  const n = Math.floor(rnd() * 5);
  if (roll < 0.6) return `[${ws()}${Array.from({ length: n }, () => randomSource(rnd, depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  return `{${ws()}${Array.from({ length: n }, () => `${pick(strings)}${ws()}:${ws()}${randomSource(rnd, depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

describe("pickRaw", () => {
  it("cuts each hit's _source out of a search answer byte for byte", () => {
    const odd = '{ "b":1, "2":0,"1":0 , "big":12345678901234567890, "f":1.0, "e":1e400, "u":"\\u00e9\\"x", "n":[[1,[2]],{}] }';
    expect(sources(answer(odd, '{"k":"}]\\\\"}'))).toEqual([odd, '{"k":"}]\\\\"}']);
    // The reason for the whole module: a parse and stringify round trip changes these bytes.
    expect(JSON.stringify(JSON.parse(odd))).not.toBe(odd);
  });

  it("picks the small values beside the sources, parsed by parseRaw", () => {
    const picked = pickRaw(Buffer.from(answer('{"a":1}', '{"b":2}')), PAGE);
    expect(parseRaw(picked._shards)).toEqual({ total: 1, successful: 1, failed: 0 });
    expect(picked.hits!.hits!.map((h) => [parseRaw<string>(h!._id), parseRaw<number>(h!._seq_no)])).toEqual([["d0", 0], ["d1", 1]]);
  });

  it("parses small values as JSON.parse does, on its fast paths and off them", () => {
    for (const value of ['"doc-1"', '"é 😀"', '""', '"a\\"b"', '"\u00e9"', "0", "7", "123456789012345", "1234567890123456789", "-3", "1.5", "2e3", "null", "true", '{"a":[1]}']) {
      expect(parseRaw(Buffer.from(value)), value).toEqual(JSON.parse(value));
    }
    expect(parseRaw(undefined)).toBeUndefined();
  });

  it("keeps every byte of multi-byte characters, raw or escaped, and of invalid UTF-8", () => {
    const source = Buffer.concat([Buffer.from('{"t":"é 中文 😀 \\ud83d\\ude00","bad":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const page = Buffer.concat([Buffer.from('{"hits":{"hits":[{"_id":"é","_source":'), source, Buffer.from("}]}}")]);
    const hit = pickRaw(page, PAGE).hits!.hits![0]!;
    expect(hit._source!.equals(source)).toBe(true);
    expect(parseRaw(hit._id)).toBe("é");
  });

  it("keeps whitespace inside and between tokens of a pretty-printed source", () => {
    const pretty = '{\n  "a" : [ 1 , 2 ],\n  "s" : "x y"\n}';
    expect(sources(`{\n "hits" : {\n  "hits" : [ { "_source" : ${pretty} } ]\n }\n}\n`)).toEqual([pretty]);
  });

  it("cuts random documents exactly, whatever their strings, numbers and nesting", () => {
    const rnd = seeded(22);
    for (let round = 0; round < 200; round++) {
      const docs = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => `{"d":${randomSource(rnd)}}`);
      expect(sources(answer(...docs))).toEqual(docs);
    }
  });

  it("cuts a source of megabytes, long strings with escapes at every distance from their start", () => {
    const fields = Array.from({ length: 2_000 }, (_, i) => `"f${i}":"${"a".repeat(i % 97)}\\"${"\\\\".repeat(i % 3)}${"b".repeat(i)}"`);
    const huge = `{${fields.join(",")},"tail":{"_source":"not this one"}}`;
    expect(huge.length).toBeGreaterThan(2_000_000);
    expect(sources(answer(huge, "{}"))).toEqual([huge, "{}"]);
  });

  it("answers undefined for elements without the field, in order (an mget miss)", () => {
    const text = '{"docs":[{"_id":"a","found":false},{"_id":"b","found":true,"_source":{"x":null}},7]}';
    expect(pickRaw(Buffer.from(text), MGET).docs!.map((d) => d?._source?.toString())).toEqual([undefined, '{"x":null}', undefined]);
  });

  it("looks only at the path: a _source elsewhere, or in a string, is not a hit's", () => {
    const text = '{"_source":{"no":1},"hits":{"total":{"value":1},"_source":2,"hits":[{"inner":{"_source":3},"x":"\\"_source\\":4","_source":true}]}}';
    expect(sources(text)).toEqual(["true"]);
  });

  it("matches escaped keys by their value and skips every value type", () => {
    const text = '{"hits":{"hits":[{"\\u005fsource":-0.5e-3,"x":[true,false,null,"\\\\",{"":[]}]}]}}';
    expect(sources(text)).toEqual(["-0.5e-3"]);
  });

  it("answers nothing when the array is absent, empty or of another kind, and {} for a document that is no object", () => {
    expect(sources('{"_shards":{"failed":0}}')).toEqual([]);
    expect(sources('{"hits":{"hits":[]}}')).toEqual([]);
    expect(sources('{"hits":{"hits":null}}')).toEqual([]);
    expect(pickRaw(Buffer.from(" [1] "), PAGE)).toEqual({});
  });

  it("refuses malformed text instead of cutting a wrong slice", () => {
    for (const bad of [
      '{"hits":{"hits":[{"_source":{"a":1}]}}', // bracket mismatch
      '{"hits":{"hits":[{"_source":{"a":"x}}]}}', // unterminated string
      `{"hits":{"hits":[{"_source":{"a":"${"x".repeat(40)}}}]}}`, // unterminated long string
      '{"hits":{"hits":[{"_source":{"a":"x\\"}}]}}', // an escaped quote does not end a string
      '{"hits":{"hits":[{"_source" {"a":1}}]}}', // missing colon on the path
      '{"hits":{"hits":[{"_source":tru}]}}',
      '{"hits":{"hits":[{"_source":01}]}}',
      '{"hits":{"hits":[{"_source":1.}]}}',
      '{"hits":{"hits":[{"_source":-}]}}',
      '{"hits":{"hits":[{"_source":1e}]}}',
      '{"hits":{"hits":[]}} x',
      "<html>bad gateway</html>",
    ]) {
      expect(() => sources(bad), bad).toThrow(/malformed JSON/);
    }
  });

  it("refuses every truncation of an answer", () => {
    const text = answer('{"a":[1,{"b":"c\\"d"}],"e":"' + "f".repeat(50) + '"}', "{}");
    for (let end = 1; end < text.length; end++) {
      const cut = text.slice(0, end);
      expect(() => sources(cut), cut).toThrow(/malformed JSON/);
    }
  });
});
