import { describe, expect, it } from "vitest";
import { afterCrash, afterFailure, afterMove, ATTEMPTS_IN_REQUEST, nextMove, pastReturn, STEPS, turnBack, type Move, type PromotionProgress } from "./promote-steps.ts";

const at = (kind: PromotionProgress["kind"], step: PromotionProgress["step"], direction: PromotionProgress["direction"] = "forward"): PromotionProgress =>
  ({ kind, step, direction });

/** Every move from `p` until nothing is left, as the executor makes them when no step fails. */
function run(p: PromotionProgress): Move[] {
  const moves: Move[] = [];
  for (let current: PromotionProgress | undefined = p; current;) {
    const move = nextMove(current);
    moves.push(move);
    current = afterMove(current, move);
  }
  return moves;
}

describe("a promote's steps", () => {
  it.each([
    ["planned", ["leader_blocked", "drained", "switched", "promoted_released"]],
    ["reverse", ["leader_blocked", "drained", "promoted_quiet", "old_leader_guarded", "old_leader_unblocked", "switched", "promoted_released"]],
    ["unplanned", ["switched", "promoted_released"]],
  ] as const)("a %s promote does each step once, in order, then finishes", (kind, steps) => {
    expect(run(at(kind, "recorded"))).toEqual([...steps.map((s) => ({ do: s })), { finished: "promoted" }]);
  });

  it("a rollback undoes every step reached, the last first, down to the record itself", () => {
    expect(run(at("reverse", "old_leader_unblocked", "back"))).toEqual(
      ["old_leader_unblocked", "old_leader_guarded", "promoted_quiet", "drained", "leader_blocked", "recorded"].map((s) => ({ undo: s })),
    );
    expect(run(at("planned", "recorded", "back"))).toEqual([{ undo: "recorded" }]);
  });

  it.each([
    ["planned", "drained", false], ["planned", "switched", true], ["reverse", "old_leader_unblocked", false],
    ["reverse", "switched", true], ["reverse", "promoted_released", true], ["unplanned", "recorded", false], ["unplanned", "switched", true],
  ] as const)("%s at %s is past the point of no return: %s", (kind, step, past) => {
    expect(pastReturn(at(kind, step))).toBe(past);
  });

  it("knows no step of another kind", () => {
    expect(() => nextMove(at("unplanned", "drained"))).toThrow(/no step of a unplanned promote/);
  });
});

describe("after a failure", () => {
  it.each([
    // step reached, direction, retryable, attempt → decision
    ["transient, first attempts: the step is tried again", "promoted_quiet", "forward", true, 1, { retry: true }],
    ["transient, attempts used up before the switch: roll back", "old_leader_guarded", "forward", true, ATTEMPTS_IN_REQUEST, { turnBack: true }],
    ["not retryable before the switch: roll back at once", "leader_blocked", "forward", false, 1, { turnBack: true }],
    ["transient after the switch: tried again", "switched", "forward", true, 2, { retry: true }],
    ["attempts used up after the switch: answer, finish in the background", "switched", "forward", true, ATTEMPTS_IN_REQUEST, { answerAndContinue: true }],
    ["not retryable after the switch: never undone", "switched", "forward", false, 1, { answerAndContinue: true }],
    ["transient while rolling back: tried again", "old_leader_unblocked", "back", true, 1, { retry: true }],
    ["rollback step keeps failing: answer, finish the rollback in the background", "old_leader_guarded", "back", true, ATTEMPTS_IN_REQUEST, { answerAndContinue: true }],
  ] as const)("%s", (_what, step, direction, retryable, attempt, decision) => {
    expect(afterFailure(at("reverse", step, direction), { retryable, attempt })).toEqual(decision);
  });

  it("a rollback starts with the undo of the step that failed, which may have half happened", () => {
    expect(turnBack(at("planned", "recorded"), "leader_blocked")).toEqual(at("planned", "leader_blocked", "back"));
    expect(turnBack(at("reverse", "old_leader_guarded"), "old_leader_unblocked")).toEqual(at("reverse", "old_leader_unblocked", "back"));
    expect(turnBack(at("planned", "drained"), "switched")).toEqual(at("planned", "drained", "back"));
    expect(turnBack(at("planned", "drained"))).toEqual(at("planned", "drained", "back"));
  });
});

describe("after a crash", () => {
  it.each(STEPS.reverse.map((step) => [step] as const))("a reverse promote found at %s", (step) => {
    const found = afterCrash(at("reverse", step));
    expect(found.direction).toBe(pastReturn(found) ? "forward" : "back");
    // The step under way when ferry stopped is undone first, unless it is the switch (one transaction).
    const next = STEPS.reverse[STEPS.reverse.indexOf(step) + 1];
    expect(found.step).toBe(found.direction === "back" && next !== "switched" ? next : step);
  });

  it("a planned promote stopped while it blocked the leader undoes the block first", () => {
    expect(afterCrash(at("planned", "recorded"))).toEqual(at("planned", "leader_blocked", "back"));
    expect(afterCrash(at("planned", "drained"))).toEqual(at("planned", "drained", "back"));
    expect(afterCrash(at("unplanned", "recorded"))).toEqual(at("unplanned", "recorded", "back"));
  });

  it("a rollback found half-done goes on rolling back", () => {
    expect(afterCrash(at("planned", "leader_blocked", "back"))).toEqual(at("planned", "leader_blocked", "back"));
  });
});
