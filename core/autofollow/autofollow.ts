// Auto-follow rules: persisted in SQLite, each evaluated on its own timer every `fetch_poll_interval`.
// An evaluation lists the open leader indices the rule's pattern selects, and starts replication for
// each whose follower neither exists locally nor replicates already, with at most
// `concurrent_replication_jobs_trigger_size` of them bootstrapping at once. One timer per rule, never
// one per index.
//
// Choices where the plugin is unhelpful: re-creating a rule with the same definition is acknowledged
// (idempotent); with a different one it is refused with the plugin's 500 and the stored rule is left
// alone (the plugin overwrites it); `PUT _autofollow` updates a rule in place. Deleting an unknown rule
// is acknowledged, as on the plugin's unreleased main.
//
// A whole-site promote disables rules (disableRulesForPromote) so that nothing new follows the promoted
// site. The store is the record: a disabled rule polls no leader and starts nothing, its timer ends at its
// next firing, and it stays disabled across restarts. Re-posting the same definition leaves it disabled
// (a script that re-creates its rules must not undo a failover); `PUT _autofollow` enables it again.
import { listOpenIndices } from "./open-indices.ts";
import { RecoverableRefusals, startRefusal, type StartRefusal } from "./autofollow-refusals.ts";
import { unconfiguredRoles } from "../config/cluster-directory.ts";
import type { ClusterConnection, RemoteAuth } from "../clusters/connection.ts";
import { forEachLimited } from "../clusters/concurrency-limit.ts";
import { requestErrors } from "../errors.ts";
import type { FerryEventBus } from "../events.ts";
import { planFollows } from "./follow-plan.ts";
import { followerName, isMultiIndexExpression, LEADER_INDEX_PLACEHOLDER, memberFollowerName, parseIndexExpression, patternProblems, selects } from "./index-patterns.ts";
import { streamOfBackingName } from "../clusters/data-streams.ts";
import { indexNameProblems } from "../replication/index-names.ts";
import type { RemoteRegistry } from "../config/remotes.ts";
import type { Acknowledged, ReplicationApi } from "../replication/replications.ts";
import type { Settings } from "../config/settings.ts";
import type { Store } from "../store/db.ts";
import {
  clearFailedIndices, deleteRule, disableRule, getRule, insertRule, listRules, recordPoll, recordStartFailure, recordStartSuccess,
  updateRuleDefinition, type RuleDefinition, type RuleRow,
} from "../store/autofollow-rules.ts";
import { getReplication } from "../store/replications.ts";

export interface AutoFollowRule {
  leader_alias: string;
  name: string;
  pattern: string;
  follower_index_pattern?: string;
  settings?: Record<string, unknown>;
  use_roles?: { leader_cluster_role: string; follower_cluster_role: string };
}

/** A rule as stored: settings are always present (`{}` when none were given). */
export type StoredRule = AutoFollowRule & {
  settings: Record<string, unknown>;
  /** ferry extension: present while the rule is disabled (a whole-site promote did it). */
  disabled?: { at: number; reason: string };
};

export interface RuleKey {
  leader_alias: string;
  name: string;
}

/** A follower index a whole-site promote works on, as its replication names it. */
export interface PromotedFollower {
  leaderAlias: string;
  leaderIndex: string;
  followerIndex: string;
}

/** Which followers a whole-site promote was asked for: all of one leader alias, or those a pattern selects. */
export type PromoteScope = { leaderAlias: string } | { pattern: string; promoted: PromotedFollower[] };

export interface RuleCreated extends Acknowledged {
  /** ferry extension: existing leader indices the new rule starts following now. */
  existing_indices: number;
}

/** A leader index whose follower name is taken by a local index that ferry does not replicate (#327). */
export interface BlockedIndex {
  leader_index: string;
  follower_index: string;
  reason: string;
}

export interface AutoFollowApi {
  /** `startExisting: false` makes the rule follow only leader indices created after it. */
  create(rule: AutoFollowRule, options?: { startExisting?: boolean }): Promise<RuleCreated>;
  /** ferry extension (#1394): replaces a rule's pattern, follower pattern, settings and roles. */
  update(rule: AutoFollowRule): Promise<Acknowledged>;
  delete(leaderAlias: string, name: string): Promise<Acknowledged>;
  /** Stops a rule's polls until `update` with its definition enables it again; `reason` shows in `list`. */
  disable(leaderAlias: string, name: string, reason: string): void;
  /** ferry extension (#1394): every rule, as it was defined. */
  list(): StoredRule[];
  /** The plugin's `autofollow_stats` body (reference §4.8), with `blocked_indices` per rule. */
  stats(): Promise<Record<string, unknown>>;
}

