// What the fault tests write to the leader while they break things, and how they check the result.
import { bulk, documents, mismatches, type Mismatches, type Op } from "../support/documents.ts";
import { random } from "../support/seeded-random.ts";

export const LONG = process.env.FERRY_FAULTS_LONG === "1";

/** The seed of this run: FERRY_FAULTS_SEED replays one. */
export const SEED = Number(process.env.FERRY_FAULTS_SEED) || Date.now() % 1_000_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface IndexModel {
  next: number;
  live: Map<number, number>;
  deleted: number[];
}

/**
 * Creates, updates, deletes and re-creates documents on leader indices in small bulks until stopped.
 * Three ids in four have a custom routing, fixed per id (another routing would be another document).
 */
export class Workload {
  operations = 0;
  private readonly indices = new Map<string, IndexModel>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly rand: () => number;

  constructor(private readonly leader: string, seed: number, private readonly pauseMs = 150) {
    this.rand = random(seed);
  }

  /** A new index for the workload, holding `count` documents when this resolves. */
  async add(index: string, count: number): Promise<void> {
    const model: IndexModel = { next: 0, live: new Map(), deleted: [] };
    this.indices.set(index, model);
    const ops = Array.from({ length: count }, () => this.create(model));
    await bulk(this.leader, index, ops);
    this.operations += ops.length;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Waits for the bulk in flight; the leader then holds everything the workload sent. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = undefined;
  }

  /** `count` deletes on `index` in one bulk: work for the delete sweeps. */
  async deleteBurst(index: string, count: number): Promise<void> {
    const model = this.indices.get(index)!;
    const ops = Array.from({ length: Math.min(count, model.live.size) }, () => this.remove(model)).filter((o): o is Op => o !== undefined);
    await bulk(this.leader, index, ops);
    this.operations += ops.length;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const names = [...this.indices.keys()];
      const index = names[Math.floor(this.rand() * names.length)]!;
      const model = this.indices.get(index)!;
      const ops: Op[] = [];
      for (let i = 20 + Math.floor(this.rand() * 80); i > 0; i--) {
        const roll = this.rand();
        const op = roll < 0.35 ? this.create(model)
          : roll < 0.65 ? this.update(model)
          : roll < 0.85 ? this.remove(model)
          : this.recreate(model);
        if (op) ops.push(op);
      }
      await bulk(this.leader, index, ops);
      this.operations += ops.length;
      await sleep(this.pauseMs);
    }
  }

  private doc(model: IndexModel, n: number, tag: string): Op {
    const version = (model.live.get(n) ?? 0) + 1;
    model.live.set(n, version);
    return { op: "index", id: `d${n}`, routing: routingOf(n), source: { n, version, tag, at: this.operations } };
  }

  private create(model: IndexModel): Op {
    return this.doc(model, model.next++, "created");
  }

  private update(model: IndexModel): Op | undefined {
    const n = this.pick(model);
    return n === undefined ? undefined : this.doc(model, n, "updated");
  }

  private remove(model: IndexModel): Op | undefined {
    const n = this.pick(model);
    if (n === undefined) return undefined;
    model.live.delete(n);
    model.deleted.push(n);
    return { op: "delete", id: `d${n}`, routing: routingOf(n) };
  }

  private recreate(model: IndexModel): Op | undefined {
    if (model.deleted.length === 0) return undefined;
    const [n] = model.deleted.splice(Math.floor(this.rand() * model.deleted.length), 1);
    return this.doc(model, n!, "re-created");
  }

  private pick(model: IndexModel): number | undefined {
    if (model.live.size === 0) return undefined;
    // Recent ids mostly: they are the ones a crash or a fault is most likely to catch in flight.
    const ids = [...model.live.keys()];
    const from = this.rand() < 0.7 ? Math.max(0, ids.length - 200) : 0;
    return ids[from + Math.floor(this.rand() * (ids.length - from))];
  }
}

function routingOf(n: number): string | undefined {
  return n % 4 === 0 ? undefined : `tenant-${n % 7}`;
}

export interface Pair {
  leaderIndex: string;
  followerIndex: string;
}

/** Polls until every follower index holds exactly its leader's documents (or the time is up), and
 * returns the differences that remain, summed over the pairs. */
export async function converged(leader: string, follower: string, pairs: Pair[], timeoutMs: number): Promise<Mismatches> {
  const deadline = Date.now() + timeoutMs;
  const total: Mismatches = { compared: 0, lost: 0, extra: 0, stale: 0, examples: [] };
  for (const pair of pairs) {
    const leaderDocs = await documents(leader, pair.leaderIndex);
    let result: Mismatches;
    for (;;) {
      const missing = (await fetch(`${follower}/${pair.followerIndex}`, { method: "HEAD" })).status === 404;
      result = missing
        ? { compared: leaderDocs.size, lost: leaderDocs.size, extra: 0, stale: 0, examples: [`no follower index ${pair.followerIndex}`] }
        : mismatches(leaderDocs, await documents(follower, pair.followerIndex));
      if (result.lost + result.extra + result.stale === 0 || Date.now() > deadline) break;
      await sleep(500);
    }
    total.compared += result.compared;
    total.lost += result.lost;
    total.extra += result.extra;
    total.stale += result.stale;
    total.examples.push(...result.examples.map((e) => `${pair.followerIndex}: ${e}`));
  }
  return total;
}

/** One line the suite prints per scenario, and that .ci/run's log keeps. */
export function report(scenario: string, counts: Record<string, number | string>): void {
  console.log(`[faults] ${scenario}: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(" ")}`);
}
