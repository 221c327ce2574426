// Workload 1, catch-up: a backlog written to the leader while replication is paused, then resumed; the
// time until the follower has converged (bench/compare/converge.ts). The limit is a plain `_bulk` of the
// same operations into an empty follower index, one stream per shard. Insert-only, or mixed (60 %
// inserts, 30 % updates, 10 % deletes).
import { inserts, mixed, sampleIds } from "./corpus.ts";
import { converged, expectedFrom } from "./converge.ts";
import { cpuMeter, createIndex, deleteIndex, load, log, rotate, seconds, type Context } from "./context.ts";
import type { System } from "./replicators.ts";

export type CatchUpSystem = System | "limit";

export interface CatchUpRun {
  mode: "insert" | "mixed";
  run: number;
  /** Operations in the backlog (docs/s figures are operations per second). */
  ops: number;
  /** Documents live on the leader once the backlog is in. */
  docs: number;
  seconds: Record<CatchUpSystem, number>;
  /** CPU seconds each process spent while each system caught up. */
  cpu: Record<CatchUpSystem, Record<string, number>>;
  order: CatchUpSystem[];
}

export async function catchUp(ctx: Context, mode: "insert" | "mixed", run: number): Promise<CatchUpRun> {
  const { pair, options, replicators } = ctx;
  const leaderIndex = `cu-${mode}-${run}`;
  const ops = mode === "insert" ? inserts(`c${run}-`, options.catchUpDocs) : mixed(`c${run}-`, options.catchUpDocs, run + 1);
  const follower = (s: CatchUpSystem) => `${leaderIndex}-${s}`;
  await createIndex(pair.leader, leaderIndex, options.shards, pair.shape.replicas);
  for (const r of Object.values(replicators)) {
    await r.start(leaderIndex, follower(r.system));
    await r.syncing(follower(r.system));
    await r.pause(follower(r.system));
  }
  log(`catch-up ${mode} run ${run + 1}: loading ${ops.length} operations into the leader`);
  await load(pair.leader, leaderIndex, ops, options.shards);
  const expected = await expectedFrom(pair.leader, leaderIndex, sampleIds(ops, 200));
  const order = rotate<CatchUpSystem>(["plugin", "ferry", "limit"], run);
  const result: CatchUpRun = { mode, run, ops: ops.length, docs: expected.fingerprint.count, seconds: {} as CatchUpRun["seconds"], cpu: {} as CatchUpRun["cpu"], order };
  for (const system of order) {
    const index = follower(system);
    if (system === "limit") await createIndex(pair.follower, index, options.shards, pair.shape.replicas);
    const meter = cpuMeter(ctx);
    const t0 = performance.now();
    const [t1] = await Promise.all([
      converged(pair.follower, index, expected),
      system === "limit" ? load(pair.follower, index, ops, options.shards) : replicators[system].resume(index),
    ]);
    result.seconds[system] = seconds(t0, t1);
    result.cpu[system] = meter.diff();
    log(`catch-up ${mode} run ${run + 1}: ${system} ${result.seconds[system].toFixed(1)} s (${Math.round(ops.length / result.seconds[system])} ops/s)`);
    if (system === "limit") await deleteIndex(pair.follower, index);
    else await replicators[system].remove(index);
  }
  await deleteIndex(pair.leader, leaderIndex);
  return result;
}
