import { describe, expect, it } from "vitest";
import { byteSize, repositoryThrottles, restoreLimit, staleThrottles } from "./bandwidth.ts";

describe("bootstrap bandwidth", () => {
  it("throttles the repository at the setting, in bytes, 0 for no cap", () => {
    expect(repositoryThrottles({ location: "/r" }, 0)).toEqual({ max_snapshot_bytes_per_sec: "0b", max_restore_bytes_per_sec: "0b" });
    expect(repositoryThrottles({ location: "/r" }, 52_428_800)).toEqual({ max_snapshot_bytes_per_sec: "52428800b", max_restore_bytes_per_sec: "52428800b" });
  });

  it("leaves a throttle the configured repository gives to the operator", () => {
    expect(repositoryThrottles({ bucket: "b", max_snapshot_bytes_per_sec: "20mb" }, 0)).toEqual({ max_restore_bytes_per_sec: "0b" });
  });

  it("changes only throttles that differ", () => {
    const wanted = { max_snapshot_bytes_per_sec: "0b", max_restore_bytes_per_sec: "0b" };
    expect(staleThrottles({ location: "/r" }, wanted)).toEqual(["max_snapshot_bytes_per_sec", "max_restore_bytes_per_sec"]);
    expect(staleThrottles({ location: "/r", max_snapshot_bytes_per_sec: "0b", max_restore_bytes_per_sec: "40mb" }, wanted)).toEqual(["max_restore_bytes_per_sec"]);
    expect(staleThrottles({ ...wanted, readonly: "true" }, wanted)).toEqual([]);
  });

  it("reads byte sizes as the clusters write them", () => {
    expect(byteSize("40mb")).toBe(41_943_040);
    expect(byteSize("100kb")).toBe(102_400);
    expect(byteSize("1.5gb")).toBe(1_610_612_736);
    expect(byteSize("0")).toBe(0);
    expect(byteSize("-1")).toBe(-1);
    expect(byteSize("0b")).toBe(0);
    expect(byteSize("fast")).toBeUndefined();
    expect(byteSize("3xb")).toBeUndefined();
  });

  it("says the recovery limit caps the restore only when it is below what the setting allows", () => {
    expect(restoreLimit("40mb", 0)).toMatchObject({ setting: "indices.recovery.max_bytes_per_sec", value: "40mb" });
    expect(restoreLimit("40mb", 0)!.reason).toMatch(/allows no cap/);
    expect(restoreLimit("40mb", 100 * 2 ** 20)).toMatchObject({ value: "40mb" });
    expect(restoreLimit("40mb", 40 * 2 ** 20)).toBeUndefined();
    expect(restoreLimit("40mb", 10 * 2 ** 20)).toBeUndefined();
    expect(restoreLimit("0", 0)).toBeUndefined();
    expect(restoreLimit("-1", 0)).toBeUndefined();
    expect(restoreLimit(undefined, 0)).toBeUndefined();
    expect(restoreLimit("lots", 0)).toBeUndefined();
  });
});
