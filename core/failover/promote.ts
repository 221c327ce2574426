// Failing over to a follower. Planned (the leader answers): the leader index is write-blocked, the
// follower drained to the leader's final checkpoints with deletes reconciled and shard counts compared,
// then replication ends; nothing the leader acknowledged is lost, and a drain that times out undoes the
// block. Unplanned (forced, or the leader does not answer): replication ends at once, and the answer says
// per shard how far the follower is known to hold the leader's operations. A planned promote may also
// fail back (`reverse`): the old leader index then follows the promoted one without a copy.
//
// Each promote is a sequence of steps recorded in SQLite (core/failover/promote-steps.ts decides, this file acts):
// a failure before the records switch roles rolls it back, one after it is retried until the promote is
// done, and a promote that a crash interrupted is finished or rolled back when ferry starts again.
import type { components } from "../../openapi/ferry.gen.ts";
import { LOCAL_CLUSTER, type ClusterDirectory } from "../config/cluster-directory.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { indexMetadata } from "../clusters/index-metadata.ts";
import { shardCheckpoints } from "../clusters/shard-checkpoints.ts";
import { shardContentDifferences } from "../clusters/shard-contents.ts";
import { shardDocCounts } from "../clusters/shard-counts.ts";
import { blockWrites, unblockWrites, writeBlocked } from "../clusters/write-block.ts";
import { streamOfBackingName } from "../clusters/data-streams.ts";
import { moveWriteAlias, takeStreamWrites } from "../clusters/write-alias.ts";
import { holdStreamWrites, holdTemplateName, releaseStreamWrites, writeIndexStream } from "../clusters/stream-hold.ts";
import { FerryError, isFerryError, requestErrors } from "../errors.ts";
import type { FerryEventBus } from "../events.ts";
import { afterCrash, afterFailure, afterMove, nextMove, pastReturn, turnBack, type Move, type PromoteStep } from "./promote-steps.ts";
import { backoffDelay } from "../follow/retry-policy.ts";
import type { Settings } from "../config/settings.ts";
import type { Store } from "../store/db.ts";
import {
  deletePromotion, getPromotion, insertPromotion, listPromotions, switchRoles, updatePromotion, type PromotionKind,
  type PromotionRecord as StoredPromotion,
} from "../store/promotions.ts";
import type { PromotionData } from "../store/schema.ts";
import { reconciled } from "../follow/replication-lag.ts";
import { getReplication, listShards, type NewReplication, type ReplicationRow } from "../store/replications.ts";
import { installGuard, removeGuard } from "../follow/write-guard.ts";

export type PromoteRequest = components["schemas"]["PromoteRequest"];
export type PromoteResponse = components["schemas"]["PromoteResponse"];
export type ReverseReplication = components["schemas"]["ReverseReplication"];
type PromoteShard = components["schemas"]["PromoteShard"];
type SitePromoteOutcome = components["schemas"]["SitePromoteOutcome"];
type PromotionRecord = StoredPromotion<PromoteStep>;

/** Where a fail-back starts, per shard: the promoted index's last operation before it took writes, and
 * the old leader's last operation (both indices hold the same documents there). */
export interface ReverseStart {
  leaderCheckpoint: number;
  followerMaxSeqNo: number;
}

/** What a promotion needs from the engine that owns the replication. */
export interface PromotionHost {
  db: Store;
  events: FerryEventBus;
  settings: Settings;
  clusters: ClusterDirectory;
  /** Makes sure the index is followed (a paused one too), for the drain or again during a rollback. */
  followForDrain(followerIndex: string): void;
  /** Puts the replication back in the state `row` had, followed or halted; nothing when it is gone. */
  putBack(row: ReplicationRow): Promise<void>;
  /** The next sweep of these shards also compares ids both ways. */
  requestSweep(followerIndex: string, shards: number[]): void;
  /** Stops every task of the index; those still running after `abortAfterMs` are ended. */
  halt(followerIndex: string, abortAfterMs?: number): Promise<void>;
  /** The switch: `commit` ends the replication in the records (and begins a fail-back's reverse
   * replication, `reverseIndex`) in one transaction; the host announces both and follows the reverse one. */
  switchRecords(followerIndex: string, reverseIndex: string | undefined, commit: () => void): void;
  /** The promoted index loses its write guard and lease: an ordinary writable index from then on. */
  releasePromoted(row: ReplicationRow): Promise<void>;
  /** The reverse replication a fail-back of `row` records (core/replication/replications.ts). */
  reverseRow(row: ReplicationRow, uuids: { promoted: string; oldLeader: string }, start: ReverseStart[]): NewReplication;
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
  heldStream: (stream: string) => `The leader data stream [${stream}] was rolled over into a write-blocked write index, and ` +
    `ferry's template [${holdTemplateName(stream)}] blocks the write index of every later rollover: the stream takes no ` +
    "writes. To use it again, point that template at no index (or give it a priority below the stream's own template), " +
    "delete it, and remove the write block from the stream's write index.",
  reverse: "Fail-back: the old leader index lost its write block and follows the promoted index from the promotion " +
    "point without a copy; promote it (planned, with reverse) to swap the roles back.",
} as const;

