import { describe, expect, it } from "vitest";
import { engineErrors } from "../errors.ts";
import { withoutUnknownSettings } from "./unknown-settings.ts";

describe("withoutUnknownSettings", () => {
  it("drops each setting the cluster names as unknown and keeps the rest", async () => {
    const sent: Array<Record<string, unknown>> = [];
    const known = new Set(["index.number_of_replicas", "index.refresh_interval"]);
    const dropped = await withoutUnknownSettings(
      { "index.number_of_replicas": 1, "index.lifecycle.name": "p", "index.refresh_interval": "5s", "index.mode": "standard" },
      async (settings) => {
        sent.push(settings);
        const unknown = Object.keys(settings).find((k) => !known.has(k));
        if (unknown) throw engineErrors.fatal(`follower answered 400: illegal_argument_exception: unknown setting [${unknown}] please check that any required plugins are installed`);
      });
    expect(dropped).toEqual(["index.lifecycle.name", "index.mode"]);
    expect(sent.at(-1)).toEqual({ "index.number_of_replicas": 1, "index.refresh_interval": "5s" });
  });

  it("passes any other error on", async () => {
    await expect(withoutUnknownSettings({ a: 1 }, async () => { throw engineErrors.fatal("mapper_parsing_exception: no"); }))
      .rejects.toThrow(/mapper_parsing/);
  });
});