export interface AutoFollowDeps {
  db: Store;
  remotes: RemoteRegistry;
  follower: ClusterConnection;
  settings: Settings;
  replications: ReplicationApi;
  events: FerryEventBus;
  /** Credentials behind `use_roles` role names (config `cluster_roles`): a rule naming others is logged. */
  clusterRoles: Record<string, RemoteAuth>;
}

/** In-memory state of one rule; everything here is rebuilt by the next evaluation after a restart. */
interface RuleRuntime {
  timer: NodeJS.Timeout | undefined;
  /** Set while an evaluation runs, including its starts; a timer firing then does nothing. */
  evaluation: Promise<void> | undefined;
  /** Bumped by update and delete: queued starts of an older definition are dropped. */
  generation: number;
  /** Evaluate again right after the running evaluation (the rule changed meanwhile). */
  again: boolean;
  blocked: BlockedIndex[];
  failedClearedAt: number;
  /** Starts refused for a recoverable reason: tried again at the next poll, not put in failed_indices. */
  recoverable: RecoverableRefusals;
}

const ACK: Acknowledged = { acknowledged: true };
const BOOTSTRAP_CHECK_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ruleKey = (leaderAlias: string, name: string) => `${leaderAlias}\u0000${name}`;

function definitionOf(rule: AutoFollowRule): RuleDefinition {
  return {
    pattern: rule.pattern,
    followerIndexPattern: rule.follower_index_pattern ?? null,
    settings: rule.settings ?? {},
    useRoles: rule.use_roles ?? null,
  };
}

function sameDefinition(row: RuleRow, definition: RuleDefinition): boolean {
  const stored: RuleDefinition = { pattern: row.pattern, followerIndexPattern: row.followerIndexPattern, settings: row.settings, useRoles: row.useRoles };
  return JSON.stringify(stored) === JSON.stringify(definition);
}

function ruleView(row: RuleRow): StoredRule {
  return {
    leader_alias: row.leaderAlias,
    name: row.name,
    pattern: row.pattern,
    ...(row.followerIndexPattern !== null ? { follower_index_pattern: row.followerIndexPattern } : {}),
    settings: row.settings,
    ...(row.useRoles ? { use_roles: row.useRoles as AutoFollowRule["use_roles"] & object } : {}),
    ...(row.disabledAt !== null ? { disabled: { at: row.disabledAt, reason: row.disabledReason ?? "" } } : {}),
  };
}

/**
 * The enabled rules a whole-site promote disables. A leader alias: all its rules, since that site is
 * being left. A pattern: the rules that would follow a promoted index again — same alias, a pattern
 * selecting its leader index and a follower name that is its name — so rules of the same site feeding
 * other indices keep running.
 */
export function rulesToDisable(rules: RuleRow[], scope: PromoteScope): RuleRow[] {
  const enabled = rules.filter((r) => r.disabledAt === null);
  if ("leaderAlias" in scope) return enabled.filter((r) => r.leaderAlias === scope.leaderAlias);
  return enabled.filter((rule) => {
    const expr = parseIndexExpression(rule.pattern);
    return scope.promoted.some((p) => {
      // A data stream's backing index is selected and named through its stream.
      const dataStream = streamOfBackingName(p.leaderIndex);
      const name = dataStream === undefined ? followerName(rule.followerIndexPattern ?? undefined, p.leaderIndex)
        : memberFollowerName(rule.followerIndexPattern ?? undefined, dataStream, p.leaderIndex);
      return p.leaderAlias === rule.leaderAlias && selects(expr, { name: p.leaderIndex, hidden: false, ...(dataStream ? { dataStream } : {}) })
        && name === p.followerIndex;
    });
  });
}

/** Disables the rules `rulesToDisable` picks, in the store (see the note at the top); answers which. */
export function disableRulesForPromote(db: Store, scope: PromoteScope, reason: string): RuleKey[] {
  const at = Date.now();
  return rulesToDisable(listRules(db), scope)
    .filter((r) => disableRule(db, r.leaderAlias, r.name, at, reason))
    .map((r) => ({ leader_alias: r.leaderAlias, name: r.name }));
}

