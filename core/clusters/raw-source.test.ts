import { describe, expect, it } from "vitest";
import { rawFieldOfEach } from "./raw-source.ts";

const sources = (text: string) => rawFieldOfEach(text, ["hits", "hits"], "_source");

describe("rawFieldOfEach", () => {
  it("cuts each hit's _source out of a search answer byte for byte", () => {
    const odd = '{ "b":1, "2":0,"1":0 , "big":12345678901234567890, "f":1.0, "e":1e400, "u":"\\u00e9\\"x", "n":[[1,[2]],{}] }';
    const text = `{"took":1,"_shards":{"total":1,"successful":1,"failed":0},"hits":{"hits":[` +
      `{"_id":"a","_seq_no":0,"_source":${odd},"sort":[0]},` +
      `{"_id":"b","_seq_no":1,"_source":{"k":"}]\\\\"},"sort":[1]}]}}`;
    expect(sources(text)).toEqual([odd, '{"k":"}]\\\\"}']);
    // The reason for the whole module: a parse and stringify round trip changes these bytes.
    expect(JSON.stringify(JSON.parse(odd))).not.toBe(odd);
  });

  it("keeps whitespace inside and between tokens of a pretty-printed source", () => {
    const pretty = '{\n  "a" : [ 1 , 2 ],\n  "s" : "x y"\n}';
    expect(sources(`{\n "hits" : {\n  "hits" : [ { "_source" : ${pretty} } ]\n }\n}\n`)).toEqual([pretty]);
  });

  it("answers undefined for elements without the field, in order (an mget miss)", () => {
    const text = '{"docs":[{"_id":"a","found":false},{"_id":"b","found":true,"_source":{"x":null}},7]}';
    expect(rawFieldOfEach(text, ["docs"], "_source")).toEqual([undefined, '{"x":null}', undefined]);
  });

  it("looks only at the path: a _source elsewhere is not a hit's", () => {
    const text = '{"_source":{"no":1},"hits":{"total":{"value":1},"_source":2,"hits":[{"inner":{"_source":3},"_source":true}]}}';
    expect(sources(text)).toEqual(["true"]);
  });

  it("matches escaped keys by their value and skips every value type", () => {
    const text = '{"hits":{"hits":[{"\\u005fsource":-0.5e-3,"x":[true,false,null,"\\\\",{"":[]}]}]}}';
    expect(sources(text)).toEqual(["-0.5e-3"]);
  });

  it("answers [] when the array is absent or empty", () => {
    expect(sources('{"_shards":{"failed":0}}')).toEqual([]);
    expect(sources('{"hits":{"hits":[]}}')).toEqual([]);
    expect(sources('{"hits":{"hits":null}}')).toEqual([]);
  });

  it("refuses malformed text instead of cutting a wrong slice", () => {
    for (const bad of [
      '{"hits":{"hits":[{"_source":{"a":1}]}}', // bracket mismatch
      '{"hits":{"hits":[{"_source":{"a":"x}}]}}', // unterminated string
      '{"hits":{"hits":[{"_source" {"a":1}}]}}', // missing colon on the path
      '{"hits":{"hits":[{"_source":tru}]}}',
      '{"hits":{"hits":[{"_source":01}]}}',
      '{"hits":{"hits":[]}} x',
    ]) {
      expect(() => sources(bad), bad).toThrow(/malformed JSON/);
    }
  });
});
