// The plugin's bulk routes (reference §4.9): start, stop, pause or resume every index a pattern selects,
// as an asynchronous task whose progress `_task_status` reports. Unlike the plugin, any number of bulk
// tasks may run at once. Tasks live in memory only: a restart forgets them (the replications they
// started are persisted as usual); the latest MAX_KEPT_TASKS stay readable after they finish.
//
// Whole-site promote (ferry extension) is a task of the same kind: every follower of a leader alias, or
// those a pattern selects, promoted one by one as by `{index}/_promote`, after the auto-follow rules that
// would follow that site again are disabled. Like every task here it works on at most `bulk_batch_size`
// indices at once: a promote mostly waits (leader write block, drain, counts) while the scheduler's pool
// does the copying, so the bound is on leader calls and write blocks in flight, and one slow drain
// (`timeout` applies per index) holds one lane, not the task.
import { randomBytes } from "node:crypto";
import type { components } from "../../openapi/ferry.gen.ts";
import type { ClusterConnection } from "../clusters/connection.ts";
import { listOpenIndices } from "./open-indices.ts";
import { forEachLimited } from "../clusters/concurrency-limit.ts";
import { disableRulesForPromote, type PromoteScope } from "./autofollow.ts";
import { isFerryError, requestErrors } from "../errors.ts";
import { planFollows } from "./follow-plan.ts";
import { compareIndexNames, parseIndexExpression, patternProblems, selectIndices, selects } from "./index-patterns.ts";
import type { RemoteRegistry } from "../config/remotes.ts";
import type { Acknowledged, ReplicationApi } from "../replication/replications.ts";
import { promoteOutcome } from "../failover/promote.ts";
import type { Settings } from "../config/settings.ts";
import type { Store } from "../store/db.ts";
import { getReplication, listReplications } from "../store/replications.ts";

export type BulkOperation = "start" | "stop" | "pause" | "resume";

export type BulkRequest = components["schemas"]["BulkRequest"];
export type BulkAccepted = components["schemas"]["BulkAccepted"];
export type TaskStatus = components["schemas"]["BulkTaskStatus"];
export type SitePromoteRequest = components["schemas"]["SitePromoteRequest"];
type SitePromoteOutcome = components["schemas"]["SitePromoteOutcome"];

export interface BulkDeps {
  db: Store;
  follower: ClusterConnection;
  remotes: RemoteRegistry;
  replications: ReplicationApi;
  settings: Settings;
}

interface Task {
  status: TaskStatus;
  cancelled: boolean;
  done: Promise<void>;
  finished: boolean;
}

// Bounds the memory kept for finished tasks.
const MAX_KEPT_TASKS = 100;
const TASK_ID = /^[A-Za-z0-9_-]+:\d+$/;

export class BulkTasks {
  /** Task ids are `<node>:<n>` as in OpenSearch; the node part is new per process, so that an id from
   * before a restart is "not found" rather than someone else's task. */
  private readonly node = randomBytes(9).toString("base64url");
  private next = 1;
  private readonly tasks = new Map<string, Task>();
  private closed = false;

  constructor(private readonly deps: BulkDeps) {}

  async submit(operation: BulkOperation, request: BulkRequest): Promise<BulkAccepted> {
    const problems = patternProblems(request.pattern, "pattern");
    if (problems.length) throw requestErrors.validation(problems);
    const excluded = new Set(request.filters?.exclude_index ?? []);
    const { work, refused } = operation === "start"
      ? await this.planStart(request, excluded)
      : await this.planLocal(operation, request.pattern, excluded);
    if (work.length === 0) throw requestErrors.illegalArgument(refused.map((r) => `[${r.index}] ${r.failure_reason}`).join("; "));

    const id = this.newTaskId();
    const status: TaskStatus = {
      operation_type: `bulk_${operation}_replication`, pattern: request.pattern, start_time: Date.now(),
      num_success: 0, num_failed: refused.length, num_pending: work.length, num_cancelled: 0, failed_indices: refused,
    };
    return this.launch(id, status, work, (index) => this.apply(operation, index, request));
  }

