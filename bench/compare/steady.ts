// Workload 2, steady state: the leader takes writes at fixed rates (inserts, and by default 10 % deletes of
// earlier documents) with no replication, with the plugin and with ferry. For the two replicators, the
// lag of a sample of writes is the time from the leader's acknowledgement until a realtime multi-get on
// the follower finds an insert, or no longer finds a delete, polled every 50 ms. Deletes are sampled only
// for documents already seen on the follower, so that "gone" means replicated. The run with no
// replication is the baseline of the leader's CPU and refreshes at the same rate.
import { bulk, os, type Op } from "../../test/support/documents.ts";
import { random } from "../../test/support/seeded-random.ts";
import { document } from "./corpus.ts";
import { cpuMeter, createIndex, log, rotate, seconds, sleep, type Context } from "./context.ts";
import type { Sample } from "../../test/support/prometheus-text.ts";
import { byLabel, growth } from "./ferry-runner.ts";
import { ThreadSampler } from "./procfs.ts";
import type { System } from "./replicators.ts";

export type SteadySystem = System | "none";
import { distribution, type Distribution } from "./stats.ts";

const TICK_MS = 100;
const POLL_MS = 50;
/** How long, after the writes of a rate stop, samples may still arrive before they count as unseen. */
const DRAIN_MS = 30_000;
/** Every tenth delete is sampled (when a seen sample is there to delete). */
const DELETE_SAMPLE_EVERY = 10;

export interface LagSample {
  kind: "insert" | "delete";
  rate: number;
  /** Seconds since the writes at this rate started, at the leader's acknowledgement. */
  at: number;
  /** Null: not seen within DRAIN_MS after the writes stopped. */
  lagMs: number | null;
}

export interface SteadyPhase {
  rate: number;
  achievedRate: number;
  inserts: Distribution & { unseen: number };
  deletes: Distribution & { unseen: number };
  /** CPU seconds per wall second (1 = one core) of each process (a cluster's JVMs summed) and of the whole
   * machine (`machine`), while the leader took the writes of this rate. */
  cpuCores: Record<string, number>;
  /** ferry's CPU seconds per 100,000 documents written at this rate (its polling included). */
  ferryCpuPer100k: number;
  ferryLeaderRequestsPerS: Record<string, number>;
  ferryFollowerRequestsPerS: Record<string, number>;
  /** ferry's polls of the leader per second and their mean duration (ferry_leader_poll_duration_seconds). */
  ferryPollsPerS: number;
  ferryPollMeanMs: number;
  /** Threads ferry's process started per second, the CPU (cores) of those that also ended, and
   * CPU (cores) by thread name. */
  ferryThreadsPerS: number;
  ferryEndedThreadsCores: number;
  ferryCoresByThread: Record<string, number>;
  /** Refreshes of the leader index's primaries per second (its own every second, and forced ones; the
   * `_stats` refresh total over the writes and the drain), the same per index (divided by the shards),
   * and its segments at the end of the phase. */
  leaderRefreshesPerS: number;
  leaderIndexRefreshesPerS: number;
  leaderSegments: number;
}

export interface SteadyRun {
  run: number;
  system: SteadySystem;
  phases: SteadyPhase[];
  /** The plugin's fixed 10 s waits (its follower's log) during this run of every rate, by the failure
   * that preceded each; for every system, as the plugin's other followers are gone by then. */
  pluginRetries: Record<string, number>;
  samples: LagSample[];
}

