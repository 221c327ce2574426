// The follower's `indices.recovery.max_bytes_per_sec`: every restore from a snapshot passes through this
// node-wide limiter as well as the repository's own (OpenSearch and Elasticsearch both wrap a restore's
// reads in the recovery rate limiter), so a bootstrap can never restore faster than it allows.
import { callOptional } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";

const SETTING = "indices.recovery.max_bytes_per_sec";

/** The value in force as the cluster writes it (`100kb`, or `41943040b` for the default), transient over persistent over the node's own;
 * undefined when the cluster does not say. */
export async function recoveryMaxBytesPerSec(conn: ClusterConnection, side: string): Promise<string | undefined> {
  const res = await callOptional(conn, side, {
    method: "GET", path: "/_cluster/settings",
    // Nested, not flat_settings: filter_path reads the dots of a flat name as levels and matches nothing.
    querystring: { include_defaults: true, filter_path: `*.${SETTING}` },
  });
  const value = [res?.transient, res?.persistent, res?.defaults]
    .map((level) => level?.indices?.recovery?.max_bytes_per_sec)
    .find((v) => v !== undefined);
  return typeof value === "string" ? value : undefined;
}
