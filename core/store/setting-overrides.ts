// Every statement about tunables changed through the API.
import { eq } from "drizzle-orm";
import type { Store } from "./db.ts";
import { settingOverrides } from "./schema.ts";

export function listSettingOverrides(db: Store): Array<{ name: string; value: number }> {
  return db.select({ name: settingOverrides.name, value: settingOverrides.value }).from(settingOverrides).all();
}

export function putSettingOverride(db: Store, name: string, value: number): void {
  const updatedAt = Date.now();
  db.insert(settingOverrides).values({ name, value, updatedAt })
    .onConflictDoUpdate({ target: settingOverrides.name, set: { value, updatedAt } }).run();
}

export function deleteSettingOverride(db: Store, name: string): void {
  db.delete(settingOverrides).where(eq(settingOverrides.name, name)).run();
}
