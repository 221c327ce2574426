// A replication's state machine in one table: its states, what moves it from one to another, and what
// each move does. core/replication/replications.ts carries the moves out; nothing else changes a state.
// The plugin's status strings are derived here too, so that the stored states and the API cannot drift.
import { FerryError, requestErrors } from "./errors.ts";

/**
 * Stored states of an index replication (the plugin's RUNNING is split into its two phases).
 * AUTO_PAUSED: following waits for a closed index (leader or follower) to reopen, and resumes by itself;
 * users see the plugin's PAUSED with an `AutoPaused:` reason, as the plugin reports an auto-pause.
 */
export const STATES = ["BOOTSTRAPPING", "SYNCING", "PAUSED", "AUTO_PAUSED", "FAILED"] as const;
export type ReplicationState = (typeof STATES)[number];

/** ENDED: no record — before a start, after a stop or a promote. */
export type Phase = ReplicationState | "ENDED";
const PHASES: readonly Phase[] = [...STATES, "ENDED"];

export type PluginStatus = Exclude<ReplicationState, "AUTO_PAUSED">;

export function pluginStatus(state: ReplicationState): PluginStatus {
  return state === "AUTO_PAUSED" ? "PAUSED" : state;
}

export const NOT_IN_PROGRESS = "REPLICATION NOT IN PROGRESS";

export const DEFAULT_REASON = "User initiated";

/** Prefix of every auto-pause reason; the plugin's clients match it. */
export const AUTO_PAUSED_PREFIX = "AutoPaused: ";

/**
 * What a move does, in the order a cell lists them:
 * - persist: the new state and reason are stored (or the record deleted, for ENDED) and announced, before
 *   anything else happens and before the request is acknowledged;
 * - bootstrap: the follower's first copy starts (core/bootstrap/);
 * - follow: the scheduler follows the index, unless it already does (an auto-paused index stays watched);
 * - halt: the scheduler lets go of the index, and the move waits for its shard tasks to end;
 * - end: a running bootstrap is cancelled, the index halted, its write guard removed and its follower
 *   lease released for good — all before `persist` deletes the record, so that a ferry whose database
 *   still lists the replication can never take the index back.
 * FAILED needs no effect of its own: the scheduler lets go of an index before it reports it failed, and a
 * failed bootstrap has ended.
 */
export type Effect = "persist" | "bootstrap" | "follow" | "halt" | "end";

/** `same`: the state stays (a new reason may be stored); `given`: the caller names the state (put_back). */
export interface Move {
  to: Phase | "same" | "given";
  effects: readonly Effect[];
}

/** A request refused in this state, with the plugin's error. */
export type Refusal = (followerIndex: string) => FerryError;

/**
 * Requests (a user's call) must have a cell for every phase: a move or a refusal. Observations (the
 * engine's own findings) have cells only where they apply and are ignored elsewhere: a closed index seen
 * after a pause, say, changes nothing.
 */
export const REQUESTS = ["start", "pause", "resume", "update", "stop"] as const;
export const OBSERVATIONS = [
  "retry_bootstrap", "bootstrapped", "index_closed", "index_reopened", "fail", "drain", "put_back", "promoted", "reverse_began",
] as const;
export type Trigger = (typeof REQUESTS)[number] | (typeof OBSERVATIONS)[number];

const notInProgress: Refusal = (index) => requestErrors.illegalArgument(`No replication in progress for index:${index}`);
const alreadyRunning: Refusal = (index) => requestErrors.alreadyExists(`Replication on Index ${index} is already running`);
const RECORDED: readonly ReplicationState[] = STATES;

const cells = (phases: readonly Phase[], cell: Move | Refusal) => Object.fromEntries(phases.map((p) => [p, cell])) as Partial<Record<Phase, Move | Refusal>>;

