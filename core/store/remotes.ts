// Every statement about remote clusters. Rows hold no plain secret: `auth` keeps type and user name, and
// `secret` the sealed password or API key (core/config/remotes.ts decides what is sealed and with which key).
import { eq } from "drizzle-orm";
import type { RemoteAuth, RemoteTls } from "../clusters/connection.ts";
import type { Store } from "./db.ts";
import { remotes } from "./schema.ts";

export type RemoteRow = typeof remotes.$inferSelect;

export interface StoredRemote {
  hosts: string[];
  /** Without password and API key. */
  auth: RemoteAuth;
  tls: RemoteTls;
  secret: string | null;
}

export function upsertRemote(db: Store, alias: string, remote: StoredRemote, source: "config" | "api"): void {
  const row = { alias, hosts: remote.hosts, auth: remote.auth, tls: remote.tls, secret: remote.secret, source, updatedAt: Date.now() };
  db.insert(remotes).values(row).onConflictDoUpdate({ target: remotes.alias, set: row }).run();
}

export function getRemote(db: Store, alias: string): RemoteRow | undefined {
  return db.select().from(remotes).where(eq(remotes.alias, alias)).get();
}

export function listRemotes(db: Store): RemoteRow[] {
  return db.select().from(remotes).orderBy(remotes.alias).all();
}

export function deleteRemote(db: Store, alias: string): boolean {
  return db.delete(remotes).where(eq(remotes.alias, alias)).run().changes > 0;
}

/**
 * Replaces plain-text secrets written by an older ferry, then rebuilds the file: an updated row leaves
 * its old bytes in free space of the page, and VACUUM plus a truncating checkpoint leave no copy of them
 * in the database or its WAL.
 */
export function replacePlainSecrets(db: Store, rows: Array<{ alias: string; auth: RemoteAuth; secret: string | null }>): void {
  db.transaction((tx) => {
    for (const row of rows) tx.update(remotes).set({ auth: row.auth, secret: row.secret, updatedAt: Date.now() }).where(eq(remotes.alias, row.alias)).run();
  });
  db.$client.exec("VACUUM");
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
}
