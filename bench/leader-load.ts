// What following costs the leader in each read mode (`ferry.leader.refresh_wait`): the leader takes inserts
// at a fixed rate while nothing, or ferry in one mode, replicates the index; per phase the leader JVM's
// cores (/proc), its external refreshes per second (the index's `_stats`, its own and ferry's), the
// requests ferry sent it per second by kind, ferry's own CPU per 100 k documents, and the insert lag of a
// sample (leader acknowledgement until a realtime `_mget` on the follower finds it). One pair of
// single-node clusters for all phases, the phases of each run in a rotated order. ferry runs as its compiled
// release (bench/compare/ferry-runner.ts builds it). Modes: `none` (no
// replication), a refresh_wait in ms, or `default` (ferry's defaults, e.g. for a commit from before the
// setting, `--ferry-ref`).
//
//   npx tsx bench/leader-load.ts [--rates 500,2000] [--seconds 20] [--runs 3] [--modes none,0,5000]
//       [--shards 3] [--heap 384m] [--ferry-ref worktree] [--out bench/results/leader-load.json]
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { bulk, os, type Op } from "../test/support/documents.ts";
import { startPair, stopPair } from "../test/testbed/pair.ts";
import { createIndex, deleteIndex, log, rotate, sleep } from "./compare/context.ts";
import { document } from "./compare/corpus.ts";
import { buildRelease, byLabel, ferrySource, growth, startFerry } from "./compare/ferry-runner.ts";
import { CpuMeter } from "./compare/procfs.ts";
import { distribution, type Distribution } from "./compare/stats.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "500,2000" },
    seconds: { type: "string", default: "20" },
    runs: { type: "string", default: "3" },
    modes: { type: "string", default: "none,0,5000" },
    shards: { type: "string", default: "3" },
    heap: { type: "string", default: "384m" },
    "ferry-ref": { type: "string", default: "worktree" },
    out: { type: "string", default: "bench/results/leader-load.json" },
  },
});
const rates = values.rates.split(",").map(Number);
const phaseSeconds = Number(values.seconds);
const runs = Number(values.runs);
const modes = values.modes.split(",");
const shards = Number(values.shards);

const TICK_MS = 100;
const LAG_POLL_MS = 50;
const SAMPLE_EVERY = 25;

interface Phase {
  run: number;
  mode: string;
  rate: number;
  achievedRate: number;
  leaderCores: number;
  ferryCpuPer100k: number | null;
  leaderRefreshesPerS: number;
  ferryLeaderRequestsPerS: Record<string, number>;
  lagMs: (Distribution & { unseen: number }) | null;
  loadAverage: number;
}

/** Inserts at `rate` for `seconds`, one `_bulk` per tick; every SAMPLE_EVERY-th id goes to `sample` with
 * its acknowledgement time. Returns the rate achieved. */
async function ingest(leader: string, index: string, rate: number, seconds: number, prefix: string, sample: (id: string, ackAt: number) => void): Promise<number> {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const tick = performance.now();
    const due = Math.floor((rate * (tick - start)) / 1000) - sent;
    if (due > 0) {
      const ops: Op[] = Array.from({ length: due }, (_, k) => ({ op: "index", id: `${prefix}${sent + k}`, source: document(sent + k, 1) }));
      await bulk(leader, index, ops);
      const ackAt = performance.now();
      for (let k = 0; k < due; k++) if ((sent + k) % SAMPLE_EVERY === 0) sample(`${prefix}${sent + k}`, ackAt);
      sent += due;
    }
    await sleep(Math.max(0, TICK_MS - (performance.now() - tick)));
  }
  return sent / ((performance.now() - start) / 1000);
}

/** Polls the follower for the pending samples while `ingesting()`, then for at most 30 s more; records
 * each one's lag in `found` and leaves the unseen in `pending`. */
async function watchLags(follower: string, index: string, pending: Map<string, number>, found: Map<string, number>, ingesting: () => boolean): Promise<void> {
  let drainUntil = Infinity;
  while (ingesting() || (pending.size > 0 && performance.now() < drainUntil)) {
    if (!ingesting() && drainUntil === Infinity) drainUntil = performance.now() + 30_000;
    const ids = [...pending.keys()].slice(0, 2000);
    if (ids.length) {
      const res = await os(follower, "POST", `/${index}/_mget?_source=false`, { ids });
      const now = performance.now();
      for (const doc of (res?.docs ?? []) as Array<{ _id: string; found?: boolean }>) {
        if (!doc.found || !pending.has(doc._id)) continue;
        found.set(doc._id, now - pending.get(doc._id)!);
        pending.delete(doc._id);
      }
    }
    await sleep(LAG_POLL_MS);
  }
}

