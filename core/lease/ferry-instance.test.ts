import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ferryInstance } from "./ferry-instance.ts";
import { openStore } from "../store/db.ts";

const dir = mkdtempSync(join(tmpdir(), "ferry-instance-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function idOf(path: string): string {
  const store = openStore(path);
  try {
    return ferryInstance(store, path).id;
  } finally {
    store.$client.close();
  }
}

describe("ferry's instance id", () => {
  it("is random, and kept across restarts on the same database file", () => {
    const path = join(dir, "a.db");
    const first = idOf(path);
    expect(first).toMatch(/^[0-9a-f]{20}$/);
    expect(idOf(path)).toBe(first);
  });

  it("is new for a copy of the database, which holds the original's id", async () => {
    const path = join(dir, "b.db");
    const original = idOf(path);
    const copy = join(dir, "b-copy.db");
    const source = new Database(path, { readonly: true });
    await source.backup(copy);
    source.close();
    const copied = idOf(copy);
    expect(copied).not.toBe(original);
    expect(idOf(copy)).toBe(copied);
    expect(idOf(path)).toBe(original);
  });
});
