// Workload 4, bootstrap: one leader index of M documents (flushed), copied to a new follower index by
// the plugin's start, by ferry's start (snapshot and restore through the shared repository) and by a
// plain snapshot + restore of the same index (the baseline), each until the follower has converged. The
// baseline is unthrottled (its repository's throttles 0, as ferry's are by default), and so is every
// system's restore: the follower's indices.recovery.max_bytes_per_sec is lifted for the workload.
import { os } from "../../test/support/documents.ts";
import { inserts, sampleIds } from "./corpus.ts";
import { converged, expectedFrom, type Expected } from "./converge.ts";
import { cpuMeter, createIndex, deleteIndex, load, log, rotate, seconds, type Context } from "./context.ts";
import { growth } from "./ferry-runner.ts";
import type { System } from "./replicators.ts";

export type BootstrapSystem = System | "snapshot";

export interface BootstrapRun {
  run: number;
  docs: number;
  seconds: Record<BootstrapSystem, number>;
  cpu: Record<BootstrapSystem, Record<string, number>>;
  order: BootstrapSystem[];
  /** REST calls the follower served while each system bootstrapped, by action (`_nodes/usage`); the
   * convergence checks' own calls are in every system's count. */
  followerRestCalls: Record<BootstrapSystem, Record<string, number>>;
}

const REPOSITORY = "bench-plain";
const LEADER_INDEX = "bs";

/** The leader index, loaded once for all runs, and what a converged follower must hold. */
export async function prepareBootstrap(ctx: Context): Promise<Expected> {
  const { pair, options } = ctx;
  const ops = inserts("b-", options.bootstrapDocs);
  await createIndex(pair.leader, LEADER_INDEX, options.shards, pair.shape.replicas);
  log(`bootstrap: loading ${ops.length} documents into the leader`);
  await load(pair.leader, LEADER_INDEX, ops, options.shards);
  await os(pair.leader, "POST", `/${LEADER_INDEX}/_flush`);
  // Its own folder under the shared path: ferry's repository uses another, and two repositories
  // writing one folder would corrupt it.
  const settings = { location: `${pair.repoPath}/${REPOSITORY}`, max_snapshot_bytes_per_sec: "0b", max_restore_bytes_per_sec: "0b" };
  await os(pair.follower, "PUT", "/_cluster/settings", { transient: { "indices.recovery.max_bytes_per_sec": "0" } });
  await os(pair.leader, "PUT", `/_snapshot/${REPOSITORY}`, { type: "fs", settings });
  await os(pair.follower, "PUT", `/_snapshot/${REPOSITORY}?verify=false`, { type: "fs", settings: { ...settings, readonly: true } });
  return expectedFrom(pair.leader, LEADER_INDEX, sampleIds(ops, 200));
}

/** REST calls a cluster has served since its start, by action, summed over its nodes. */
async function restCalls(url: string): Promise<Record<string, number>> {
  const usage = await os(url, "GET", "/_nodes/usage");
  const out: Record<string, number> = {};
  for (const node of Object.values(usage.nodes) as Array<{ rest_actions?: Record<string, number> }>) {
    for (const [action, n] of Object.entries(node.rest_actions ?? {})) out[action] = (out[action] ?? 0) + n;
  }
  return out;
}

async function snapshotRestore(ctx: Context, snapshot: string, followerIndex: string): Promise<void> {
  const { pair } = ctx;
  await os(pair.leader, "PUT", `/_snapshot/${REPOSITORY}/${snapshot}?wait_for_completion=true`, { indices: LEADER_INDEX, include_global_state: false });
  await os(pair.follower, "POST", `/_snapshot/${REPOSITORY}/${snapshot}/_restore?wait_for_completion=true`, {
    indices: LEADER_INDEX, include_global_state: false, rename_pattern: `^${LEADER_INDEX}$`, rename_replacement: followerIndex,
  });
}

export async function bootstrap(ctx: Context, expected: Expected, run: number): Promise<BootstrapRun> {
  const { pair, replicators } = ctx;
  const order = rotate<BootstrapSystem>(["plugin", "ferry", "snapshot"], run);
  const result: BootstrapRun = {
    run, docs: expected.fingerprint.count, seconds: {} as BootstrapRun["seconds"], cpu: {} as BootstrapRun["cpu"], order, followerRestCalls: {} as BootstrapRun["followerRestCalls"],
  };
  for (const system of order) {
    const followerIndex = `bs-${run}-${system}`;
    const snapshot = `plain-${run}`;
    const meter = cpuMeter(ctx);
    const calls0 = await restCalls(pair.follower);
    const t0 = performance.now();
    const [t1] = await Promise.all([
      converged(pair.follower, followerIndex, expected),
      system === "snapshot" ? snapshotRestore(ctx, snapshot, followerIndex) : replicators[system].start(LEADER_INDEX, followerIndex),
    ]);
    result.seconds[system] = seconds(t0, t1);
    result.cpu[system] = meter.diff();
    result.followerRestCalls[system] = growth(calls0, await restCalls(pair.follower));
    log(`bootstrap run ${run + 1}: ${system} ${result.seconds[system].toFixed(1)} s`);
    if (system === "snapshot") {
      await deleteIndex(pair.follower, followerIndex);
      // The next plain snapshot must copy every file again, as a first snapshot does.
      await os(pair.leader, "DELETE", `/_snapshot/${REPOSITORY}/${snapshot}`);
    } else {
      await replicators[system].remove(followerIndex);
    }
  }
  return result;
}

export async function finishBootstrap(ctx: Context): Promise<void> {
  await os(ctx.pair.follower, "PUT", "/_cluster/settings", { transient: { "indices.recovery.max_bytes_per_sec": null } });
  await deleteIndex(ctx.pair.leader, LEADER_INDEX);
  await os(ctx.pair.follower, "DELETE", `/_snapshot/${REPOSITORY}`);
  await os(ctx.pair.leader, "DELETE", `/_snapshot/${REPOSITORY}`);
}
