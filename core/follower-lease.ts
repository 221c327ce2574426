// One ferry per follower index. Two ferry processes with their own databases (a copied database, a
// standby started by mistake) would both follow the same follower index and fight over it. Each follower
// index therefore has a lease, a document in the follower cluster's hidden `.ferry-leases` index: the
// holder renews it while it follows; another instance waits, and takes it over once it has run out
// (the holder died). Writes are conditional (`if_seq_no`, `op_type=create`), so two instances racing for
// one expired lease cannot both win.
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { call } from "./clusters/client.ts";
import type { ClusterConnection } from "./clusters/connection.ts";
import { chunkBulk } from "./clusters/bulk-body.ts";
import { engineErrors, isFerryError } from "./errors.ts";

export const LEASE_INDEX = ".ferry-leases";

export interface FerryInstance {
  /** Stable across restarts of the same ferry (same host, same database file); differs for a copy. */
  id: string;
  /** For people: where that ferry runs. */
  name: string;
}

export function ferryInstance(dbPath: string): FerryInstance {
  let path = resolve(dbPath);
  try {
    path = realpathSync(dbPath);
  } catch {
    // Not created yet: the resolved path names it as well.
  }
  const name = `${hostname()}:${path}`;
  return { id: createHash("sha256").update(name).digest("hex").slice(0, 20), name };
}

export interface Lease {
  held: boolean;
  /** Until when the holder may write (for a lease held here: as long as ferry is sure it holds it). */
  expiresAt: number;
  holder: string;
}

interface LeaseDoc {
  owner: string;
  owner_name: string;
  /** The lease is on one incarnation of the index: a deleted and re-created follower starts free. */
  follower_uuid: string;
  expires_at: number;
}

const CHUNK = 1_000;

export class FollowerLeases {
  private indexReady = false;

  constructor(private readonly follower: ClusterConnection, readonly instance: FerryInstance, private readonly duration: () => number) {}

  /** `ferry.lease.duration`, read at every claim: a live setting. */
  get durationMs(): number {
    return this.duration();
  }

  /** Takes or renews the lease of each follower index (name → uuid) that is free, expired or already ours. */
  async claim(indices: Map<string, string>): Promise<Map<string, Lease>> {
    const result = new Map<string, Lease>();
    if (indices.size === 0) return result;
    await this.ensureIndex();
    const names = [...indices.keys()];
    for (let i = 0; i < names.length; i += CHUNK) {
      const chunk = names.slice(i, i + CHUNK);
      const now = Date.now();
      const expiresAt = now + this.durationMs;
      const found = await call(this.follower, "follower", {
        method: "POST", path: `/${LEASE_INDEX}/_mget`, querystring: { realtime: true }, body: { ids: chunk },
      });
      const lines: string[] = [];
      const claimed: string[] = [];
      for (const doc of found.docs as Array<{ _id: string; found: boolean; _seq_no?: number; _primary_term?: number; _source?: LeaseDoc }>) {
        const current = doc._source;
        const uuid = indices.get(doc._id)!;
        if (doc.found && current && current.owner !== this.instance.id && current.expires_at > now && current.follower_uuid === uuid) {
          result.set(doc._id, { held: false, expiresAt: current.expires_at, holder: current.owner_name });
          continue;
        }
        const action = doc.found
          ? { index: { _index: LEASE_INDEX, _id: doc._id, if_seq_no: doc._seq_no, if_primary_term: doc._primary_term } }
          : { create: { _index: LEASE_INDEX, _id: doc._id } };
        const body: LeaseDoc = { owner: this.instance.id, owner_name: this.instance.name, follower_uuid: uuid, expires_at: expiresAt };
        lines.push(`${JSON.stringify(action)}\n${JSON.stringify(body)}\n`);
        claimed.push(doc._id);
      }
      if (lines.length === 0) continue;
      const items: Array<Record<string, { status: number; error?: { type?: string; reason?: string } }>> = [];
      for (const body of chunkBulk(lines, 1 << 20)) {
        items.push(...(await call(this.follower, "follower", { method: "POST", path: "/_bulk", querystring: { refresh: "false" }, bulkBody: body })).items);
      }
      items.forEach((item, k) => {
        const { status, error } = Object.values(item)[0]!;
        // Only a conflict means another instance claimed it between the read and the write; anything else
        // (a missing privilege, a full disk) is an error to show as it is, not someone else's lease.
        if (status >= 300 && status !== 409) {
          throw engineErrors.transient(`follower refused the lease of [${claimed[k]}] with ${status}: ${error?.type}: ${error?.reason}`);
        }
        result.set(claimed[k]!, status < 300 ? { held: true, expiresAt, holder: this.instance.name } : { held: false, expiresAt: now + this.durationMs, holder: "another ferry instance" });
      });
    }
    return result;
  }

  /** Gives the lease up at stop, so that another instance can start that index at once. */
  async release(followerIndex: string): Promise<void> {
    const found = await call(this.follower, "follower", {
      method: "POST", path: `/${LEASE_INDEX}/_mget`, querystring: { realtime: true }, body: { ids: [followerIndex] },
    }).catch(() => undefined);
    const doc = found?.docs?.[0] as { found: boolean; _seq_no?: number; _primary_term?: number; _source?: LeaseDoc } | undefined;
    if (!doc?.found || doc._source?.owner !== this.instance.id) return;
    await call(this.follower, "follower", {
      method: "DELETE", path: `/${LEASE_INDEX}/_doc/${encodeURIComponent(followerIndex)}`,
      querystring: { if_seq_no: doc._seq_no!, if_primary_term: doc._primary_term! },
    }).catch(() => undefined);
  }

  private async ensureIndex(): Promise<void> {
    if (this.indexReady) return;
    try {
      await call(this.follower, "follower", {
        method: "PUT", path: `/${LEASE_INDEX}`,
        body: { settings: { "index.hidden": true, number_of_shards: 1, auto_expand_replicas: "0-1" } },
      });
    } catch (err) {
      if (!isFerryError(err) || !err.reason.includes("resource_already_exists_exception")) throw err;
    }
    this.indexReady = true;
  }
}
