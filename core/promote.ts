// Failing over to a follower. Planned (the leader answers): the leader index is write-blocked, the
// follower drained to the leader's final checkpoints with deletes reconciled and shard counts compared,
// then replication ends; nothing the leader acknowledged is lost, and a drain that times out undoes the
// block. Unplanned (forced, or the leader does not answer): replication ends at once, and the answer says
// per shard how far the follower is known to hold the leader's operations. A planned promote may also
// fail back (`reverse`): the old leader index then follows the promoted one without a copy.
import type { components } from "../openapi/ferry.gen.ts";
import type { ClusterDirectory } from "./cluster-directory.ts";
import type { ClusterConnection } from "./clusters/connection.ts";
import { indexMetadata } from "./clusters/index-metadata.ts";
import { shardCheckpoints } from "./clusters/shard-checkpoints.ts";
import { shardContentDifferences } from "./clusters/shard-contents.ts";
import { shardDocCounts } from "./clusters/shard-counts.ts";
import { blockWrites, unblockWrites } from "./clusters/write-block.ts";
import { moveWriteAlias } from "./clusters/write-alias.ts";
import { FerryError, isFerryError, requestErrors } from "./errors.ts";
import type { Settings } from "./settings.ts";
import type { Store } from "./store/db.ts";
import { reconciled } from "./replication-lag.ts";
import { getReplication, listShards, type ReplicationRow } from "./store/replications.ts";

export type PromoteRequest = components["schemas"]["PromoteRequest"];
export type PromoteResponse = components["schemas"]["PromoteResponse"];
export type ReverseReplication = components["schemas"]["ReverseReplication"];
type PromoteShard = components["schemas"]["PromoteShard"];

/** Where a fail-back starts, per shard: the promoted index's last operation before it took writes, and
 * the old leader's last operation (both indices hold the same documents there). */
export interface ReverseStart {
  leaderCheckpoint: number;
  followerMaxSeqNo: number;
}

/** What a promotion needs from the engine that owns the replication. */
export interface PromotionHost {
  db: Store;
  settings: Settings;
  clusters: ClusterDirectory;
  /** Makes sure the index is followed for the drain (a paused one too); answers how to put it back. */
  followForDrain(followerIndex: string): () => Promise<void>;
  /** The next sweep of these shards also compares ids both ways. */
  requestSweep(followerIndex: string, shards: number[]): void;
  /** Stops every task of the index; those still running after `abortAfterMs` are ended. */
  halt(followerIndex: string, abortAfterMs?: number): Promise<void>;
  /** Ends the replication; the follower index is an ordinary writable index from then on. */
  release(followerIndex: string): Promise<void>;
  /** Starts the fail-back replication of a promoted `row` (core/replications.ts). */
  startReverse(row: ReplicationRow, start: ReverseStart[]): Promise<ReverseReplication>;
}

const GUARANTEE = {
  planned: "Every write the leader index acknowledged before its write block is on the promoted index: each shard " +
    "reached the leader's final global checkpoint with deletes reconciled, and each shard holds the leader's documents " +
    "at the leader's versions. The leader index keeps its write block so that it cannot diverge; remove it only to use " +
    "that index again (fail-back).",
  unplanned: "The promoted index holds every leader operation up to each shard's follower_checkpoint, and leader " +
    "deletes up to its reconciled_checkpoint. Operations above it may be missing: operations_missing_at_most that " +
    "ferry knew of, and whatever the leader took after ferry last read it. The old leader index still takes " +
    "writes if its cluster comes back: keep clients away from it.",
  reverse: "Fail-back: the old leader index lost its write block and follows the promoted index from the promotion " +
    "point without a copy; promote it (planned, with reverse) to swap the roles back.",
} as const;

const DRAIN_POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const timeoutError = (reason: string) => new PromoteTimeout(reason);

/** A planned promote that did not finish in time; everything was put back as it was. */
class PromoteTimeout extends Error {}

export class Promotions {
  constructor(private readonly host: PromotionHost) {}

  async promote(row: ReplicationRow, request: PromoteRequest): Promise<PromoteResponse> {
    const started = Date.now();
    if (row.state === "BOOTSTRAPPING") {
      throw requestErrors.illegalArgument(
        `Cannot promote [${row.followerIndex}] while it bootstraps: its copy of the leader is not complete yet. Wait for SYNCING, or stop the replication`);
    }
    if (request.reverse) this.checkReversible(row, request);
    const because = request.force ? "force was requested"
      : row.state === "FAILED" ? `the replication had failed: ${row.reason ?? "unknown reason"}`
      : await this.leaderUnavailable(row);
    if (because !== undefined && request.reverse) {
      throw requestErrors.illegalArgument(`Cannot fail back [${row.followerIndex}]: reverse needs a planned promotion, and this one would be unplanned because ${because}`);
    }
    const timeoutMs = request.timeout ? timeValueMs(request.timeout) : this.host.settings["ferry.promote.timeout"];
    const result = because === undefined
      ? await this.planned(row, timeoutMs, request.reverse === true)
      : await this.unplanned(row, because, started);
    const follower = this.host.clusters.follower(row.followerAlias);
    const alias = request.write_alias
      ? { write_alias: { alias: request.write_alias, removed_from: await moveWriteAlias(follower, "follower", request.write_alias, row.followerIndex) } }
      : {};
    return {
      acknowledged: true,
      ...result,
      follower_index: row.followerIndex,
      leader_alias: row.leaderAlias,
      leader_index: row.leaderIndex,
      ...alias,
      took_millis: Date.now() - started,
    };
  }

