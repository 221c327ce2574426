// The one row that says who this ferry is to the follower leases (core/lease/ferry-instance.ts).
import { ferryInstance } from "./schema.ts";
import type { Store } from "./db.ts";

export type InstanceRow = typeof ferryInstance.$inferSelect;

export function getInstance(db: Store): InstanceRow | undefined {
  return db.select().from(ferryInstance).get();
}

/** Replaces the row: a database opened somewhere else than where its id was minted gets a new one. */
export function setInstance(db: Store, id: string, boundTo: string): void {
  db.transaction((tx) => {
    tx.delete(ferryInstance).run();
    tx.insert(ferryInstance).values({ id, boundTo, createdAt: Date.now() }).run();
  });
}