async function externalRefreshes(leader: string, index: string): Promise<number> {
  const res = await os(leader, "GET", `/${index}/_stats/refresh`);
  return res.indices[index].primaries.refresh.external_total as number;
}

async function main(): Promise<void> {
  const pair = await startPair({ ownerPid: process.pid, heap: values.heap });
  const source = ferrySource(values["ferry-ref"]);
  buildRelease(source);
  const leaderPid = pair.leader.nodes[0]!.pid;
  const phases: Phase[] = [];
  log(`leader-load: ferry ${source.label}; rates ${rates.join(",")} docs/s, ${phaseSeconds} s each, modes ${modes.join(",")}, ${runs} runs, ${shards} shards`);
  try {
    for (let run = 0; run < runs; run++) {
      for (const mode of rotate(modes, run)) {
        const ferry = mode === "none" ? undefined : await startFerry(source, { leaderUrls: pair.leader.urls, follower: pair.follower.url, repoPath: pair.repoPath, remoteAlias: "leader-cluster" }, [],
          mode === "default" ? undefined : JSON.stringify({ "ferry.leader.refresh_wait": Number(mode) }));
        try {
          for (const rate of rates) {
            const leaderIndex = `ll-${run}-${mode}-${rate}`;
            const followerIndex = `${leaderIndex}-f`;
            await createIndex(pair.leader.url, leaderIndex, shards, 0);
            if (ferry) {
              const started = await ferry.process.call("PUT", `/_plugins/_replication/${followerIndex}/_start`, { leader_alias: "leader-cluster", leader_index: leaderIndex });
              if (started.status !== 200) throw new Error(`start: ${JSON.stringify(started.body)}`);
              for (;;) {
                const status = await ferry.process.call("GET", `/_plugins/_replication/${followerIndex}/_status`);
                if (status.body?.status === "SYNCING") break;
                await sleep(250);
              }
              await sleep(3_000);
            }
            const meter = new CpuMeter({ leader: [leaderPid], ...(ferry ? { ferry: [ferry.process.pid] } : {}) });
            const m0 = ferry ? byLabel(await ferry.metrics(), "ferry_leader_requests_total", "kind") : {};
            const r0 = await externalRefreshes(pair.leader.url, leaderIndex);
            const t0 = performance.now();
            const found = new Map<string, number>();
            const pending = new Map<string, number>();
            let ingesting = true;
            const watcher = ferry ? watchLags(pair.follower.url, followerIndex, pending, found, () => ingesting) : undefined;
            const achieved = await ingest(pair.leader.url, leaderIndex, rate, phaseSeconds, `${rate}-`, (id, at) => {
              if (ferry) pending.set(id, at);
            });
            ingesting = false;
            await watcher;
            const wall = (performance.now() - t0) / 1000;
            const cpu = meter.diff();
            const r1 = await externalRefreshes(pair.leader.url, leaderIndex);
            const m1 = ferry ? byLabel(await ferry.metrics(), "ferry_leader_requests_total", "kind") : {};
            const docs = achieved * phaseSeconds;
            const phase: Phase = {
              run, mode, rate, achievedRate: Math.round(achieved),
              leaderCores: Number((cpu.leader! / wall).toFixed(3)),
              ferryCpuPer100k: ferry ? Number(((cpu.ferry! * 100_000) / docs).toFixed(2)) : null,
              leaderRefreshesPerS: Number(((r1 - r0) / wall).toFixed(2)),
              ferryLeaderRequestsPerS: Object.fromEntries(Object.entries(growth(m0, m1)).map(([k, v]) => [k, Number((v / wall).toFixed(2))])),
              lagMs: ferry ? { ...distribution([...found.values()].map(Math.round)), unseen: pending.size } : null,
              loadAverage: Number(loadavg()[0]!.toFixed(2)),
            };
            phases.push(phase);
            log(JSON.stringify(phase));
            if (ferry) await ferry.process.call("POST", `/_plugins/_replication/${followerIndex}/_stop`, {});
            await deleteIndex(pair.leader.url, leaderIndex);
            await os(pair.follower.url, "DELETE", `/${followerIndex}`);
          }
        } finally {
          await ferry?.process.stop();
        }
      }
    }
  } finally {
    writeFileSync(values.out, `${JSON.stringify({ ferry: source.label, rates, phaseSeconds, shards, heap: values.heap, phases }, null, 2)}\n`);
    source.remove();
    await stopPair(pair);
  }
}

await main();