  /** A fail-back replicates into the old leader index under its own name, which no other replication may hold. */
  private checkReversible(row: ReplicationRow, request: PromoteRequest): void {
    if (request.force) throw requestErrors.illegalArgument("reverse needs a planned promotion; it cannot be combined with force");
    const other = getReplication(this.host.db, row.leaderIndex);
    if (other && other.followerIndex !== row.followerIndex) {
      throw requestErrors.illegalArgument(
        `Cannot fail back into [${row.leaderIndex}]: ferry already replicates into an index of that name (from [${other.leaderAlias}:${other.leaderIndex}])`);
    }
  }

  /** Why the leader cannot take part, or undefined when it answers about its index in time. */
  private async leaderUnavailable(row: ReplicationRow): Promise<string | undefined> {
    const timeoutMs = this.host.settings["ferry.promote.leader_timeout"];
    try {
      const leader = { ...this.host.clusters.leader(row.leaderAlias), timeoutMs };
      const meta = await indexMetadata(leader, "leader", row.leaderIndex);
      if (!meta || meta.uuid !== row.leaderUuid) return `leader index [${row.leaderIndex}] no longer exists`;
      return undefined;
    } catch (err) {
      if (isFerryError(err) && !err.retryable) throw err;
      return `the leader did not answer within ${timeoutMs}ms (${isFerryError(err) ? err.reason : String(err)})`;
    }
  }

  private async planned(
    row: ReplicationRow, timeoutMs: number, reverse: boolean,
  ): Promise<Pick<PromoteResponse, "promotion" | "guarantee" | "shards" | "documents" | "leader_write_block" | "reverse">> {
    const { followerIndex, leaderIndex } = row;
    const leader = this.host.clusters.leader(row.leaderAlias);
    const deadline = Date.now() + timeoutMs;
    const { wasBlocked } = await blockWrites(leader, "leader", leaderIndex);
    const putBack = this.host.followForDrain(followerIndex);
    try {
      const final = await this.finalCheckpoints(leader, row, deadline);
      const documents = await this.drain(leader, row, final, deadline);
      const shards = listShards(this.host.db, followerIndex).map((s): PromoteShard => ({
        shard: s.shard, follower_checkpoint: s.checkpoint, reconciled_checkpoint: reconciled(s), leader_checkpoint: final[s.shard]!,
      }));
      if (!reverse) {
        await this.host.release(followerIndex);
        return { promotion: "planned", guarantee: GUARANTEE.planned, leader_write_block: true, documents, shards };
      }
      // The promoted index's last operations before anyone else writes to it: the fail-back starts there.
      await this.host.halt(followerIndex);
      const promotedMax = await this.quietMaxSeqNos(this.host.clusters.follower(row.followerAlias), "follower", followerIndex, row.shardCount, deadline);
      await this.host.release(followerIndex);
      const start = promotedMax.map((leaderCheckpoint, shard) => ({ leaderCheckpoint, followerMaxSeqNo: final[shard]! }));
      const back = await this.host.startReverse(row, start);
      return { promotion: "planned", guarantee: `${GUARANTEE.planned} ${GUARANTEE.reverse}`, leader_write_block: false, documents, shards, reverse: back };
    } catch (err) {
      const undone = await this.undo(putBack, wasBlocked ? undefined : () => unblockWrites(leader, "leader", leaderIndex));
      if (err instanceof PromoteTimeout) throw requestErrors.promoteTimeout(`${err.message}; ${undone}`);
      if (isFerryError(err)) throw withUndo(err, undone);
      throw err;
    }
  }

  /** Puts replication and the leader back as they were; says what it did, for the error. */
  private async undo(putBack: () => Promise<void>, unblock: (() => Promise<void>) | undefined): Promise<string> {
    await putBack();
    if (!unblock) return "replication goes on; the leader index was write-blocked before and stays so";
    try {
      await unblock();
      return "the leader index takes writes again and replication goes on";
    } catch (err) {
      return `replication goes on, but the leader's write block could not be removed (${isFerryError(err) ? err.reason : String(err)}): ` +
        `remove it with PUT <leader index>/_settings {"index.blocks.write": null}`;
    }
  }

