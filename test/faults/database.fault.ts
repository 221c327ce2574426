// ferry's database at start: a missing, empty, foreign or damaged file is refused with a message that
// says what was found and what to do, instead of ferry starting empty and forgetting its replications.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ferryEnvFor, newFerryDir, removeFerryDirs, spawnFerry, type FerryProcess } from "../support/ferry-spawn.ts";
import { report } from "./workload.ts";

// No cluster: ferry reads its database before it talks to one, and with no replications it starts without.
const nowhere = "http://127.0.0.1:9";
const started: FerryProcess[] = [];
let refused = 0;

afterAll(async () => {
  await Promise.all(started.map((f) => f.stop()));
  removeFerryDirs();
});

const local = {
  async ferry(env: Record<string, string>): Promise<FerryProcess> {
    const ferry = await spawnFerry({ ...ferryEnvFor({ leader: nowhere, follower: nowhere, repoPath: newFerryDir() }), ...env });
    started.push(ferry);
    return ferry;
  },
};

/** A database ferry wrote: one remote registered through the API, then a clean stop. */
async function usedDatabase(): Promise<string> {
  const db = join(newFerryDir(), "ferry.db");
  const ferry = await local.ferry({ FERRY_DB: db });
  const put = await ferry.call("PUT", "/_ferry/remotes/kept", { hosts: "http://127.0.0.1:9" });
  expect(put.status).toBe(200);
  await ferry.stop();
  return db;
}

async function expectRefusal(env: Record<string, string>, message: RegExp): Promise<void> {
  await expect(local.ferry(env)).rejects.toThrow(message);
  refused++;
}

describe("database at start", () => {
  it("refuses a database file that is gone, and starts empty only when told to", async () => {
    const db = await usedDatabase();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
    await expectRefusal({ FERRY_DB: db, FERRY_DB_CREATE: "false" },
      /exited \(1\).*ferry: database .*ferry\.db does not exist\. Refusing to start without ferry's state; on a first start set FERRY_DB_CREATE=true/s);
    expect(existsSync(db)).toBe(false);

    const fresh = await local.ferry({ FERRY_DB: db, FERRY_DB_CREATE: "true" });
    expect((await fresh.call("GET", "/_ferry/remotes/kept")).status).toBe(404);
    await fresh.stop();
  });

  it("keeps the state of an existing database whether or not creation is allowed", async () => {
    const db = await usedDatabase();
    for (const create of ["false", "true"]) {
      const ferry = await local.ferry({ FERRY_DB: db, FERRY_DB_CREATE: create });
      expect((await ferry.call("GET", "/_ferry/remotes/kept")).body).toMatchObject({ alias: "kept", hosts: ["http://127.0.0.1:9"] });
      await ferry.stop();
    }
  });

  it("refuses an empty file", async () => {
    const db = join(newFerryDir(), "ferry.db");
    writeFileSync(db, "");
    await expectRefusal({ FERRY_DB: db, FERRY_DB_CREATE: "false" }, /ferry: database .* is an empty file, not ferry's database\. Refusing to start/);
  });

  it("refuses a file that is not SQLite, even when creation is allowed", async () => {
    const db = join(newFerryDir(), "ferry.db");
    writeFileSync(db, Buffer.from("this is not a database, but it is somebody's file".repeat(200)));
    await expectRefusal({ FERRY_DB: db, FERRY_DB_CREATE: "true" },
      /ferry: database .* is not a readable SQLite database \(file is not a database\)\. Refusing to start; restore the file from a backup/);
    expect(readFileSync(db, "utf8")).toMatch(/^this is not a database/);
  });

  it("refuses a ferry database with a damaged page", async () => {
    const db = await usedDatabase();
    const bytes = readFileSync(db);
    const pageSize = bytes.readUInt16BE(16);
    // Page 3 onwards holds tables' b-trees; garbage there is what a torn write or a bad disk leaves.
    bytes.fill(0xff, pageSize * 2, pageSize * 3);
    writeFileSync(db, bytes);
    await expectRefusal({ FERRY_DB: db, FERRY_DB_CREATE: "true" }, /ferry: database .* is (corrupt|not a readable SQLite database) \(.+\)\. Refusing to start/);
  });

  it("refuses another program's SQLite database", async () => {
    const db = join(newFerryDir(), "ferry.db");
    const other = new Database(db);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    other.close();
    await expectRefusal({ FERRY_DB: db, FERRY_DB_CREATE: "true" }, /ferry: database .* holds tables \(invoices\) but is not ferry's database/);
    report("database at start", { refused });
  });
});
