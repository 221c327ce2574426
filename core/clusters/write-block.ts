// The leader's write block, as a planned promote sets and (on timeout) removes it. `PUT _block/write` is
// used rather than a settings update because it also waits for the writes in flight on every primary
// (OpenSearch's TransportVerifyShardIndexBlockAction takes all operation permits of each primary before the
// block is final), so no write is acknowledged after it answers.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";

const settingsPath = (index: string) => `/${encodeURIComponent(index)}/_settings`;

/** Whether the index is write-blocked now (a promote then leaves it so when it rolls back). */
export async function writeBlocked(conn: ClusterConnection, side: string, index: string): Promise<boolean> {
  const current = await call(conn, side, {
    method: "GET", path: `${settingsPath(index)}/index.blocks.write`, querystring: { flat_settings: true },
  });
  return String(current?.[index]?.settings?.["index.blocks.write"]) === "true";
}

export async function blockWrites(conn: ClusterConnection, side: string, index: string): Promise<void> {
  await call(conn, side, { method: "PUT", path: `/${encodeURIComponent(index)}/_block/write` });
}

export async function unblockWrites(conn: ClusterConnection, side: string, index: string): Promise<void> {
  await call(conn, side, { method: "PUT", path: settingsPath(index), body: { "index.blocks.write": null } });
}