  /** Once the block holds, each primary's operations are final; the global checkpoint catches up with them. */
  private finalCheckpoints(leader: ClusterConnection, row: ReplicationRow, deadline: number): Promise<number[]> {
    return this.quietMaxSeqNos(leader, "leader", row.leaderIndex, row.shardCount, deadline);
  }

  /** Each shard's last operation of an index nobody writes to any more, once its global checkpoint has it. */
  private async quietMaxSeqNos(conn: ClusterConnection, side: string, index: string, shardCount: number, deadline: number): Promise<number[]> {
    for (;;) {
      const shards = (await shardCheckpoints(conn, side, [index])).get(index)?.shards ?? [];
      const last = Array.from({ length: shardCount }, (_, i) => shards[i]);
      if (last.every((s) => s !== undefined && s.globalCheckpoint === s.maxSeqNo)) return last.map((s) => s!.maxSeqNo);
      if (Date.now() > deadline) throw timeoutError(`the global checkpoints of [${index}] did not reach its last operations in time`);
      await sleep(DRAIN_POLL_MS);
    }
  }

  /** Waits for every shard to be copied and reconciled up to `final`, then compares shard counts and, where
   * they agree, every document's version (core/clusters/shard-contents.ts). */
  private async drain(leader: ClusterConnection, row: ReplicationRow, final: number[], deadline: number): Promise<{ leader: number; follower: number }> {
    const { followerIndex, leaderIndex, shardCount } = row;
    let differing: string[] = [];
    for (;;) {
      const shards = listShards(this.host.db, followerIndex);
      if (shards.length === 0) throw requestErrors.illegalState(`the replication of [${followerIndex}] ended while it was being promoted`, 409);
      const behind = shards.filter((s) => reconciled(s) < final[s.shard]!);
      if (behind.length === 0) {
        const [onLeader, onFollower] = await Promise.all([
          shardDocCounts(leader, "leader", leaderIndex, shardCount),
          shardDocCounts(this.host.clusters.follower(row.followerAlias), "follower", followerIndex, shardCount),
        ]);
        const differ = onLeader.flatMap((n, shard) => (n === onFollower[shard] ? [] : [shard]));
        differing = differ.map((shard) => `shard ${shard}: ${onLeader[shard]} on the leader, ${onFollower[shard]} on the follower`);
        if (differ.length === 0) {
          // Equal counts hide a document someone overwrote on the follower: versions show it.
          const sides = {
            leader: { conn: leader, side: "leader", index: leaderIndex },
            follower: { conn: this.host.clusters.follower(row.followerAlias), side: "follower", index: followerIndex },
          };
          const pageSize = this.host.settings["ferry.follower.search_page_size"];
          const contents = await Promise.all(Array.from({ length: shardCount }, (_, shard) =>
            shardContentDifferences(sides.leader, sides.follower, shard, row.versionOffset, pageSize)));
          contents.forEach((found, shard) => found.length && differ.push(shard));
          if (differ.length === 0) return { leader: sum(onLeader), follower: sum(onFollower) };
          differing = contents.flat();
        }
        this.host.requestSweep(followerIndex, differ);
        await sleep(this.host.settings["ferry.follower.delete_check_interval"]);
      }
      if (Date.now() > deadline) {
        const where = behind.length
          ? behind.map((s) => `shard ${s.shard} at ${reconciled(s)} of ${final[s.shard]}`).join(", ")
          : differing.join(", ");
        throw timeoutError(`[${followerIndex}] did not drain to the leader's final checkpoints in time (${where})`);
      }
      await sleep(DRAIN_POLL_MS);
    }
  }

  private async unplanned(row: ReplicationRow, because: string, started: number): Promise<Pick<PromoteResponse, "promotion" | "guarantee" | "shards" | "unplanned_because">> {
    // Within the leader timeout as a whole: the probe may have used some of it already.
    await this.host.halt(row.followerIndex, Math.max(0, started + this.host.settings["ferry.promote.leader_timeout"] - Date.now()));
    const shards = listShards(this.host.db, row.followerIndex).map((s): PromoteShard => ({
      shard: s.shard, follower_checkpoint: s.checkpoint, reconciled_checkpoint: reconciled(s), leader_checkpoint: s.leaderCheckpoint,
      operations_missing_at_most: Math.max(0, s.leaderCheckpoint - s.checkpoint),
    }));
    await this.host.release(row.followerIndex);
    return { promotion: "unplanned", unplanned_because: because, guarantee: GUARANTEE.unplanned, shards };
  }
}

function withUndo(err: FerryError, undone: string): FerryError {
  return new FerryError(err.type, err.status, `${err.reason}; ${undone}`, err.retryable, err.details);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** `30s`, `500ms`, `2m` (the contract allows no other form). */
export function timeValueMs(value: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(value);
  if (!match) throw requestErrors.illegalArgument(`failed to parse time value [${value}]`);
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
}