/** trigger × phase → the move, or the refusal. */
export const TABLE: Record<Trigger, Partial<Record<Phase, Move | Refusal>>> = {
  // Requests.
  start: {
    // A leftover record whose follower index is gone is stopped first (core/replication/replications.ts).
    ...cells(RECORDED, (index) => requestErrors.illegalArgument(`Cant use same index again for replication. Delete the index:${index}`)),
    ENDED: { to: "BOOTSTRAPPING", effects: ["persist", "bootstrap"] },
  },
  pause: {
    ENDED: notInProgress,
    BOOTSTRAPPING: (index) => requestErrors.generic(`Index is in restore phase currently for index: ${index}. You can pause after restore completes.`),
    SYNCING: { to: "PAUSED", effects: ["persist", "halt"] },
    // The user's pause wins over an auto-pause: the reopen no longer resumes by itself.
    AUTO_PAUSED: { to: "PAUSED", effects: ["persist", "halt"] },
    PAUSED: (index) => requestErrors.alreadyExists(`Index ${index} is already paused`),
    FAILED: () => requestErrors.illegalState("Cannot pause when in FAILED state"),
  },
  resume: {
    ...cells(["BOOTSTRAPPING", "SYNCING", "FAILED"], alreadyRunning),
    ENDED: notInProgress,
    // From AUTO_PAUSED the index is still watched; if it is still closed, the next poll says so again.
    ...cells(["PAUSED", "AUTO_PAUSED"], { to: "SYNCING", effects: ["persist", "follow"] }),
  },
  update: {
    ...cells(["BOOTSTRAPPING", "SYNCING", "PAUSED", "AUTO_PAUSED"], { to: "same", effects: [] }),
    ENDED: notInProgress,
    FAILED: () => requestErrors.illegalState("Cannot update settings when in FAILED state"),
  },
  stop: {
    ...cells(RECORDED, { to: "ENDED", effects: ["end", "persist"] }),
    ENDED: notInProgress,
  },

  // Observations.
  /** A recoverable bootstrap error: the reason says what is retried. */
  retry_bootstrap: { BOOTSTRAPPING: { to: "same", effects: ["persist"] } },
  /** The copy is complete; the store records the start checkpoints with the state, in one transaction. */
  bootstrapped: { BOOTSTRAPPING: { to: "SYNCING", effects: ["persist", "follow"] } },
  index_closed: { SYNCING: { to: "AUTO_PAUSED", effects: ["persist"] } },
  index_reopened: { AUTO_PAUSED: { to: "SYNCING", effects: ["persist"] } },
  /** A fatal error; a failed replication is failed again with the newer reason. */
  fail: cells(RECORDED, { to: "FAILED", effects: ["persist"] }),
  /** A planned promote follows a paused replication to drain it, and (for a fail-back's rollback) follows
   * again whatever state the replication is in. */
  drain: {
    ENDED: notInProgress,
    ...cells(["PAUSED", "AUTO_PAUSED"], { to: "SYNCING", effects: ["persist", "follow"] }),
    ...cells(["BOOTSTRAPPING", "SYNCING", "FAILED"], { to: "same", effects: ["follow"] }),
  },
  /** A rolled-back promote puts the replication back in the state it had before (core/failover/). */
  put_back: cells(RECORDED, { to: "given", effects: ["persist"] }),
  /** The promote's switch deletes the record in its own transaction (core/store/promotions.ts), which must
   * run even if a stop came first; the promote's last step releases the guard and the lease. */
  promoted: cells(PHASES, { to: "ENDED", effects: ["persist"] }),
  /** A fail-back's reverse replication, recorded in SYNCING by the same switch transaction. */
  reverse_began: { ENDED: { to: "SYNCING", effects: ["persist", "follow"] } },
};

/** What a restart does with a record found in each state. */
export const ON_RESTART: Record<ReplicationState, readonly Effect[]> = {
  BOOTSTRAPPING: ["bootstrap"],
  SYNCING: ["follow"],
  AUTO_PAUSED: ["follow"],
  PAUSED: [],
  FAILED: [],
};

/** What put_back does on arriving in each state: the effects that state's record implies. */
const PUT_BACK_EFFECTS: Record<ReplicationState, readonly Effect[]> = {
  BOOTSTRAPPING: [],
  SYNCING: ["follow"],
  AUTO_PAUSED: ["follow"],
  PAUSED: ["halt"],
  FAILED: [],
};

export type Step =
  | { do: "move"; from: Phase; to: Phase; effects: readonly Effect[] }
  | { do: "refuse"; error: FerryError }
  | { do: "ignore" };

/** The state put_back returns to, and whether the record already says exactly that (state and reason). */
export interface Given {
  state: ReplicationState;
  unchanged: boolean;
}

/** The step `trigger` takes from `from`; `given` names put_back's target. */
export function nextStep(trigger: Trigger, from: Phase, followerIndex: string, given?: Given): Step {
  const cell = TABLE[trigger][from];
  if (cell === undefined) return { do: "ignore" };
  if (typeof cell === "function") return { do: "refuse", error: cell(followerIndex) };
  if (cell.to === "given") {
    if (given === undefined) throw new Error(`${trigger} needs the state to go to`);
    // The record is written only when it differs; the state's own effects follow either way.
    return { do: "move", from, to: given.state, effects: [...(given.unchanged ? [] : cell.effects), ...PUT_BACK_EFFECTS[given.state]] };
  }
  return { do: "move", from, to: cell.to === "same" ? from : cell.to, effects: cell.effects };
}