const isEnabled = (row: RuleRow | undefined): row is RuleRow => row !== undefined && row.disabledAt === null;

function validateRule(rule: AutoFollowRule): void {
  const problems = [...indexNameProblems(rule.name), ...patternProblems(rule.pattern)];
  if (rule.follower_index_pattern !== undefined) {
    // A pattern naming one index or data stream may name its follower outright (a stream's start makes such a rule).
    if (!rule.follower_index_pattern.includes(LEADER_INDEX_PLACEHOLDER) && isMultiIndexExpression(rule.pattern)) {
      problems.push(`follower_index_pattern must contain the ${LEADER_INDEX_PLACEHOLDER} placeholder`);
    } else {
      problems.push(...indexNameProblems(followerName(rule.follower_index_pattern, "sample")));
    }
  }
  if (problems.length) throw requestErrors.validation(problems);
}

/** A poll that could not run is retried at the next interval; the log line says why. */
function logFailure(leaderAlias: string, name: string, err: unknown): void {
  console.error(JSON.stringify({ ferry: "autofollow", rule: `${leaderAlias}:${name}`, error: err instanceof Error ? err.message : String(err) }));
}

export class AutoFollowEngine implements AutoFollowApi {
  private readonly runtimes = new Map<string, RuleRuntime>();
  private closed = false;

  constructor(private readonly deps: AutoFollowDeps) {}

  /** Starts the timer of every stored rule; each evaluates at once. */
  resumeAll(): void {
    for (const row of listRules(this.deps.db).filter(isEnabled)) {
      this.noteRoleFallback(row.leaderAlias, row.name, row.useRoles as AutoFollowRule["use_roles"] | null);
      this.schedule(this.runtime(row.leaderAlias, row.name), row.leaderAlias, row.name, 0);
    }
  }

  /** Says once that a rule's `use_roles` names roles without a credential: its starts run with ferry's own. */
  private noteRoleFallback(leaderAlias: string, rule: string, roles: AutoFollowRule["use_roles"] | null): void {
    const unconfigured = unconfiguredRoles(this.deps.clusterRoles, roles);
    if (roles && unconfigured.length && this.deps.settings["ferry.use_roles.strict"] !== 1) {
      this.deps.events.emit("autofollow:use-roles-fallback", { leaderAlias, rule, roles, unconfigured });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const rt of this.runtimes.values()) clearTimeout(rt.timer);
    await Promise.all([...this.runtimes.values()].map((rt) => rt.evaluation));
  }

  async create(rule: AutoFollowRule, options: { startExisting?: boolean } = {}): Promise<RuleCreated> {
    validateRule(rule);
    const leader = this.deps.remotes.connection(rule.leader_alias);
    const definition = definitionOf(rule);
    const existing = getRule(this.deps.db, rule.leader_alias, rule.name);
    if (existing) {
      if (sameDefinition(existing, definition)) return { acknowledged: true, existing_indices: 0 };
      throw requestErrors.autofollowRuleExists();
    }
    const startExisting = options.startExisting ?? true;
    insertRule(this.deps.db, rule.leader_alias, rule.name, definition, startExisting ? null : await this.followFrom(leader, rule.pattern));
    this.noteRoleFallback(rule.leader_alias, rule.name, rule.use_roles ?? null);
    const rt = this.runtime(rule.leader_alias, rule.name);
    const planned = await this.evaluate(rt, rule.leader_alias, rule.name);
    return { acknowledged: true, existing_indices: startExisting ? planned : 0 };
  }

  async update(rule: AutoFollowRule): Promise<Acknowledged> {
    validateRule(rule);
    this.deps.remotes.connection(rule.leader_alias);
    if (!updateRuleDefinition(this.deps.db, rule.leader_alias, rule.name, definitionOf(rule))) {
      throw requestErrors.notFound(`Autofollow replication rule ${rule.leader_alias}:${rule.name} does not exist`);
    }
    this.noteRoleFallback(rule.leader_alias, rule.name, rule.use_roles ?? null);
    const rt = this.runtime(rule.leader_alias, rule.name);
    rt.generation++;
    if (rt.evaluation) rt.again = true;
    else this.schedule(rt, rule.leader_alias, rule.name, 0);
    return ACK;
  }