const DRAIN_POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Between attempts of a failed step: short while a request waits, up to 30 s when ferry finishes alone. */
const STEP_RETRY = { initialMs: 200, maxMs: 2_000, factor: 2, jitter: 0.2 };
const BACKGROUND_RETRY = { initialMs: 1_000, maxMs: 30_000, factor: 2, jitter: 0.2 };

const timeoutError = (reason: string) => new PromoteTimeout(reason);

/** A planned promote that did not finish in time; everything was put back as it was. */
class PromoteTimeout extends Error {}

/** What a step's effects need besides the record: the request's clock, while a request waits. */
interface RunContext {
  started: number;
  deadline: number;
  /** False when ferry finishes a promote alone (after a failure the request answered, or a restart). */
  inRequest: boolean;
}

type Answer = Pick<PromoteResponse, "promotion" | "guarantee" | "shards" | "documents" | "leader_write_block" | "reverse" | "unplanned_because">;

export class Promotions {
  /** Promotes running in this process, by follower index, in a request or finishing alone. */
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly closing = new AbortController();

  constructor(private readonly host: PromotionHost) {}

  /** True while a promote of the index runs or is left to finish (a promote or pause meanwhile is refused). */
  busy(followerIndex: string): boolean {
    return this.running.has(followerIndex) || getPromotion<PromoteStep>(this.host.db, followerIndex) !== undefined;
  }

  /** The reverse replications of unfinished fail-backs past their switch (the old leader indices). */
  switchedFailBacks(): string[] {
    return listPromotions<PromoteStep>(this.host.db).filter((p) => p.kind === "reverse" && pastReturn(p)).map((p) => p.data.replication.leaderIndex);
  }

