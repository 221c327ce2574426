import { describe, expect, it } from "vitest";
import { parseOptions } from "./options.ts";

describe("parseOptions", () => {
  it("defaults to issue 22's sizes in both shapes", () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ shapes: ["single", "production"], runs: 3, catchUpDocs: 200_000, bootstrapDocs: 1_000_000, rates: [500, 2000, 8000], quick: false });
  });

  it("--quick shrinks the sizes, and a size given beside it wins", () => {
    expect(parseOptions(["--quick"])).toMatchObject({ quick: true, runs: 1, catchUpDocs: 10_000, bootstrapDocs: 20_000, heap: "512m" });
    expect(parseOptions(["--quick", "--runs", "2", "--heap", "768m"])).toMatchObject({ runs: 2, heap: "768m", catchUpDocs: 10_000 });
  });

  it("selects one shape", () => {
    expect(parseOptions(["--shape", "production"]).shapes).toEqual(["production"]);
  });

  it("refuses unknown shapes, workloads and bad numbers with the flag's name", () => {
    expect(() => parseOptions(["--shape", "triple"])).toThrow(/--shape: unknown triple/);
    expect(() => parseOptions(["--shape", ","])).toThrow(/--shape names none/);
    expect(() => parseOptions(["--workloads", "steady,nap"])).toThrow(/--workloads: unknown nap/);
    expect(() => parseOptions(["--runs", "0"])).toThrow(/--runs must be a positive integer/);
    expect(() => parseOptions(["--delete-share", "1"])).toThrow(/--delete-share/);
  });
});
