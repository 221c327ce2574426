// Opens ferry's SQLite database (WAL), applies the migrations in migrations/, and hands out the handle.
// A file that is not ferry's readable database is refused rather than replaced: starting empty would
// silently forget every replication (follower indices would stay guarded and stop following).
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as schema from "./schema.ts";

export type Store = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The database cannot be used as it is; the message says what was found and what a person can do. */
export class StoreError extends Error {}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "migrations");
/** Drizzle's record of applied migrations: present in every database ferry has ever opened. */
const MIGRATIONS_TABLE = "__drizzle_migrations";
const WAY_OUT = "restore the file from a backup, or move it away and start once with FERRY_DB_CREATE=true to begin with no replications";

/**
 * The start-up rule for a missing database: ferry creates one only when told to (FERRY_DB_CREATE, config
 * `db_create`). Otherwise a missing or empty file means the state is somewhere else (wrong path, volume
 * not mounted, file deleted), and starting empty would hide that.
 */
export function refuseMissingStore(path: string, mayCreate: boolean): void {
  if (mayCreate) return;
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new StoreError(`database ${path} cannot be read: ${(err as Error).message}`);
    throw new StoreError(`database ${path} does not exist. Refusing to start without ferry's state; on a first start set FERRY_DB_CREATE=true to create it, otherwise point FERRY_DB at the existing file`);
  }
  if (size === 0) {
    throw new StoreError(`database ${path} is an empty file, not ferry's database. Refusing to start without ferry's state; ${WAY_OUT}`);
  }
}

export function openStore(path: string): Store {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path);
    // WAL: readers never block the writer; synchronous=FULL: an acknowledged transition survives power loss.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    checkReadable(sqlite, path);
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder });
    return db as Store;
  } catch (err) {
    sqlite?.close();
    if (err instanceof StoreError) throw err;
    // better-sqlite3 reports damage as SqliteError (SQLITE_NOTADB, SQLITE_CORRUPT, ...), also mid-migration.
    if ((err as { code?: unknown }).code?.toString().startsWith("SQLITE_")) {
      throw new StoreError(`database ${path} is not a readable SQLite database (${(err as Error).message}). Refusing to start; ${WAY_OUT}`);
    }
    throw err;
  }
}

/** Damage that opening does not reveal (a bad page deep in the file), and SQLite files that are not ferry's. */
function checkReadable(sqlite: Database.Database, path: string): void {
  const problems = (sqlite.pragma("quick_check") as Array<{ quick_check: string }>).map((row) => row.quick_check);
  if (problems.length !== 1 || problems[0] !== "ok") {
    throw new StoreError(`database ${path} is corrupt (${problems.slice(0, 3).join("; ").replace(/\s+/g, " ")}). Refusing to start; ${WAY_OUT}`);
  }
  const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((row) => row.name);
  if (tables.length > 0 && !tables.includes(MIGRATIONS_TABLE)) {
    throw new StoreError(`database ${path} holds tables (${tables.slice(0, 5).join(", ")}) but is not ferry's database. Refusing to start; point FERRY_DB at ferry's file`);
  }
}