  /** Finishes or rolls back, alone, every promote a previous run of ferry left unfinished. */
  recover(): void {
    for (const record of listPromotions<PromoteStep>(this.host.db)) {
      const found = { ...record, ...afterCrash(record) };
      updatePromotion(this.host.db, found);
      this.finishAlone(found);
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running.values()]);
  }

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
    const kind: PromotionKind = because !== undefined ? "unplanned" : request.reverse ? "reverse" : "planned";
    const record: PromotionRecord = {
      followerIndex: row.followerIndex, kind, step: "recorded", direction: "forward", lastError: null,
      data: { replication: row, leaderWasBlocked: false, ...(because !== undefined ? { because } : {}) },
    };
    // Known before the record exists, so that every rollback knows whether to lift the block.
    if (kind !== "unplanned") {
      record.data.leaderWasBlocked = await writeBlocked(this.host.clusters.leader(row.leaderAlias), "leader", row.leaderIndex)
        .catch((err: unknown) => { throw rolledBack(record, err); });
    }
    insertPromotion(this.host.db, record);
    this.save(record, false);
    const done = await this.track(row.followerIndex, this.run(record, { started, deadline: started + timeoutMs, inRequest: true }));
    const follower = this.host.clusters.follower(row.followerAlias);
    // A data stream's copy: the follower stream's name (an alias over its copies) writes into the newest.
    // Not undone on failure: the promote stands, and the cluster then refuses writes to the name itself.
    const stream = streamOfBackingName(row.leaderIndex) === undefined ? undefined : streamOfBackingName(row.followerIndex);
    if (stream !== undefined) await takeStreamWrites(follower, "follower", stream, row.followerIndex).catch(() => false);
    const alias = request.write_alias
      ? { write_alias: { alias: request.write_alias, removed_from: await moveWriteAlias(follower, "follower", request.write_alias, row.followerIndex) } }
      : {};
    return {
      acknowledged: true,
      ...answer(done),
      follower_index: row.followerIndex,
      leader_alias: row.leaderAlias,
      leader_index: row.leaderIndex,
      ...alias,
      took_millis: Date.now() - started,
    };
  }

  private track<T>(followerIndex: string, work: Promise<T>): Promise<T> {
    const tracked: Promise<T> = work.finally(() => {
      if (this.running.get(followerIndex) === tracked) this.running.delete(followerIndex);
    });
    this.running.set(followerIndex, tracked);
    return tracked;
  }

  /** Goes on with `record` in the background, retrying each failed step, until it is done or ferry closes. */
  private finishAlone(record: PromotionRecord): void {
    const now = Date.now();
    void this.track(record.followerIndex, this.run(record, { started: now, deadline: now, inRequest: false }).catch(() => undefined));
  }

  /**
   * Makes the moves core/failover/promote-steps.ts decides, recording each before the next. Resolves with the
   * record once the promote is done; rejects once it was rolled back (with the cause and what was undone),
   * or when a request stops waiting for a promote that ferry then finishes alone.
   */
  private async run(start: PromotionRecord, ctx: RunContext): Promise<PromotionRecord> {
    let record = start;
    // A promote found after a restart goes back because ferry stopped in the middle of it.
    let cause: unknown = start.direction === "back"
      ? requestErrors.promoteRolledBack(`ferry stopped during the promote of [${start.followerIndex}]${start.lastError ? ` (${start.lastError})` : ""}`)
      : undefined;
    let attempt = 0;
    for (;;) {
      if (!ctx.inRequest && this.closing.signal.aborted) {
        throw requestErrors.promoteUnfinished(`ferry closed; it goes on with the promote of [${record.followerIndex}] when it starts again`);
      }
      const move = nextMove(record);
      if ("finished" in move) {
        deletePromotion(this.host.db, record.followerIndex);
        return record;
      }
      let data: PromotionData;
      try {
        data = await this.perform(record, move, ctx);
      } catch (err) {
        attempt++;
        const failure = describe(err);
        // A step may record what it is about to change before it fails (a held stream): its undo needs that.
        const { data } = getPromotion<PromoteStep>(this.host.db, record.followerIndex) ?? record;
        record = { ...record, data, lastError: `${"do" in move ? `step ${move.do}` : `undo of step ${move.undo}`} failed: ${failure.reason}` };
        this.save(record);
        if (this.closing.signal.aborted) {
          throw requestErrors.promoteUnfinished(`ferry is closing; it goes on with the promote of [${record.followerIndex}] when it starts again (${record.lastError})`);
        }
        if (!ctx.inRequest) {
          await this.pause(backoffDelay(BACKGROUND_RETRY, attempt));
          continue;
        }
        const decision = afterFailure(record, { retryable: failure.retryable, attempt });
        if ("retry" in decision) {
          await sleep(backoffDelay(STEP_RETRY, attempt));
          continue;
        }
        if ("turnBack" in decision) {
          cause = err instanceof PromoteTimeout || (isFerryError(err) && err.status < 500) ? err : requestErrors.promoteRolledBack(record.lastError!);
          attempt = 0;
          record = { ...record, ...turnBack(record, "do" in move ? move.do : undefined) };
          this.save(record);
          continue;
        }
        this.finishAlone(record);
        throw unfinished(record, cause ?? err);
      }
      attempt = 0;
      const after = afterMove(record, move);
      if (!after) {
        deletePromotion(this.host.db, record.followerIndex);
        throw rolledBack(record, cause);
      }
      record = { ...record, ...after, data, lastError: record.direction === "back" ? record.lastError : null };
      // The switch recorded its step in its own transaction.
      this.save(record, !("do" in move && move.do === "switched"));
    }
  }

  /** Waits between two attempts of ferry's own; cut short when ferry closes (the record stays for its next start). */
  private pause(ms: number): Promise<void> {
    const signal = this.closing.signal;
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done);
    });
  }

  /** Records the promote's progress, then announces it. */
  private save(record: PromotionRecord, recorded = true): void {
    if (recorded) updatePromotion(this.host.db, record);
    const { followerIndex, kind, step, direction, lastError } = record;
    this.host.events.emit("promote:step", { followerIndex, kind, step, direction, error: lastError });
  }

  /** One move's effects; answers the record's data as the move leaves it. */
  private async perform(record: PromotionRecord, move: Exclude<Move, { finished: unknown }>, ctx: RunContext): Promise<PromotionData> {
    const { data } = record;
    const row = data.replication;
    const { followerIndex, leaderIndex } = row;
    const leader = this.host.clusters.leader(row.leaderAlias);
    if ("undo" in move) {
      switch (move.undo) {
        case "recorded": await this.host.putBack(row); break;
        case "leader_blocked":
          if (data.heldStream !== undefined) await releaseStreamWrites(leader, "leader", data.heldStream, leaderIndex);
          if (!data.leaderWasBlocked) await unblockWrites(leader, "leader", leaderIndex);
          break;
        // Following again at once: whatever the old leader takes meanwhile is copied as before the promote.
        case "promoted_quiet": this.host.followForDrain(followerIndex); break;
        case "old_leader_guarded": await removeGuard(leader, leaderIndex); break;
        case "old_leader_unblocked": await blockWrites(leader, "leader", leaderIndex); break;
        case "drained": break;
        default: throw new Error(`step ${move.undo} cannot be undone`);
      }
      return data;
    }
    switch (move.do) {
      case "leader_blocked": {
        this.host.followForDrain(followerIndex);
        const stream = await writeIndexStream(leader, "leader", leaderIndex);
        if (stream === undefined) {
          await blockWrites(leader, "leader", leaderIndex);
          return data;
        }
        // Recorded before the leader changes, so that a rollback, after a crash too, releases the stream.
        const held = { ...data, heldStream: stream };
        updatePromotion(this.host.db, { ...record, data: held });
        await holdStreamWrites(leader, "leader", stream);
        await blockWrites(leader, "leader", leaderIndex);
        return held;
      }
      case "drained": {
        const final = await this.finalCheckpoints(leader, row, ctx.deadline);
        const documents = await this.drain(leader, row, final, ctx.deadline);
        const shards = listShards(this.host.db, followerIndex).map((s): PromoteShard => ({
          shard: s.shard, follower_checkpoint: s.checkpoint, reconciled_checkpoint: reconciled(s), leader_checkpoint: final[s.shard]!,
        }));
        return { ...data, final, documents, shards };
      }
      case "promoted_quiet": {
        // The promoted index's last operations before anyone else writes to it: the fail-back starts there.
        await this.host.halt(followerIndex);
        const promoted = this.host.clusters.follower(row.followerAlias);
        const promotedMax = await this.quietMaxSeqNos(promoted, "follower", followerIndex, row.shardCount, ctx.deadline);
        const [promotedMeta, oldLeaderMeta] = await Promise.all([
          indexMetadata(promoted, "follower", followerIndex), indexMetadata(leader, "leader", leaderIndex),
        ]);
        if (!promotedMeta || !oldLeaderMeta) throw requestErrors.illegalState(`[${followerIndex}] or [${leaderIndex}] disappeared during the promote`, 409);
        return { ...data, promotedMax, promotedUuid: promotedMeta.uuid, oldLeaderUuid: oldLeaderMeta.uuid };
      }
      case "old_leader_guarded":
        if (this.host.settings["ferry.follower.write_guard"] === 1) await installGuard(leader, leaderIndex);
        return data;
      case "old_leader_unblocked":
        await unblockWrites(leader, "leader", leaderIndex);
        return data;
      case "switched":
        return this.switchRoles(record, ctx);
      case "promoted_released":
        await this.host.releasePromoted(row);
        return data;
      default:
        throw new Error(`step ${move.do} has no effect`);
    }
  }

  /** The point of no return: the replication ends in ferry's records, and a fail-back's reverse begins. */
  private async switchRoles(record: PromotionRecord, ctx: RunContext): Promise<PromotionData> {
    const { data } = record;
    const row = data.replication;
    let shards = data.shards;
    if (record.kind === "unplanned") {
      // Within the leader timeout as a whole: the probe may have used some of it already.
      await this.host.halt(row.followerIndex, Math.max(0, ctx.started + this.host.settings["ferry.promote.leader_timeout"] - Date.now()));
      shards = listShards(this.host.db, row.followerIndex).map((s): PromoteShard => ({
        shard: s.shard, follower_checkpoint: s.checkpoint, reconciled_checkpoint: reconciled(s), leader_checkpoint: s.leaderCheckpoint,
        operations_missing_at_most: Math.max(0, s.leaderCheckpoint - s.checkpoint),
      }));
    } else if (record.kind === "planned") {
      await this.host.halt(row.followerIndex);
    }
    const next: PromotionData = { ...data, ...(shards ? { shards } : {}) };
    let reverse: Parameters<typeof switchRoles>[2];
    if (record.kind === "reverse") {
      const start = next.promotedMax!.map((leaderCheckpoint, shard): ReverseStart => ({ leaderCheckpoint, followerMaxSeqNo: next.final![shard]! }));
      reverse = { row: this.host.reverseRow(row, { promoted: next.promotedUuid!, oldLeader: next.oldLeaderUuid! }, start), start };
    }
    this.host.switchRecords(row.followerIndex, reverse?.row.followerIndex, () => switchRoles(this.host.db, { ...record, data: next }, reverse));
    return next;
  }

  /** A fail-back replicates into the old leader index under its own name, which no other replication may hold. */
  private checkReversible(row: ReplicationRow, request: PromoteRequest): void {
    if (request.force) throw requestErrors.illegalArgument("reverse needs a planned promotion; it cannot be combined with force");
    if (streamOfBackingName(row.leaderIndex) !== undefined) {
      throw requestErrors.illegalArgument(`Cannot fail back into [${row.leaderIndex}]: it backs a data stream, and a stream's ` +
        "backing indices refuse the versioned writes ferry replicates with (docs/data-streams.md)");
    }
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

}