  /**
   * Whole-site promote: exactly one of `leader_alias` (every follower of that leader cluster) and
   * `pattern` (the followers it selects by name). The rules are disabled when the task is accepted,
   * before any index is promoted, and stay disabled whatever the promotes do: the site is being left.
   */
  async submitPromote(request: SitePromoteRequest): Promise<BulkAccepted> {
    const { work, scope } = this.planPromote(request);
    const id = this.newTaskId();
    const disabled = disableRulesForPromote(this.deps.db, scope,
      `disabled by whole-site promote task ${id} at ${new Date().toISOString()}; PUT _autofollow with the rule's definition enables it again`);
    const promoted: SitePromoteOutcome[] = [];
    const status: TaskStatus = {
      operation_type: "bulk_promote_replication", pattern: "pattern" in scope ? scope.pattern : "*",
      ...("leaderAlias" in scope ? { leader_alias: scope.leaderAlias } : {}),
      start_time: Date.now(), num_success: 0, num_failed: 0, num_pending: work.length, num_cancelled: 0, failed_indices: [],
      promoted_indices: promoted, disabled_autofollow_rules: disabled,
    };
    const options = { ...(request.force !== undefined ? { force: request.force } : {}), ...(request.timeout !== undefined ? { timeout: request.timeout } : {}) };
    return this.launch(id, status, work, async (index) => {
      promoted.push(promoteOutcome(index, await this.deps.replications.promote(index, options)));
    });
  }

  private newTaskId(): string {
    return `${this.node}:${this.next++}`;
  }

  /** Runs `apply` on every index, `bulk_batch_size` at a time, counting into `status`. */
  private launch(id: string, status: TaskStatus, work: string[], apply: (index: string) => Promise<void>): BulkAccepted {
    const task: Task = { status, cancelled: false, finished: false, done: Promise.resolve() };
    task.done = forEachLimited(work, this.deps.settings["plugins.replication.follower.bulk_batch_size"], async (index) => {
      try {
        await apply(index);
        status.num_success++;
      } catch (err) {
        status.num_failed++;
        status.failed_indices.push({ index, failure_reason: isFerryError(err) ? err.reason : String(err) });
      }
      status.num_pending--;
    }, () => task.cancelled || this.closed).then(() => {
      status.num_cancelled = status.num_pending;
      status.num_pending = 0;
      task.finished = true;
    });
    this.tasks.set(id, task);
    this.forgetOldTasks();
    return { acknowledged: true, task_id: id };
  }

  taskStatus(id: string): TaskStatus {
    return this.task(id).status;
  }

  cancel(id: string): Acknowledged {
    const task = this.task(id);
    if (task.finished) throw requestErrors.notFound(`Task ${id} not found or already completed`);
    task.cancelled = true;
    return { acknowledged: true };
  }

