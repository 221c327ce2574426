import { describe, expect, it } from "vitest";
import { nextStep, ON_RESTART, OBSERVATIONS, REQUESTS, STATES, TABLE, type Phase, type Trigger } from "./state-machine.ts";

const PHASES: Phase[] = [...STATES, "ENDED"];
/** Every phase `trigger` may leave from: cells that move rather than refuse. */
const allowedFrom = (trigger: Trigger): Phase[] => PHASES.filter((p) => { const c = TABLE[trigger][p]; return c !== undefined && typeof c !== "function"; });
const moveOf = (trigger: Trigger, from: Phase) => {
  const step = nextStep(trigger, from, "idx");
  if (step.do !== "move") throw new Error(`${trigger} from ${from}: ${step.do}`);
  return { to: step.to, effects: step.effects };
};
const refusalOf = (trigger: Trigger, from: Phase) => {
  const step = nextStep(trigger, from, "idx");
  if (step.do !== "refuse") throw new Error(`${trigger} from ${from}: ${step.do}`);
  return { type: step.error.type, status: step.error.status, reason: step.error.reason };
};

describe("the replication state machine", () => {
  it("answers every request in every phase, with a move or the plugin's refusal", () => {
    for (const trigger of REQUESTS) for (const phase of PHASES) expect(nextStep(trigger, phase, "idx").do, `${trigger} from ${phase}`).not.toBe("ignore");
  });

  it("moves as the plugin's API does", () => {
    expect(moveOf("start", "ENDED")).toEqual({ to: "BOOTSTRAPPING", effects: ["persist", "bootstrap"] });
    expect(moveOf("pause", "SYNCING")).toEqual({ to: "PAUSED", effects: ["persist", "halt"] });
    expect(moveOf("pause", "AUTO_PAUSED")).toEqual({ to: "PAUSED", effects: ["persist", "halt"] });
    expect(moveOf("resume", "PAUSED")).toEqual({ to: "SYNCING", effects: ["persist", "follow"] });
    expect(moveOf("resume", "AUTO_PAUSED")).toEqual({ to: "SYNCING", effects: ["persist", "follow"] });
    for (const state of STATES) expect(moveOf("stop", state)).toEqual({ to: "ENDED", effects: ["end", "persist"] });
    expect(moveOf("update", "PAUSED")).toEqual({ to: "PAUSED", effects: [] });
  });

  it("refuses with the plugin's errors", () => {
    expect(refusalOf("pause", "PAUSED")).toEqual({ type: "resource_already_exists_exception", status: 400, reason: "Index idx is already paused" });
    expect(refusalOf("pause", "FAILED")).toEqual({ type: "illegal_state_exception", status: 500, reason: "Cannot pause when in FAILED state" });
    expect(refusalOf("pause", "BOOTSTRAPPING")).toMatchObject({ type: "exception", reason: "Index is in restore phase currently for index: idx. You can pause after restore completes." });
    for (const from of ["BOOTSTRAPPING", "SYNCING", "FAILED"] as const) {
      expect(refusalOf("resume", from)).toEqual({ type: "resource_already_exists_exception", status: 400, reason: "Replication on Index idx is already running" });
    }
    expect(refusalOf("update", "FAILED")).toMatchObject({ type: "illegal_state_exception", reason: "Cannot update settings when in FAILED state" });
    for (const trigger of ["pause", "resume", "update", "stop"] as const) {
      expect(refusalOf(trigger, "ENDED")).toEqual({ type: "illegal_argument_exception", status: 400, reason: "No replication in progress for index:idx" });
    }
  });

  it("ignores the engine's findings where they do not apply", () => {
    expect(nextStep("index_closed", "PAUSED", "idx")).toEqual({ do: "ignore" });
    expect(nextStep("index_reopened", "SYNCING", "idx")).toEqual({ do: "ignore" });
    expect(nextStep("fail", "ENDED", "idx")).toEqual({ do: "ignore" });
    // A bootstrap that finishes after the replication failed or was stopped does not revive it.
    expect(nextStep("bootstrapped", "FAILED", "idx")).toEqual({ do: "ignore" });
    expect(nextStep("retry_bootstrap", "FAILED", "idx")).toEqual({ do: "ignore" });
    expect(moveOf("index_closed", "SYNCING")).toEqual({ to: "AUTO_PAUSED", effects: ["persist"] });
    expect(moveOf("index_reopened", "AUTO_PAUSED")).toEqual({ to: "SYNCING", effects: ["persist"] });
  });

  it("persists before it acts, except that an end lets go of everything before the record goes", () => {
    for (const trigger of [...REQUESTS, ...OBSERVATIONS]) {
      for (const [phase, cell] of Object.entries(TABLE[trigger])) {
        if (typeof cell === "function") continue;
        const at = cell.effects.indexOf("persist");
        if (cell.effects.includes("end")) expect(cell.effects, `${trigger} from ${phase}`).toEqual(["end", "persist"]);
        else if (at >= 0) expect(at, `${trigger} from ${phase}`).toBe(0);
        if (cell.to !== "same" && cell.to !== "given") expect(cell.effects, `${trigger} from ${phase}: a new state is written`).toContain("persist");
      }
    }
  });

  it("drains a paused replication by following it, and follows whatever else it finds", () => {
    expect(moveOf("drain", "PAUSED")).toEqual({ to: "SYNCING", effects: ["persist", "follow"] });
    expect(moveOf("drain", "SYNCING")).toEqual({ to: "SYNCING", effects: ["follow"] });
    expect(refusalOf("drain", "ENDED").type).toBe("illegal_argument_exception");
  });

  it("puts a rolled-back promote's replication back, writing the record only when it differs", () => {
    expect(nextStep("put_back", "SYNCING", "idx", { state: "PAUSED", unchanged: false })).toEqual({ do: "move", from: "SYNCING", to: "PAUSED", effects: ["persist", "halt"] });
    expect(nextStep("put_back", "FAILED", "idx", { state: "SYNCING", unchanged: false })).toEqual({ do: "move", from: "FAILED", to: "SYNCING", effects: ["persist", "follow"] });
    expect(nextStep("put_back", "SYNCING", "idx", { state: "SYNCING", unchanged: true })).toEqual({ do: "move", from: "SYNCING", to: "SYNCING", effects: ["follow"] });
    expect(nextStep("put_back", "FAILED", "idx", { state: "FAILED", unchanged: true })).toEqual({ do: "move", from: "FAILED", to: "FAILED", effects: [] });
    expect(nextStep("put_back", "ENDED", "idx", { state: "SYNCING", unchanged: false })).toEqual({ do: "ignore" });
  });

  it("always runs a promote's switch, and begins a fail-back in SYNCING", () => {
    for (const phase of PHASES) expect(moveOf("promoted", phase)).toEqual({ to: "ENDED", effects: ["persist"] });
    expect(moveOf("reverse_began", "ENDED")).toEqual({ to: "SYNCING", effects: ["persist", "follow"] });
  });

  it("reaches every state from a start, and can end from every state", () => {
    const reached = new Set<Phase>(["ENDED"]);
    for (let grew = true; grew;) {
      grew = false;
      for (const trigger of [...REQUESTS, ...OBSERVATIONS]) {
        for (const from of allowedFrom(trigger).filter((p) => reached.has(p))) {
          const step = nextStep(trigger, from, "idx", { state: "PAUSED", unchanged: false });
          if (step.do === "move" && !reached.has(step.to)) { reached.add(step.to); grew = true; }
        }
      }
    }
    expect([...reached].sort()).toEqual([...PHASES].sort());
    expect(allowedFrom("stop").sort()).toEqual([...STATES].sort());
  });

  it("picks up after a restart what each stored state implies", () => {
    expect(ON_RESTART).toEqual({ BOOTSTRAPPING: ["bootstrap"], SYNCING: ["follow"], AUTO_PAUSED: ["follow"], PAUSED: [], FAILED: [] });
  });
});