  disable(leaderAlias: string, name: string, reason: string): void {
    disableRule(this.deps.db, leaderAlias, name, Date.now(), reason);
    // An evaluation under way finds the rule disabled when it schedules the next one.
    const rt = this.runtimes.get(ruleKey(leaderAlias, name));
    if (rt) clearTimeout(rt.timer);
  }

  async delete(leaderAlias: string, name: string): Promise<Acknowledged> {
    deleteRule(this.deps.db, leaderAlias, name);
    const rt = this.runtimes.get(ruleKey(leaderAlias, name));
    if (rt) {
      rt.generation++;
      clearTimeout(rt.timer);
      this.runtimes.delete(ruleKey(leaderAlias, name));
    }
    return ACK;
  }

  list(): StoredRule[] {
    return listRules(this.deps.db).map(ruleView);
  }

  async stats(): Promise<Record<string, unknown>> {
    const rules = listRules(this.deps.db);
    const perRule = rules.map((row) => ({
      name: row.name,
      pattern: row.pattern,
      leader_alias: row.leaderAlias,
      num_success_start_replication: row.numSuccess,
      num_failed_start_replication: row.numFailed,
      num_failed_leader_calls: row.numFailedLeaderCalls,
      failed_indices: row.failedIndices,
      last_execution_time: row.lastExecutionTime,
      blocked_indices: this.runtimes.get(ruleKey(row.leaderAlias, row.name))?.blocked ?? [],
    }));
    const sum = (f: (r: RuleRow) => number) => rules.reduce((acc, r) => acc + f(r), 0);
    return {
      num_success_start_replication: sum((r) => r.numSuccess),
      num_failed_start_replication: sum((r) => r.numFailed),
      num_failed_leader_calls: sum((r) => r.numFailedLeaderCalls),
      failed_indices: [...new Set(rules.flatMap((r) => r.failedIndices))],
      autofollow_stats: perRule,
    };
  }

  // ---- evaluation ----

  private runtime(leaderAlias: string, name: string): RuleRuntime {
    const key = ruleKey(leaderAlias, name);
    let rt = this.runtimes.get(key);
    if (!rt) {
      rt = { timer: undefined, evaluation: undefined, generation: 0, again: false, blocked: [], failedClearedAt: Date.now(), recoverable: new RecoverableRefusals() };
      this.runtimes.set(key, rt);
    }
    return rt;
  }

  /** Only an enabled rule gets a next evaluation: this is where a disabled rule's timer ends. */
  private schedule(rt: RuleRuntime, leaderAlias: string, name: string, delayMs: number): void {
    if (this.closed || this.runtimes.get(ruleKey(leaderAlias, name)) !== rt) return;
    if (!isEnabled(getRule(this.deps.db, leaderAlias, name))) return;
    clearTimeout(rt.timer);
    rt.timer = setTimeout(() => {
      if (!rt.evaluation) void this.evaluate(rt, leaderAlias, name);
    }, delayMs);
    rt.timer.unref();
  }

  /** The leader's clock decides which indices are "new": the rule follows indices created after the
   * newest one that matches now. */
  private async followFrom(leader: ClusterConnection, pattern: string): Promise<number> {
    try {
      const matches = await listOpenIndices(leader, "leader", pattern);
      return Math.max(0, ...matches.map((m) => m.creationDate)) + 1;
    } catch {
      return Date.now();
    }
  }

  /**
   * Lists and plans at once and answers how many indices it will start; the starts run on in the
   * background, and when they are done the next evaluation is scheduled.
   */
  private async evaluate(rt: RuleRuntime, leaderAlias: string, name: string): Promise<number> {
    let release!: () => void;
    rt.evaluation = new Promise<void>((resolve) => { release = resolve; });
    const finish = () => {
      rt.evaluation = undefined;
      release();
      const again = rt.again;
      rt.again = false;
      this.schedule(rt, leaderAlias, name, again ? 0 : this.deps.settings["plugins.replication.autofollow.fetch_poll_interval"]);
    };
    const generation = rt.generation;
    let starts: { leader_index: string; follower_index: string }[];
    try {
      starts = await this.plan(rt, leaderAlias, name);
    } catch (err) {
      logFailure(leaderAlias, name, err);
      finish();
      return 0;
    }
    void this.runStarts(rt, generation, leaderAlias, name, starts).catch((err: unknown) => logFailure(leaderAlias, name, err)).finally(finish);
    return starts.length;
  }

