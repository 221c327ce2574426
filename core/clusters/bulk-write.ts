// A `_bulk` body sent to the follower, and what became of each of its operations. The answer is asked
// with filter_path for the fields ferry reads, so a successful item is a status and a sequence number
// instead of index, id, version, result and shard counts: for a page of documents the full answer
// costs more to parse than the page's metadata.
//
// It is parsed with JSON.parse, not through the client's prototype-poisoning guard. That guard exists for
// code that merges a parsed object into another (where a `__proto__` key would reach a prototype); it
// costs a scan of every answer for such keys. This answer is to ferry's own request, cut down to fixed
// field names, and ferry only reads fields off it: nothing in it is merged, so there is nothing to guard.
import { callBytes } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";

export interface BulkItem {
  status: number;
  /** "created", "updated", "deleted", "not_found", ...: only when asked for. */
  result?: string;
  _seq_no?: number;
  error?: { type: string; reason: string };
}

const ITEM_FIELDS = ["status", "_seq_no", "error.type", "error.reason"];

/** Writes `body`; answers each operation's outcome, in the order of the body's operations. `result` asks
 * for each item's result too. pipeline=_none: a default pipeline restored from the leader must not
 * transform documents a second time. */
export async function writeBulk(conn: ClusterConnection, body: Buffer, options: { result?: boolean } = {}): Promise<BulkItem[]> {
  const fields = options.result ? [...ITEM_FIELDS, "result"] : ITEM_FIELDS;
  const bytes = await callBytes(conn, "follower", {
    method: "POST", path: "/_bulk", bulkBody: body, write: true,
    querystring: { pipeline: "_none", filter_path: ["errors", ...fields.map((f) => `items.*.${f}`)].join(",") },
  });
  const answer = JSON.parse(bytes.toString("utf8")) as { items?: Array<Partial<Record<"index" | "create" | "update" | "delete", BulkItem>>> };
  return (answer.items ?? []).map((item) => (item.index ?? item.create ?? item.update ?? item.delete)!);
}
