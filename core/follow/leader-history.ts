// Whether a leader shard still has the history ferry's checkpoint belongs to. A snapshot restored over
// the (closed) leader index keeps the index UUID, but each shard starts a new history: a new history UUID,
// and sequence numbers that go back to where the snapshot was taken. Leader writes after that reuse
// sequence numbers ferry already passed, so following on would skip them without a word.
import type { ShardCheckpoint } from "../clusters/shard-checkpoints.ts";

export interface ShardHistory {
  /** The history UUID ferry's checkpoint belongs to; undefined until first seen. */
  recorded: string | undefined;
  checkpoint: number;
}

export type HistoryVerdict =
  | { kind: "same" }
  /** First sight of the shard's history UUID: record it. */
  | { kind: "learned"; historyUuid: string }
  | { kind: "went-back"; reason: string };

/** `leader` is the shard as the poll read it (undefined while it has no active primary). Within one
 * history the primary's max sequence number never falls below an operation the global checkpoint
 * covered, even across a failover, so a max below ferry's checkpoint is proof too where the UUID is not
 * reported or not recorded yet. */
export function judgeLeaderHistory(
  names: { leaderIndex: string; followerIndex: string; shard: number }, known: ShardHistory, leader: ShardCheckpoint | undefined,
): HistoryVerdict {
  if (!leader) return { kind: "same" };
  const uuidChanged = known.recorded !== undefined && leader.historyUuid !== undefined && leader.historyUuid !== known.recorded;
  const seqNoBack = leader.maxSeqNo < known.checkpoint;
  if (uuidChanged || seqNoBack) {
    const facts = [
      ...(uuidChanged ? [`history uuid ${known.recorded} → ${leader.historyUuid}`] : []),
      ...(seqNoBack ? [`max sequence number ${leader.maxSeqNo} below ferry's checkpoint ${known.checkpoint}`] : []),
    ].join(", ");
    return {
      kind: "went-back",
      reason: `leader index [${names.leaderIndex}] shard ${names.shard} has a new history (${facts}), as after a snapshot restored over it: ` +
        `leader writes since then may reuse sequence numbers ferry already copied, so following cannot go on; ` +
        `stop the replication, delete follower index [${names.followerIndex}] and start it again`,
    };
  }
  if (known.recorded === undefined && leader.historyUuid !== undefined) return { kind: "learned", historyUuid: leader.historyUuid };
  return { kind: "same" };
}