/** The essentials of one index's promote answer, as a site or stream promote lists them. */
export function promoteOutcome(index: string, answer: PromoteResponse): SitePromoteOutcome {
  return {
    index, promotion: answer.promotion,
    ...(answer.unplanned_because !== undefined ? { unplanned_because: answer.unplanned_because } : {}),
    leader_alias: answer.leader_alias, leader_index: answer.leader_index,
    ...(answer.leader_write_block !== undefined ? { leader_write_block: answer.leader_write_block } : {}),
    ...(answer.documents ? { documents: answer.documents } : {}),
    shards: answer.shards, took_millis: answer.took_millis,
  };
}

/** The answer of a promote whose every step is done, from what its steps recorded. */
function answer(record: PromotionRecord): Answer {
  const { data } = record;
  const shards = data.shards ?? [];
  if (record.kind === "unplanned") {
    return { promotion: "unplanned", unplanned_because: data.because ?? "", guarantee: GUARANTEE.unplanned, shards };
  }
  const planned = { promotion: "planned" as const, documents: data.documents!, shards };
  if (record.kind === "planned") {
    const held = data.heldStream === undefined ? "" : ` ${GUARANTEE.heldStream(data.heldStream)}`;
    return { ...planned, guarantee: `${GUARANTEE.planned}${held}`, leader_write_block: true };
  }
  const row = data.replication;
  return {
    ...planned, guarantee: `${GUARANTEE.planned} ${GUARANTEE.reverse}`, leader_write_block: false,
    reverse: {
      leader_alias: row.followerAlias ?? LOCAL_CLUSTER, leader_index: row.followerIndex,
      follower_alias: row.leaderAlias, follower_index: row.leaderIndex, bootstrap: "none",
    },
  };
}

