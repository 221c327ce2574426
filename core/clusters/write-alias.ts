// Points an alias at one index as its write index, in one atomic `_aliases` call: applications that
// write through the alias switch to the promoted index at once.
import { call, callOptional } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { generationOfBackingName } from "./data-streams.ts";

/** Adds `alias` to `index` as write index and removes it from every other index; answers those. */
export async function moveWriteAlias(conn: ClusterConnection, side: string, alias: string, index: string): Promise<string[]> {
  const holders = Object.keys((await callOptional<Record<string, unknown>>(conn, side, { method: "GET", path: `/_alias/${encodeURIComponent(alias)}` })) ?? {});
  const others = holders.filter((name) => name !== index);
  await call(conn, side, {
    method: "POST", path: "/_aliases",
    body: { actions: [...others.map((name) => ({ remove: { index: name, alias } })), { add: { index, alias, is_write_index: true } }] },
  });
  return others;
}

/**
 * Makes `index` the write index of `alias` when no other index of the alias has a later generation: a
 * promoted data stream copy (docs/data-streams.md) takes the stream's writes only if it is the newest, so
 * that promoting the backing indices in any order leaves the newest one writable. Answers whether it did.
 */
export async function takeStreamWrites(conn: ClusterConnection, side: string, alias: string, index: string): Promise<boolean> {
  const holders = Object.keys((await callOptional<Record<string, unknown>>(conn, side, { method: "GET", path: `/_alias/${encodeURIComponent(alias)}` })) ?? {});
  if (!holders.includes(index) || holders.some((other) => generationOfBackingName(other) > generationOfBackingName(index))) return false;
  // Any other holder of the flag (a copy promoted before a rollover brought a newer one) gives it up in the
  // same call: an alias has at most one write index.
  const others = holders.filter((other) => other !== index).map((other) => ({ add: { index: other, alias, is_write_index: false } }));
  await call(conn, side, { method: "POST", path: "/_aliases", body: { actions: [...others, { add: { index, alias, is_write_index: true } }] } });
  return true;
}