  private async plan(rt: RuleRuntime, leaderAlias: string, name: string): Promise<{ leader_index: string; follower_index: string }[]> {
    const now = Date.now();
    if (now - rt.failedClearedAt >= this.deps.settings["plugins.replication.autofollow.retry_poll_interval"]) {
      clearFailedIndices(this.deps.db, leaderAlias, name);
      rt.failedClearedAt = now;
    }
    const rule = getRule(this.deps.db, leaderAlias, name);
    if (!isEnabled(rule)) return [];
    let matches;
    try {
      matches = await listOpenIndices(this.deps.remotes.connection(leaderAlias), "leader", rule.pattern);
    } catch (err) {
      recordPoll(this.deps.db, leaderAlias, name, now, true);
      throw err;
    }
    recordPoll(this.deps.db, leaderAlias, name, now, false);
    const failed = new Set(rule.failedIndices);
    const candidates = matches
      .filter((m) => rule.followFrom === null || m.creationDate >= rule.followFrom)
      .filter((m) => !failed.has(m.name));
    rt.recoverable.keepOnly(candidates.map((m) => m.name));
    const plan = await planFollows(
      { follower: this.deps.follower, isFollowerIndex: (index) => this.deps.replications.isFollowerIndex(index) },
      candidates, rule.followerIndexPattern ?? undefined,
    );
    rt.blocked = [];
    for (const entry of plan) {
      if (entry.action !== "refused") continue;
      if (entry.blocked_by_local_index) rt.blocked.push({ leader_index: entry.leader_index, follower_index: entry.follower_index, reason: entry.reason });
      // A name the plugin's rules refuse (a dot index named explicitly, upper case) fails as in the plugin.
      else this.refused(rt, leaderAlias, name, entry, { type: "action_request_validation_exception", reason: entry.reason, retryable: false });
    }
    return plan.filter((e) => e.action === "start");
  }

  private async runStarts(rt: RuleRuntime, generation: number, leaderAlias: string, name: string, starts: { leader_index: string; follower_index: string }[]): Promise<void> {
    const stopped = () => this.closed || rt.generation !== generation;
    await forEachLimited(starts, this.deps.settings["plugins.replication.autofollow.concurrent_replication_jobs_trigger_size"], async (entry) => {
      // Read again: the rule may have changed, gone or been disabled while earlier starts bootstrapped.
      const rule = getRule(this.deps.db, leaderAlias, name);
      if (!isEnabled(rule) || this.deps.replications.isFollowerIndex(entry.follower_index)) return;
      try {
        await this.deps.replications.start(entry.follower_index, {
          leader_alias: leaderAlias,
          leader_index: entry.leader_index,
          ...(Object.keys(rule.settings).length ? { settings: rule.settings } : {}),
          ...(rule.useRoles ? { use_roles: rule.useRoles as { leader_cluster_role: string; follower_cluster_role: string } } : {}),
        }, { waitForRestore: false });
      } catch (err) {
        this.refused(rt, leaderAlias, name, entry, startRefusal(err));
        return;
      }
      rt.recoverable.forget(entry.leader_index);
      recordStartSuccess(this.deps.db, leaderAlias, name);
      // The slot stays taken until the bootstrap is over, as the plugin counts starts in flight.
      while (!stopped() && getReplication(this.deps.db, entry.follower_index)?.state === "BOOTSTRAPPING") await sleep(BOOTSTRAP_CHECK_MS);
    }, stopped);
  }

  /** A recoverable refusal leaves the index to the next poll and out of the counts; any other is a failed
   * start, as the plugin counts and retries it. Logged through the events bus (see RecoverableRefusals). */
  private refused(rt: RuleRuntime, leaderAlias: string, rule: string, entry: { leader_index: string; follower_index: string }, refusal: StartRefusal): void {
    if (refusal.retryable) {
      if (!rt.recoverable.note(entry.leader_index, refusal.reason)) return;
    } else {
      rt.recoverable.forget(entry.leader_index);
      recordStartFailure(this.deps.db, leaderAlias, rule, entry.leader_index);
    }
    this.deps.events.emit("autofollow:start-refused", {
      leaderAlias, rule, leaderIndex: entry.leader_index, followerIndex: entry.follower_index, ...refusal,
    });
  }
}
