// The plugin's bulk routes (reference §4.9): start, stop, pause or resume every index a pattern selects,
// as an asynchronous task whose progress `_task_status` reports. Unlike the plugin, any number of bulk
// tasks may run at once. Tasks live in memory only: a restart forgets them (the replications they
// started are persisted as usual); the latest MAX_KEPT_TASKS stay readable after they finish.
import { randomBytes } from "node:crypto";
import type { components } from "../openapi/ferry.gen.ts";
import type { ClusterConnection } from "./clusters/connection.ts";
import { listOpenIndices } from "./open-indices.ts";
import { forEachLimited } from "./concurrency-limit.ts";
import { isFerryError, requestErrors } from "./errors.ts";
import { planFollows } from "./follow-plan.ts";
import { compareIndexNames, parseIndexExpression, patternProblems, selectIndices } from "./index-patterns.ts";
import type { RemoteRegistry } from "./remotes.ts";
import type { Acknowledged, ReplicationApi } from "./replications.ts";
import type { Settings } from "./settings.ts";
import type { Store } from "./store/db.ts";
import { getReplication, listReplications } from "./store/replications.ts";

export type BulkOperation = "start" | "stop" | "pause" | "resume";

export type BulkRequest = components["schemas"]["BulkRequest"];
export type BulkAccepted = components["schemas"]["BulkAccepted"];
export type TaskStatus = components["schemas"]["BulkTaskStatus"];

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

    const id = `${this.node}:${this.next++}`;
    const status: TaskStatus = {
      operation_type: `bulk_${operation}_replication`, pattern: request.pattern, start_time: Date.now(),
      num_success: 0, num_failed: refused.length, num_pending: work.length, num_cancelled: 0, failed_indices: refused,
    };
    const task: Task = { status, cancelled: false, finished: false, done: Promise.resolve() };
    task.done = forEachLimited(work, this.deps.settings["plugins.replication.follower.bulk_batch_size"], async (index) => {
      try {
        await this.apply(operation, index, request);
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

  /** Start matches open leader indices; each follower takes the leader's name and no settings. */
  private async planStart(request: BulkRequest, excluded: Set<string>): Promise<{ work: string[]; refused: TaskStatus["failed_indices"] }> {
    if (!request.leader_alias) throw requestErrors.validation(["leader_alias is required for bulk start"]);
    const leader = this.deps.remotes.connection(request.leader_alias);
    const matches = (await listOpenIndices(leader, "leader", request.pattern)).filter((m) => !excluded.has(m.name));
    if (matches.length === 0) throw requestErrors.notFound(`No indices found matching pattern: [${request.pattern}] on leader cluster`);
    const plan = await planFollows(
      { follower: this.deps.follower, isFollowerIndex: (index) => this.deps.replications.isFollowerIndex(index) },
      matches.map((m) => m.name), undefined,
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
