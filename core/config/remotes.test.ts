// The remote registry on a real SQLite file: what reaches the file, what a restart with the right, a
// wrong or no key does, how rows of an older ferry are converted, and the allow-list on registration.
import Database from "better-sqlite3";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClusterConnection } from "../clusters/connection.ts";
import { FerryError } from "../errors.ts";
import { RemoteRegistry } from "./remotes.ts";
import { openStore, StoreError, type Store } from "../store/db.ts";

const dir = mkdtempSync(join(tmpdir(), "ferry-remotes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = randomBytes(32);
let n = 0;
function newDb(): string {
  return join(dir, `remotes-${++n}.db`);
}

/** The database's bytes on disk, WAL included, as latin1 text to search. */
function fileText(path: string): string {
  return [path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p).toString("latin1")).join("");
}

function withStore<T>(path: string, use: (db: Store) => T): T {
  const db = openStore(path);
  try {
    return use(db);
  } finally {
    db.$client.close();
  }
}

const basic = (password: string): ClusterConnection => ({ hosts: ["http://127.0.0.1:9200"], auth: { type: "basic", username: "ferry", password }, tls: {} });

describe("secrets at rest", () => {
  it("stores an API remote's password sealed, opens it after a restart with the key, and refuses a wrong or missing key", () => {
    const path = newDb();
    const planted = `planted-s3cr3t-${randomUUID()}`;
    withStore(path, (db) => {
      new RemoteRegistry(db, {}, undefined, { secretKey: key }).put("east", basic(planted));
      expect(fileText(path)).not.toContain(planted);
    });
    expect(fileText(path)).not.toContain(planted);
    withStore(path, (db) => {
      const registry = new RemoteRegistry(db, {}, undefined, { secretKey: key });
      expect(registry.connection("east").auth).toEqual({ type: "basic", username: "ferry", password: planted });
      expect(JSON.stringify(registry.list())).not.toContain(planted);
    });
    withStore(path, (db) => {
      expect(() => new RemoteRegistry(db, {}, undefined, { secretKey: randomBytes(32) })).toThrow(StoreError);
      expect(() => new RemoteRegistry(db, {}, undefined, { secretKey: randomBytes(32) })).toThrow("does not open the secrets stored for remotes [east]");
      expect(() => new RemoteRegistry(db, {})).toThrow("the database holds encrypted secrets of remotes [east], but neither FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE is set");
    });
  });

  it("keeps configured remotes' secrets in memory only, with or without a key", () => {
    for (const secretKey of [key, undefined]) {
      const path = newDb();
      const planted = `planted-s3cr3t-${randomUUID()}`;
      withStore(path, (db) => {
        const registry = new RemoteRegistry(db, { west: { ...basic(planted), auth: { type: "api_key", api_key: planted } } }, undefined, { secretKey });
        expect(registry.connection("west").auth).toEqual({ type: "api_key", api_key: planted });
      });
      expect(fileText(path)).not.toContain(planted);
    }
  });

  it("refuses an API remote with a secret when there is no key, and takes one without", () => {
    withStore(newDb(), (db) => {
      const registry = new RemoteRegistry(db);
      expect(() => registry.put("east", basic("x"))).toThrow(expect.objectContaining({
        status: 400, type: "illegal_argument_exception",
        message: "remote [east]: ferry stores passwords and API keys only encrypted, and has no key: set FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE, or configure this remote in FERRY_REMOTES",
      }));
      expect(registry.has("east")).toBe(false);
      expect(registry.put("east", { hosts: ["http://127.0.0.1:9200"], auth: { type: "none" }, tls: {} })).toEqual({ created: true });
    });
  });

  it("encrypts plain-text secrets an older ferry stored, leaving no copy in the file, and drops configured ones", () => {
    const path = newDb();
    const planted = `planted-s3cr3t-${randomUUID()}`;
    withStore(path, () => undefined);
    // As ferry stored remotes before secrets were sealed: the password inside the auth column.
    const old = new Database(path);
    const insert = old.prepare("INSERT INTO remotes (alias, hosts, auth, tls, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    insert.run("east", '["http://127.0.0.1:9200"]', JSON.stringify({ type: "basic", username: "ferry", password: planted }), "{}", "api", 1);
    insert.run("west", '["http://127.0.0.1:9200"]', JSON.stringify({ type: "api_key", api_key: `${planted}-config` }), "{}", "config", 1);
    old.close();
    expect(fileText(path)).toContain(planted);

    withStore(path, (db) => {
      expect(() => new RemoteRegistry(db)).toThrow("the database holds the password or API key of remotes [east] in plain text (stored by an older ferry). Start once with FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE set and ferry encrypts them");
    });
    withStore(path, (db) => {
      const registry = new RemoteRegistry(db, { west: { hosts: ["http://127.0.0.1:9200"], auth: { type: "api_key", api_key: "from-config" }, tls: {} } }, undefined, { secretKey: key });
      expect(registry.connection("east").auth.password).toBe(planted);
      expect(registry.connection("west").auth.api_key).toBe("from-config");
    });
    expect(fileText(path)).not.toContain(planted);
  });
});

describe("remotes allow-list", () => {
  const allowList = ["http://127.0.0.1:*"];

  it("refuses to register a host outside it, naming the host and the setting, and stores nothing", () => {
    withStore(newDb(), (db) => {
      const registry = new RemoteRegistry(db, {}, undefined, { allowList });
      expect(() => registry.put("evil", { hosts: ["http://127.0.0.1:9200", "https://evil.example.com:9200"], auth: { type: "none" }, tls: {} }))
        .toThrow(expect.objectContaining({
          status: 400, type: "illegal_argument_exception", retryable: false,
          message: "remote [evil]: host [https://evil.example.com:9200] is not allowed by remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED), which allows [http://127.0.0.1:*]",
        }));
      expect(registry.has("evil")).toBe(false);
      expect(registry.put("near", { hosts: ["http://127.0.0.1:9200"], auth: { type: "none" }, tls: {} })).toEqual({ created: true });
    });
  });

  it("refuses, retryably, to connect to a stored remote the list no longer allows", () => {
    const path = newDb();
    withStore(path, (db) => new RemoteRegistry(db).put("far", { hosts: ["https://far.example.com:9200"], auth: { type: "none" }, tls: {} }));
    withStore(path, (db) => {
      const registry = new RemoteRegistry(db, {}, undefined, { allowList });
      expect(registry.outsideAllowList()).toEqual(["far"]);
      let thrown: unknown;
      try {
        registry.connection("far");
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(FerryError);
      expect(thrown).toMatchObject({ status: 400, retryable: true, message: expect.stringContaining("host [https://far.example.com:9200] is not allowed") });
    });
  });
});
