// The leader's write block, as a planned promote sets and (on timeout) removes it. `PUT _block/write` is
// used rather than a settings update because it also waits for the writes in flight on every primary
// (OpenSearch's TransportVerifyShardIndexBlockAction takes all operation permits of each primary before the
// block is final), so no write is acknowledged after it answers.
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";

const settingsPath = (index: string) => `/${encodeURIComponent(index)}/_settings`;

/** Blocks writes to the index; answers whether it was blocked already (then it is left so on undo). */
export async function blockWrites(conn: ClusterConnection, side: string, index: string): Promise<{ wasBlocked: boolean }> {
  const current = await call(conn, side, {
    method: "GET", path: `${settingsPath(index)}/index.blocks.write`, querystring: { flat_settings: true },
  });
  const wasBlocked = String(current?.[index]?.settings?.["index.blocks.write"]) === "true";
  await call(conn, side, { method: "PUT", path: `/${encodeURIComponent(index)}/_block/write` });
  return { wasBlocked };
}

export async function unblockWrites(conn: ClusterConnection, side: string, index: string): Promise<void> {
  await call(conn, side, { method: "PUT", path: settingsPath(index), body: { "index.blocks.write": null } });
}