/** The error of a promote that was rolled back: its cause, then what the rollback left. */
function rolledBack(record: PromotionRecord, cause: unknown): FerryError {
  const undone = record.kind === "unplanned" ? "the promote was rolled back: replication goes on"
    : record.data.leaderWasBlocked ? "the promote was rolled back: replication goes on; the leader index was write-blocked before and stays so"
    : "the promote was rolled back: the leader index takes writes again and replication goes on";
  if (cause instanceof PromoteTimeout) return requestErrors.promoteTimeout(`${cause.message}; ${undone}`);
  // A refusal the request earned keeps its own type and status; a cluster's failure is the rollback's.
  const error = isFerryError(cause) && cause.status < 500 ? cause : requestErrors.promoteRolledBack(describe(cause).reason);
  return new FerryError(error.type, error.status, `${error.reason}; ${undone}`, false, error.details);
}

/** The error of a promote the request stops waiting for; ferry finishes it alone. */
function unfinished(record: PromotionRecord, cause: unknown): FerryError {
  const { followerIndex, leaderIndex } = record.data.replication;
  const then = "ferry retries it by itself until the cluster answers, also after a restart; promoting or pausing this index is refused until then";
  if (record.direction === "back") {
    return requestErrors.promoteUnfinished(
      `the promote of [${followerIndex}] failed (${describe(cause).reason}) and is being rolled back, but ${record.lastError}; ${then}`);
  }
  const ended = record.kind === "reverse" ? `the replication ended and [${leaderIndex}] follows [${followerIndex}]` : "the replication ended";
  return requestErrors.promoteUnfinished(`the promote of [${followerIndex}] is done in ferry's records (${ended}), but ${record.lastError}; ${then}`);
}

/** A step's failure as the decision needs it; a timed-out drain is no error a retry could cure. */
function describe(err: unknown): { retryable: boolean; reason: string } {
  if (isFerryError(err)) return { retryable: err.retryable, reason: err.reason };
  return { retryable: false, reason: err instanceof Error ? err.message : String(err) };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** `30s`, `500ms`, `2m` (the contract allows no other form). */
export function timeValueMs(value: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(value);
  if (!match) throw requestErrors.illegalArgument(`failed to parse time value [${value}]`);
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000 }[match[2] as "ms" | "s" | "m"];
}
