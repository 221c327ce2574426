// Flags of `npm run bench` (bench/compare/main.ts). Defaults are sized to finish in under 15 minutes on
// a busy 2-core machine; the full sizes (1 M bootstrap documents) are flags.
import { parseArgs } from "node:util";

export const WORKLOADS = ["catch-up", "steady", "leader-cost", "bootstrap"] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface Options {
  workloads: Workload[];
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
  /** Heap of each OpenSearch node (up.sh's PEER_HEAP). */
  heap: string;
  /** Git ref of ferry to run (exported to a clean folder), "worktree" for the sources as they are, or
   * "dir:PATH" for a ferry tree elsewhere. */
  ferryRef: string;
  /** V8 tick logs of ferry's process, main thread and workers (`node --prof`), kept in the results folder. */
  prof: boolean;
  /** FERRY_SETTINGS of ferry's process (JSON), for trying a setting; default none. */
  ferrySettings: string | undefined;
  outDir: string;
}

const HELP = `npm run bench [-- flags]
  --workloads LIST        ${WORKLOADS.join(",")} (all)
  --runs N                runs of each workload, medians over them (3)
  --catch-up-docs N       backlog operations (40000; the issue asks 200000)
  --catch-up-modes LIST   insert,mixed (both)
  --rates LIST            steady-state leader rates in docs/s (500,2000,8000)
  --rate-seconds S        seconds at each rate (12)
  --delete-share F        share of steady-state writes that are deletes (0.1)
  --leader-cost-docs N    documents the leader indexes at full speed (150000)
  --bootstrap-docs N      leader documents bootstrapped (100000; the issue asks 1000000)
  --shards N              primary shards of every index (3)
  --heap SIZE             heap of each OpenSearch node (1g)
  --ferry-ref REF         ferry commit to run, "worktree" for the working tree, or dir:PATH for
                          another ferry tree (HEAD)
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

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      workloads: { type: "string", default: WORKLOADS.join(",") },
      runs: { type: "string", default: "3" },
      "catch-up-docs": { type: "string", default: "40000" },
      "catch-up-modes": { type: "string", default: "insert,mixed" },
      rates: { type: "string", default: "500,2000,8000" },
      "rate-seconds": { type: "string", default: "12" },
      "delete-share": { type: "string", default: "0.1" },
      "leader-cost-docs": { type: "string", default: "150000" },
      "bootstrap-docs": { type: "string", default: "100000" },
      shards: { type: "string", default: "3" },
      heap: { type: "string", default: "1g" },
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
  const workloads = list(values.workloads);
  for (const w of workloads) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}; one of ${WORKLOADS.join(", ")}`);
  const modes = list(values["catch-up-modes"]);
  for (const m of modes) if (m !== "insert" && m !== "mixed") throw new Error(`unknown catch-up mode ${m}; insert or mixed`);
  return {
    workloads: workloads as Workload[],
    runs: positive("runs", values.runs),
    catchUpDocs: positive("catch-up-docs", values["catch-up-docs"]),
    catchUpModes: modes as Array<"insert" | "mixed">,
    rates: list(values.rates).map((r) => positive("rates", r)),
    rateSeconds: positive("rate-seconds", values["rate-seconds"]),
    deleteShare: share(values["delete-share"]),
    leaderCostDocs: positive("leader-cost-docs", values["leader-cost-docs"]),
    bootstrapDocs: positive("bootstrap-docs", values["bootstrap-docs"]),
    shards: positive("shards", values.shards),
    heap: values.heap,
    ferryRef: values["ferry-ref"],
    prof: values.prof,
    ferrySettings: values["ferry-settings"],
    outDir: values.out,
  };
}
