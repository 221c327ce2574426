// The promote as a sequence of recorded steps (core/store/promotions.ts keeps the step reached), and the
// pure decision of what to do next: the next step, the undo of the last one, a retry, or a turn back.
// Until the records switch roles (`switched`), every step can be undone, and a failure that retries do
// not cure, or a crash, rolls the promote back; from `switched` on ferry's records already name the new
// roles, so the promote only goes forward, retried until it completes.

import type { Direction, PromotionKind } from "../store/promotions.ts";

/**
 * Each kind's steps, in order; a record names the last one completed.
 * - recorded: the record exists (with the replication as it was, and whether the leader was write-blocked)
 * - leader_blocked: the replication follows for the drain, the leader index is write-blocked
 * - drained: the follower holds the leader's final operations (core/failover/promote.ts, `drain`)
 * - promoted_quiet: the replication halted; the promoted index's last operations and both uuids are read
 * - old_leader_guarded: the old leader index carries the follower's write guard (when it is configured)
 * - old_leader_unblocked: the old leader index lost its write block
 * - switched: one SQLite transaction ended the replication and, for a fail-back, recorded the reverse one
 * - promoted_released: the promoted index lost its guard and lease; nothing of the promote is left to do
 */
export const STEPS = {
  planned: ["recorded", "leader_blocked", "drained", "switched", "promoted_released"],
  reverse: ["recorded", "leader_blocked", "drained", "promoted_quiet", "old_leader_guarded", "old_leader_unblocked", "switched", "promoted_released"],
  unplanned: ["recorded", "switched", "promoted_released"],
} as const;

export type PromoteStep = (typeof STEPS)[PromotionKind][number];

export interface PromotionProgress {
  kind: PromotionKind;
  /** The last step completed (going forward), or the last one not yet undone (going back). */
  step: PromoteStep;
  direction: Direction;
}

export type Move =
  | { do: PromoteStep }
  /** Undoing `recorded` puts the replication back as it was and deletes the record. */
  | { undo: PromoteStep }
  | { finished: "promoted" };

/** From here on the records name the new roles: no undo. */
const POINT_OF_NO_RETURN: PromoteStep = "switched";

const position = (kind: PromotionKind, step: PromoteStep): number => {
  const at = (STEPS[kind] as readonly PromoteStep[]).indexOf(step);
  if (at < 0) throw new Error(`step ${step} is no step of a ${kind} promote`);
  return at;
};

/** True once the promote can no longer be rolled back. */
export function pastReturn(p: Pick<PromotionProgress, "kind" | "step">): boolean {
  return p.kind in STEPS && position(p.kind, p.step) >= position(p.kind, POINT_OF_NO_RETURN);
}

export function nextMove(p: PromotionProgress): Move {
  const steps = STEPS[p.kind] as readonly PromoteStep[];
  const at = position(p.kind, p.step);
  if (p.direction === "back") return { undo: p.step };
  return at + 1 < steps.length ? { do: steps[at + 1]! } : { finished: "promoted" };
}

/** The progress once `move` succeeded; undefined when nothing of the promote is left (the record goes). */
export function afterMove(p: PromotionProgress, move: Move): PromotionProgress | undefined {
  if ("finished" in move) return undefined;
  if ("do" in move) return { ...p, step: move.do };
  const at = position(p.kind, move.undo);
  return at === 0 ? undefined : { ...p, step: STEPS[p.kind][at - 1]! };
}

export interface Failure {
  /** The error may go away by itself (a reset connection, a 429, a node restarting). */
  retryable: boolean;
  /** Failures of this move in a row, this one included. */
  attempt: number;
}

/** How often a retryable failure is tried again before the promote turns back (or, past the point of no
 * return, before the request answers and ferry goes on trying by itself). */
export const ATTEMPTS_IN_REQUEST = 5;

export type AfterFailure =
  | { retry: true }
  /** Roll back from the step reached. */
  | { turnBack: true }
  /** Answer the request; ferry keeps trying in the background and after a restart, in this direction. */
  | { answerAndContinue: true };

export function afterFailure(p: PromotionProgress, failure: Failure): AfterFailure {
  if (failure.retryable && failure.attempt < ATTEMPTS_IN_REQUEST) return { retry: true };
  if (p.direction === "forward" && !pastReturn(p)) return { turnBack: true };
  return { answerAndContinue: true };
}

/**
 * The rollback of a promote whose step `inProgress` failed, or was under way when ferry stopped: that step
 * may have half happened (a write block set, its answer lost), so the rollback starts with its undo, which
 * changes nothing where the step did nothing. Steps from the point of no return on are never undone.
 */
export function turnBack(p: PromotionProgress, inProgress?: PromoteStep): PromotionProgress {
  const undoable = inProgress !== undefined && position(p.kind, inProgress) > position(p.kind, p.step)
    && position(p.kind, inProgress) < position(p.kind, POINT_OF_NO_RETURN);
  return { ...p, step: undoable ? inProgress : p.step, direction: "back" };
}

/** A record found when ferry starts: its promote request is gone, so one not yet past the point of no return
 * is rolled back rather than resumed (its drain would need the request's deadline), from the step that was
 * under way. */
export function afterCrash(p: PromotionProgress): PromotionProgress {
  if (p.direction !== "forward" || pastReturn(p)) return p;
  const next = nextMove(p);
  return turnBack(p, "do" in next ? next.do : undefined);
}