  /** `_bulk_status`: the status of every follower ferry knows whose name the pattern selects, in
   * natural name order. */
  async bulkStatus(pattern: string): Promise<{ indices: Record<string, Record<string, unknown>> }> {
    const expr = parseIndexExpression(pattern);
    const names = selectIndices(expr, listReplications(this.deps.db).map((r) => ({ name: r.followerIndex, hidden: false })))
      .map((i) => i.name).sort(compareIndexNames);
    const statuses = new Map<string, Record<string, unknown>>();
    await forEachLimited(names, this.deps.settings["plugins.replication.follower.bulk_batch_size"], async (name) => {
      statuses.set(name, await this.deps.replications.status(name, false));
    });
    return { indices: Object.fromEntries(names.map((n) => [n, statuses.get(n)!])) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tasks.values()].map((t) => t.done));
  }

  private task(id: string): Task {
    if (!TASK_ID.test(id)) throw requestErrors.illegalArgument("Invalid task_id format");
    const task = this.tasks.get(id);
    if (!task) throw requestErrors.notFound(`Task ${id} not found or already completed`);
    return task;
  }

  private forgetOldTasks(): void {
    for (const [id, task] of this.tasks) {
      if (this.tasks.size <= MAX_KEPT_TASKS) return;
      if (task.finished) this.tasks.delete(id);
    }
  }

  /** The followers ferry knows of the leader alias, or whose names the pattern selects, in natural order. */
  private planPromote(request: SitePromoteRequest): { work: string[]; scope: PromoteScope } {
    const { leader_alias: leaderAlias, pattern } = request;
    // The contract refuses such bodies already; this guards in-process callers.
    if ((leaderAlias === undefined) === (pattern === undefined)) throw requestErrors.validation(["exactly one of leader_alias and pattern is required"]);
    const rows = listReplications(this.deps.db);
    if (leaderAlias !== undefined) {
      const work = rows.filter((r) => r.leaderAlias === leaderAlias).map((r) => r.followerIndex).sort(compareIndexNames);
      if (work.length === 0) throw requestErrors.notFound(`No follower index replicates from leader alias [${leaderAlias}]`);
      return { work, scope: { leaderAlias } };
    }
    const problems = patternProblems(pattern!, "pattern");
    if (problems.length) throw requestErrors.validation(problems);
    const expr = parseIndexExpression(pattern!);
    const selected = rows.filter((r) => selects(expr, { name: r.followerIndex, hidden: false }));
    if (selected.length === 0) throw requestErrors.notFound(`No follower indices found matching pattern: [${pattern}]`);
    return {
      work: selected.map((r) => r.followerIndex).sort(compareIndexNames),
      scope: { pattern: pattern!, promoted: selected.map((r) => ({ leaderAlias: r.leaderAlias, leaderIndex: r.leaderIndex, followerIndex: r.followerIndex })) },
    };
  }

  /** Start matches open leader indices; each follower takes the leader's name and no settings. */
  private async planStart(request: BulkRequest, excluded: Set<string>): Promise<{ work: string[]; refused: TaskStatus["failed_indices"] }> {
    if (!request.leader_alias) throw requestErrors.validation(["leader_alias is required for bulk start"]);
    const leader = this.deps.remotes.connection(request.leader_alias);
    const matches = (await listOpenIndices(leader, "leader", request.pattern)).filter((m) => !excluded.has(m.name));
    if (matches.length === 0) throw requestErrors.notFound(`No indices found matching pattern: [${request.pattern}] on leader cluster`);
    const plan = await planFollows(
      { follower: this.deps.follower, isFollowerIndex: (index) => this.deps.replications.isFollowerIndex(index) },
      matches, undefined,
    );
    const refused: TaskStatus["failed_indices"] = [];
    for (const entry of plan) {
      if (entry.action === "refused") refused.push({ index: entry.leader_index, failure_reason: entry.reason });
      if (entry.action === "already_replicating") {
        refused.push({ index: entry.leader_index, failure_reason: `Replication on Index ${entry.follower_index} is already running` });
      }
    }
    return { work: plan.filter((e) => e.action === "start").map((e) => e.leader_index), refused };
  }

  /** Stop, pause and resume match open local indices, and followers ferry knows that have no open
   * index yet (bootstrapping) or any more (closed). */
  private async planLocal(operation: BulkOperation, pattern: string, excluded: Set<string>): Promise<{ work: string[]; refused: TaskStatus["failed_indices"] }> {
    const expr = parseIndexExpression(pattern);
    const local = (await listOpenIndices(this.deps.follower, "follower", expr)).map((i) => i.name);
    const known = selectIndices(expr, listReplications(this.deps.db).map((r) => ({ name: r.followerIndex, hidden: false }))).map((i) => i.name);
    const names = [...new Set([...local, ...known])].filter((n) => !excluded.has(n)).sort(compareIndexNames);
    if (names.length === 0) throw requestErrors.notFound(`No indices found matching pattern: [${pattern}]`);
    const work: string[] = [];
    const refused: TaskStatus["failed_indices"] = [];
    for (const index of names) {
      const state = getReplication(this.deps.db, index)?.state;
      const reason = state === undefined ? `No replication in progress for index:${index}`
        : operation === "pause" && state === "PAUSED" ? `Index ${index} is already paused`
        : operation === "resume" && state !== "PAUSED" && state !== "AUTO_PAUSED" ? `Replication on Index ${index} is already running`
        : undefined;
      if (reason) refused.push({ index, failure_reason: reason });
      else work.push(index);
    }
    return { work, refused };
  }

  private async apply(operation: BulkOperation, index: string, request: BulkRequest): Promise<void> {
    const { replications } = this.deps;
    switch (operation) {
      case "start":
        await replications.start(index, {
          leader_alias: request.leader_alias!, leader_index: index, ...(request.use_roles ? { use_roles: request.use_roles } : {}),
        }, { waitForRestore: true });
        return;
      case "stop":
        await replications.stop(index);
        return;
      case "pause":
        await replications.pause(index, "bulk_pause");
        return;
      case "resume":
        await replications.resume(index);
        return;
    }
  }
}