interface Pending {
  kind: "insert" | "delete";
  rate: number;
  ackAt: number;
  phaseStart: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Polls the follower for the pending samples and records their lag. */
class Watcher {
  readonly pending = new Map<string, Pending>();
  readonly samples: LagSample[] = [];
  /** Sampled inserts seen on the follower and not deleted yet: what a sampled delete may target. */
  readonly confirmed: string[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly follower: string, private readonly index: string) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      if (this.pending.size) await this.poll();
      await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
    }
  }

  private async poll(): Promise<void> {
    const ids = [...this.pending.keys()].slice(0, 2000);
    const res = await os(this.follower, "POST", `/${this.index}/_mget?_source=false`, { ids });
    const now = performance.now();
    for (const doc of (res?.docs ?? []) as Array<{ _id: string; found?: boolean }>) {
      const p = this.pending.get(doc._id);
      if (!p || (p.kind === "insert") !== (doc.found === true)) continue;
      this.pending.delete(doc._id);
      this.samples.push({ kind: p.kind, rate: p.rate, at: round3((p.ackAt - p.phaseStart) / 1000), lagMs: Math.round(now - p.ackAt) });
      if (p.kind === "insert") this.confirmed.push(doc._id);
    }
  }

  /** Waits until no sample of `rate` is pending, or DRAIN_MS; what is left counts as unseen. */
  async drain(rate: number): Promise<void> {
    const deadline = performance.now() + DRAIN_MS;
    const left = () => [...this.pending].filter(([, p]) => p.rate === rate);
    while (left().length && performance.now() < deadline) await sleep(POLL_MS);
    for (const [id, p] of left()) {
      this.pending.delete(id);
      this.samples.push({ kind: p.kind, rate, at: round3((p.ackAt - p.phaseStart) / 1000), lagMs: null });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** Writes of one run: ids, live documents that unsampled deletes may target. */
interface Writer {
  next: number;
  live: string[];
  deletes: number;
  rnd: () => number;
}

/** Writes at `rate` for `durationS`: every tick the operations due so far, as one `_bulk`. */
async function ingest(leader: string, index: string, rate: number, durationS: number, deleteShare: number, watcher: Watcher | undefined, w: Writer): Promise<number> {
  const sampleEvery = Math.max(50, Math.ceil(rate / 40));
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < durationS * 1000) {
    const tick = performance.now();
    const due = Math.min(rate, Math.floor((rate * (tick - start)) / 1000) - sent);
    if (due > 0) {
      const ops: Op[] = [];
      const sampled: Array<{ id: string; kind: "insert" | "delete" }> = [];
      for (let k = 0; k < due; k++) {
        if (w.rnd() < deleteShare && w.live.length > 0) {
          w.deletes++;
          const target = watcher && w.deletes % DELETE_SAMPLE_EVERY === 0 ? watcher.confirmed.shift() : undefined;
          if (target) sampled.push({ id: target, kind: "delete" });
          const at = Math.floor(w.rnd() * w.live.length);
          const id = target ?? w.live[at]!;
          if (!target) w.live[at] = w.live.pop()!;
          ops.push({ op: "delete", id });
        } else {
          const n = w.next++;
          const id = `s${n}`;
          if (watcher && n % sampleEvery === 0) {
            sampled.push({ id, kind: "insert" });
            ops.push({ op: "index", id, source: document(n, 1, { written_at: Date.now() }) });
          } else {
            w.live.push(id);
            ops.push({ op: "index", id, source: document(n, 1) });
          }
        }
      }
      await bulk(leader, index, ops);
      const ackAt = performance.now();
      for (const s of sampled) watcher?.pending.set(s.id, { kind: s.kind, rate, ackAt, phaseStart: start });
      sent += due;
    }
    await sleep(Math.max(0, TICK_MS - (performance.now() - tick)));
  }
  return sent / seconds(start, performance.now());
}

function polls(before: Sample[], after: Sample[], wall: number): { ferryPollsPerS: number; ferryPollMeanMs: number } {
  const total = (samples: Sample[], name: string) => samples.filter((s) => s.name === name).reduce((acc, s) => acc + s.value, 0);
  const count = total(after, "ferry_leader_poll_duration_seconds_count") - total(before, "ferry_leader_poll_duration_seconds_count");
  const sum = total(after, "ferry_leader_poll_duration_seconds_sum") - total(before, "ferry_leader_poll_duration_seconds_sum");
  return { ferryPollsPerS: Number((count / wall).toFixed(2)), ferryPollMeanMs: count ? Number(((sum * 1000) / count).toFixed(1)) : NaN };
}

/** Refresh and segment counts of the index's primaries. */
async function refreshStats(url: string, index: string): Promise<{ refreshes: number; segments: number }> {
  const res = await os(url, "GET", `/${index}/_stats/refresh,segments`);
  const primaries = res.indices[index].primaries;
  return { refreshes: primaries.refresh.total, segments: primaries.segments.count };
}

const lags = (samples: LagSample[], kind: "insert" | "delete") => {
  const of = samples.filter((s) => s.kind === kind);
  const seen = of.flatMap((s) => (s.lagMs === null ? [] : [s.lagMs]));
  return { ...distribution(seen), unseen: of.length - seen.length };
};

export async function steady(ctx: Context, run: number): Promise<SteadyRun[]> {
  const { pair, options, replicators } = ctx;
  const out: SteadyRun[] = [];
  for (const system of rotate<SteadySystem>(["none", "plugin", "ferry"], run)) {
    const leaderIndex = `ss-${run}-${system}`;
    const followerIndex = `${leaderIndex}-f`;
    await createIndex(pair.leader, leaderIndex, options.shards, pair.shape.replicas);
    if (system !== "none") {
      await replicators[system].start(leaderIndex, followerIndex);
      await replicators[system].syncing(followerIndex);
    }
    // Bootstrap leftovers (a first metadata sync, a snapshot deletion) settle before the first rate.
    await sleep(2_000);
    const watcher = system === "none" ? undefined : new Watcher(pair.follower, followerIndex);
    const retries0 = pair.pluginRetries();
    const writer: Writer = { next: 0, live: [], deletes: 0, rnd: random(1000 + run) };
    const phases: SteadyPhase[] = [];
    try {
      for (const rate of options.rates) {
        const meter = cpuMeter(ctx);
        const threads = new ThreadSampler(ctx.ferry.process.pid);
        const m0 = await ctx.ferry.metrics();
        const r0 = await refreshStats(pair.leader, leaderIndex);
        const p0 = performance.now();
        const achievedRate = await ingest(pair.leader, leaderIndex, rate, options.rateSeconds, options.deleteShare, watcher, writer);
        // CPU while the writes go on: the steady state, comparable across systems (no drain in it).
        const writing = seconds(p0, performance.now());
        const cpu = meter.diff();
        await watcher?.drain(rate);
        const wall = seconds(p0, performance.now());
        const threadReport = threads.stop();
        const m1 = await ctx.ferry.metrics();
        const r1 = await refreshStats(pair.leader, leaderIndex);
        const perS = (name: string) => Object.fromEntries(Object.entries(growth(byLabel(m0, name, "kind"), byLabel(m1, name, "kind"))).map(([k, v]) => [k, Number((v / wall).toFixed(2))]));
        const rateSamples = watcher?.samples.filter((s) => s.rate === rate) ?? [];
        const refreshesPerS = (r1.refreshes - r0.refreshes) / wall;
        const phase: SteadyPhase = {
          rate, achievedRate,
          inserts: lags(rateSamples, "insert"), deletes: lags(rateSamples, "delete"),
          cpuCores: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number((v / writing).toFixed(3))])),
          ferryCpuPer100k: Number((((cpu.ferry ?? 0) * 100_000) / (achievedRate * writing)).toFixed(2)),
          ferryLeaderRequestsPerS: perS("ferry_leader_requests_total"),
          ferryFollowerRequestsPerS: perS("ferry_follower_requests_total"),
          ...polls(m0, m1, wall),
          ferryThreadsPerS: Number((threadReport.created / wall).toFixed(2)),
          ferryEndedThreadsCores: Number((threadReport.endedCpu / wall).toFixed(3)),
          leaderRefreshesPerS: Number(refreshesPerS.toFixed(2)),
          leaderIndexRefreshesPerS: Number((refreshesPerS / options.shards).toFixed(2)),
          leaderSegments: r1.segments,
          ferryCoresByThread: Object.fromEntries(Object.entries(threadReport.cpuByName).filter(([, v]) => v > 0).map(([k, v]) => [k, Number((v / wall).toFixed(3))])),
        };
        phases.push(phase);
        log(`steady run ${run + 1} ${system} ${rate}/s (achieved ${achievedRate.toFixed(0)}): leader ${phase.cpuCores.leader} cores, ${phase.leaderIndexRefreshesPerS} refreshes/s per index` +
          (watcher ? `; insert lag p50 ${phase.inserts.p50.toFixed(0)} p99 ${phase.inserts.p99.toFixed(0)} max ${phase.inserts.max.toFixed(0)} ms (${phase.inserts.unseen} unseen), delete p99 ${phase.deletes.p99.toFixed(0)} ms` : ""));
      }
    } finally {
      await watcher?.stop();
    }
    out.push({ run, system, phases, pluginRetries: growth(retries0, pair.pluginRetries()), samples: watcher?.samples ?? [] });
    if (system !== "none") await replicators[system].remove(followerIndex);
    await os(pair.leader, "DELETE", `/${leaderIndex}`);
  }
  return out;
}
