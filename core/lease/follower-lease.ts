// One ferry per follower index. Two ferry processes with their own databases (a copied database, a
// standby started by mistake) would both follow the same follower index and fight over it. Each follower
// index therefore has a lease, a document in the follower cluster's hidden `.ferry-leases` index whose id
// is the index's uuid (a deleted and re-created index starts free): the holder renews it on its own timer,
// apart from any leader poll; another instance waits, and takes it over once it has run out (the holder
// died). Stop and promote mark it released for good, so that no ferry whose database still lists that
// replication takes the index back (core/lease/lease-decision.ts decides). Writes are conditional (`if_seq_no`,
// `op_type=create`), so two instances racing for one expired lease cannot both win.
//
// Each followed index has a write window shared with the pool's threads (a SharedArrayBuffer): the time
// until which its shard tasks may write. It closes at once when a renewal fails or the lease is lost, and
// otherwise a clock margin before the lease runs out; workers/lease-window.ts checks it before every write.
import { call } from "../clusters/client.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { chunkBulk } from "../clusters/bulk-body.ts";
import { engineErrors, isFerryError } from "../errors.ts";
import type { FerryInstance } from "./ferry-instance.ts";
import { decideClaim, writableUntil, type LeaseDoc } from "./lease-decision.ts";

export const LEASE_INDEX = ".ferry-leases";

/** What a lease is for: one replication of one incarnation of a follower index. */
export interface LeaseTarget {
  followerIndex: string;
  followerUuid: string;
  replicationId: string;
}

/** This instance's standing on a follower index's lease, as of the last claim. */
export type LeaseView =
  | { state: "unknown" }
  | { state: "held"; expiresAt: number }
  | { state: "waiting"; holder: string; expiresAt: number }
  | { state: "unrenewed"; reason: string }
  | { state: "ended"; reason: string };

interface Watched {
  target: LeaseTarget;
  view: LeaseView;
  /** Epoch ms until which shard tasks may write (0: closed), shared with the pool's threads. */
  window: BigInt64Array;
  /** A replication being created here that may take a lease an older replication released. */
  fresh: boolean;
}

const CHUNK = 1_000;
/** After a failed renewal: soon, since the index's writes stand still meanwhile. */
const RETRY_MS = 1_000;

