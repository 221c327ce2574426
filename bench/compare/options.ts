// Flags of `npm run bench` (bench/compare/main.ts). Defaults are issue 22's sizes (200,000-operation
// backlogs, 1 M bootstrap documents, both cluster shapes, 3 runs); `--quick` shrinks every size to prove
// the benchmark end to end in minutes. A flag given beside `--quick` wins over its quick size.
import { parseArgs } from "node:util";

export const WORKLOADS = ["catch-up", "steady", "leader-cost", "bootstrap"] as const;
export type Workload = (typeof WORKLOADS)[number];

export const SHAPES = ["single", "production"] as const;
export type ShapeName = (typeof SHAPES)[number];

export interface Options {
  workloads: Workload[];
  /** Cluster shapes to run, each on its own clusters (bench/compare/shape.ts). */
  shapes: ShapeName[];
  quick: boolean;
  runs: number;
  catchUpDocs: number;
  /** Catch-up backlogs to run: insert-only, and 60 % inserts / 30 % updates / 10 % deletes. */
  catchUpModes: Array<"insert" | "mixed">;
  rates: number[];
  rateSeconds: number;
  /** Share of the steady-state writes that delete an earlier document. */
  deleteShare: number;
  leaderCostDocs: number;
  bootstrapDocs: number;
  shards: number;
  /** Heap of each OpenSearch node. */
  heap: string;
  /** Git ref of ferry to run (exported to a clean folder), "worktree" for the sources as they are, or
   * "dir:PATH" for a ferry tree elsewhere; always built (`npm run build`) and run as the release. */
  ferryRef: string;
  /** V8 tick logs of ferry's process, main thread and workers (`node --prof`), kept in the results folder. */
  prof: boolean;
  /** FERRY_SETTINGS of ferry's process (JSON), for trying a setting; default none. */
  ferrySettings: string | undefined;
  outDir: string;
}

/** The sizes that `--quick` changes, full and quick. */
const SIZES = {
  runs: ["3", "1"],
  "catch-up-docs": ["200000", "10000"],
  "rate-seconds": ["12", "6"],
  "leader-cost-docs": ["150000", "20000"],
  "bootstrap-docs": ["1000000", "20000"],
  heap: ["1g", "512m"],
} as const;

const HELP = `npm run bench [-- flags]
  --shape LIST            single,production (both): single = one-node leader and follower, 0 replicas;
                          production = two-node leader and follower, 1 replica per shard
  --workloads LIST        ${WORKLOADS.join(",")} (all)
  --quick                 small sizes to prove the benchmark end to end (quick values in brackets)
  --runs N                runs of each workload, medians over them (3) [1]
  --catch-up-docs N       backlog operations (200000) [10000]
  --catch-up-modes LIST   insert,mixed (both)
  --rates LIST            steady-state leader rates in docs/s (500,2000,8000)
  --rate-seconds S        seconds at each rate (12) [6]
  --delete-share F        share of steady-state writes that are deletes (0.1)
  --leader-cost-docs N    documents the leader indexes at full speed (150000) [20000]
  --bootstrap-docs N      leader documents bootstrapped (1000000) [20000]
  --shards N              primary shards of every index (3)
  --heap SIZE             heap of each OpenSearch node (1g) [512m]
  --ferry-ref REF         ferry commit to run, "worktree" for the working tree, or dir:PATH for
                          another ferry tree (HEAD); built with npm run build, run as node dist/api/main.js
  --ferry-settings JSON   FERRY_SETTINGS for ferry's process, e.g. '{"ferry.pool.max_threads":1}'
  --prof                  V8 tick logs of ferry (main thread and workers) into the results folder;
                          read them with node --prof-process
  --out DIR               results folder (bench/results)
Env: FERRY_BENCH_PLUGIN_ZIP=<official plugin zip> instead of building it from source.`;

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

function share(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new Error(`--delete-share must be in [0, 1), got ${value}`);
  return n;
}

function oneOf<T extends string>(flag: string, values: string[], allowed: readonly T[]): T[] {
  for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${flag}: unknown ${v}; one of ${allowed.join(", ")}`);
  if (!values.length) throw new Error(`--${flag} names none of ${allowed.join(", ")}`);
  return values as T[];
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      shape: { type: "string", default: SHAPES.join(",") },
      workloads: { type: "string", default: WORKLOADS.join(",") },
      quick: { type: "boolean", default: false },
      runs: { type: "string" },
      "catch-up-docs": { type: "string" },
      "catch-up-modes": { type: "string", default: "insert,mixed" },
      rates: { type: "string", default: "500,2000,8000" },
      "rate-seconds": { type: "string" },
      "delete-share": { type: "string", default: "0.1" },
      "leader-cost-docs": { type: "string" },
      "bootstrap-docs": { type: "string" },
      shards: { type: "string", default: "3" },
      heap: { type: "string" },
      "ferry-ref": { type: "string", default: "HEAD" },
      prof: { type: "boolean", default: false },
      "ferry-settings": { type: "string" },
      out: { type: "string", default: "bench/results" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const size = (flag: keyof typeof SIZES): string => values[flag] ?? SIZES[flag][values.quick ? 1 : 0];
  return {
    workloads: oneOf("workloads", list(values.workloads), WORKLOADS),
    shapes: oneOf("shape", list(values.shape), SHAPES),
    quick: values.quick,
    runs: positive("runs", size("runs")),
    catchUpDocs: positive("catch-up-docs", size("catch-up-docs")),
    catchUpModes: oneOf("catch-up-modes", list(values["catch-up-modes"]), ["insert", "mixed"] as const),
    rates: list(values.rates).map((r) => positive("rates", r)),
    rateSeconds: positive("rate-seconds", size("rate-seconds")),
    deleteShare: share(values["delete-share"]),
    leaderCostDocs: positive("leader-cost-docs", size("leader-cost-docs")),
    bootstrapDocs: positive("bootstrap-docs", size("bootstrap-docs")),
    shards: positive("shards", values.shards),
    heap: size("heap"),
    ferryRef: values["ferry-ref"],
    prof: values.prof,
    ferrySettings: values["ferry-settings"],
    outDir: values.out,
  };
}
