// Every statement about remote clusters.
import { eq } from "drizzle-orm";
import type { ClusterConnection } from "../clusters/connection.ts";
import type { Store } from "./db.ts";
import { remotes } from "./schema.ts";

export type RemoteRow = typeof remotes.$inferSelect;

export function upsertRemote(db: Store, alias: string, conn: ClusterConnection, source: "config" | "api"): void {
  const row = { alias, hosts: conn.hosts, auth: conn.auth, tls: conn.tls, source, updatedAt: Date.now() };
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
