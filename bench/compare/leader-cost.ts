// Workload 3, the leader's cost: the leader indexes documents at full speed (one `_bulk` stream per
// shard) while nothing, the plugin or ferry replicates the index; its throughput, then the CPU seconds of
// each process from the first write until the follower has converged, and the requests ferry sent.
import { inserts, sampleIds } from "./corpus.ts";
import { converged, expectedFrom } from "./converge.ts";
import { cpuMeter, createIndex, deleteIndex, load, log, rotate, seconds, sleep, type Context } from "./context.ts";
import { byLabel, growth } from "./ferry-runner.ts";
import type { System } from "./replicators.ts";

export type CostSystem = System | "none";

export interface LeaderCostRun {
  run: number;
  system: CostSystem;
  docs: number;
  leaderDocsPerS: number;
  /** From the last leader write until the follower converged. */
  tailSeconds: number;
  /** CPU seconds per 100,000 replicated documents, by process, from the first write to convergence. */
  cpuPer100k: Record<string, number>;
  ferryLeaderRequestsPerS: Record<string, number>;
  ferryFollowerRequestsPerS: Record<string, number>;
}

export async function leaderCost(ctx: Context, run: number): Promise<LeaderCostRun[]> {
  const { pair, options, replicators } = ctx;
  const out: LeaderCostRun[] = [];
  for (const system of rotate<CostSystem>(["none", "plugin", "ferry"], run)) {
    const leaderIndex = `lc-${run}-${system}`;
    const followerIndex = `${leaderIndex}-f`;
    const ops = inserts(`l${run}-`, options.leaderCostDocs);
    await createIndex(pair.leader, leaderIndex, options.shards, pair.shape.replicas);
    if (system !== "none") {
      await replicators[system].start(leaderIndex, followerIndex);
      await replicators[system].syncing(followerIndex);
      await sleep(2_000);
    }
    const meter = cpuMeter(ctx);
    const m0 = await ctx.ferry.metrics();
    const t0 = performance.now();
    await load(pair.leader, leaderIndex, ops, options.shards);
    const t1 = performance.now();
    const t2 = system === "none" ? t1 : await converged(pair.follower, followerIndex, await expectedFrom(pair.leader, leaderIndex, sampleIds(ops, 200)));
    const cpu = meter.diff();
    const m1 = await ctx.ferry.metrics();
    const wall = seconds(t0, t2);
    const perS = (name: string) => Object.fromEntries(Object.entries(growth(byLabel(m0, name, "kind"), byLabel(m1, name, "kind"))).map(([k, v]) => [k, Number((v / wall).toFixed(2))]));
    const result: LeaderCostRun = {
      run, system, docs: ops.length,
      leaderDocsPerS: ops.length / seconds(t0, t1),
      tailSeconds: seconds(t1, t2),
      cpuPer100k: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number(((v * 100_000) / ops.length).toFixed(2))])),
      ferryLeaderRequestsPerS: perS("ferry_leader_requests_total"),
      ferryFollowerRequestsPerS: perS("ferry_follower_requests_total"),
    };
    out.push(result);
    log(`leader cost run ${run + 1} ${system}: leader ${Math.round(result.leaderDocsPerS)} docs/s, converged ${result.tailSeconds.toFixed(1)} s after; CPU s/100k ${JSON.stringify(result.cpuPer100k)}`);
    if (system !== "none") await replicators[system].remove(followerIndex);
    await deleteIndex(pair.leader, leaderIndex);
  }
  return out;
}
