import { describe, expect, it } from "vitest";
import { generationOfBackingName, streamOfBackingName } from "./data-streams.ts";

describe("backing index names", () => {
  it("say their stream, on both engines", () => {
    expect(streamOfBackingName(".ds-logs-app-000001")).toBe("logs-app");
    expect(streamOfBackingName(".ds-logs-app-2026.12.07-000012")).toBe("logs-app");
    expect(streamOfBackingName(".ds-logs-2026-000001")).toBe("logs-2026");
    expect(streamOfBackingName(".ds-logs-app")).toBeUndefined();
    expect(streamOfBackingName("logs-app-000001")).toBeUndefined();
  });

  it("say their generation", () => {
    expect(generationOfBackingName(".ds-logs-app-000003")).toBe(3);
    expect(generationOfBackingName(".ds-logs-app-2026.12.07-000012")).toBe(12);
    expect(generationOfBackingName("shrink-logs-app")).toBe(-1);
  });
});