export class FollowerLeases {
  private indexReady = false;
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly follower: ClusterConnection, readonly instance: FerryInstance, private readonly duration: () => number) {}

  /** `ferry.lease.duration`, read at every claim: a live setting. */
  get durationMs(): number {
    return this.duration();
  }

  /** Keeps the lease of `target` from now on (claimed at once, then renewed every third of the lease);
   * answers the write window the index's shard tasks check. */
  watch(target: LeaseTarget, options: { fresh?: boolean } = {}): BigInt64Array {
    const known = this.watched.get(target.followerIndex);
    if (known && known.target.followerUuid === target.followerUuid && known.target.replicationId === target.replicationId) return known.window;
    const window = new BigInt64Array(new SharedArrayBuffer(8));
    this.watched.set(target.followerIndex, { target, view: { state: "unknown" }, window, fresh: options.fresh ?? false });
    this.schedule(0);
    return window;
  }

  /** No longer kept: its tasks may not write from now on. */
  unwatch(followerIndex: string): void {
    const known = this.watched.get(followerIndex);
    if (known) Atomics.store(known.window, 0, 0n);
    this.watched.delete(followerIndex);
  }

  view(followerIndex: string): LeaseView {
    return this.watched.get(followerIndex)?.view ?? { state: "unknown" };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const followerIndex of [...this.watched.keys()]) this.unwatch(followerIndex);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.renew(), ms);
  }

  /** One claim of every watched lease at a time; a request meanwhile runs right after it. */
  private async renew(): Promise<void> {
    if (this.claiming) {
      this.again = true;
      return;
    }
    let next = this.durationMs / 3;
    this.claiming = this.claimAll().catch((err: unknown) => {
      const reason = isFerryError(err) ? err.reason : String(err);
      for (const w of this.watched.values()) this.settle(w, { state: "unrenewed", reason });
      next = RETRY_MS;
    });
    await this.claiming;
    this.claiming = undefined;
    if (this.again) {
      this.again = false;
      next = 0;
    }
    if (this.watched.size > 0) this.schedule(next);
  }

  private settle(w: Watched, view: LeaseView, duration = this.durationMs): void {
    if (this.watched.get(w.target.followerIndex) !== w) return;
    w.view = view;
    Atomics.store(w.window, 0, BigInt(view.state === "held" ? writableUntil(view.expiresAt, duration) : 0));
    if (view.state === "held") w.fresh = false;
  }

  private async claimAll(): Promise<void> {
    const all = [...this.watched.values()];
    if (all.length === 0) return;
    await this.ensureIndex();
    for (let i = 0; i < all.length; i += CHUNK) await this.claim(all.slice(i, i + CHUNK));
  }

  private async claim(chunk: Watched[]): Promise<void> {
    const duration = this.durationMs;
    const now = Date.now();
    const expiresAt = now + duration;
    const found = await call(this.follower, "follower", {
      method: "POST", path: `/${LEASE_INDEX}/_mget`, querystring: { realtime: true }, body: { ids: chunk.map((w) => w.target.followerUuid) },
    });
    const lines: string[] = [];
    const taking: Watched[] = [];
    (found.docs as Array<{ found: boolean; _seq_no?: number; _primary_term?: number; _source?: LeaseDoc }>).forEach((doc, k) => {
      const w = chunk[k]!;
      const decision = decideClaim(doc.found ? doc._source : undefined, { instance: this.instance.id, replicationId: w.target.replicationId, fresh: w.fresh }, now, duration);
      if (decision.do === "end") return this.settle(w, { state: "ended", reason: decision.reason });
      if (decision.do === "wait") return this.settle(w, { state: "waiting", holder: decision.holder, expiresAt: decision.expiresAt });
      lines.push(`${JSON.stringify(this.writeAction(w.target.followerUuid, doc))}\n${JSON.stringify(this.leaseDoc(w.target, expiresAt, duration))}\n`);
      taking.push(w);
    });
    if (lines.length === 0) return;
    const items = await this.bulk(lines);
    items.forEach((item, k) => {
      const { status, error } = Object.values(item)[0]!;
      // Only a conflict means another instance wrote it between the read and the write; anything else
      // (a missing privilege, a full disk) is an error to show as it is, not someone else's lease.
      if (status >= 300 && status !== 409) {
        throw engineErrors.transient(`follower refused the lease of [${taking[k]!.target.followerIndex}] with ${status}: ${error?.type}: ${error?.reason}`);
      }
      this.settle(taking[k]!, status < 300
        ? { state: "held", expiresAt }
        : { state: "waiting", holder: "another ferry instance", expiresAt }, duration);
    });
  }

  /**
   * Marks the lease of a stopped or promoted replication released for good: no ferry may write to that
   * incarnation of the index under this replication again. Written whoever holds it (a standby that took
   * over meanwhile hears it at its next renewal), unless it belongs to another replication of the index.
   */
  async releaseForGood(target: LeaseTarget): Promise<void> {
    this.unwatch(target.followerIndex);
    await this.ensureIndex();
    for (let attempt = 1; ; attempt++) {
      const found = await call(this.follower, "follower", {
        method: "POST", path: `/${LEASE_INDEX}/_mget`, querystring: { realtime: true }, body: { ids: [target.followerUuid] },
      });
      const doc = found.docs[0] as { found: boolean; _seq_no?: number; _primary_term?: number; _source?: LeaseDoc };
      // Another replication's, or released already (by whoever stopped it first: keep that name).
      if (doc.found && (doc._source?.replication_id !== target.replicationId || doc._source.released_at !== undefined)) return;
      const now = Date.now();
      const body: LeaseDoc = { ...this.leaseDoc(target, now, this.durationMs), released_at: now };
      const [item] = await this.bulk([`${JSON.stringify(this.writeAction(target.followerUuid, doc))}\n${JSON.stringify(body)}\n`]);
      const { status, error } = Object.values(item!)[0]!;
      if (status < 300) return;
      if (status !== 409 || attempt >= 5) {
        throw engineErrors.transient(`follower refused to mark the lease of [${target.followerIndex}] released with ${status}: ${error?.type}: ${error?.reason}`);
      }
    }
  }

  private leaseDoc(target: LeaseTarget, expiresAt: number, duration: number): LeaseDoc {
    return {
      owner: this.instance.id, owner_name: this.instance.name, follower_index: target.followerIndex, follower_uuid: target.followerUuid,
      replication_id: target.replicationId, expires_at: expiresAt, duration_ms: duration,
    };
  }

  private writeAction(id: string, doc: { found: boolean; _seq_no?: number; _primary_term?: number }): object {
    return doc.found
      ? { index: { _index: LEASE_INDEX, _id: id, if_seq_no: doc._seq_no, if_primary_term: doc._primary_term } }
      : { create: { _index: LEASE_INDEX, _id: id } };
  }

  private async bulk(lines: string[]): Promise<Array<Record<string, { status: number; error?: { type?: string; reason?: string } }>>> {
    const items: Array<Record<string, { status: number; error?: { type?: string; reason?: string } }>> = [];
    for (const body of chunkBulk(lines, 1 << 20)) {
      // refresh=false: reads go through realtime _mget.
      items.push(...(await call(this.follower, "follower", { method: "POST", path: "/_bulk", querystring: { refresh: "false" }, bulkBody: body })).items);
    }
    return items;
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
