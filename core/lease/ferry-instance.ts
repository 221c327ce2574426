// Who this ferry is to the follower leases (core/lease/follower-lease.ts). A random id persisted in the database,
// bound to where that database lives: host name, real path, and the file's device and inode. The same
// ferry restarted keeps its id (it still holds its leases); a copy of the database (a standby, a restored
// backup, another container with the same host name and path) is a new file, so it mints its own id and
// can never pass for the original. A binding that changes without a copy (a move, a filesystem whose
// inode numbers are not stable) only costs a new id: that ferry then waits out its old lease once, which
// is the safe way to be wrong.
import { randomBytes } from "node:crypto";
import { realpathSync, statSync } from "node:fs";
import { hostname } from "node:os";
import type { Store } from "../store/db.ts";
import { getInstance, setInstance } from "../store/ferry-instance.ts";

export interface FerryInstance {
  /** Random, stable across restarts of the same ferry on the same database file. */
  id: string;
  /** For people: where that ferry runs. */
  name: string;
}

export function ferryInstance(db: Store, dbPath: string): FerryInstance {
  const path = realpathSync(dbPath);
  const file = statSync(path);
  const name = `${hostname()}:${path}`;
  const boundTo = `${name}#${file.dev}:${file.ino}`;
  const row = getInstance(db);
  if (row?.boundTo === boundTo) return { id: row.id, name };
  const id = randomBytes(10).toString("hex");
  setInstance(db, id, boundTo);
  return { id, name };
}
